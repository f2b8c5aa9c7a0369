"""The field for a pasted or typed payment code. It never shows what is in it (a payment code
is a secret), and Enter hands the code over instead of charging."""

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
            event.accept()  # ours: the view's "Enter charges" must not see it
            self.submit()
            return
        super().keyPressEvent(event)

    def submit(self) -> None:
        code = self.text()
        self.clear()
        if code.strip():
            self.submitted.emit(code)
