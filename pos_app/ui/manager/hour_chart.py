"""The day's takings per hour as 24 bars, drawn with QPainter (no QtCharts in the Essentials
wheel). The geometry is a method of its own (`bar_rects`) so a test checks the bars' heights
without reading pixels, and the painting only fills what it returns."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

HOURS = 24
LABEL_ROOM = 18  # pixels under the bars for the hour numbers
TOP_ROOM = 20  # pixels above the tallest bar for its amount


class HourChart(QWidget):
    """`set_values(24 amounts)`; a bar's height is its value over the day's largest hour."""

    BAR = QColor("#2f6fb0")

    def __init__(self, parent=None):
        super().__init__(parent)
        self._values: list[Decimal] = [Decimal(0)] * HOURS
        self._top_label = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(140)

    def sizeHint(self) -> QSize:
        return QSize(480, 180)

    def values(self) -> list[Decimal]:
        return list(self._values)

    def set_values(self, values: list[Decimal], top_label: str = "") -> None:
        """The 24 hours' amounts; `top_label` (the largest, formatted) is written over its bar,
        the one scale a reader needs."""
        if len(values) != HOURS:
            raise ValueError(f"{len(values)} hours instead of {HOURS}")
        # Negative hours (more refunded than taken) draw as empty: the figures table shows them.
        self._values = [max(Decimal(0), Decimal(v)) for v in values]
        self._top_label = top_label
        self.update()

    def bar_rects(self) -> list[QRectF]:
        """The 24 bars' rectangles in widget coordinates, hour 0 on the left, bottoms aligned;
        an empty hour has height 0."""
        plot_h = max(0.0, self.height() - LABEL_ROOM - TOP_ROOM)
        slot = self.width() / HOURS
        gap = max(1.0, slot * 0.2)
        top = max(self._values) if self._values else Decimal(0)
        base = TOP_ROOM + plot_h
        rects = []
        for hour, value in enumerate(self._values):
            h = 0.0 if top <= 0 else float(value / top) * plot_h
            rects.append(QRectF(hour * slot + gap / 2, base - h, slot - gap, h))
        return rects

    def paintEvent(self, event) -> None:  # noqa: ARG002 - Qt's signature
        painter = QPainter(self)
        try:
            painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Base))
            base = self.height() - LABEL_ROOM
            painter.setPen(self.palette().color(QPalette.ColorRole.Mid))
            painter.drawLine(0, base, self.width(), base)
            for rect in self.bar_rects():
                if rect.height() > 0:
                    painter.fillRect(rect, self.BAR)
            painter.setPen(self.palette().color(QPalette.ColorRole.Text))
            rects = self.bar_rects()
            tallest = max(range(HOURS), key=lambda h: rects[h].height())
            if self._top_label and rects[tallest].height() > 0:
                # Centred over the tallest bar, kept inside the widget at either edge.
                x = min(max(0.0, rects[tallest].center().x() - 60), self.width() - 120.0)
                painter.drawText(QRectF(x, 0, 120, TOP_ROOM), int(Qt.AlignmentFlag.AlignCenter), self._top_label)
            slot = self.width() / HOURS
            for hour in range(0, HOURS, 3):  # every third hour: 24 numbers do not fit a narrow pane
                painter.drawText(QRectF(hour * slot, base + 1, slot * 2, LABEL_ROOM - 1),
                                 int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), f"{hour:02d}")
        finally:
            painter.end()
