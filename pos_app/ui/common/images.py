"""Pictures for the screen and the paper: a camera frame (numpy, as OpenCV gives it) and a QR
code (from the `qrcode` package) as QImages."""

from __future__ import annotations

import numpy as np
import qrcode
from PySide6.QtGui import QImage


def frame_to_qimage(frame: np.ndarray) -> QImage:
    """A BGR (h, w, 3) or grey (h, w) uint8 frame as a QImage that owns its pixels (the frame's
    buffer is reused by the camera for the next picture)."""
    frame = np.ascontiguousarray(frame, dtype=np.uint8)
    if frame.ndim == 2:
        h, w = frame.shape
        fmt = QImage.Format.Format_Grayscale8
    elif frame.ndim == 3 and frame.shape[2] == 3:
        h, w = frame.shape[:2]
        fmt = QImage.Format.Format_BGR888
    else:
        raise ValueError(f"not a camera frame: shape {frame.shape}")
    return QImage(frame.data, w, h, frame.strides[0], fmt).copy()


def qr_qimage(payload: str, border: int = 4) -> QImage:
    """The QR of `payload`, one pixel per module with its quiet zone: scale it up without
    smoothing (the painter does) so it stays sharp at any printer resolution."""
    qr = qrcode.QRCode(border=border, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(payload)
    qr.make(fit=True)
    pixels = np.where(np.array(qr.get_matrix(), dtype=bool), 0, 255).astype(np.uint8)
    return frame_to_qimage(pixels)
