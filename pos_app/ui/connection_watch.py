"""Polls the connection monitor off the UI thread on a timer and reports each status on the UI
thread, so the status bar says "offline" before the cashier scans."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from pos_app.core.connectivity import ConnectivityMonitor, Link, Status

from .common.worker import run_in_background


class ConnectionWatch(QObject):
    """`status(Status)` after every poll and every change seen on a real call; `came_back()` when
    the link returns to online after being degraded or offline (time to settle open sales)."""

    status = Signal(object)
    came_back = Signal()
    _heard = Signal(object)  # from whichever thread made the call; queued to the UI thread

    def __init__(self, monitor: ConnectivityMonitor, interval_ms: int = 2000, parent: QObject | None = None):
        super().__init__(parent)
        self._monitor = monitor
        self._polling = False  # one probe in flight at a time: a dead link must not pile them up
        self._last = monitor.status.link
        self._timer = QTimer(self, interval=interval_ms)
        self._timer.timeout.connect(self.poll)
        self._heard.connect(self._report)
        monitor.subscribe(self._heard.emit)

    def start(self) -> None:
        self._timer.start()
        self.poll()

    def stop(self) -> None:
        self._timer.stop()

    def poll(self) -> None:
        if self._polling:
            return
        self._polling = True
        run_in_background(self._monitor.poll, on_done=self._polled, on_failed=self._poll_failed)

    def _polled(self, status: Status) -> None:
        self._polling = False
        self._report(status)

    def _poll_failed(self, _error: BaseException) -> None:
        # A probe that raised something unforeseen says nothing about the link; try next tick.
        self._polling = False

    def _report(self, status: Status) -> None:
        was, self._last = self._last, status.link
        self.status.emit(status)
        if status.link is Link.ONLINE and was in (Link.OFFLINE, Link.DEGRADED):
            self.came_back.emit()
