"""Where camera frames come from: one small interface that a webcam and a replay both offer, so
the scan loop, the tests and the demo all run the same code path.

A frame is a numpy array as OpenCV gives it: BGR `uint8` of shape (h, w, 3), or grey (h, w).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:  # numpy only names the frames' type here: importing it costs the app's start
    import numpy as np


class CameraUnavailable(RuntimeError):
    """The camera could not be opened, or stopped delivering frames; the message says which
    camera and what to check, in words a cashier's manager can act on."""


@runtime_checkable
class FrameSource(Protocol):
    """What the scan loop needs from a camera, shaped like `cv2.VideoCapture`."""

    def open(self) -> None:
        """Start delivering frames; raise CameraUnavailable if that is impossible."""

    def read(self) -> np.ndarray | None:
        """The next frame, blocking until it is there; None if no frame could be had."""

    def close(self) -> None:
        """Release the device. Safe to call twice, or after a failed open."""


class OpenCVCamera:
    """A webcam (`device` is its index) or a video file/URL (`device` is a str), through OpenCV."""

    def __init__(self, device: int | str = 0, width: int | None = 640, height: int | None = 480) -> None:
        self.device = device
        self.width, self.height = width, height
        self._cap = None

    def open(self) -> None:
        import cv2  # here, so importing this module stays cheap for code that only replays frames

        cap = cv2.VideoCapture(self.device)
        if not cap.isOpened():
            cap.release()
            raise CameraUnavailable(
                f"camera {self.device!r} could not be opened: check that it is plugged in, that no "
                "other program is using it, and the camera chosen in Settings")
        # A QR needs no more than VGA; asking for it keeps decoding cheap on a 4K webcam.
        if self.width and self.height:
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
        self._cap = cap

    def read(self) -> np.ndarray | None:
        if self._cap is None:
            return None
        ok, frame = self._cap.read()
        return frame if ok else None

    def close(self) -> None:
        cap, self._cap = self._cap, None
        if cap is not None:
            cap.release()


class ListFrames:
    """Replays given frames as a camera would: the tests' and the demo's camera.

    `loop` starts over at the end (the demo shows a member's code for as long as it runs);
    otherwise read() returns None once the frames are used up, as an unplugged camera does.
    `interval` paces read() like a real camera's frame rate; 0 (the tests) replays at once.
    """

    def __init__(self, frames: Iterable[np.ndarray], loop: bool = False, interval: float = 0.0) -> None:
        self._frames = list(frames)
        self.loop, self.interval = loop, interval
        self._it: Iterator[np.ndarray] | None = None
        self.reads = 0
        self.closed = False

    @classmethod
    def from_files(cls, paths: Iterable[str | Path], **kw) -> ListFrames:
        """Frames from image files (PNG, JPEG), read by OpenCV."""
        import cv2

        frames = []
        for p in paths:
            img = cv2.imread(str(p), cv2.IMREAD_COLOR)
            if img is None:
                raise CameraUnavailable(f"image {str(p)!r} could not be read")
            frames.append(img)
        return cls(frames, **kw)

    def open(self) -> None:
        if not self._frames:
            raise CameraUnavailable("the replay has no frames")
        self._it = itertools.cycle(self._frames) if self.loop else iter(self._frames)
        self.closed = False

    def read(self) -> np.ndarray | None:
        if self._it is None:
            return None
        if self.interval:
            time.sleep(self.interval)  # stands in for a webcam blocking until its next frame
        self.reads += 1
        return next(self._it, None)

    def close(self) -> None:
        self._it = None
        self.closed = True
