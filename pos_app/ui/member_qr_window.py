"""What a member's phone shows at the counter, on this screen: the live payment QR, large enough
for a webcam across the counter, renewed before it expires and as soon as it is spent, as a
member app does, and on Refresh. The code comes from `rotate()` (in the demo, `mps_dev.member_qr`
calling `rotate_card_qr` with the service key); whether it can still pay from `still_live(code)`,
asked every `check_ms` (the demo reads the card's QR history); this window only draws it and asks
again in time. Times are shown in `timezone` (the shop's), with the zone named."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import qrcode
from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QColor, QGuiApplication, QImage, QKeySequence, QPainter, QPixmap
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from .common.worker import run_in_background

Rotate = Callable[[], tuple[str, datetime]]  # a new code and when it expires (aware)
StillLive = Callable[[str], bool]  # whether this code can still pay (not used, replaced or revoked)
RENEW_BEFORE_SECONDS = 15
CHECK_MS = 1000  # how often to ask whether the shown code was spent


def qr_image(text: str, size: int) -> QImage:
    """`text` as a QR code, black on white with a quiet zone, about `size` pixels square."""
    code = qrcode.QRCode(border=4, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(text)
    code.make(fit=True)
    matrix = code.get_matrix()  # includes the border
    scale = max(1, size // len(matrix))
    image = QImage(len(matrix) * scale, len(matrix) * scale, QImage.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                painter.fillRect(x * scale, y * scale, scale, scale, QColor("black"))
    painter.end()
    return image


def renew_in_ms(expires_at: datetime, now: datetime, before: float = RENEW_BEFORE_SECONDS) -> int:
    """How long to show a code before asking for the next: until `before` seconds ahead of its
    expiry, but at least a second (a very short TTL must not spin)."""
    return max(1000, int(((expires_at - now).total_seconds() - before) * 1000))


class MemberQrWindow(QWidget):
    def __init__(self, rotate: Rotate, title: str, *, size: int = 560, still_live: StillLive | None = None,
                 timezone_name: str = "UTC", check_ms: int = CHECK_MS,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC), parent=None):
        super().__init__(parent)
        self._rotate = rotate
        self._still_live = still_live
        self._zone_name = timezone_name
        self._zone = ZoneInfo(timezone_name)
        self._clock = clock
        self._size = size
        self.expires_at: datetime | None = None
        self._token = ""
        self._asking = False  # one rotate or check at a time
        self._spent = False
        self.codes_shown = 0
        self.setWindowTitle(title)
        self.setStyleSheet("background: white; color: black;")
        self.heading = QLabel(title, alignment=Qt.AlignCenter)
        self.heading.setStyleSheet("font-size: 20pt; font-weight: bold;")
        self.qr = QLabel(alignment=Qt.AlignCenter, minimumSize=QSize(size, size))
        self.caption = QLabel("…", alignment=Qt.AlignCenter)
        self.caption.setStyleSheet("font-size: 14pt;")
        # On one machine a webcam cannot see this screen: copying the code lets the demo paste it
        # into the cashier's payment-code field instead, as a scanner would type it.
        self.copy = QPushButton("Copy code (Ctrl+C) · 复制付款码", minimumHeight=48, enabled=False)
        self.copy.setShortcut(QKeySequence.Copy)
        self.copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self._token))
        self.refresh = QPushButton("Refresh (F5) · 刷新", minimumHeight=48)
        self.refresh.setShortcut(QKeySequence.Refresh)
        self.refresh.clicked.connect(self.renew)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.qr, 1)
        layout.addWidget(self.caption)
        layout.addWidget(self.copy)
        layout.addWidget(self.refresh)
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.renew)
        self._check = QTimer(self, interval=check_ms)
        self._check.timeout.connect(self._ask_spent)

    def renew(self) -> None:
        """Ask for a new code off the UI thread; show it when it comes."""
        if self._asking:
            return
        self._asking = True
        run_in_background(self._rotate, on_done=self._show, on_failed=self._failed)

    def _show(self, answer: tuple[str, datetime]) -> None:
        self._asking = False
        token, expires_at = answer
        self.expires_at = expires_at
        self._token = token
        self.copy.setEnabled(True)
        self.codes_shown += 1
        self.qr.setPixmap(QPixmap.fromImage(qr_image(token, self._size)))
        local = expires_at.astimezone(self._zone)
        note = ("The last code was used: this is a new one\n上一个付款码已使用，已更新\n" if self._spent else "")
        self._spent = False
        self.caption.setText(f"{note}Pays once · valid until {local:%H:%M:%S} ({self._zone_name}) · renewed "
                             f"automatically\n仅可支付一次 · 有效期至 {local:%H:%M:%S}（{self._zone_name}）· 自动更新")
        self._timer.start(renew_in_ms(expires_at, self._clock()))
        if self._still_live is not None:
            self._check.start()

    def _failed(self, error: BaseException) -> None:
        self._asking = False
        self.caption.setText(f"Could not get a code: {error}. Trying again in 5 s.")
        self._timer.start(5000)

    def _ask_spent(self) -> None:
        if self._asking or not self._token or self._still_live is None:
            return
        self._asking = True
        token, ask = self._token, self._still_live
        run_in_background(lambda: (token, ask(token)), on_done=self._checked, on_failed=self._check_failed)

    def _checked(self, answer: tuple[str, bool]) -> None:
        self._asking = False
        token, live = answer
        if not live and token == self._token:  # spent at the counter (or replaced): the next one now
            self._check.stop()
            self._spent = True
            self.renew()

    def _check_failed(self, _error: BaseException) -> None:
        self._asking = False  # the next tick asks again; the expiry timer still renews in time
