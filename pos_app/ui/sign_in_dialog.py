"""The sign-in form: email and password, a problem label, a way to the settings. It only lays
out and reports `submitted(email, password)`; the shell signs in and answers with
`show_problem` or closes it. The password leaves the field only in that signal and is cleared
after each try."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout

from pos_app.core.messages import message_for

from . import shell_text  # noqa: F401 - registers the labels
from .i18n import Language


class SignInDialog(QDialog):
    submitted = Signal(str, str)
    settings_requested = Signal()

    def __init__(self, language: Language, *, merchant: str, terminal: str, email: str = "", parent=None):
        super().__init__(parent)
        self._language = language
        self._merchant = merchant
        self._terminal = terminal
        self._problem: str | None = None  # a messages name, re-worded on a language switch
        self._busy_key: str | None = None
        self.setMinimumWidth(520)
        self.setStyleSheet("QLineEdit, QPushButton, QLabel { font-size: 13pt; }")

        self.shop = QLabel(alignment=Qt.AlignCenter)
        self.shop.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.email = QLineEdit(email)
        self.password = QLineEdit(echoMode=QLineEdit.Password)
        for field in (self.email, self.password):
            field.setMinimumHeight(44)
        self.problem = QLabel(wordWrap=True, objectName="problem")
        self.problem.setStyleSheet("color: #b00020; font-weight: bold;")
        self.submit = QPushButton(default=True, minimumHeight=52)
        self.settings_button = QPushButton(minimumHeight=52)
        self.submit.clicked.connect(self._submit)
        self.password.returnPressed.connect(self._submit)
        self.email.returnPressed.connect(self.password.setFocus)
        self.settings_button.clicked.connect(self.settings_requested)

        self.form = QFormLayout()
        self.form.addRow(QLabel(), self.email)
        self.form.addRow(QLabel(), self.password)
        buttons = QHBoxLayout()
        buttons.addWidget(self.settings_button)
        buttons.addStretch(1)
        buttons.addWidget(self.submit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.shop)
        layout.addLayout(self.form)
        layout.addWidget(self.problem)
        layout.addLayout(buttons)
        self.setTabOrder(self.email, self.password)
        self.setTabOrder(self.password, self.submit)
        self.setTabOrder(self.submit, self.settings_button)
        (self.password if email else self.email).setFocus()
        language.changed.connect(self.relabel)
        self.relabel()

    def relabel(self, *_: object) -> None:
        t = self._language.t
        self.setWindowTitle(t("signin.title"))
        self.shop.setText(t("signin.shop", terminal=self._terminal, merchant=self._merchant))
        self.form.itemAt(0, QFormLayout.LabelRole).widget().setText(t("signin.email"))
        self.form.itemAt(1, QFormLayout.LabelRole).widget().setText(t("signin.password"))
        self.submit.setText(t("signin.submit"))
        self.settings_button.setText(t("signin.settings"))
        if self._busy_key:
            self.problem.setText(t(self._busy_key))
        elif self._problem is not None:
            self.problem.setText(str(message_for(self._problem, self._language.code)))

    def set_busy(self, key: str | None) -> None:
        """Disable the form while `key`'s work runs (one sign-in at a time); None re-enables."""
        self._busy_key = key
        for widget in (self.email, self.password, self.submit, self.settings_button):
            widget.setEnabled(key is None)
        if key:
            self._problem = None
            self.problem.setStyleSheet("color: palette(text);")
            self.problem.setText(self._language.t(key))
        else:
            self.problem.clear()

    def show_problem(self, name: str) -> None:
        """Say what went wrong and what to do (`name` is a `messages` key); the password field
        is emptied for the next try."""
        self.set_busy(None)
        self._problem = name
        self.problem.setStyleSheet("color: #b00020; font-weight: bold;")
        self.problem.setText(str(message_for(name, self._language.code)))
        self.password.clear()
        self.password.setFocus()

    def _submit(self) -> None:
        email, password = self.email.text().strip(), self.password.text()
        if not email or not password:
            self._problem = None
            self.problem.setStyleSheet("color: #b00020; font-weight: bold;")
            self.problem.setText(self._language.t("signin.need_both"))
            return
        self.password.clear()
        self.submitted.emit(email, password)
