"""What `mps-pos` loads before its sign-in window shows: not OpenCV, the QR decoders or the
views behind the sign-in (most of a second on a counter PC; bench/app_start.py times the start).
They load on the camera's thread and on a warm-up thread instead."""

from __future__ import annotations

import subprocess
import sys


def test_starting_the_app_does_not_import_opencv_the_decoders_or_the_views():
    probe = ("import sys, pos_app.app, pos_app.ui.shell; "
             "print(sorted(m for m in ('cv2', 'zxingcpp', 'pyzbar', 'pos_app.core.scanning.qr_decode',"
             " 'pos_app.ui.compose')"
             " if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120,
                         env={"QT_QPA_PLATFORM": "offscreen", "PATH": ""})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_the_scan_loop_still_decodes_with_its_own_stream_decoder_made_on_its_thread():
    from pos_app.core.scanning.camera import ListFrames
    from pos_app.core.scanning.scan_loop import ScanLoop
    from tests.pos.frames import frame_with

    token = "MPSQR1.3f9a0c5e7b1d2a4c6e8f0a1b.q8Zx-3kLm_0PaVb7RtYw2nHs5JcD9eFg"
    codes = []
    loop = ScanLoop(ListFrames([frame_with(token)] * 3), codes.append, decode_interval=0)
    loop.start()
    assert loop.finished.wait(30) and loop.stop()
    assert codes == [token] and type(loop.decode).__name__ == "StreamDecoder"
