"""When nobody has touched the counter for a while: an application-wide event filter that
restarts a timer on every key, click, wheel or touch in the app, and says `idle` when it runs
out. A sale in flight (`busy()`) or an open dialog is not idle: the lock waits for them."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

_INPUT = frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick,
                    QEvent.Type.MouseMove, QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate})
_RECHECK_MS = 1000  # while busy: look again this often


class IdleWatch(QObject):
    idle = Signal()

    def __init__(self, seconds: int, busy: Callable[[], bool] = lambda: False, parent: QObject | None = None):
        super().__init__(parent)
        self._busy = busy
        self._timer = QTimer(self, singleShot=True)
        self._ms = max(1, seconds) * 1000
        self._timer.timeout.connect(self._ran_out)
        self._enabled = seconds > 0
        self._installed = False

    def start(self) -> None:
        """Watch from now (after an unlock, a sign-in)."""
        if not self._enabled:
            return
        if not self._installed:
            QApplication.instance().installEventFilter(self)
            self._installed = True
        self._timer.start(self._ms)

    def stop(self) -> None:
        """Locked or gone: no more timing until `start`."""
        self._timer.stop()
        if self._installed:
            QApplication.instance().removeEventFilter(self)
            self._installed = False

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in _INPUT and self._timer.isActive():
            self._timer.start(self._ms)
        return False

    def _ran_out(self) -> None:
        if self._busy() or QApplication.activeModalWidget() is not None:
            self._timer.start(_RECHECK_MS)
            return
        self.idle.emit()
