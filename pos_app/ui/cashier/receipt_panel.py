"""The last receipt on screen, with its ways out: a system printer, a PDF, the thermal printer."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QPushButton, QScrollArea, QVBoxLayout, QWidget

from pos_app.core.receipt.model import Receipt
from pos_app.ui.common.worker import run_in_background
from pos_app.ui.i18n import Language

from ..common.receipt_output import print_receipt_with_dialog, write_escpos
from ..common.receipt_paint import save_pdf
from ..common.receipt_widget import ReceiptWidget
from . import text  # noqa: F401 - registers the labels


class ReceiptPanel(QWidget):
    status = Signal(str, str)  # severity, words: what became of a print
    new_sale = Signal()

    def __init__(self, language: Language, escpos_device: str | Path | None = None, escpos_width: int = 32,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._language = language
        self._device = escpos_device
        self._width = escpos_width
        self.slip = ReceiptWidget()
        scroll = QScrollArea()
        scroll.setWidget(self.slip)
        scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        scroll.setStyleSheet("QScrollArea { background: #e8e8e8; }")
        scroll.setMinimumWidth(self.slip.sizeHint().width() + 24)
        self.print_button, self.pdf_button, self.thermal_button, self.new_button = (
            QPushButton(), QPushButton(), QPushButton(), QPushButton())
        self.print_button.clicked.connect(self.print_receipt)
        self.pdf_button.clicked.connect(self._ask_pdf)
        self.thermal_button.clicked.connect(self.print_thermal)
        self.new_button.clicked.connect(self.new_sale)
        row = QHBoxLayout()
        for b in (self.print_button, self.pdf_button, self.thermal_button, self.new_button):
            b.setMinimumHeight(48)
            row.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll, 1)
        layout.addLayout(row)
        language.changed.connect(self.retranslate)
        self.retranslate()

    @property
    def receipt(self) -> Receipt | None:
        return self.slip.receipt

    def show_receipt(self, receipt: Receipt | None) -> None:
        self.slip.show_receipt(receipt, self._language.code)
        self._enable()

    def _enable(self) -> None:
        has = self.receipt is not None
        for b in (self.print_button, self.pdf_button):
            b.setEnabled(has)
        self.thermal_button.setEnabled(has and self._device is not None)
        self.thermal_button.setToolTip("" if self._device else self._language.t("cashier.thermal_none"))

    def print_receipt(self) -> None:
        if self.receipt is not None and print_receipt_with_dialog(self.receipt, self._language.code, self):
            self.status.emit("ok", self._language.t("cashier.printed"))

    def save_pdf(self, path: str | Path) -> Path:
        """Write the shown receipt to `path` as PDF (the Save PDF button asks for the path)."""
        if self.receipt is None:
            raise RuntimeError("no receipt is shown")
        save_pdf(self.receipt, str(path), self._language.code)
        self.status.emit("ok", self._language.t("cashier.saved", path=str(path)))
        return Path(path)

    def _ask_pdf(self) -> None:
        if self.receipt is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, self._language.t("cashier.pdf"),
                                              f"receipt-{self.receipt.tx_id}.pdf", "PDF (*.pdf)")
        if path:
            self.save_pdf(path)

    def print_thermal(self):
        """Send the receipt to the ESC/POS printer, off the UI thread (a busy printer blocks the
        write); the Job, so a caller can wait for it."""
        if self.receipt is None or self._device is None:
            self.status.emit("warn", self._language.t("cashier.thermal_none"))
            return None
        receipt, device, width, lang = self.receipt, self._device, self._width, self._language.code
        return run_in_background(
            lambda: write_escpos(receipt, device, width, lang),
            on_done=lambda _n: self.status.emit("ok", self._language.t("cashier.printed")),
            on_failed=lambda e: self.status.emit("error", self._language.t("cashier.print_failed", reason=str(e))))

    def retranslate(self, _code: str | None = None) -> None:
        t = self._language.t
        self.print_button.setText(t("cashier.print"))
        self.pdf_button.setText(t("cashier.pdf"))
        self.thermal_button.setText(t("cashier.thermal"))
        self.new_button.setText(t("cashier.new_sale"))
        if self.receipt is not None:
            self.slip.show_receipt(self.receipt, self._language.code)
        self._enable()


