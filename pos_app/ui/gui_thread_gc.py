"""Garbage collection on the GUI thread only.

Python collects reference cycles in whichever thread happens to allocate past the threshold:
a worker of the thread pool, the camera's scan loop, an HTTP library's thread. A cycle that
holds Qt objects (a widget and a lambda connected to it, say) is then finalised on that thread,
and Qt crashes. So automatic collection is switched off and a timer on the GUI thread collects
instead, generation by generation, as pyqtgraph's GarbageCollector does.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer


class GuiThreadGc(QObject):
    """Create on the GUI thread, after the QApplication; keep a reference while the app runs."""

    def __init__(self, interval_ms: int = 1000, parent: QObject | None = None):
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect)
        self._timer.start(interval_ms)

    def collect(self) -> None:
        """Collect what the automatic collector would have collected by now."""
        young, middle, old = gc.get_count()
        if young > self._thresholds[0]:
            gc.collect(0)
            if middle > self._thresholds[1]:
                gc.collect(1)
                if old > self._thresholds[2]:
                    gc.collect(2)

    def stop(self) -> None:
        """Back to automatic collection (after the last Qt object is gone)."""
        self._timer.stop()
        gc.collect()
        gc.enable()
