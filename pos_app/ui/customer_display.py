"""The window facing the member: the current sale in large, high-contrast type (white and
yellow on black, readable at 1.5 m), in the member-facing language. It only draws what
`core.customer.words.render` gives for the `CustomerScreen`'s face; it never takes the
keyboard from the cashier's window."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from pos_app.core.customer.placement import Placement
from pos_app.core.customer.screen import CustomerScreen, Face
from pos_app.core.customer.words import Shown, render

MAX_ROWS = 7  # the most a face has: amount, discount, card, cash, balance after, points
_TONE = {"neutral": "#ffffff", "ok": "#69f0ae", "attention": "#ffb74d"}
MAIN_FIGURE = "#ffd54f"


class CustomerDisplay(QWidget):
    """The member's window for `screen`, in `language` (a catalog code), welcoming to `shop`."""

    closed_by_hand = Signal()  # the cashier closed the (framed, one-screen) window itself

    def __init__(self, screen: CustomerScreen, language: str, shop: str, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Window | Qt.WindowType.WindowDoesNotAcceptFocus)
        self.language = language
        self.shop = shop
        self.setObjectName("customerDisplay")
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)  # the black reaches every edge
        self.setStyleSheet("#customerDisplay { background: #000000; } QLabel { color: #ffffff; }")
        self.setWindowTitle(shop)
        self.title = QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        self.card = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.message = QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        self.rows = [(QLabel(), QLabel(alignment=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter))
                     for _ in range(MAX_ROWS)]
        grid = QGridLayout()
        grid.setHorizontalSpacing(48)
        for index, (label, value) in enumerate(self.rows):
            grid.addWidget(label, index, 0)
            grid.addWidget(value, index, 1)
        for label in (self.title, self.message):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.addWidget(self.title)
        layout.addStretch(1)
        layout.addLayout(grid)
        layout.addWidget(self.card)
        layout.addSpacing(24)
        layout.addWidget(self.message)  # under the figures, in the middle: the eye is there already
        layout.addStretch(1)
        self.shown: Shown | None = None
        screen.subscribe(self.show_face)
        self.show_face(screen.face)

    # -- drawing -----------------------------------------------------------------------------

    def show_face(self, face: Face) -> None:
        shown = self.shown = render(face, self.language, self.shop)
        self.title.setText(shown.title)
        for index, (label, value) in enumerate(self.rows):
            row = shown.rows[index] if index < len(shown.rows) else None
            label.setText(row.label if row else "")
            value.setText(row.value if row else "")
            label.setVisible(row is not None)
            value.setVisible(row is not None)
        self.card.setText(shown.card)
        self.card.setVisible(bool(shown.card))
        self.message.setText(shown.message)
        self._style()

    def texts(self) -> list[str]:
        """Every word the member can read now (the visible labels), for the tests' scans."""
        return [label.text() for label in self.findChildren(QLabel) if label.isVisibleTo(self) and label.text()]

    def _style(self) -> None:
        # Sizes follow the window's height: the same proportions on a 7" pole display and a 24" one.
        base = max(14, self.height() // 20)
        shown = self.shown
        self._font(self.title, int(base * 1.1), bold=True)
        self._font(self.card, int(base * 0.9))
        self._font(self.message, int(base * 1.4), bold=True)
        self.message.setStyleSheet(f"color: {_TONE.get(shown.tone if shown else 'neutral', '#ffffff')};")
        for index, (label, value) in enumerate(self.rows):
            main = bool(shown and index < len(shown.rows) and shown.rows[index].main)
            size = int(base * (2.0 if main else 1.2))
            self._font(label, size, bold=main)
            self._font(value, size, bold=True)
            value.setStyleSheet(f"color: {MAIN_FIGURE if main else '#ffffff'};")

    @staticmethod
    def _font(label: QLabel, pixels: int, *, bold: bool = False) -> None:
        font = QFont(label.font())
        font.setPixelSize(pixels)
        font.setBold(bold)
        label.setFont(font)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._style()

    # -- where it is -------------------------------------------------------------------------

    def show_placed(self, placement: Placement, qscreen=None) -> None:
        """Show at `placement`: full-screen and frameless on the member's screen, or a framed
        window the cashier can move (one screen)."""
        # Frameless on the member's screen; on the cashier's own it must not sink behind the counter.
        full = placement.full_screen
        for flag, wanted in ((Qt.WindowType.FramelessWindowHint, full), (Qt.WindowType.WindowStaysOnTopHint, not full)):
            if bool(self.windowFlags() & flag) != wanted:
                self.setWindowFlag(flag, wanted)  # hides the window: shown again below
        if qscreen is not None and self.screen() is not qscreen:
            self.setScreen(qscreen)
        x, y, w, h = placement.rect
        if placement.full_screen:
            if self.isFullScreen():
                self.showNormal()  # moving a full-screen window to another screen: leave, move, enter
            self.setGeometry(x, y, w, h)
            self.showFullScreen()
        else:
            self.setGeometry(x, y, w, h)
            self.showNormal()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self.isVisible() and event.spontaneous():
            self.closed_by_hand.emit()
        super().closeEvent(event)
