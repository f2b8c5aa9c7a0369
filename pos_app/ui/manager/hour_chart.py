"""The day's takings per hour as 24 bars, drawn with QPainter (no QtCharts in the Essentials
wheel). The geometry is a method of its own (`bar_rects`) so a test checks the bars' heights
without reading pixels, and the painting only fills what it returns."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

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
        self._tips: list[str] = [""] * HOURS
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(140)

    def sizeHint(self) -> QSize:
        return QSize(480, 180)

    def values(self) -> list[Decimal]:
        return list(self._values)

    def set_values(self, values: list[Decimal], top_label: str = "", tips: list[str] | None = None) -> None:
        """The 24 hours' amounts; `top_label` (the largest, formatted) is written over its bar,
        the one scale a reader needs; `tips` the 24 hours' words, shown when the pointer rests
        on an hour (every hour has its amount there, not only the tallest)."""
        if len(values) != HOURS or (tips is not None and len(tips) != HOURS):
            raise ValueError(f"{len(values)} hours instead of {HOURS}")
        self._tips = list(tips) if tips is not None else [""] * HOURS
        # Negative hours (more refunded than taken) draw as empty: the figures table shows them.
        self._values = [max(Decimal(0), Decimal(v)) for v in values]
        self._top_label = top_label
        self.update()

    def tip(self, hour: int) -> str:
        return self._tips[hour]

    def hour_at(self, x: float) -> int | None:
        """The hour whose slot holds `x` (widget coordinates), or None outside the chart."""
        if self.width() <= 0 or not 0 <= x < self.width():
            return None
        return min(HOURS - 1, int(x / (self.width() / HOURS)))

    def label_step(self) -> int:
        """Every how many hours an hour number is written under the bars: 1 when the slots are
        wide enough for "00", else 2 or 3 (the tooltip names every hour anyway)."""
        room = self.fontMetrics().horizontalAdvance("00") + 4
        slot = self.width() / HOURS
        return next((step for step in (1, 2, 3) if slot * step >= room), 3)

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            hour = self.hour_at(event.pos().x())
            if hour is not None and self._tips[hour]:
                QToolTip.showText(event.globalPos(), self._tips[hour], self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

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
            step = self.label_step()
            for hour in range(0, HOURS, step):  # every hour when it fits, else every second or third
                painter.drawText(QRectF(hour * slot, base + 1, slot * step, LABEL_ROOM - 1),
                                 int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), f"{hour:02d}")
        finally:
            painter.end()
