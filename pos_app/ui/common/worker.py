"""One small reusable way to run a call off the UI thread and hear back on it (after
TagStudio's `custom_runnable` and Vorta's job signals): `run_in_background(fn, on_done=...)`.

Network calls, the journal and decoding never run on the UI thread; their results come back
through queued signals, so slots run on the UI thread and may touch widgets.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class Job(QObject):
    """The UI-thread end of one background call. Exactly one of `done` or `failed` is emitted,
    then `finished`."""

    done = Signal(object)
    failed = Signal(object)  # the exception
    finished = Signal()


_alive: set[Job] = set()  # a Job must outlive its runnable, or its queued signals are lost


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[], Any], job: Job):
        super().__init__()
        self._fn = fn
        self._job = job

    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as e:  # noqa: BLE001 - handed to the UI thread, which decides
            self._job.failed.emit(e)
        else:
            self._job.done.emit(result)
        finally:
            self._job.finished.emit()


def run_in_background(fn: Callable[[], Any], *, on_done: Callable[[Any], None] | None = None,
                      on_failed: Callable[[BaseException], None] | None = None,
                      pool: QThreadPool | None = None) -> Job:
    """Run `fn()` on a worker of `pool` (the global pool by default); call `on_done(result)` or
    `on_failed(error)` on the UI thread. Returns the Job, for more connections or for tests."""
    job = Job()
    if on_done is not None:
        job.done.connect(on_done)
    if on_failed is not None:
        job.failed.connect(on_failed)
    _alive.add(job)
    job.finished.connect(lambda: _alive.discard(job))
    (pool or QThreadPool.globalInstance()).start(_Runnable(fn, job))
    return job
