"""What the settlement screen does: list the merchant's settlements and generate one for a
period of whole local days, in the background. The server decides what may be settled (a
period still running, or overlapping another, is refused); the screen says why in the
manager's words, naming the shop's days (`failures.settle_failure`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from PySide6.QtCore import Signal

from pos_app.core.day import business_day
from pos_app.core.messages import message_for

from ..common.background import BackgroundController
from ..i18n import Language
from .failures import read_failure, settle_failure


class SettlementController(BackgroundController):
    listed = Signal(list)  # settlement objects, newest period first
    list_failed = Signal(object)  # failures.Say: the list could not be read
    generated = Signal(dict)  # the settlement, with `replayed`
    failed = Signal(object)  # failures.Say: no settlement was generated

    def __init__(self, api: Any, language: Language, timezone: str,
                 now: Callable[[], datetime] | None = None, parent=None):
        super().__init__(parent)
        self.api = api
        self.language = language
        self.timezone = timezone
        self._now = now or (lambda: datetime.now(UTC))
        self.rows: list[dict] = []  # the settlements last listed

    def refresh(self, limit: int = 60) -> None:
        self._run(lambda: self.api.list_settlements(limit=limit), self._listed,
                  lambda e: self.list_failed.emit(lambda lang: read_failure(e, lang)))

    def _listed(self, rows: list) -> None:
        self.rows = list(rows)
        self.listed.emit(rows)

    def generate(self, first: date, last: date) -> None:
        """Settle the local days `first` to `last`, both included; then list again."""
        try:
            start, end = business_day.period(first, last, self.timezone)
        except ValueError:
            self.failed.emit(lambda lang: str(message_for("settle_bad_period", lang)))
            return

        def done(settlement: dict) -> None:
            self.generated.emit(settlement)
            self.refresh()

        def failed(error: BaseException) -> None:
            today = business_day.today(self.timezone, self._now())
            listed = list(self.rows)
            self.failed.emit(lambda lang: settle_failure(error, lang, start=start, end=end, today=today,
                                                         tz=self.timezone, listed=listed))
        self._run(lambda: self.api.generate_settlement(start, end), done, failed)
