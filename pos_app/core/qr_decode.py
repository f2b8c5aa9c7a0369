"""Find the QR codes in one camera frame, with zbar (pyzbar).

The first pass is zbar on the grey frame, which reads a clear code of 2 px modules or more. On a
miss two retries follow, chosen by trying the usual alternatives (Otsu and adaptive thresholds,
median and Gaussian blurs, upscaling) on synthetic frames with noise, low contrast, blur and a
tilt: a 3x3 Gaussian blur recovers noisy low-contrast codes (a dim webcam, a phone screen at
half brightness), and a 2x upscale recovers small codes (a phone held far away, modules under
2 px). Together the three passes read every case any alternative did; thresholding added nothing.
A frame with a code usually costs one pass; an empty frame (the common case) costs all three,
which is the figure bench/qr_decode.py reports.
"""

from __future__ import annotations

import cv2
import numpy as np
from pyzbar import pyzbar

_QR = [pyzbar.ZBarSymbol.QRCODE]


def to_grey(frame: np.ndarray) -> np.ndarray:
    """The frame as one 8-bit channel, as zbar wants it."""
    if frame.ndim == 2:
        return frame
    if frame.shape[2] == 4:
        return cv2.cvtColor(frame, cv2.COLOR_BGRA2GRAY)
    return cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)


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


def decode_codes(frame: np.ndarray, retries: bool = True) -> list[str]:
    """The texts of the QR codes in `frame` (BGR or grey), each once, in no particular order.
    `retries=False` keeps to the single grey pass (for a slow machine)."""
    grey = to_grey(frame)
    found = _zbar(grey)
    if found or not retries:
        return found
    found = _zbar(cv2.GaussianBlur(grey, (3, 3), 0))
    if found:
        return found
    if max(grey.shape) <= 1280:  # above that, a code's modules are big enough not to need it
        found = _zbar(cv2.resize(grey, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC))
    return found
