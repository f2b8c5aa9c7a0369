"""Find the QR codes in camera frames: zxing-cpp when installed, pyzbar (zbar) otherwise.

zxing-cpp reads more of the hard frames a counter's webcam gives (tilted, blurred, dim, moiré)
than zbar and in a fifth of its time (bench/qr_decode.py measures both on the same frames), so it
is the decoder; zbar, the one the product's design names, stays as the fallback when zxing-cpp's
wheel is missing (a platform without one) and can be asked for by name.

With zxing-cpp, each pass runs with zxing's own retries switched off (inverted codes, its
internal downscaling pyramid and 90-degree turns: a phone's screen is never light-on-dark, the
passes here do the scaling, and a QR reads at any turn anyway), and most frames with a code take
one pass: the frame at half size, where a code at arm's length still has modules of 1.5 px or
more, for a quarter of a full pass's cost. Only a miss goes on to the full frame and then one
targeted retry (`_zxing_passes`).

`StreamDecoder` adds what a camera stream allows and a still does not: a frame that has not
changed since the last decoded one is not decoded again, and the region around the code in the
last frame is tried first (a member's hand moves the phone a little between frames).
"""

from __future__ import annotations

import logging

import cv2
import numpy as np
from pyzbar import pyzbar

try:  # the wheel exists for the platforms the POS ships on; zbar covers any other
    import zxingcpp
except ImportError:  # pragma: no cover - exercised by monkeypatching in tests/pos
    zxingcpp = None

log = logging.getLogger(__name__)

_QR = [pyzbar.ZBarSymbol.QRCODE]
ENGINES = ("zxing", "zbar")
HALF_SIZE_FROM = 400
"""A frame whose smaller side is at least this many px gets the half-size first pass."""


def to_grey(frame: np.ndarray) -> np.ndarray:
    """The frame as one 8-bit channel, as both decoders want it."""
    if frame.ndim == 2:
        return frame
    if frame.shape[2] == 4:
        return cv2.cvtColor(frame, cv2.COLOR_BGRA2GRAY)
    return cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)


def default_engine() -> str:
    """"zxing" when zxing-cpp is importable, else "zbar"."""
    return "zxing" if zxingcpp is not None else "zbar"


# -- zxing-cpp -----------------------------------------------------------------------------------

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 in the frame's pixels


def _zxing(grey: np.ndarray, scale: float = 1.0, dx: int = 0, dy: int = 0,
           failed: list[Box] | None = None) -> list[tuple[str, Box]]:
    """One zxing-cpp pass without its own retries; each code's text and its box in the frame
    (`scale`, `dx`, `dy` map `grey`'s pixels back to the frame's). Codes that were located but
    not read (a checksum error: modules too small or smeared) go to `failed`, if given."""
    found = []
    for b in zxingcpp.read_barcodes(grey, formats=zxingcpp.BarcodeFormat.QRCode, try_rotate=False,
                                    try_downscale=False, try_invert=False, return_errors=failed is not None):
        p = b.position
        xs = (p.top_left.x, p.top_right.x, p.bottom_right.x, p.bottom_left.x)
        ys = (p.top_left.y, p.top_right.y, p.bottom_right.y, p.bottom_left.y)
        box = (int(min(xs) * scale) + dx, int(min(ys) * scale) + dy,
               int(max(xs) * scale + scale) + dx, int(max(ys) * scale + scale) + dy)
        if b.valid:
            found.append((b.text, box))
        elif failed is not None:
            failed.append(box)
    return found


def _grown(box: Box, by: float, w: int, h: int) -> Box:
    x0, y0, x1, y1 = box
    gx, gy = int((x1 - x0) * by), int((y1 - y0) * by)
    return max(0, x0 - gx), max(0, y0 - gy), min(w, x1 + gx), min(h, y1 + gy)


