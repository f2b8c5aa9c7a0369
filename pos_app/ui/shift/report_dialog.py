"""The X read-out or the Z report of a shift on screen, with Print and Save PDF."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFileDialog, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout

from pos_app.core.api.shifts import Shift
from pos_app.core.shift import readout
from pos_app.ui.common.printing import mono_font, print_lines_with_dialog, write_pdf
from pos_app.ui.i18n import Language

from . import text  # noqa: F401 - registers the labels


class ShiftReportDialog(QDialog):
    def __init__(self, shift: Shift, timezone: str, language: Language, parent=None):
        super().__init__(parent)
        self.shift = shift
        self.timezone = timezone
        self.language = language
        self.body = QPlainTextEdit(readOnly=True)
        self.body.setFont(mono_font(11))
        self.body.setMinimumSize(460, 560)
        self.status = QLabel(wordWrap=True)
        self.print_button = QPushButton(minimumHeight=44)
        self.save_button = QPushButton(minimumHeight=44)
        self.done_button = QPushButton(minimumHeight=44)
        self.print_button.clicked.connect(self.print_report)
        self.save_button.clicked.connect(self.ask_save)
        self.done_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        for b in (self.print_button, self.save_button, self.done_button):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.done_button.setDefault(True)
        language.changed.connect(self.retranslate)
        self.retranslate()

    def lines(self) -> list[str]:
        return readout.render_text(self.shift, self.timezone, 40, self.language.code)

    def print_report(self) -> bool:
        return print_lines_with_dialog(self.lines(), self.windowTitle(), self)

    def save_pdf(self, path) -> None:
        written = write_pdf(self.lines(), path, self.windowTitle())
        self.status.setText(self.language.t("shift.saved", path=str(written)))

    def ask_save(self) -> None:
        name = f"shift-z{self.shift.z_number}.pdf" if not self.shift.is_open else "shift-x.pdf"
        path, _ = QFileDialog.getSaveFileName(self, self.windowTitle(), name, "PDF (*.pdf)")
        if path:
            try:
                self.save_pdf(path)
            except OSError as e:
                self.status.setText(str(e))

    def retranslate(self, _code: str | None = None) -> None:
        t = self.language.t
        self.setWindowTitle(t("shift.report_x") if self.shift.is_open else t("shift.report_z"))
        self.body.setPlainText("\n".join(self.lines()))
        self.print_button.setText(t("shift.print"))
        self.save_button.setText(t("shift.save"))
        self.done_button.setText(t("shift.done"))
