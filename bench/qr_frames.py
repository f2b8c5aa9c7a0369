"""Camera frames of a member's phone held up to the counter's webcam, generated with a fixed seed.

Every frame is a cluttered counter (gradients, boxes, edges, sensor noise) and, unless it is an
empty frame, a phone whose screen shows a payment code in the app's real format
(`MPSQR1.<24 hex>.<32 base64url>`, ECC M, as the member's app draws it), placed by a homography
(tilt, turn, distance). One hard condition is applied per frame, as a webcam gives them:

- `near`: a clear code at arm's length (the easy case; most scans)
- `far`: a small code, modules of 1.7 to 2.4 px (phone held back)
- `perspective`: the phone tilted up to ~40 degrees away from the camera
- `glare`: a bright reflection over part of the screen
- `motion`: motion blur along a random direction (the phone still moving)
- `jpeg`: strong JPEG compression (a USB webcam's MJPEG stream)
- `lowlight`: a dim shop (a fifth of the light, high gain noise)
- `moire`: the screen's pixel grid beating with the sensor's (interference fringes)
- `empty`: no code at all (the counter between customers: the common case)

`stills()` gives unrelated frames (each condition equally often); `stream()` gives a 300-frame
clip at 30 fps of a member holding the phone up, moving it, and taking it away, each frame marked
'in view', 'edge' (the code partly out of the picture) or 'away'.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

import cv2
import numpy as np
import qrcode

CONDITIONS = ("near", "far", "perspective", "glare", "motion", "jpeg", "lowlight", "moire", "empty")
SIZES = ((640, 480), (1280, 720))


@dataclass
class Frame:
    image: np.ndarray  # BGR uint8
    token: str | None  # the code shown, None for an empty frame
    condition: str


def token(rng: np.random.Generator) -> str:
    """A payment code in the app's format, random but reproducible from `rng`."""
    raw = rng.bytes(36)
    lookup = raw[:12].hex()
    secret = base64.urlsafe_b64encode(raw[12:36]).decode().rstrip("=")
    return f"MPSQR1.{lookup}.{secret}"


