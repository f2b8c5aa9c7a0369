"""What the day screen does: fetch a business day's summary, and write its CSV (the summary plus
every transaction of the day, paged with the keyset) off the UI thread."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal

from pos_app.core.day import business_day
from pos_app.core.day.csv_export import csv_bytes
from pos_app.core.day.report import DayReport, from_summary
from pos_app.core.day.transactions import fetch_all

from ..common.background import BackgroundController
from ..i18n import Language
from .failures import day_failure, export_failure


class DayController(BackgroundController):
    loaded = Signal(object)  # day_report.DayReport
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

    def load(self, day: date) -> None:
        def failed(error: BaseException) -> None:
            self.report = None
            today = business_day.today(self.timezone, self._now())
            self.load_failed.emit(lambda lang: day_failure(error, lang, day, today))
        self._run(lambda: from_summary(self.api.daily_summary(day)), self._loaded, failed)

    def _loaded(self, report: DayReport) -> None:
        self.report = report
        self.loaded.emit(report)

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
