"""Monospaced text documents (a refund receipt, the Z report) onto a system printer or into a
PDF. The text is laid out by the core (CJK characters two columns wide); here it is only drawn
line by line in a fixed-pitch font, so the columns line up on paper as on screen."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QFont, QFontDatabase, QPageLayout, QPageSize, QPagedPaintDevice, QPainter, QPdfWriter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QWidget


def mono_font(points: float = 9.0) -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSizeF(points)
    return font


def draw_lines(device: QPagedPaintDevice, lines: list[str]) -> int:
    """Draw `lines` top to bottom, a new page when one is full; the number of pages."""
    painter = QPainter(device)
    try:
        painter.setFont(mono_font())
        step = painter.fontMetrics().lineSpacing()
        bottom = painter.viewport().height()
        y, pages = step, 1
        for line in lines:
            if y > bottom:
                device.newPage()
                y, pages = step, pages + 1
            painter.drawText(0, y, line)
            y += step
    finally:
        painter.end()
    return pages


def write_pdf(lines: list[str], path: str | Path, title: str = "") -> Path:
    """The lines as a PDF at `path` (A4 portrait, 15 mm margins); the path."""
    path = Path(path)
    writer = QPdfWriter(str(path))
    writer.setTitle(title)
    writer.setResolution(300)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter))
    draw_lines(writer, lines)
    return path


def print_with_dialog(lines: list[str], title: str, parent: QWidget | None = None) -> bool:
    """Ask which printer, then print the lines; False if cancelled."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    if QPrintDialog(printer, parent).exec() != QPrintDialog.DialogCode.Accepted:
        return False
    draw_lines(printer, lines)
    return True
