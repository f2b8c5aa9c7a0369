"""What the day screen does: fetch a business day's summary, and write its CSV (the summary plus
every transaction of the day, paged with the keyset) off the UI thread."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal

from pos_app.core.day_csv import csv_bytes
from pos_app.core.day_report import DayReport, from_summary
from pos_app.core.day_transactions import fetch_all

from ..i18n import Language
from .background import BackgroundController
from .failures import failure_words


class DayController(BackgroundController):
    loaded = Signal(object)  # day_report.DayReport
    failed = Signal(str)  # words
    exported = Signal(str, int)  # path, number of transactions

    def __init__(self, api: Any, language: Language, parent=None):
        super().__init__(parent)
        self.api = api
        self.language = language
        self.report: DayReport | None = None

    def _call(self, fn, on_done) -> None:
        self._run(fn, on_done, lambda e: self.failed.emit(failure_words(e, self.language)))

    def load(self, day: date) -> None:
        self._call(lambda: from_summary(self.api.daily_summary(day)), self._loaded)

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
        self._call(work, lambda got: self.exported.emit(*got))
