"""The Qt binding keeps Python's reference counts: a counter rings up thousands of sales a day,
each making hundreds of Qt calls, and a binding that drops a reference to None on each call
(PySide6 6.12.0 on Python 3.11) kills the app with "Fatal Python error: deallocating None"
after a few hundred sales (found by bench/app_start.py's 1,000 sales through the window)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal


class _Job(QObject):
    done = Signal(object)


def _drift(fn, n: int = 2000) -> float:
    before = sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)
    for _ in range(n):
        fn()
    after = sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)
    return max(abs(a - b) for a, b in zip(after, before)) / n


def test_void_qt_calls_keep_the_reference_counts_of_none_and_the_booleans(qapp):
    timer = QTimer()
    job = _Job()
    job.done.connect(lambda _: None)
    assert _drift(lambda: timer.start(1000)) < 0.01
    assert _drift(timer.stop) < 0.01
    assert _drift(lambda: timer.isActive()) < 0.01
    assert _drift(lambda: job.done.emit(None)) < 0.01
    assert _drift(lambda: QThreadPool.globalInstance().activeThreadCount()) < 0.01
