"""The camera path: frames through the same interface a webcam uses, decoded on the worker thread,
each sighting of a code reported once. Waits are bounded Events, never sleeps."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from pos_app.core.scanning.camera import CameraUnavailable, FrameSource, ListFrames, OpenCVCamera
from pos_app.core.scanning.qr_decode import decode_codes
from pos_app.core.scanning.scan_loop import ScanLoop
from pos_app.core.scanning.seen_codes import SeenCodes

from .frames import frame_with

TOKEN = "MPSQR1.3f9a0c5e7b1d2a4c6e8f0a1b.q8Zx-3kLm_0PaVb7RtYw2nHs5JcD9eFg"
OTHER = "MPSQR1.00aa11bb22cc33dd44ee55ff.AAAAbbbbCCCCdddd-_-_0123456789xy"
WAIT = 10.0  # the one bound on every wait for the worker thread


class Recorder:
    """Collects what a ScanLoop reports and lets a test wait for a number of frames."""

    def __init__(self, frames_expected: int = 0):
        self.codes: list[str] = []
        self.errors: list[CameraUnavailable] = []
        self.frames = 0
        self.threads: set[str] = set()
        self._expected = frames_expected
        self.all_frames = threading.Event()
        self.got_code = threading.Event()
        self.got_error = threading.Event()

    def on_code(self, code):
        self.threads.add(threading.current_thread().name)
        self.codes.append(code)
        self.got_code.set()

    def on_frame(self, frame):
        self.frames += 1
        if self.frames >= self._expected:
            self.all_frames.set()

    def on_error(self, error):
        self.errors.append(error)
        self.got_error.set()


def run_frames(frames, **kw) -> Recorder:
    """Replay `frames` through a ScanLoop decoding every one; return what it reported."""
    rec = Recorder(len(frames))
    loop = ScanLoop(ListFrames(frames), rec.on_code, rec.on_frame, rec.on_error, decode_interval=0, **kw)
    loop.start()
    try:
        assert rec.all_frames.wait(WAIT)
    finally:
        assert loop.stop()
    return rec


def test_a_tilted_qr_on_a_noisy_frame_decodes_to_the_token():
    assert decode_codes(frame_with(TOKEN, angle=8)) == [TOKEN]
    assert decode_codes(frame_with(TOKEN)[:, :, 0]) == [TOKEN]  # a grey frame too


def test_a_frame_without_a_code_decodes_to_nothing():
    assert decode_codes(frame_with(None)) == []


def test_two_codes_in_one_frame_are_both_found():
    # Modules big enough for the half-size pass: a code found there ends the search, so a second,
    # smaller code is only looked for in a frame where the first pass found nothing.
    frame = frame_with(TOKEN, at=(20, 60), module_px=4)
    right = frame_with(OTHER, at=(360, 60), module_px=4, angle=0, seed=1)
    frame[:, 330:] = right[:, 330:]
    assert sorted(decode_codes(frame)) == sorted([TOKEN, OTHER])


def test_the_retry_reads_a_noisy_low_contrast_code_the_first_pass_misses():
    dim = frame_with(TOKEN, module_px=3, dark=90, light=170, noise=30)
    assert decode_codes(dim, retries=False) == []
    assert decode_codes(dim) == [TOKEN]


def test_the_retry_reads_a_small_code_the_first_pass_misses():
    far = frame_with(TOKEN, module_px=2.2, noise=8, angle=3)  # modules blend into their neighbours
    assert decode_codes(far, retries=False) == []
    assert decode_codes(far) == [TOKEN]


def test_the_scan_loop_reports_a_code_once_across_frames_holding_it():
    rec = run_frames([frame_with(TOKEN, seed=i, angle=4 + i) for i in range(6)])
    assert rec.codes == [TOKEN]
    assert rec.frames == 6


def test_a_code_that_left_the_view_is_reported_again_when_it_comes_back():
    held = [frame_with(TOKEN, seed=i) for i in range(3)]
    away = [frame_with(None, seed=10 + i) for i in range(3)]
    rec = run_frames(held + away + held, seen=SeenCodes(gone_after_frames=3))
    assert rec.codes == [TOKEN, TOKEN]


def test_one_missed_frame_is_not_the_code_leaving():
    frames = [frame_with(TOKEN, seed=1), frame_with(None), frame_with(TOKEN, seed=2)]
    rec = run_frames(frames, seen=SeenCodes(gone_after_frames=3))
    assert rec.codes == [TOKEN]


def test_codes_are_reported_on_the_worker_thread_not_the_callers():
    rec = run_frames([frame_with(TOKEN)])
    assert rec.threads == {"pos-camera-scan"}


def test_decoding_is_bounded_to_the_decode_interval():
    decoded = []
    ticks = iter(np.arange(0, 100, 0.03))  # a 33 fps camera, on an injected clock
    frames = [frame_with(None)] * 10
    rec = Recorder(len(frames))
    loop = ScanLoop(ListFrames(frames), rec.on_code, rec.on_frame,
                    decode=lambda f: decoded.append(1) or [], decode_interval=0.1,
                    clock=lambda: float(next(ticks)))
    loop.start()
    assert rec.all_frames.wait(WAIT)
    assert loop.stop()
    assert rec.frames == 10
    assert len(decoded) == 3  # at t = 0, 0.12, 0.24 of 0 .. 0.27


def test_a_cooldown_reports_a_code_still_in_view_again():
    seen = SeenCodes(cooldown=5.0)
    assert seen.update([TOKEN], 100.0) == [TOKEN]
    assert seen.update([TOKEN], 104.9) == []
    assert seen.update([TOKEN], 105.0) == [TOKEN]


def test_a_camera_that_cannot_be_opened_says_so():
    rec = Recorder()
    loop = ScanLoop(OpenCVCamera("/nonexistent/camera-device-for-test"), rec.on_code, on_error=rec.on_error)
    loop.start()
    assert rec.got_error.wait(WAIT)
    assert loop.finished.wait(WAIT) and loop.stop()
    (error,) = rec.errors
    assert "could not be opened" in str(error) and "camera-device-for-test" in str(error)


def test_a_driver_error_on_open_is_reported_as_camera_unavailable():
    class Broken(ListFrames):
        def open(self):
            raise OSError("device busy")

    rec = Recorder()
    loop = ScanLoop(Broken([]), rec.on_code, on_error=rec.on_error)
    loop.start()
    assert rec.got_error.wait(WAIT) and loop.stop()
    assert isinstance(rec.errors[0], CameraUnavailable) and "device busy" in str(rec.errors[0])


def test_a_camera_that_stops_sending_frames_is_reported_and_closed():
    source = ListFrames([frame_with(None)])
    rec = Recorder()
    loop = ScanLoop(source, rec.on_code, rec.on_frame, rec.on_error, miss_limit=3, miss_wait=0)
    loop.start()
    assert rec.got_error.wait(WAIT)
    assert loop.finished.wait(WAIT) and loop.stop()
    assert "stopped sending" in str(rec.errors[0])
    assert source.closed


def test_stop_ends_a_running_loop_promptly_and_leaves_no_thread():
    source = ListFrames([frame_with(TOKEN), frame_with(None)], loop=True)
    rec = Recorder(frames_expected=5)
    loop = ScanLoop(source, rec.on_code, rec.on_frame, decode_interval=0)
    loop.start()
    assert rec.all_frames.wait(WAIT)  # it is really running
    asked = time.monotonic()
    assert loop.stop(timeout=WAIT)
    assert time.monotonic() - asked < 1.0  # one frame and one decode at most, not the timeout
    assert not loop.running
    assert "pos-camera-scan" not in [t.name for t in threading.enumerate()]
    assert source.closed
    assert loop.stop()  # a second stop is harmless


def test_a_failing_callback_does_not_stop_the_camera():
    rec = Recorder(frames_expected=3)

    def bad_preview(frame):
        rec.on_frame(frame)
        raise ValueError("widget gone")

    loop = ScanLoop(ListFrames([frame_with(TOKEN)] * 3), rec.on_code, bad_preview, decode_interval=0)
    loop.start()
    assert rec.all_frames.wait(WAIT) and loop.stop()
    assert rec.codes == [TOKEN]


def test_the_sources_offer_the_frame_source_interface():
    assert isinstance(ListFrames([]), FrameSource)
    assert isinstance(OpenCVCamera(0), FrameSource)
    with pytest.raises(CameraUnavailable):
        ListFrames([]).open()


def test_replayed_frames_can_come_from_image_files(tmp_path):
    import cv2

    path = tmp_path / "member-code.png"
    cv2.imwrite(str(path), frame_with(TOKEN))
    source = ListFrames.from_files([path])
    source.open()
    assert decode_codes(source.read()) == [TOKEN]
    assert source.read() is None  # used up, as an unplugged camera
    with pytest.raises(CameraUnavailable):
        ListFrames.from_files([tmp_path / "missing.png"])
