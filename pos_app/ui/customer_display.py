"""The window facing the member: the current sale in large, high-contrast type (white and
yellow on black, readable at 1.5 m), in the member-facing language. It only draws what
`core.customer.words.render` gives for the `CustomerScreen`'s face; it never takes the
keyboard from the cashier's window."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QGridLayout, QLabel, QLayout, QSizePolicy, QSpacerItem, QVBoxLayout, QWidget

from pos_app.core.customer.placement import Placement
from pos_app.core.customer.screen import CustomerScreen, Face
from pos_app.core.customer.words import Shown, render

MAX_ROWS = 7  # the most a face has: amount, discount, card, cash, balance after, points
_TONE = {"neutral": "#ffffff", "ok": "#69f0ae", "attention": "#ffb74d"}
MAIN_FIGURE = "#ffd54f"
MIN_BASE = 8  # px: the smallest type the fitting goes down to (a window squeezed by hand)
SLACK = 4  # px: a label's own rounding, so a fitted text is never clipped by one pixel


def _font(label: QLabel, pixels: int, *, bold: bool = False) -> QFont:
    font = QFont(label.font())
    font.setPixelSize(max(1, pixels))
    font.setBold(bold)
    return font


def _width(font: QFont, text: str) -> int:
    return QFontMetrics(font).horizontalAdvance(text)


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
        self.title = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)  # one line: a long name is elided
        self.card = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.message = QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        self.rows = [(QLabel(), QLabel(alignment=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter))
                     for _ in range(MAX_ROWS)]
        self.grid = grid = QGridLayout()
        for index, (label, value) in enumerate(self.rows):
            grid.addWidget(label, index, 0)
            grid.addWidget(value, index, 1)
        for label in (self.title, self.message, self.card):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        layout = self.box = QVBoxLayout(self)
        # The window gets the size of its place (a corner of a small screen, a whole screen) and
        # the type is fitted to it, never the other way round (_style).
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        layout.addWidget(self.title)
        layout.addStretch(1)
        layout.addLayout(grid)
        layout.addWidget(self.card)
        self.gap = QSpacerItem(0, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        layout.addItem(self.gap)
        layout.addWidget(self.message)  # under the figures, in the middle: the eye is there already
        layout.addStretch(1)
        self.shown: Shown | None = None
        screen.subscribe(self.show_face)
        self.show_face(screen.face)

    # -- drawing -----------------------------------------------------------------------------

    def show_face(self, face: Face) -> None:
        shown = self.shown = render(face, self.language, self.shop)
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
        # Sizes follow the window's height (the same proportions on a 7" pole display and a 24"
        # one), then shrink until everything fits the window's width and height.
        shown = self.shown
        width, height = self.width(), self.height()
        mx, my = max(8, width // 21), max(6, height // 24)  # 48 and 32 px on a 1024x768 screen
        self.box.setContentsMargins(mx, my, mx, my)
        room = (width - 2 * mx, height - 2 * my)
        base = max(MIN_BASE, height // 20)
        while base > MIN_BASE:
            fits = self._layout_at(base, room)
            if fits >= 1.0:
                break
            base = max(MIN_BASE, min(base - 1, int(base * fits)))
        self._layout_at(base, room, apply=True)
        self.message.setStyleSheet(f"color: {_TONE.get(shown.tone if shown else 'neutral', '#ffffff')};")
        for index, (_label, value) in enumerate(self.rows):
            main = bool(shown and index < len(shown.rows) and shown.rows[index].main)
            value.setStyleSheet(f"color: {MAIN_FIGURE if main else '#ffffff'};")

    def _layout_at(self, base: int, room: tuple[int, int], *, apply: bool = False) -> float:
        """How well the face fits `room` (width, height) with type of `base` px: the largest
        factor the type could be scaled by (below 1: it does not fit). With `apply`, set it."""
        shown = self.shown
        rows = len(shown.rows) if shown else 0
        gap = max(12, base * 2)
        spacing = max(2, base // 4)
        title_font = _font(self.title, int(base * 1.1), bold=True)
        card_font = _font(self.card, int(base * 0.9))
        message_font = _font(self.message, int(base * 1.4), bold=True)
        row_fonts = []
        for index in range(rows):
            main = shown.rows[index].main
            size = int(base * (2.0 if main else 1.2))
            row_fonts.append((_font(self.rows[index][0], size, bold=main), _font(self.rows[index][1], size, bold=True)))
        room_w, room_h = room
        texts = [(shown.rows[i].label, shown.rows[i].value) for i in range(rows)]
        need_w = max((_width(lf, label) + gap + _width(vf, value)
                      for (lf, vf), (label, value) in zip(row_fonts, texts, strict=True)), default=0)
        if shown and shown.card:
            need_w = max(need_w, _width(card_font, shown.card))
        # The message wraps (a refusal is a sentence); no word of it may be wider than the room.
        message = shown.message if shown else ""
        need_w = max([need_w] + [_width(message_font, word) for word in message.split()]) + SLACK
        message_h = QFontMetrics(message_font).boundingRect(
            0, 0, max(1, room_w), 100000, int(Qt.TextFlag.TextWordWrap), message).height()
        rows_h = sum(max(QFontMetrics(lf).height(), QFontMetrics(vf).height()) for lf, vf in row_fonts)
        card_h = QFontMetrics(card_font).height() if shown and shown.card else 0
        need_h = (QFontMetrics(title_font).height() + rows_h + card_h + base + message_h
                  + spacing * (rows + 4) + SLACK)
        if apply:
            self.title.setFont(title_font)
            self.card.setFont(card_font)
            self.message.setFont(message_font)
            for index, (lf, vf) in enumerate(row_fonts):
                self.rows[index][0].setFont(lf)
                self.rows[index][1].setFont(vf)
            self.grid.setHorizontalSpacing(gap)
            self.grid.setVerticalSpacing(spacing)
            self.box.setSpacing(spacing)
            self.gap.changeSize(0, base, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
            title = shown.title if shown else ""
            self.title.setText(QFontMetrics(title_font).elidedText(title, Qt.TextElideMode.ElideRight, max(1, room_w)))
            self.title.setToolTip(title)
            self.box.invalidate()
        return min(room_w / max(1, need_w), room_h / max(1, need_h))

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
