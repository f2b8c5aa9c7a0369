"""The camera: a live preview and codes read from it, by `core.scan_loop.ScanLoop` on its own
thread. Its callbacks come in on that thread, so they only emit signals of an object that
lives on the UI thread (Qt queues them across); frames are converted to QImages there too,
and thinned to a preview rate, so the UI thread never decodes or copies pixels in bulk."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from pos_app.core.scanning.camera import FrameSource
from pos_app.core.scanning.scan_loop import ScanLoop
from pos_app.ui.i18n import Language

from ..common.images import frame_to_qimage
from . import text  # noqa: F401 - registers the labels

PREVIEW_FPS = 15


class _Bridge(QObject):
    """Lives on the UI thread; emitted from the camera thread, so each signal is queued."""

    frame = Signal(int, QImage)  # (run number, picture)
    code = Signal(int, str)
    failed = Signal(int, str)


class CameraPanel(QWidget):
    code_seen = Signal(str)  # a code read by the camera (may be a payment token: never logged)

    def __init__(self, language: Language, source_factory: Callable[[], FrameSource] | None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._language = language
        self._factory = source_factory
        self.loop: ScanLoop | None = None
        self._run = 0  # signals of an earlier run, still queued after a stop, are dropped
        self._status = "none" if source_factory is None else "off"
        self._failure = ""
        self._bridge = _Bridge(self)
        self._bridge.frame.connect(self._show_frame)
        self._bridge.code.connect(self._on_code)
        self._bridge.failed.connect(self._on_failed)

        self.preview = QLabel()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(320, 240)
        self.preview.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.preview.setWordWrap(True)
        self.preview.setStyleSheet("background: #202020; color: #f0f0f0; font-size: 12pt; padding: 8px;")
        self.toggle = QPushButton()
        self.toggle.setMinimumHeight(48)
        self.toggle.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.toggle.clicked.connect(self.toggle_camera)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.toggle)
        language.changed.connect(self.retranslate)
        self.retranslate()

    @property
    def running(self) -> bool:
        return self.loop is not None

    def toggle_camera(self) -> None:
        self.stop() if self.running else self.start()

    def start(self) -> None:
        if self._factory is None or self.running:
            return
        self._run += 1
        run, bridge = self._run, self._bridge
        last = [0.0]

        def on_frame(frame) -> None:  # camera thread
            now = time.monotonic()
            if now - last[0] >= 1 / PREVIEW_FPS:
                last[0] = now
                bridge.frame.emit(run, frame_to_qimage(frame))

        self.loop = ScanLoop(self._factory(), on_code=lambda code: bridge.code.emit(run, code),
                             on_frame=on_frame, on_error=lambda e: bridge.failed.emit(run, str(e)))
        self._status = "starting"
        self.retranslate()
        self.loop.start()

    def stop(self) -> bool:
        """Stop the camera thread and wait for it (a flag, then join: never killed); True when
        it has ended."""
        loop, self.loop = self.loop, None
        self._run += 1
        ended = loop.stop() if loop is not None else True
        if self._status != "none":
            self._status = "off"
        self.preview.setPixmap(QPixmap())
        self.retranslate()
        return ended

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.stop()  # a hidden panel must not keep the camera device (or a thread) busy
        super().hideEvent(event)

    def _show_frame(self, run: int, image: QImage) -> None:
        if run != self._run:
            return
        if self._status != "live":
            self._status = "live"
            self.retranslate()
        size = self.preview.contentsRect().size()
        self.preview.setPixmap(QPixmap.fromImage(image).scaled(
            size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.FastTransformation))

    def _on_code(self, run: int, code: str) -> None:
        if run == self._run:
            self.code_seen.emit(code)

    def _on_failed(self, run: int, reason: str) -> None:
        if run != self._run:
            return
        self.stop()  # the loop has ended itself; this joins it and resets the button
        self._status, self._failure = "failed", reason
        self.retranslate()

    def retranslate(self, _code: str | None = None) -> None:
        t = self._language.t
        self.toggle.setText(t("cashier.camera_stop" if self.running else "cashier.camera_start"))
        self.toggle.setEnabled(self._factory is not None)
        if self._status == "live":
            return
        self.preview.setPixmap(QPixmap())
        self.preview.setText({
            "none": t("cashier.camera_none"),
            "off": t("cashier.camera_off"),
            "starting": t("cashier.camera_starting"),
            "failed": t("cashier.camera_failed", reason=self._failure),
        }[self._status])