def _matrix(text: str) -> np.ndarray:
    qr = qrcode.QRCode(border=4, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(text)
    qr.make(fit=True)
    return np.array(qr.get_matrix(), dtype=bool)


def _counter(rng: np.random.Generator, w: int, h: int) -> np.ndarray:
    """A cluttered background: a lit gradient, boxes and edges (goods, a keyboard, a till)."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    a, b, c = rng.uniform(-60, 60), rng.uniform(-40, 40), rng.uniform(90, 170)
    img = c + a * xx / w + b * yy / h
    img = np.repeat(img[:, :, None], 3, axis=2) * rng.uniform(0.85, 1.15, 3).astype(np.float32)
    for _ in range(int(rng.integers(8, 20))):
        x0, y0 = int(rng.integers(0, w)), int(rng.integers(0, h))
        x1, y1 = x0 + int(rng.integers(w // 20, w // 3)), y0 + int(rng.integers(h // 20, h // 3))
        colour = tuple(float(v) for v in rng.uniform(20, 235, 3))
        if rng.random() < 0.6:
            cv2.rectangle(img, (x0, y0), (x1, y1), colour, -1)
        else:
            cv2.line(img, (x0, y0), (x1, y1), colour, int(rng.integers(1, 6)))
    img = np.clip(img, 0, 255).astype(np.uint8)
    for _ in range(int(rng.integers(0, 4))):  # printed text on goods: fine high-contrast detail
        x0, y0 = int(rng.integers(0, w - 100)), int(rng.integers(20, h))
        cv2.putText(img, "".join(chr(int(c)) for c in rng.integers(65, 90, 8)), (x0, y0),
                    cv2.FONT_HERSHEY_SIMPLEX, float(rng.uniform(0.5, 1.5)), (20, 20, 20), 2)
    return img.astype(np.float32)


def _phone(matrix: np.ndarray, module: int, moire: bool, rng: np.random.Generator) -> np.ndarray:
    """The phone face-on: a dark body, a bright screen, the code on it, 'module' px per module."""
    code = np.where(matrix, 0.0, 255.0).astype(np.float32)
    code = cv2.resize(code, None, fx=module, fy=module, interpolation=cv2.INTER_NEAREST)
    n = code.shape[0]
    sw, sh = int(n * 1.25), int(n * 2.0)  # the screen: the code in its upper half, text below
    screen = np.full((sh, sw), 250.0, np.float32)
    ox, oy = (sw - n) // 2, int(n * 0.3)
    screen[oy:oy + n, ox:ox + n] = code
    cv2.rectangle(screen, (ox, oy + n + n // 8), (ox + n, oy + n + n // 4), 120.0, -1)  # a label
    if moire:
        yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
        f1, f2, turn = rng.uniform(0.35, 0.5), rng.uniform(0.35, 0.5), rng.uniform(0.05, 0.2)
        beat = np.sin(f1 * xx + turn * yy) * np.sin(f2 * yy - turn * xx)
        screen = screen * (1.0 - rng.uniform(0.12, 0.22) * (1 + beat) / 2)
    bw, bh = sw + 2 * max(6, sw // 14), sh + 2 * max(10, sh // 10)
    body = np.full((bh, bw), 25.0, np.float32)
    body[(bh - sh) // 2:(bh - sh) // 2 + sh, (bw - sw) // 2:(bw - sw) // 2 + sw] = screen
    return body


def _place(phone: np.ndarray, scene: np.ndarray, scale: float, centre: tuple[float, float],
           turn: float, tilt: float, rng: np.random.Generator) -> None:
    """Warps the phone into the scene (in place): scaled, turned in plane, tilted out of plane."""
    ph, pw = phone.shape
    src = np.float32([[0, 0], [pw, 0], [pw, ph], [0, ph]])
    hw, hh = pw * scale / 2, ph * scale / 2
    # Tilt: one side further away than the other (foreshortened and narrower).
    k = np.tan(np.radians(tilt)) * 0.5
    axis = rng.integers(0, 2)
    if axis == 0:  # top edge further away
        quad = [(-hw * (1 - k), -hh * (1 - k / 2)), (hw * (1 - k), -hh * (1 - k / 2)), (hw * (1 + k), hh),
                (-hw * (1 + k), hh)]
    else:  # left edge further away
        quad = [(-hw, -hh * (1 - k)), (hw * (1 - k / 2), -hh * (1 + k)), (hw * (1 - k / 2), hh * (1 + k)),
                (-hw, hh * (1 - k))]
    c, s = np.cos(np.radians(turn)), np.sin(np.radians(turn))
    dst = np.float32([[centre[0] + c * x - s * y, centre[1] + s * x + c * y] for x, y in quad])
    m = cv2.getPerspectiveTransform(src, dst)
    h, w = scene.shape[:2]
    warped = cv2.warpPerspective(phone, m, (w, h), flags=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.ones_like(phone), m, (w, h), flags=cv2.INTER_LINEAR)
    tint = rng.uniform(0.9, 1.05, 3).astype(np.float32)  # a screen's white is never quite white
    scene *= (1 - mask)[:, :, None]
    scene += (warped[:, :, None] * tint) * mask[:, :, None]


def _camera(img: np.ndarray, rng: np.random.Generator, condition: str,
            motion: tuple[float, float] | None) -> np.ndarray:
    """The sensor and the lens: defocus, motion, glare, light level, noise, compression."""
    h, w = img.shape[:2]
    img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.4, 0.8))
    if motion is not None:
        length, angle = motion
        k = np.zeros((31, 31), np.float32)
        dx, dy = np.cos(np.radians(angle)) * length / 2, np.sin(np.radians(angle)) * length / 2
        cv2.line(k, (int(15 - dx), int(15 - dy)), (int(15 + dx), int(15 + dy)), 1.0, 1)
        img = cv2.filter2D(img, -1, k / k.sum())
    if condition == "stream":  # one camera, its exposure settled: the same light every frame
        light, noise = 1.0, 3.0
    else:
        light = rng.uniform(0.18, 0.3) if condition == "lowlight" else rng.uniform(0.85, 1.1)
        noise = rng.uniform(3.0, 5.0) if condition == "lowlight" else rng.uniform(2.0, 5.0)
    img = img * light
    img = img + (rng.standard_normal((h, w, 1), dtype=np.float32) * noise)  # luma noise, the bulk of it
    out = np.clip(img, 0, 255).astype(np.uint8)
    quality = int(rng.integers(22, 40)) if condition == "jpeg" else int(rng.integers(80, 95))
    ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, quality])
    return cv2.imdecode(buf, cv2.IMREAD_COLOR)


def _glare(img: np.ndarray, centre: tuple[float, float], size: float, rng: np.random.Generator) -> None:
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    gx = centre[0] + rng.uniform(-0.35, 0.35) * size
    gy = centre[1] + rng.uniform(-0.35, 0.35) * size
    r = size * rng.uniform(0.12, 0.2)
    blob = np.exp(-(((xx - gx) / (r * 1.6)) ** 2 + ((yy - gy) / r) ** 2))
    img += (blob * rng.uniform(110, 170))[:, :, None]


def frame(rng: np.random.Generator, size: tuple[int, int], condition: str,
          text: str | None = None) -> Frame:
    """One frame of `condition` at `size` (w, h). `text` is the code shown (a fresh one if None)."""
    w, h = size
    scene = _counter(rng, w, h)
    if condition == "empty":
        if rng.random() < 0.5:  # a phone on the counter showing something else, or nothing
            blank = np.full((200, 120), 30.0, np.float32)
            blank[20:180, 10:110] = rng.uniform(40, 250)
            _place(blank, scene, w / 1280 * rng.uniform(0.8, 1.6),
                   (w * rng.uniform(0.3, 0.7), h * rng.uniform(0.3, 0.7)),
                   rng.uniform(-30, 30), rng.uniform(0, 30), rng)
        return Frame(_camera(scene, rng, condition, None), None, condition)
    text = text or token(rng)
    matrix = _matrix(text)
    n = matrix.shape[0]  # modules, quiet zone included
    # Module size in the frame; 'far' is what is left when the phone is held back.
    if condition == "far":
        module = rng.uniform(1.7, 2.4) * w / 640 if w == 640 else rng.uniform(1.8, 2.6)
    else:
        module = rng.uniform(2.8, 4.8) * (w / 640) ** 0.5
    # Render the phone at 4 px/module, then scale down to the frame's module size.
    phone = _phone(matrix, 4, condition == "moire", rng)
    scale = module / 4
    ph, pw = phone.shape
    cx = w * rng.uniform(0.3, 0.7)
    cy = h * rng.uniform(0.35, 0.65)
    tilt = rng.uniform(25, 40) if condition == "perspective" else rng.uniform(0, 12)
    turn = rng.uniform(-35, 35) if condition != "perspective" else rng.uniform(-15, 15)
    # The phone's centre sits below the code's: put the code near (cx, cy).
    _place(phone, scene, scale, (cx, cy + ph * scale * 0.15), turn, tilt, rng)
    if condition == "glare":
        _glare(scene, (cx, cy - ph * scale * 0.1), n * module, rng)
    # A smear of up to ~1.1 modules: much longer and neither library reads it (the next frame will).
    motion = (rng.uniform(0.6, 1.1) * module, rng.uniform(0, 180)) if condition == "motion" else None
    return Frame(_camera(scene, rng, condition, motion), text, condition)


def stills(seed: int, size: tuple[int, int], per_condition: int) -> list[Frame]:
    """`per_condition` frames of each condition at `size`, shuffled, reproducible from `seed`."""
    rng = np.random.default_rng(seed)
    out = [frame(rng, size, c) for c in CONDITIONS for _ in range(per_condition)]
    order = rng.permutation(len(out))
    return [out[i] for i in order]


def stream(seed: int, size: tuple[int, int] = (1280, 720), frames: int = 300) -> list[Frame]:
    """A clip at 30 fps: the counter alone, a phone raised into view (moving, blurred), held
    (small hand tremor), moved across, and taken away, then the counter alone again.

    The counter (background) stays the same through the clip, with fresh sensor noise each frame.
    """
    rng = np.random.default_rng(seed)
    w, h = size
    text = token(rng)
    matrix = _matrix(text)
    phone = _phone(matrix, 4, False, rng)
    ph, pw = phone.shape
    counter = _counter(rng, w, h)
    module = 4.2 * (w / 640) ** 0.5
    scale = module / 4
    # Keyframes (frame index -> phone centre as a fraction of the frame, or None: out of view).
    phases = [  # (start, end, from (x, y), to (x, y))
        (0.00, 0.15, None, None),  # the counter alone
        (0.15, 0.25, (0.5, 1.4), (0.5, 0.55)),  # raised from below the frame
        (0.25, 0.55, (0.5, 0.55), (0.5, 0.55)),  # held still (tremor only)
        (0.55, 0.70, (0.5, 0.55), (0.3, 0.5)),  # moved to the left
        (0.70, 0.80, (0.3, 0.5), (0.3, 0.5)),  # held again
        (0.80, 0.88, (0.3, 0.5), (-0.4, 0.6)),  # taken away to the side
        (0.88, 1.01, None, None),  # the counter alone
    ]
    out = []
    prev = None
    for i in range(frames):
        t = i / frames
        start, end, a, b = next(p for p in phases if p[0] <= t < p[1])
        rng_f = np.random.default_rng([seed, i])
        scene = counter.copy()
        pos = None
        if a is not None:
            u = (t - start) / (end - start)
            pos = (w * (a[0] + (b[0] - a[0]) * u) + rng_f.normal(0, 1.0),
                   h * (a[1] + (b[1] - a[1]) * u) + rng_f.normal(0, 1.0))
            _place(phone, scene, scale, (pos[0], pos[1] + ph * scale * 0.15), 8.0 + rng_f.normal(0, 0.3), 6.0, rng_f)
        motion = None
        if pos is not None and prev is not None:
            dx, dy = pos[0] - prev[0], pos[1] - prev[1]
            speed = float(np.hypot(dx, dy))
            if speed > 2:  # a moving phone smears over half the frame's exposure
                motion = (min(speed * 0.5, 30.0), float(np.degrees(np.arctan2(dy, dx))))
        prev = pos
        # 'in view': the whole code inside the frame; 'edge': partly (read or not, either is
        # right); 'away': no phone at all, where any read is a stale one.
        half = matrix.shape[0] * module / 2
        if pos is None:
            where = "away"
        elif half < pos[0] < w - half and half < pos[1] < h - half:
            where = "in view"
        else:
            where = "edge"
        out.append(Frame(_camera(scene, rng_f, "stream", motion), text if where != "away" else None, where))
    return out
