"""A shift's report on screen with its ways out, as a receipt has them: a system printer, the
thermal printer (ESC/POS), a PDF and a text file. The counter shows a close's Z right after the
close (`duplicate=False`); the manager's reprint marks it DUPLICATE (`duplicate=True`).

    dialog = ShiftReportDialog(ShiftDocument.for_operator(z, operator), language,
                               escpos_device=settings.escpos_device or None, parent=window)
    dialog.exec()
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from pos_app.core.shift.report import ShiftDocument, render_escpos, rows, text_file

from ..i18n import Language
from . import text  # noqa: F401 - registers the labels
from .receipt_output import print_rows_with_dialog, write_job
from .receipt_paint import save_rows_pdf
from .receipt_widget import SlipWidget
from .save_dialog import ask_save_path, check_writable, file_failure
from .worker import Job, run_in_background

TEXT_WIDTH = 40  # columns of a saved text file: room on a page, still a slip's shape


class ShiftReportView(QWidget):
    """The document on a slip and its buttons. `status(severity, words)` says what became of a
    print or a save (ok, warn, error), in the current language, and again in the other one
    after a switch."""

    status = Signal(str, str)

    def __init__(self, language: Language, *, escpos_device: str | Path | None = None, escpos_width: int = 32,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.language = language
        self._device = escpos_device
        self._width = escpos_width
        self._document: ShiftDocument | None = None
        self._said: tuple[str, Callable[[str], str]] | None = None  # the last status, said again on a switch
        self.slip = SlipWidget()
        scroll = QScrollArea()
        scroll.setWidget(self.slip)
        scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        scroll.setStyleSheet("QScrollArea { background: #e8e8e8; }")
        scroll.setMinimumWidth(self.slip.sizeHint().width() + 24)
        scroll.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # arrows and Page Down scroll a long Z
        self.scroll = scroll
        self.print_button, self.thermal_button, self.pdf_button, self.text_button = (
            QPushButton(), QPushButton(), QPushButton(), QPushButton())
        self.print_button.clicked.connect(self.print_document)
        self.thermal_button.clicked.connect(self.print_thermal)
        self.pdf_button.clicked.connect(self._ask_pdf)
        self.text_button.clicked.connect(self._ask_text)
        self.buttons = QHBoxLayout()
        for b in (self.print_button, self.thermal_button, self.pdf_button, self.text_button):
            b.setMinimumHeight(44)
            self.buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll, 1)
        layout.addLayout(self.buttons)
        language.changed.connect(self.retranslate)
        self.retranslate()

    @property
    def document(self) -> ShiftDocument | None:
        return self._document

    def show_document(self, document: ShiftDocument | None) -> None:
        self._document = document
        self._redraw()

    def _redraw(self) -> None:
        self.slip.show_rows(rows(self._document, self.language.code) if self._document else [])
        has = self._document is not None
        for b in (self.print_button, self.pdf_button, self.text_button):
            b.setEnabled(has)
        self.thermal_button.setEnabled(has and bool(self._device))
        self.thermal_button.setToolTip("" if self._device else self.language.t("shift_doc.thermal_none"))

    def lines(self) -> list[str]:
        """The document as the text file holds it (what a test or a support ticket reads)."""
        return text_file(self._document, TEXT_WIDTH, self.language.code).splitlines() if self._document else []

    def print_document(self) -> bool:
        """Ask which printer, then print it; False if there is nothing or it was cancelled."""
        doc = self._document
        if doc is None:
            return False
        if print_rows_with_dialog(rows(doc, self.language.code), doc.title(self.language.code), self):
            self._say("ok", lambda _lang: self.language.t("shift_doc.printed"))
            return True
        return False

    def print_thermal(self) -> Job | None:
        """Send it to the ESC/POS printer off the UI thread (a busy printer blocks the write);
        the Job, so a caller can wait for it."""
        doc, device = self._document, self._device
        if doc is None or not device:
            self._say("warn", lambda _lang: self.language.t("shift_doc.thermal_none"))
            return None
        job = render_escpos(doc, self._width, self.language.code)
        return run_in_background(
            lambda: write_job(job, device),
            on_done=lambda _n: self._say("ok", lambda _lang: self.language.t("shift_doc.printed")),
            on_failed=lambda e: self._say("error", lambda _lang: self.language.t("shift_doc.print_failed",
                                                                               reason=str(e))))

    def save_pdf(self, path: str | Path) -> Path | None:
        """Write it at `path` as a PDF shaped like the till roll; None (and says why) if it
        cannot be written."""
        doc = self._document
        if doc is None:
            return None
        return self._save(path, lambda p: save_rows_pdf(rows(doc, self.language.code), str(p),
                                                        doc.title(self.language.code)))

    def save_text(self, path: str | Path) -> Path | None:
        """Write it at `path` as UTF-8 text, the columns of the slip (CJK counted two)."""
        doc = self._document
        if doc is None:
            return None
        return self._save(path, lambda p: p.write_text(text_file(doc, TEXT_WIDTH, self.language.code),
                                                       encoding="utf-8"))

    def _save(self, path: str | Path, write) -> Path | None:
        try:
            target = check_writable(path)
            write(target)
        except OSError as e:
            error = e  # `e` is gone after the except block; the words are said again on a switch
            self._say("error", lambda lang: file_failure(error, lang, str(path)))
            return None
        self._say("ok", lambda _lang: self.language.t("shift_doc.saved", path=str(target)))
        return target

    def _say(self, severity: str, say: Callable[[str], str]) -> None:
        self._said = (severity, say)
        self.status.emit(severity, say(self.language.code))

    def _ask_pdf(self) -> None:
        if self._document is not None:
            path = ask_save_path(self, self.language.t("shift_doc.pdf"), f"{self._document.file_stem()}.pdf",
                                 "PDF (*.pdf)")
            if path:
                self.save_pdf(path)

    def _ask_text(self) -> None:
        if self._document is not None:
            path = ask_save_path(self, self.language.t("shift_doc.text"), f"{self._document.file_stem()}.txt",
                                 "Text (*.txt)")
            if path:
                self.save_text(path)

    def retranslate(self, _code: str | None = None) -> None:
        t = self.language.t
        self.print_button.setText(t("shift_doc.print"))
        self.thermal_button.setText(t("shift_doc.thermal"))
        self.pdf_button.setText(t("shift_doc.pdf"))
        self.text_button.setText(t("shift_doc.text"))
        self._redraw()
        if self._said is not None:
            self.status.emit(self._said[0], self._said[1](self.language.code))


class ShiftReportDialog(QDialog):
    """The document in its own window, Print focused (Enter prints), Escape or Close to leave."""

    def __init__(self, document: ShiftDocument, language: Language, *, escpos_device: str | Path | None = None,
                 escpos_width: int = 32, parent: QWidget | None = None):
        super().__init__(parent)
        self.language = language
        self.view = ShiftReportView(language, escpos_device=escpos_device, escpos_width=escpos_width)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()
        self.close_button = QPushButton()
        self.close_button.setMinimumHeight(44)
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.accept)
        self.view.buttons.addWidget(self.close_button)
        self.view.status.connect(self._said)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.message)
        self.view.show_document(document)
        self.view.print_button.setDefault(True)
        self.view.print_button.setFocus()
        self.resize(self.view.slip.sizeHint().width() + 280, 760)
        language.changed.connect(self.retranslate)
        self.retranslate()

    @property
    def document(self) -> ShiftDocument:
        return self.view.document

    def _said(self, severity: str, words: str) -> None:
        colour = {"ok": "#1b5e20", "warn": "#8a5a00", "error": "#b00020"}.get(severity, "#000")
        self.message.setStyleSheet(f"color: {colour};")
        self.message.setText(words)
        self.message.show()

    def retranslate(self, _code: str | None = None) -> None:
        self.setWindowTitle(f"{self.language.t('shift_doc.title')} · {self.document.title(self.language.code)}")
        self.close_button.setText(self.language.t("shift_doc.close"))
