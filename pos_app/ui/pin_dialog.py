"""Setting a PIN after signing in with the password: the PIN typed twice, refused where it is
typed when it is not 4 to 8 digits or the two differ. It only reports `chosen(pin)`; the shell
keeps its hash. "Not now" leaves the operator without a PIN (the lock screen then asks them
for the password)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout

from pos_app.core.messages import message_for
from pos_app.core.session.pins import MAX_DIGITS, pin_problem

from . import lock_text  # noqa: F401 - registers the labels
from .i18n import Language


class SetPinDialog(QDialog):
    chosen = Signal(str)

    def __init__(self, language: Language, who: str, parent=None) -> None:
        super().__init__(parent)
        self._language = language
        self._who = who
        self._problem: str | None = None
        self.setMinimumWidth(520)
        self.setStyleSheet("QLineEdit, QPushButton, QLabel { font-size: 13pt; }")
        self.intro = QLabel(wordWrap=True)
        self.first = QLineEdit(echoMode=QLineEdit.EchoMode.Password, maxLength=MAX_DIGITS, objectName="pinFirst")
        self.again = QLineEdit(echoMode=QLineEdit.EchoMode.Password, maxLength=MAX_DIGITS, objectName="pinAgain")
        for field in (self.first, self.again):
            field.setMinimumHeight(44)
            field.textEdited.connect(self._edited)
        self.problem = QLabel(wordWrap=True, objectName="problem")
        self.problem.setStyleSheet("color: #b00020; font-weight: bold;")
        # Enter belongs to the fields (first: on to the second; second: save), not to a default
        # button, which would take the same Enter a second time.
        self.save = QPushButton(minimumHeight=52, autoDefault=False)
        self.later = QPushButton(minimumHeight=52, autoDefault=False)
        self.save.clicked.connect(self._submit)
        self.later.clicked.connect(self.reject)
        self.first.returnPressed.connect(self._first_done)
        self.again.returnPressed.connect(self._submit)
        self.form = QFormLayout()
        self.form.addRow(QLabel(), self.first)
        self.form.addRow(QLabel(), self.again)
        buttons = QHBoxLayout()
        buttons.addWidget(self.later)
        buttons.addStretch(1)
        buttons.addWidget(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.problem)
        layout.addLayout(buttons)
        self.setTabOrder(self.first, self.again)
        self.setTabOrder(self.again, self.save)
        self.setTabOrder(self.save, self.later)
        self.first.setFocus()
        language.changed.connect(self.relabel)
        self.relabel()

    def relabel(self, *_: object) -> None:
        t = self._language.t
        self.setWindowTitle(f"{t('pin.title')} — {self._who}")
        self.intro.setText(t("pin.intro"))
        self.form.itemAt(0, QFormLayout.ItemRole.LabelRole).widget().setText(t("pin.first"))
        self.form.itemAt(1, QFormLayout.ItemRole.LabelRole).widget().setText(t("pin.again"))
        self.save.setText(t("pin.save"))
        self.later.setText(t("pin.later"))
        self.problem.setText(str(message_for(self._problem, self._language.code)) if self._problem else "")

    def _say(self, name: str | None) -> None:
        self._problem = name
        self.problem.setText(str(message_for(name, self._language.code)) if name else "")

    def _edited(self, text: str) -> None:
        if text and pin_problem(text) == "pin_digits":
            self._say("pin_digits")
        elif self._problem in ("pin_digits", "pin_length", "pin_mismatch"):
            self._say(None)

    def _first_done(self) -> None:
        problem = pin_problem(self.first.text())
        if problem:
            self._refuse(problem, self.first)
        else:
            self.again.setFocus()

    def _submit(self) -> None:
        pin = self.first.text()
        problem = pin_problem(pin)
        if problem:
            self._refuse(problem, self.first)
            return
        if self.again.text() != pin:
            self._refuse("pin_mismatch", self.again)
            return
        self.first.clear()
        self.again.clear()
        self.chosen.emit(pin)
        self.accept()

    def _refuse(self, name: str, field: QLineEdit) -> None:
        self._say(name)
        field.clear()
        if field is self.first:
            self.again.clear()
        field.setFocus(Qt.FocusReason.OtherFocusReason)