def _zxing_passes(grey: np.ndarray, retries: bool = True, dx: int = 0, dy: int = 0) -> list[tuple[str, Box]]:
    """Up to three passes, each only on a miss of the one before:
    1. the half-size image (when it is at least `HALF_SIZE_FROM` px high): a quarter of the cost;
    2. the full image (small codes far away);
    3. if pass 2 located a code it could not read, that region at twice the size (modules under
       2 px); if it located none, the image through a 3x3 Gaussian blur (a dim, noisy webcam)."""
    h, w = grey.shape
    if min(h, w) >= HALF_SIZE_FROM:
        half = cv2.resize(grey, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
        found = _zxing(half, 2.0, dx, dy)
        if found or not retries:
            return found
    failed: list[Box] = []
    found = _zxing(grey, 1.0, dx, dy, failed)
    if found or not retries:
        return found
    if not failed:
        return _zxing(cv2.GaussianBlur(grey, (3, 3), 0), 1.0, dx, dy)
    for box in failed[:2]:  # the detector may report one code twice; two tries are plenty
        x0, y0, x1, y1 = _grown((box[0] - dx, box[1] - dy, box[2] - dx, box[3] - dy), 0.25, w, h)
        if x1 - x0 < 16 or y1 - y0 < 16:
            continue
        big = cv2.resize(grey[y0:y1, x0:x1], None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
        found = _zxing(big, 0.5, dx + x0, dy + y0)
        if found:
            return found
    return found


# -- zbar (pyzbar) -------------------------------------------------------------------------------

def _zbar(grey: np.ndarray) -> list[str]:
    found = []
    for sym in pyzbar.decode(grey, symbols=_QR):
        try:
            text = sym.data.decode("utf-8")
        except UnicodeDecodeError:
            text = sym.data.decode("latin-1")  # not one of ours; codes.classify will say so
        if text not in found:
            found.append(text)
    return found


def _zbar_passes(grey: np.ndarray, retries: bool = True) -> list[str]:
    """zbar on the grey frame; on a miss a 3x3 Gaussian blur (noisy low-contrast codes: a dim
    webcam, a phone screen at half brightness) and a 2x upscale (modules under 2 px). These two
    read every case any alternative did on noisy, dim, blurred and tilted frames; thresholding
    added nothing."""
    found = _zbar(grey)
    if found or not retries:
        return found
    found = _zbar(cv2.GaussianBlur(grey, (3, 3), 0))
    if found:
        return found
    if max(grey.shape) <= 1280:  # above that, a code's modules are big enough not to need it
        found = _zbar(cv2.resize(grey, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC))
    return found


# -- the entry points ----------------------------------------------------------------------------

def _unique(texts) -> list[str]:
    out: list[str] = []
    for t in texts:
        if t not in out:
            out.append(t)
    return out


def decode_codes(frame: np.ndarray, retries: bool = True, engine: str | None = None) -> list[str]:
    """The texts of the QR codes in `frame` (BGR or grey), each once, in no particular order.
    `retries=False` keeps to the first, cheapest pass. `engine`: "zxing" or "zbar" (default:
    zxing when installed)."""
    engine = engine or default_engine()
    if engine not in ENGINES:
        raise ValueError(f"unknown QR engine {engine!r}; expected one of {ENGINES}")
    grey = to_grey(frame)
    if engine == "zbar":
        return _zbar_passes(grey, retries)
    if zxingcpp is None:
        raise RuntimeError("the zxing QR engine was asked for, but zxing-cpp is not installed")
    return _unique(text for text, _ in _zxing_passes(grey, retries))


class StreamDecoder:
    """Decodes the frames of one camera, in order, using what the previous frames showed.

    - A frame whose 16x16-pixel block means all lie within `still_levels` grey levels of the last
      decoded frame's has not changed (sensor noise averages out in a block; a phone moved by a
      pixel does not): the last result is returned without decoding. At most `reuse_limit`
      frames in a row are answered so, so a slow fade (auto-exposure) is decoded again too.
    - Where the last frame had a code, the region around it (the code's box grown by half its
      size on each side) is decoded first; a miss there falls back to the whole frame.

    Any engine other than zxing (zbar, a test's stub) gives no positions: only the skipping of
    unchanged frames applies then.
    """

    BLOCK = 16
    GROW = 0.5
    """The last code's box grown by this much of its size on each side: at 10 decodes a second a
    hand moving the phone shifts it by a fraction of its size between two of them."""

    def __init__(self, engine: str | None = None, still_levels: float = 6.0, reuse_limit: int = 10) -> None:
        self.engine = engine or default_engine()
        if self.engine not in ENGINES:
            raise ValueError(f"unknown QR engine {self.engine!r}; expected one of {ENGINES}")
        self.still_levels, self.reuse_limit = still_levels, reuse_limit
        self._thumb: np.ndarray | None = None
        self._last: list[str] = []
        self._boxes: list[Box] = []
        self._reused = 0
        self.decoded = self.reused = 0
        """How many frames were decoded and how many answered from the last result (bench)."""

    def reset(self) -> None:
        """Forget the previous frames (a new camera, or a resolution change)."""
        self._thumb, self._last, self._boxes, self._reused = None, [], [], 0

    def __call__(self, frame: np.ndarray) -> list[str]:
        grey = to_grey(frame)
        h, w = grey.shape
        thumb = cv2.resize(grey, (max(1, w // self.BLOCK), max(1, h // self.BLOCK)),
                           interpolation=cv2.INTER_AREA).astype(np.int16)
        if (self._thumb is not None and self._thumb.shape == thumb.shape and self._reused < self.reuse_limit
                and int(np.abs(thumb - self._thumb).max()) <= self.still_levels):
            self._reused += 1
            self.reused += 1
            return list(self._last)
        self._thumb, self._reused = thumb, 0
        self.decoded += 1
        if self.engine == "zbar":
            self._last = _zbar_passes(grey)
            return list(self._last)
        found: list[tuple[str, Box]] = []
        for box in self._boxes:
            cx0, cy0, cx1, cy1 = _grown(box, self.GROW, w, h)
            if cx1 - cx0 >= 32 and cy1 - cy0 >= 32:
                found += _zxing_passes(np.ascontiguousarray(grey[cy0:cy1, cx0:cx1]), dx=cx0, dy=cy0)
        if not found:
            found = _zxing_passes(grey)
        self._boxes = [box for _, box in found]
        self._last = _unique(text for text, _ in found)
        return list(self._last)
