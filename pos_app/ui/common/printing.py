"""Monospaced text documents (the day read-out) onto a system printer or into a PDF. The text is
laid out by the core in columns (a CJK character two columns wide); here each character is
placed in its own column cell, because no font promises that a fallback Chinese glyph is
exactly two Latin cells wide, and the amounts' right edge must line up."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF
from PySide6.QtGui import (
    QFont,
    QFontDatabase,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPaintDevice,
    QPainter,
    QPdfWriter,
)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QWidget

from pos_app.core.receipt.text import char_width


def mono_font(points: float = 9.0) -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSizeF(points)
    return font


def draw_lines(device: QPaintDevice, lines: list[str]) -> int:
    """Draw `lines` top to bottom, a new page when one is full (on a printer or a PDF; an image
    is one page, cut where it ends); the number of pages."""
    painter = QPainter(device)
    try:
        painter.setFont(mono_font())
        step = painter.fontMetrics().lineSpacing()
        bottom = painter.viewport().height()
        y, pages = step, 1
        for line in lines:
            if y > bottom:
                if not isinstance(device, QPagedPaintDevice):
                    break
                device.newPage()
                y, pages = step, pages + 1
            draw_columns(painter, line, y)
            y += step
    finally:
        painter.end()
    return pages


def draw_columns(painter: QPainter, line: str, baseline: float) -> None:
    """Draw `line` with each character at its column (`receipt_text.char_width` cells)."""
    cell = painter.fontMetrics().horizontalAdvance("0")
    column = 0
    for ch in line:
        if ch != " ":
            painter.drawText(QPointF(column * cell, baseline), ch)
        column += char_width(ch)


def write_pdf(lines: list[str], path: str | Path, title: str = "") -> Path:
    """The lines as a PDF at `path` (A4 portrait, 15 mm margins); the path. OSError when the
    file cannot be written (QPdfWriter itself would only warn on the console)."""
    path = Path(path)
    with path.open("wb"):
        pass
    writer = QPdfWriter(str(path))
    writer.setTitle(title)
    writer.setResolution(300)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter))
    draw_lines(writer, lines)
    return path


def print_lines_with_dialog(lines: list[str], title: str, parent: QWidget | None = None) -> bool:
    """Ask which printer, then print the lines; False if cancelled."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    if QPrintDialog(printer, parent).exec() != QPrintDialog.DialogCode.Accepted:
        return False
    draw_lines(printer, lines)
    return True
