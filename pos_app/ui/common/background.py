"""The base of the manager view's controllers: run a call in the background, say `busy` while
it runs, and hand its result to a callback on the UI thread, unless the controller is gone
by then (the view closed on sign-out while a request was in flight)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from shiboken6 import Shiboken

from .worker import run_in_background


class BackgroundController(QObject):
    busy_changed = Signal(bool)

    def _run(self, fn: Callable[[], Any], on_done: Callable[[Any], None],
             on_failed: Callable[[BaseException], None]) -> None:
        self.busy_changed.emit(True)

        def done(result: Any) -> None:
            if Shiboken.isValid(self):
                self.busy_changed.emit(False)
                on_done(result)

        def failed(error: BaseException) -> None:
            if Shiboken.isValid(self):
                self.busy_changed.emit(False)
                on_failed(error)
        run_in_background(fn, on_done=done, on_failed=failed)
