"""The cashier's screen, told to the member's: the amount being typed, the sale sent, its
outcome and a fresh start, from the `CashierView`'s own signals into a `CustomerScreen`.
The model decides what each means (a result for a sale it did not see sent is dropped).

Two more sources, once the cashier view has them (branch cash-tender): the controller's
`payer` signal (who is paying, before the charge) is connected when it exists, and a split
sale's end arrives as `sale_finished("split", {"card": <the charge's result>, "cash": <Decimal>,
"amount": <the sale's Decimal amount>})`."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QObject

from pos_app.core.customer.payer import show_payer
from pos_app.core.customer.screen import CustomerScreen
from pos_app.core.money import from_api

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
        payer = getattr(c, "payer", None)  # who is paying, before the charge (cash-tender)
        if payer is not None:
            payer.connect(self.payer_known)

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
        elif kind == "split":
            card = result["card"]
            self.screen.split_paid(from_api(card["paid_amount"]), result["cash"], from_api(card["balance_after"]),
                                   discount=result["amount"] - from_api(card["paid_amount"]) - result["cash"],
                                   points=card.get("points_earned"), card_last4=card.get("card_last4"),
                                   amount=result["amount"])

    def payer_known(self, payer: object) -> None:
        show_payer(self.screen, payer)

    def _refused(self) -> None:
        self.screen.refused()
