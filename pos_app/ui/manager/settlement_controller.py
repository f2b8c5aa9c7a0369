"""What the settlement screen does: list the merchant's settlements and generate one for a
period of whole local days, in the background. The server decides what may be settled (a
period still running, or overlapping another, is refused with its own words)."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Signal

from pos_app.core import business_day

from ..i18n import Language
from .background import BackgroundController
from .failures import failure_words


class SettlementController(BackgroundController):
    listed = Signal(list)  # settlement objects, newest period first
    generated = Signal(dict)  # the settlement, with `replayed`
    failed = Signal(str)  # words

    def __init__(self, api: Any, language: Language, timezone: str, parent=None):
        super().__init__(parent)
        self.api = api
        self.language = language
        self.timezone = timezone

    def _call(self, fn, on_done) -> None:
        self._run(fn, on_done, lambda e: self.failed.emit(failure_words(e, self.language)))

    def refresh(self, limit: int = 60) -> None:
        self._call(lambda: self.api.list_settlements(limit=limit), self.listed.emit)

    def generate(self, first: date, last: date) -> None:
        """Settle the local days `first` to `last`, both included; then list again."""
        try:
            start, end = business_day.period(first, last, self.timezone)
        except ValueError:
            self.failed.emit(self.language.t("mgr.bad_period"))
            return

        def done(settlement: dict) -> None:
            self.generated.emit(settlement)
            self.refresh()
        self._call(lambda: self.api.generate_settlement(start, end), done)
