"""The "Open shift" screen that stands in for the sale screen while the terminal has no open
shift: the float field has the keyboard, Enter opens."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from pos_app.core.messages import message_for
from pos_app.ui.cashier.amount_validator import AmountValidator
from pos_app.ui.i18n import Language

from . import text  # noqa: F401 - registers the labels


class OpenShiftPanel(QWidget):
    submitted = Signal(str)  # the typed float
    look_again = Signal()
    back = Signal()  # to selling, when the shop sells without shifts

    def __init__(self, language: Language, parent: QWidget | None = None):
        super().__init__(parent)
        self.language = language
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 22pt; font-weight: bold;")
        self.explain = QLabel(wordWrap=True)
        self.explain.setStyleSheet("font-size: 13pt;")
        self.float_label = QLabel()
        self.float_field = QLineEdit()
        big = QFont(self.float_field.font())
        big.setPointSize(28)
        self.float_field.setFont(big)
        self.float_field.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.float_field.setMinimumHeight(64)
        self.float_field.setMaximumWidth(420)
        self.float_field.setPlaceholderText("0.00")
        self.float_field.setValidator(AmountValidator(self.float_field))
        self.float_label.setBuddy(self.float_field)
        self.open_button = QPushButton(minimumHeight=60, maximumWidth=420)
        self.open_button.setStyleSheet("QPushButton { font-size: 16pt; font-weight: bold; background: #2e7d32;"
                                       " color: white; border-radius: 8px; }"
                                       " QPushButton:disabled { background: #9e9e9e; color: #eeeeee; }")
        self.open_button.clicked.connect(self.submit)
        self.look_button = QPushButton(minimumHeight=44, maximumWidth=420)
        self.look_button.clicked.connect(self.look_again)
        self.back_button = QPushButton(minimumHeight=44, maximumWidth=420)
        self.back_button.clicked.connect(self.back)
        self.problem = QLabel(wordWrap=True)
        self.problem.setStyleSheet("QLabel { background: #fde7e7; color: #8e1b1b; border: 1px solid #e08080;"
                                   " border-radius: 6px; padding: 8px; font-size: 13pt; }")
        self.problem.hide()
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for w in (self.title, self.explain, self.float_label, self.float_field, self.open_button, self.problem,
                  self.look_button, self.back_button):
            layout.addWidget(w)
        layout.addStretch(2)
        self._explain_key: tuple[str, dict] = ("shift.open_explain", {})
        self._problem: str | None = None
        self._pending_amount: str | None = None
        self.look_button.hide()
        self.back_button.hide()
        language.changed.connect(self.retranslate)
        self.retranslate()

    def submit(self) -> None:
        if self.open_button.isEnabled():
            self.submitted.emit(self.float_field.text())

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        # Enter reaches here from the float field whatever it holds (the field's returnPressed
        # fires only for text its validator accepts, and a paste may not be): the check says why.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit()
        elif event.key() == Qt.Key.Key_Escape and self.back_button.isVisible():
            self.back.emit()
        else:
            super().keyPressEvent(event)

    def focus_float(self) -> None:
        self.float_field.setFocus(Qt.FocusReason.OtherFocusReason)
        self.float_field.selectAll()

    # -- what it shows ---------------------------------------------------------------------

    def set_explain(self, key: str, **fields: object) -> None:
        """The words under the title; a field may be a callable of the language code (words from
        the core's catalog), so a language switch re-words it too."""
        self._explain_key = (key, fields)
        self.explain.setText(self._explained())

    def _explained(self) -> str:
        return self.language.t_fields(*self._explain_key)

    def set_can_open(self, can: bool) -> None:
        self.float_field.setEnabled(can and self._pending_amount is None)
        self.open_button.setEnabled(can)
        self.float_label.setVisible(can)
        self.float_field.setVisible(can)
        self.open_button.setVisible(can)

    def set_busy(self, busy: bool) -> None:
        self.open_button.setEnabled(not busy)
        self.look_button.setEnabled(not busy)

    def show_problem(self, name: str | None) -> None:
        self._problem = name
        self.problem.setText(str(message_for(name, self.language.code)) if name else "")
        self.problem.setVisible(bool(name))

    def set_pending(self, amount: str | None) -> None:
        """An open sent without an answer: the float is frozen, the button retries it."""
        self._pending_amount = amount
        self.float_field.setEnabled(amount is None)
        if amount is not None:
            self.set_explain("shift.open_unknown", amount=amount)
        self.retranslate()

    def retranslate(self, _code: str | None = None) -> None:
        t = self.language.t
        self.title.setText(t("shift.open_title"))
        self.explain.setText(self._explained())
        self.float_label.setText(t("shift.float"))
        self.open_button.setText(t("shift.open_retry" if self._pending_amount else "shift.open"))
        self.look_button.setText(t("shift.look_again"))
        self.back_button.setText(t("shift.back_to_selling"))
        if self._problem:
            self.problem.setText(str(message_for(self._problem, self.language.code)))
