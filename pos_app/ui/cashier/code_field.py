"""The field for a pasted or typed payment code. It never shows what is in it (a payment code
is a secret). Enter with a code in it hands the code over (and does not charge: the cashier
sees "Card ready" first); Enter in the empty field is the view's, which charges when ready,
so paste, Enter, Enter rings the sale up without leaving the keyboard."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLineEdit


class CodeField(QLineEdit):
    submitted = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setEchoMode(QLineEdit.EchoMode.Password)
        self.setMinimumHeight(44)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if not self.text().strip():
                event.ignore()  # nothing to hand over: the view's "Enter charges" has it
                return
            event.accept()  # ours: this Enter hands the code over, it does not charge
            self.submit()
            return
        super().keyPressEvent(event)

    def submit(self) -> None:
        code = self.text()
        self.clear()
        if code.strip():
            self.submitted.emit(code)
