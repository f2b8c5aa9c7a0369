"""The camera worker: reads frames, shows them, decodes QR codes, all off the UI thread.

A plain thread with a stop flag (threading.Event) that `stop()` sets and then joins: the loop
checks the flag between frames, so it ends within one frame read and one decode. It is never
killed (Qt's webcam example uses `terminate()`, which can leave the camera device held and a
lock taken). Callbacks run on the worker thread; the Qt layer turns them into queued signals.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from .camera import CameraUnavailable, FrameSource
from .seen_codes import SeenCodes

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)


class ScanLoop:
    """Runs `source` on a worker thread and reports through callbacks:
    `on_frame(frame)` every frame (the live preview), `on_code(text)` once per sighting of a
    code, `on_error(CameraUnavailable)` when the camera cannot be opened or stops sending frames,
    after which the loop has ended.

    `decode` reads the codes in one frame; by default a StreamDecoder of this loop's own, which
    skips frames that have not changed and looks first where the code was in the last one.
    `decode_interval` bounds decoding to one frame per that many seconds (0.1: 10 per second),
    whatever the camera's frame rate; `miss_limit` failed reads in a row mean the camera is gone.
    """

    def __init__(
        self,
        source: FrameSource,
        on_code: Callable[[str], None],
        on_frame: Callable[[np.ndarray], None] | None = None,
        on_error: Callable[[CameraUnavailable], None] | None = None,
        *,
        decode: Callable[[np.ndarray], list[str]] | None = None,
        decode_interval: float = 0.1,
        seen: SeenCodes | None = None,
        miss_limit: int = 50,
        miss_wait: float = 0.02,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.source = source
        self.on_code, self.on_frame, self.on_error = on_code, on_frame, on_error
        self.decode = decode  # None: a StreamDecoder, made on the worker thread (see _run)
        self.decode_interval = decode_interval
        self.seen = seen or SeenCodes()
        self.miss_limit, self.miss_wait = miss_limit, miss_wait
        self.clock = clock
        self._stop = threading.Event()
        self.finished = threading.Event()
        """Set once the worker has closed the camera and is about to end."""
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Open the camera and start scanning, on a new worker thread (opening a webcam can take
        a second; the UI must not wait for it)."""
        if self.running:
            raise RuntimeError("this scan loop is already running")
        self._stop.clear()
        self.finished.clear()
        self._thread = threading.Thread(target=self._run, name="pos-camera-scan", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> bool:
        """Ask the worker to end and wait for it; True if it has ended. Safe to call twice.
        False only if the camera driver blocks a read for longer than `timeout`; the thread is
        a daemon, so even then it cannot keep the app from exiting."""
        self._stop.set()
        thread = self._thread
        if thread is None or thread is threading.current_thread():
            return True
        thread.join(timeout)
        return not thread.is_alive()

    def _run(self) -> None:
        try:
            self.source.open()
        except CameraUnavailable as e:
            self._report_error(e)
            self.finished.set()
            return
        except Exception as e:  # a driver's own error: say what it was, do not die silently
            self._report_error(CameraUnavailable(f"the camera could not be opened: {e}"))
            self.finished.set()
            return
        if self.decode is None:
            # Here, not at import: OpenCV and the decoders take most of a second to load, which
            # the app's start and the sign-in would otherwise wait for on the UI thread.
            from .qr_decode import StreamDecoder

            self.decode = StreamDecoder()
        reset = getattr(self.decode, "reset", None)
        if reset is not None:  # a restarted camera's first frame is news, not the last one seen
            reset()
        try:
            self._loop()
        finally:
            self.source.close()
            self.finished.set()

    def _loop(self) -> None:
        misses = 0
        last_decode = float("-inf")
        while not self._stop.is_set():
            frame = self.source.read()
            if frame is None:
                misses += 1
                if misses >= self.miss_limit:
                    self._report_error(CameraUnavailable(
                        "the camera stopped sending pictures: check its cable, or choose it again in Settings"))
                    return
                self._stop.wait(self.miss_wait)  # not a busy spin, and still wakes on stop()
                continue
            misses = 0
            if self.on_frame is not None:
                self._call(self.on_frame, frame)
            now = self.clock()
            if now - last_decode < self.decode_interval:
                continue
            last_decode = now
            try:
                codes = self.decode(frame)
            except Exception:  # one odd frame (a driver's format change) must not end the scanning
                log.exception("decoding a camera frame failed")
                continue
            for code in self.seen.update(codes, now):
                self._call(self.on_code, code)

    def _report_error(self, error: CameraUnavailable) -> None:
        log.warning("camera: %s", error)
        if self.on_error is not None:
            self._call(self.on_error, error)

    @staticmethod
    def _call(callback: Callable, arg) -> None:
        # A failing callback is a bug in the UI, but it must not stop the camera; the argument is
        # left out of the log, since a code may be a payment token.
        try:
            callback(arg)
        except Exception:
            log.exception("scan loop callback %r failed", getattr(callback, "__name__", callback))
