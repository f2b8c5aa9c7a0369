"""One drawing of a receipt (or of any laid-out rows: a shift's report) for the screen, the
printer and PDF, from the rows that `core.receipt.layout` decides (so paper and screen never
disagree). Pairs are aligned by the
font's own metrics, not by counting columns, so any font (Chinese included) lines up."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPageLayout, QPageSize, QPaintDevice, QPainter, QPdfWriter, QPen

from pos_app.core.receipt.layout import Row, rows
from pos_app.core.receipt.model import Receipt

from .images import qr_qimage

_WRAP = int(Qt.TextFlag.TextWrapAnywhere)


@dataclass(frozen=True)
class _Item:
    row: Row
    rect: QRectF
    font: QFont
    flags: int = 0
    label_rect: QRectF | None = None


def _fonts(base: QFont) -> tuple[QFont, QFont]:
    base = QFont(base)
    # No ligatures: "ff" in a transaction id must stay two letters, on paper and in a PDF's text.
    for tag in ("liga", "clig", "dlig"):
        base.setFeature(QFont.Tag(tag), 0)
    title = QFont(base)
    title.setBold(True)
    title.setPointSizeF(base.pointSizeF() * 1.35)
    return base, title


def _layout(laid_out: list[Row], width: float, base: QFont, device: QPaintDevice) -> tuple[list[_Item], float]:
    body, title = _fonts(base)
    items: list[_Item] = []
    y = 0.0
    for row in laid_out:
        font = title if row.style == "title" else body
        fm = QFontMetricsF(font, device)
        gap = fm.height() * 0.25
        if row.style in ("title", "center", "text"):
            align = Qt.AlignmentFlag.AlignHCenter if row.style != "text" else Qt.AlignmentFlag.AlignLeft
            flags = int(align) | int(Qt.TextFlag.TextWordWrap)
            h = fm.boundingRect(QRectF(0, 0, width, 1e6), flags, row.value).height()
            items.append(_Item(row, QRectF(0, y, width, h), font, flags))
            y += h + gap
        elif row.style == "rule":
            items.append(_Item(row, QRectF(0, y + gap, width, 0), font))
            y += 2 * gap + 1
        elif row.style == "pair":
            label_w, value_w = fm.horizontalAdvance(row.label), fm.horizontalAdvance(row.value)
            right = int(Qt.AlignmentFlag.AlignRight) | _WRAP
            if label_w + value_w + fm.averageCharWidth() * 2 <= width:
                items.append(_Item(row, QRectF(0, y, width, fm.height()), font, right,
                                   QRectF(0, y, width, fm.height())))
                y += fm.height() + gap
            else:  # label on its line, the value under it, wrapped anywhere (a long tx id)
                h = fm.boundingRect(QRectF(0, 0, width, 1e6), right, row.value).height()
                items.append(_Item(row, QRectF(0, y + fm.height(), width, h), font, right,
                                   QRectF(0, y, width, fm.height())))
                y += fm.height() + h + gap
        elif row.style == "qr":
            side = min(width * 0.6, fm.height() * 12)
            items.append(_Item(row, QRectF((width - side) / 2, y + gap, side, side), font))
            y += side + 2 * gap
    return items, y


def paint_receipt(painter: QPainter, receipt: Receipt, language: str, width: float, base: QFont) -> float:
    """Draw the receipt from the painter's origin, `width` wide; the height used."""
    return paint_rows(painter, rows(receipt, language), width, base)


def rows_height(laid_out: list[Row], width: float, base: QFont, device: QPaintDevice) -> float:
    """The height any laid-out rows (a receipt, a shift's report) take drawn `width` wide."""
    return _layout(laid_out, width, base, device)[1]


def paint_rows(painter: QPainter, laid_out: list[Row], width: float, base: QFont) -> float:
    """Draw laid-out rows from the painter's origin, `width` wide; the height used."""
    items, height = _layout(laid_out, width, base, painter.device())
    painter.save()
    painter.setPen(QPen(Qt.GlobalColor.black))
    for item in items:
        painter.setFont(item.font)
        row = item.row
        if row.style == "rule":
            painter.setPen(QPen(Qt.GlobalColor.black, 0, Qt.PenStyle.DashLine))
            painter.drawLine(item.rect.topLeft(), item.rect.topRight())
            painter.setPen(QPen(Qt.GlobalColor.black))
        elif row.style == "qr":
            # No smoothing: each module stays a crisp square however far it is scaled.
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
            painter.drawImage(item.rect, qr_qimage(row.value))
        elif row.style == "pair":
            painter.drawText(item.label_rect, int(Qt.AlignmentFlag.AlignLeft), row.label)
            painter.drawText(item.rect, item.flags, row.value)
        else:
            painter.drawText(item.rect, item.flags, row.value)
    painter.restore()
    return height


PAPER_MM = 80.0
MARGIN_MM = 4.0


def save_pdf(receipt: Receipt, path: str, language: str = "en", point_size: float = 9.0) -> None:
    """Write the receipt as a one-page PDF shaped like an 80 mm till roll. The title carries
    the transaction id, so a saved file can be found by it."""
    save_rows_pdf(rows(receipt, language), path, f"Receipt {receipt.tx_id}", point_size)


def save_rows_pdf(laid_out: list[Row], path: str, title: str, point_size: float = 9.0) -> None:
    """Write laid-out rows as a one-page PDF shaped like an 80 mm till roll, titled `title`."""
    writer = QPdfWriter(path)
    writer.setResolution(300)
    writer.setTitle(title)
    writer.setCreator("MPS cashier")
    base = QFont()
    base.setPointSizeF(point_size)
    width_px = (PAPER_MM - 2 * MARGIN_MM) / 25.4 * writer.resolution()
    height_px = rows_height(laid_out, width_px, base, writer)
    height_mm = height_px / writer.resolution() * 25.4 + 2 * MARGIN_MM
    writer.setPageLayout(QPageLayout(QPageSize(QSizeF(PAPER_MM, height_mm), QPageSize.Unit.Millimeter),
                                     QPageLayout.Orientation.Portrait,
                                     QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
                                     QPageLayout.Unit.Millimeter))
    painter = QPainter(writer)
    try:
        paint_rows(painter, laid_out, width_px, base)
    finally:
        painter.end()
