"""The cash drawer dialog (F6 on the cashier screen): a pay-in, pay-out or drop, its amount and
reason. What is typed is checked as it is typed and again on OK (the sale service's
`prepare_cash`), in the cashier's language; nothing is sent until it is right. On OK the
dialog closes and the movement runs through the cashier controller, which shows its slip."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from pos_app.core.messages import message_for
from pos_app.core.money import AmountError, parse_amount
from pos_app.core.sale.service import MAX_REASON, Prepared

from . import text  # noqa: F401 - registers the labels
from .controller import CashierController

KINDS = ("pay_in", "pay_out", "drop")


class CashDialog(QDialog):
    def __init__(self, controller: CashierController, parent: QWidget | None = None):
        super().__init__(parent)
        self.controller = controller
        t = controller.language.t
        self.setWindowTitle(t("cash.title"))
        self.setMinimumWidth(560)
        self.kind = QComboBox()
        for kind in KINDS:
            self.kind.addItem(t(f"cash.kind.{kind}"), kind)
        self.amount = QLineEdit()
        self.amount.setPlaceholderText("0.00")
        self.reason = QLineEdit()
        self.reason.setMaxLength(MAX_REASON + 1)  # one more, so "too long" is said, not swallowed
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("QLabel { color: #8e1b1b; font-weight: bold; }")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(t("cash.ok"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(t("cash.cancel"))
        form = QFormLayout()
        for label, widget in ((t("cash.kind"), self.kind), (t("cash.amount"), self.amount),
                              (t("cash.reason"), self.reason)):
            caption = QLabel(label)
            caption.setBuddy(widget)
            form.addRow(caption, widget)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.amount.textEdited.connect(self._check_amount)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.prepared: Prepared | None = None
        self._kind_changed()
        shift = controller.sales.shift
        if shift is None or not shift.is_open:
            self._say(str(message_for("cash_no_shift", controller.language.code)))
        self.amount.setFocus(Qt.FocusReason.OtherFocusReason)

    def select_kind(self, kind: str) -> None:
        self.kind.setCurrentIndex(KINDS.index(kind))

    def _kind_changed(self, _index: int = 0) -> None:
        t = self.controller.language.t
        needed = self.kind.currentData() in ("pay_out", "drop")
        self.reason.setPlaceholderText(t("cash.reason_needed") if needed else t("cash.reason_optional"))

    def _check_amount(self, typed: str) -> None:
        # Said while typing: letters, a minus, a third decimal (the field takes any key, so
        # the cashier sees why, instead of a key that silently does nothing).
        try:
            if typed.strip():
                parse_amount(typed, self.controller.sales.counter.cap)
            self._say("")
        except AmountError as e:
            self._say(str(message_for(f"amount_{e.reason}", self.controller.language.code)))

    def _say(self, words: str) -> None:
        self.problem.setText(words)
        self.problem.setVisible(bool(words))
        self.adjustSize()  # room for the words, so the fields are not squeezed

    def accept(self) -> None:
        got = self.controller.prepare_cash(self.kind.currentData(), self.amount.text(), self.reason.text())
        if isinstance(got, str):
            self._say(str(message_for(got, self.controller.language.code)))
            # The cursor goes where the fix is typed.
            (self.reason if got.startswith("cash_reason") else self.amount).setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.prepared = got
        super().accept()
        self.controller.run_cash(got)
