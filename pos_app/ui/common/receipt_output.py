"""Where a receipt goes besides the screen: a system printer (Qt printing, through its dialog),
a PDF file, or the bytes of an ESC/POS thermal printer written to its device file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFont, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QWidget

from pos_app.core.receipt.escpos import render_escpos
from pos_app.core.receipt.layout import Row
from pos_app.core.receipt.model import Receipt

from .receipt_paint import paint_receipt, paint_rows


def print_receipt_with_dialog(receipt: Receipt, language: str, parent: QWidget | None = None) -> bool:
    """Ask which printer, then print; False if the cashier cancelled."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(f"Receipt {receipt.tx_id}")
    dialog = QPrintDialog(printer, parent)
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    print_to(printer, receipt, language)
    return True


def print_to(printer: QPrinter, receipt: Receipt, language: str) -> None:
    """Draw the receipt on `printer`'s page, as wide as the page allows (a till roll or A4)."""
    painter = QPainter(printer)
    try:
        paint_receipt(painter, receipt, language, _roll_width(printer), _base_font())
    finally:
        painter.end()


def print_rows_with_dialog(laid_out: list[Row], title: str, parent: QWidget | None = None) -> bool:
    """Ask which printer, then print laid-out rows (a shift's report) as a receipt is printed;
    False if cancelled."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    if QPrintDialog(printer, parent).exec() != QPrintDialog.DialogCode.Accepted:
        return False
    print_rows_to(printer, laid_out)
    return True


def print_rows_to(printer: QPrinter, laid_out: list[Row]) -> None:
    painter = QPainter(printer)
    try:
        paint_rows(painter, laid_out, _roll_width(printer), _base_font())
    finally:
        painter.end()


def _base_font() -> QFont:
    base = QFont()
    base.setPointSizeF(9.0)
    return base


def _roll_width(printer: QPrinter) -> float:
    page = printer.pageRect(QPrinter.Unit.DevicePixel)
    return min(page.width(), 80 / 25.4 * printer.resolution())  # no wider than a roll on A4


def write_escpos(receipt: Receipt, device: str | Path, width: int = 32, language: str = "zh_CN") -> int:
    """Send the receipt's ESC/POS job to a thermal printer's device file (/dev/usb/lp0, a
    serial port, or a file for a spooler); the bytes written. Blocks while the printer is busy,
    so call it off the UI thread."""
    return write_job(render_escpos(receipt, width=width, language=language), device)


def write_job(data: bytes, device: str | Path) -> int:
    """Write a ready ESC/POS job (`receipt.escpos.rows_escpos`) to the printer's device file;
    the bytes written. Blocks while the printer is busy: call it off the UI thread."""
    with open(device, "wb") as out:
        out.write(data)
    return len(data)
