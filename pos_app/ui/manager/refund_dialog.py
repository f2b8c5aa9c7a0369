"""The refund dialog: how much (all that is left by default) and why. It exposes `values` and
`validate()`, which writes the problem into a label (after Vorta's repo dialog), so a test types
into the fields and reads the label."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout

from pos_app.core.messages import message_for
from pos_app.core.money import format_amount
from pos_app.core.sale.refund_check import RefundInputError, check_refund

from ..i18n import Language


class RefundDialog(QDialog):
    def __init__(self, remaining: Decimal, currency: str, language: Language, parent=None):
        super().__init__(parent)
        self.remaining = remaining
        self.language = language
        self.setWindowTitle(language.t("mgr.dialog_title"))
        shown = format_amount(remaining, currency, language.code)
        self.amount_label = QLabel(language.t("mgr.dialog_amount", remaining=shown))
        self.amount = QLineEdit(f"{remaining:.2f}")
        self.amount.selectAll()  # typing replaces the whole amount, Enter takes it
        self.amount_label.setBuddy(self.amount)
        self.reason_label = QLabel(language.t("mgr.dialog_reason"))
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)  # Tab moves on to the buttons, for the keyboard
        self.reason.setFixedHeight(90)
        self.reason_label.setBuddy(self.reason)
        self.problem = QLabel("")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020; font-weight: bold;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(language.t("mgr.ok"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(language.t("mgr.cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for w in (self.amount_label, self.amount, self.reason_label, self.reason, self.problem, self.buttons):
            layout.addWidget(w)
        self.setMinimumWidth(420)

    @property
    def values(self) -> dict[str, str]:
        """What was typed, as typed."""
        return {"amount": self.amount.text(), "reason": self.reason.toPlainText()}

    def validate(self) -> tuple[Decimal, str | None] | None:
        """The refund (amount, reason) if it can be sent; else None, with the problem in the label."""
        try:
            checked = check_refund(self.values["amount"], self.remaining, self.values["reason"])
        except RefundInputError as e:
            self.problem.setText(str(message_for(e.reason, self.language.code)))
            self._fit()
            return None
        self.problem.setText("")
        return checked

    def _fit(self) -> None:
        """Grow to hold the problem's words (two or three wrapped lines): at the height it had,
        the layout would push them up over the Reason box, whose height is fixed."""
        layout = self.layout()
        layout.activate()
        need = max(layout.totalHeightForWidth(self.width()), layout.totalMinimumSize().height())
        self.setMinimumHeight(need)
        if self.height() < need:
            self.resize(self.width(), need)

    def accept(self) -> None:
        if self.validate() is not None:
            super().accept()

