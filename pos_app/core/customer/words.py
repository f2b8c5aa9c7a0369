"""The member's screen in words, in the member-facing language: a pure function of the `Face`
and the language, so the cashier's own language (F12) never changes what the member reads.

The words are kept to what a member may read over the counter: amounts, points, the card's
last 4 digits, a thank-you; a refusal is one neutral line (the reason is on the cashier's
screen, in the cashier's language)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..money import format_amount
from ..translations import N_, text
from .screen import Face, State

WELCOME = N_("customer.welcome", "Welcome")
SHOW_CODE = N_("customer.show_code", "Please show your payment code")
AMOUNT = N_("customer.amount", "Amount")
DISCOUNT = N_("customer.discount", "Your discount")
TO_PAY = N_("customer.to_pay", "To pay")
PAID = N_("customer.paid", "Paid")
BY_CARD = N_("customer.by_card", "By card")
IN_CASH = N_("customer.in_cash", "In cash")
CASH_DUE = N_("customer.cash_due", "Rest in cash")
BALANCE_AFTER = N_("customer.balance_after", "Balance after")
POINTS = N_("customer.points", "Points earned")
TOPPED_UP = N_("customer.topped_up", "Topped up")
NEW_BALANCE = N_("customer.new_balance", "New balance")
CARD = N_("customer.card", "Card •••• {last4}")
CHECK = N_("customer.check", "Please check the amount")
ONE_MOMENT = N_("customer.one_moment", "One moment, please…")
THANK_YOU = N_("customer.thank_you", "Thank you! See you soon")
SEE_CASHIER = N_("customer.see_cashier", "This payment did not go through. Please see the cashier.")


@dataclass(frozen=True)
class Row:
    label: str
    value: str
    main: bool = False  # the figure the member looks for first (drawn largest)


@dataclass(frozen=True)
class Shown:
    """One screenful in words. `tone` picks the colours: neutral, ok (paid), attention."""

    title: str
    rows: tuple[Row, ...]
    card: str
    message: str
    tone: str = "neutral"

    def all_text(self) -> str:
        """Everything on the screen, for a test (or a person) to scan."""
        cells = [self.title, self.card, self.message, *(f"{r.label} {r.value}" for r in self.rows)]
        return "\n".join(c for c in cells if c)


def render(face: Face, language: str, shop: str) -> Shown:
    """`face` in `language`; `shop` is the shop's name for the welcome."""

    def t(marked, **fields) -> str:
        return text(marked, language, **fields)

    def money(amount: Decimal) -> str:
        return format_amount(amount, face.currency, language)

    def row(marked, amount: Decimal | None, *, main: bool = False, minus: bool = False) -> list[Row]:
        if amount is None:
            return []
        return [Row(t(marked), ("−" if minus and amount else "") + money(amount), main)]

    card = t(CARD, last4=face.last4) if face.last4 else ""
    s = face.state
    if s is State.IDLE:
        return Shown(shop, (), "", t(WELCOME))
    if s is State.ENTERING:
        return Shown(shop, tuple(row(AMOUNT, face.amount, main=True)), "", t(SHOW_CODE))
    if s is State.PREVIEWING:
        split = face.cash is not None and face.cash > 0
        rows = row(AMOUNT, face.amount) + (row(DISCOUNT, face.discount, minus=True) if face.discount else [])
        if split:
            rows += row(BY_CARD, (face.paid or Decimal(0)) - face.cash) + row(CASH_DUE, face.cash, main=True)
        else:
            rows += row(TO_PAY, face.paid, main=True)
        rows += row(BALANCE_AFTER, face.balance_after)
        return Shown(shop, tuple(rows), card, t(CHECK))
    if s is State.PAYING:
        rows = row(AMOUNT, face.amount) + (row(DISCOUNT, face.discount, minus=True) if face.discount else [])
        rows += row(TO_PAY, face.paid, main=True) if face.paid is not None else []
        return Shown(shop, tuple(rows or row(AMOUNT, face.amount, main=True)), card, t(ONE_MOMENT))
    if s is State.PAID:
        rows = (row(AMOUNT, face.amount) + (row(DISCOUNT, face.discount, minus=True) if face.discount else [])
                + row(PAID, face.paid, main=True) + row(BALANCE_AFTER, face.balance_after))
        if face.points:
            rows.append(Row(t(POINTS), f"+{face.points}"))
        return Shown(shop, tuple(rows), card, t(THANK_YOU), "ok")
    if s is State.SPLIT_PAID:
        rows = (row(AMOUNT, face.amount) + (row(DISCOUNT, face.discount, minus=True) if face.discount else [])
                + row(BY_CARD, face.paid, main=True) + row(IN_CASH, face.cash, main=True)
                + row(BALANCE_AFTER, face.balance_after))
        if face.points:
            rows.append(Row(t(POINTS), f"+{face.points}"))
        return Shown(shop, tuple(rows), card, t(THANK_YOU), "ok")
    if s is State.TOPPED_UP:
        rows = row(TOPPED_UP, face.amount, main=True) + row(NEW_BALANCE, face.balance_after)
        return Shown(shop, tuple(rows), card, t(THANK_YOU), "ok")
    # REFUSED: the amount the member was asked for, and where to turn; never why.
    return Shown(shop, tuple(row(AMOUNT, face.amount)), "", t(SEE_CASHIER), "attention")
