"""What the shifts screen does: list the shifts that ran in a period of local days (of one
terminal, or all), and read one shift afresh (an open shift's X read-out is its figures now),
in the background. A cashier's client gets only their own shifts: the server decides."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Signal

from pos_app.core.api.shifts import Shift
from pos_app.core.day import business_day

from ..common.background import BackgroundController
from ..i18n import Language
from .failures import read_failure

LIMIT = 500  # the most merchant_list_shifts answers at once


class ShiftController(BackgroundController):
    listed = Signal(list)  # Shift objects, newest opening first
    list_failed = Signal(object)  # failures.Say
    read = Signal(object)  # Shift: one shift read afresh
    read_failed = Signal(object)  # failures.Say

    def __init__(self, api: Any, language: Language, timezone: str, parent=None):
        super().__init__(parent)
        self.api = api
        self.language = language
        self.timezone = timezone
        self.shifts: list[Shift] = []
        self.terminals: dict[str, str] = {}  # code -> name of every terminal seen in a list

    def list(self, first: date, last: date, terminal_code: str | None = None) -> None:
        """The shifts open at some moment of the local days `first` to `last` (both included):
        those opened then, and those opened before and still running into them."""
        since, until = business_day.period(first, last, self.timezone)
        self._run(lambda: self.api.list_shifts(since=since, until=until, terminal_code=terminal_code, limit=LIMIT),
                  self._listed, lambda e: self.list_failed.emit(lambda lang: read_failure(e, lang)))

    def _listed(self, shifts: list) -> None:
        self.shifts = list(shifts)
        for s in self.shifts:
            self.terminals[s.terminal_code] = s.terminal_name
        self.listed.emit(self.shifts)

    def read_shift(self, shift_id: str) -> None:
        self._run(lambda: self.api.get_shift(shift_id), self.read.emit,
                  lambda e: self.read_failed.emit(lambda lang: read_failure(e, lang)))
