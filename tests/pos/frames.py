"""Synthetic camera frames for the scan tests: a QR code drawn by the `qrcode` package, placed
tilted on a larger grey, noisy frame, as a phone held up to a webcam looks."""

from __future__ import annotations

import cv2
import numpy as np
import qrcode

WIDTH, HEIGHT = 640, 480


def qr_image(text: str, module_px: float = 4) -> np.ndarray:
    """The QR of `text` as a grey image, black on white with its quiet zone. A fractional
    `module_px` blends module edges as a camera's sensor does for a code far away."""
    qr = qrcode.QRCode(border=4, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(text)
    qr.make(fit=True)
    modules = np.array(qr.get_matrix(), dtype=bool)
    img = np.where(modules, 0, 255).astype(np.uint8)
    sharp = float(module_px).is_integer()
    return cv2.resize(img, None, fx=module_px, fy=module_px,
                      interpolation=cv2.INTER_NEAREST if sharp else cv2.INTER_AREA)


def frame_with(text: str | None, seed: int = 0, angle: float = 6.0, module_px: float = 4,
               at: tuple[int, int] = (200, 110), dark: int = 0, light: int = 255,
               noise: float = 12.0) -> np.ndarray:
    """A BGR 640x480 frame: mid-grey with sensor noise and, unless `text` is None, its QR placed
    at `at` and rotated by `angle` degrees. `dark`/`light` lower the code's contrast."""
    rng = np.random.default_rng(seed)
    grey = np.full((HEIGHT, WIDTH), 128, np.uint8)
    if text is not None:
        code = qr_image(text, module_px)
        code = np.where(code == 0, dark, light).astype(np.uint8)
        h, w = code.shape
        x, y = at
        grey[y:y + h, x:x + w] = code
        turn = cv2.getRotationMatrix2D((x + w / 2, y + h / 2), angle, 1.0)
        grey = cv2.warpAffine(grey, turn, (WIDTH, HEIGHT), borderValue=128)
    noisy = grey.astype(np.float32) + rng.normal(0, noise, grey.shape)
    return cv2.cvtColor(np.clip(noisy, 0, 255).astype(np.uint8), cv2.COLOR_GRAY2BGR)
