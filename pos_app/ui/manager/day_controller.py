"""What the day screen does: fetch a business day's summary and the cash of the shifts opened
that day, and write its CSV (the summary plus every transaction of the day, paged with the
keyset) off the UI thread. The cash is read after the summary in the same job; when it cannot be
read the day's card figures still show, and the cash says why it is missing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal

from pos_app.core.day import business_day
from pos_app.core.day.csv_export import csv_bytes
from pos_app.core.day.report import DayReport, from_summary
from pos_app.core.day.shift_cash import DayCash, TooManyShifts, day_cash, fetch_day_shifts
from pos_app.core.day.transactions import fetch_all

from ..common.background import BackgroundController
from ..i18n import Language
from .failures import day_failure, export_failure, read_failure


class DayController(BackgroundController):
    loaded = Signal(object)  # day_report.DayReport
    cash_loaded = Signal(object)  # shift_cash.DayCash of the day just loaded
    cash_failed = Signal(object)  # failures.Say: the day's figures are shown, its cash could not be read
    load_failed = Signal(object)  # failures.Say: the chosen day could not be read (no figures shown)
    failed = Signal(object)  # failures.Say: the CSV could not be made
    exported = Signal(str, int)  # path, number of transactions

    def __init__(self, api: Any, language: Language, timezone: str = "UTC",
                 now: Callable[[], datetime] | None = None, parent=None):
        super().__init__(parent)
        self.api = api
        self.language = language
        self.timezone = timezone
        self._now = now or (lambda: datetime.now(UTC))
        self.report: DayReport | None = None
        self.cash: DayCash | None = None

    def load(self, day: date) -> None:
        def failed(error: BaseException) -> None:
            self.report, self.cash = None, None
            today = business_day.today(self.timezone, self._now())
            self.load_failed.emit(lambda lang: day_failure(error, lang, day, today))

        def work() -> tuple[DayReport, DayCash | BaseException]:
            report = from_summary(self.api.daily_summary(day))
            try:
                cash: DayCash | BaseException = day_cash(fetch_day_shifts(self.api, report.day, report.timezone))
            except Exception as e:  # noqa: BLE001 - said beside the day's figures, which stand
                cash = e
            return report, cash
        self._run(work, self._loaded, failed)

    def _loaded(self, got: tuple[DayReport, DayCash | BaseException]) -> None:
        report, cash = got
        self.report = report
        self.cash = cash if isinstance(cash, DayCash) else None
        self.loaded.emit(report)
        if isinstance(cash, DayCash):
            self.cash_loaded.emit(cash)
        elif isinstance(cash, TooManyShifts):
            self.cash_failed.emit(lambda lang: self.language.t("mgr.day_cash_too_many"))
        else:
            self.cash_failed.emit(lambda lang: read_failure(cash, lang))

    def export_csv(self, path: str | Path) -> None:
        """Write the shown day's CSV to `path` (UTF-8 with BOM); `exported` when written."""
        report = self.report
        if report is None:
            return
        target = Path(path)

        def work() -> tuple[str, int]:
            rows = fetch_all(self.api, report.period_start, report.period_end)
            target.write_bytes(csv_bytes(report, rows))
            return str(target), len(rows)
        self._run(work, lambda got: self.exported.emit(*got),
                  lambda e: self.failed.emit(lambda lang: export_failure(e, lang, str(target))))
