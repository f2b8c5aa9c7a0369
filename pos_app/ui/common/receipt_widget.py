"""The receipt (or a shift's report) on screen: the same drawing as on paper, on a white slip."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from pos_app.core.receipt.layout import Row, rows
from pos_app.core.receipt.model import Receipt

from .receipt_paint import paint_rows, rows_height

SLIP_WIDTH = 340  # about a till roll's proportions at screen size
PAD = 14


class SlipWidget(QWidget):
    """Any laid-out rows (a shift's report) on the same white slip, drawn as on paper."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._rows: list[Row] = []
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    @property
    def rows(self) -> list[Row]:
        return list(self._rows)

    def show_rows(self, laid_out: list[Row]) -> None:
        self._rows = list(laid_out)
        self.setFixedSize(self.sizeHint())
        self.update()

    def _font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(10.0, font.pointSizeF()))
        return font

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        if not self._rows:
            return QSize(SLIP_WIDTH, 0)
        return QSize(SLIP_WIDTH, int(rows_height(self._rows, SLIP_WIDTH - 2 * PAD, self._font(), self)) + 2 * PAD)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.fillRect(self.rect(), Qt.GlobalColor.white)
        if self._rows:
            painter.translate(PAD, PAD)
            paint_rows(painter, self._rows, SLIP_WIDTH - 2 * PAD, self._font())
        painter.end()


class ReceiptWidget(SlipWidget):
    """A receipt on the slip: its rows (`core.receipt.layout`) in the language it was shown in."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._receipt: Receipt | None = None

    @property
    def receipt(self) -> Receipt | None:
        return self._receipt

    def show_receipt(self, receipt: Receipt | None, language: str) -> None:
        self._receipt = receipt
        self.show_rows(rows(receipt, language) if receipt is not None else [])
