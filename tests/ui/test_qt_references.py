"""The Qt binding keeps Python's books straight: emitting signals, from the UI thread or a worker,
must not take references from `True`, `False` or `None`. PySide6 6.12.0 returned `True` from every
`emit()` without a reference of its own; after a few thousand emits (two per background job, a
connection check every 2 s, every key the scanner filter sees) Python 3.11 "deallocated" `True`
and the counter died, mostly when closing: `Fatal Python error: bool_dealloc`, exit 250
(issue 7, item 4). The same release returned `None` from void calls (QTimer.start,
QThreadPool.start, setText...) the same way: a counter rings up thousands of sales a day, each
making hundreds of Qt calls, and the app died with "Fatal Python error: deallocating None" after a
few hundred sales (found by bench/app_start.py's 1,000 sales through the window).
pyproject.toml keeps PySide6 below 6.12 until a release passes this."""

import sys

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

from pos_app.ui.common.worker import run_in_background

from .helpers import WAIT

EMITS = 300
SLACK = 30  # the interpreter's own bookkeeping moves a few references; the bug took 300


class _Source(QObject):
    plain = Signal()
    carrying = Signal(object)


def _refs() -> tuple[int, int, int]:
    return sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None)


def _drift(before, after) -> list[int]:
    return [a - b for a, b in zip(after, before, strict=False)]


def _none_lost(drift: list[int]) -> bool:
    # Only a loss kills: a reference gained is held by garbage not collected yet (the fixture
    # holds collection off while a window test runs) and is given back later.
    return all(d > -SLACK for d in drift)


def test_emitting_signals_on_the_ui_thread_leaves_true_false_and_none_alone(qtbot):
    source = _Source()
    heard = []
    source.plain.connect(lambda: heard.append(1))
    source.carrying.connect(lambda value: heard.append(1))
    before = _refs()
    for n in range(EMITS):
        source.plain.emit()
        source.carrying.emit(n)
    drift = _drift(before, _refs())
    assert len(heard) == 2 * EMITS
    assert _none_lost(drift), f"references lost over {2 * EMITS} emits (True, False, None): {drift}"


def test_background_jobs_leave_true_false_and_none_alone(qtbot):
    results = []
    run_in_background(lambda: 0, on_done=results.append)  # the pool's threads exist before counting
    qtbot.waitUntil(lambda: len(results) == 1, timeout=WAIT)
    results.clear()
    before = _refs()
    for n in range(EMITS):
        run_in_background(lambda n=n: n, on_done=results.append)
    qtbot.waitUntil(lambda: len(results) == EMITS, timeout=WAIT)
    results.clear()
    drift = _drift(before, _refs())
    assert _none_lost(drift), f"references lost over {EMITS} jobs (True, False, None): {drift}"


def _drift_per_call(fn, n: int = 2000) -> float:
    before = _refs()
    for _ in range(n):
        fn()
    return max(abs(d) for d in _drift(before, _refs())) / n


def test_void_qt_calls_keep_the_reference_counts_of_none_and_the_booleans(qapp):
    timer = QTimer()
    source = _Source()
    source.carrying.connect(lambda _: None)
    assert _drift_per_call(lambda: timer.start(1000)) < 0.01
    assert _drift_per_call(timer.stop) < 0.01
    assert _drift_per_call(lambda: timer.isActive()) < 0.01
    assert _drift_per_call(lambda: source.carrying.emit(None)) < 0.01
    assert _drift_per_call(lambda: QThreadPool.globalInstance().activeThreadCount()) < 0.01
