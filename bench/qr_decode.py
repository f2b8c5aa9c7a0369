"""QR decoding of one 640x480 camera frame, as the POS scan loop does it (no database needed).

Baseline, measured in the same run on the same frames: the BGR-to-grey conversion alone, the
least any decode must do. The scan loop decodes at most 10 frames a second, so a decode must stay
well under 100 ms on one core to leave the other core to the UI.
"""

from __future__ import annotations

import time

import cv2

from pos_app.core.qr_decode import decode_codes

N = 50
TOKEN = "MPSQR1.3f9a0c5e7b1d2a4c6e8f0a1b.q8Zx-3kLm_0PaVb7RtYw2nHs5JcD9eFg"


def _timed(fn, n: int) -> float:
    """Seconds per call, best of three rounds (the least disturbed by other work on the machine)."""
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        for _ in range(n):
            fn()
        best = min(best, (time.perf_counter() - t) / n)
    return best


def run() -> None:
    # The synthetic frames the tests use (a tilted code on a noisy grey frame), so the figures
    # are for the frames the tests prove readable.
    from tests.pos.frames import frame_with

    with_code = frame_with(TOKEN)
    empty = frame_with(None)
    assert decode_codes(with_code) == [TOKEN] and decode_codes(empty) == []

    grey = _timed(lambda: cv2.cvtColor(empty, cv2.COLOR_BGR2GRAY), N)
    hit = _timed(lambda: decode_codes(with_code), N)
    miss_one_pass = _timed(lambda: decode_codes(empty, retries=False), N)
    miss = _timed(lambda: decode_codes(empty), N)

    print(f"baseline grey conversion     {grey * 1e3:8.3f} ms")
    for name, s in (("frame with a QR", hit), ("frame without, grey pass", miss_one_pass),
                    ("frame without, all passes", miss)):
        print(f"{name:28s} {s * 1e3:8.3f} ms  = {s / grey:6.1f} x grey conversion,"
              f" {min(10, 1 / s) * s * 100:5.1f} % of a core at 10 decodes/s")


if __name__ == "__main__":
    run()
