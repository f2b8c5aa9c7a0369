"""The cashier's screen, told to the member's: the amount being typed, the sale sent, its
outcome and a fresh start, from the `CashierView`'s own signals into a `CustomerScreen`.
The model decides what each means (a result for a sale it did not see sent is dropped)."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QObject

from pos_app.core.customer.screen import CustomerScreen

from .cashier import CashierView


class CustomerDisplayFeed(QObject):
    def __init__(self, view: CashierView, screen: CustomerScreen, parent: QObject | None = None):
        super().__init__(parent)
        self.screen = screen
        c = view.controller
        view.amount_field.textChanged.connect(self._typed)
        view.cleared.connect(self._cleared)
        c.armed.connect(self._armed)
        c.sale_sent.connect(self._sent)
        c.sale_finished.connect(self._finished)
        c.sale_refused.connect(self._refused)

    def _typed(self, text: str) -> None:
        self.screen.entering(text)

    def _cleared(self) -> None:
        self.screen.idle()

    def _armed(self, hint: str) -> None:
        if not hint:
            self.screen.code_gone()

    def _sent(self, _kind: str, amount: Decimal) -> None:
        self.screen.paying(amount)

    def _finished(self, kind: str, result: dict) -> None:
        if kind == "charge":
            self.screen.paid(result)
        elif kind == "topup":
            self.screen.topped_up(result)

    def _refused(self) -> None:
        self.screen.refused()
