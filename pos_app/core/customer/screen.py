"""What the member-facing screen shows, as a state with only the current sale's figures.

The cashier's screen knows much more (the payment code, the member's card, earlier receipts,
why a charge failed); this model keeps a whitelist: amounts, the points earned and a card's
last 4 digits. Every state change replaces the whole `Face`, so nothing of a previous sale can
linger beside the next one. A result is taken only for the sale the member saw being sent
(`paying`): a reprint, a recovered sale from before a restart or one settled after the cashier
cleared the screen never shows up on it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from ..money import AmountError, from_api, parse_amount


class State(StrEnum):
    IDLE = "idle"  # between sales: the welcome
    ENTERING = "entering"  # the cashier is typing the amount
    PREVIEWING = "previewing"  # the member's code is known: the discount and balance after, before paying
    PAYING = "paying"  # sent; waiting for the answer
    PAID = "paid"  # charged: the figures and the thank-you
    SPLIT_PAID = "split_paid"  # part by card, the rest in cash
    TOPPED_UP = "topped_up"  # a cash top-up went onto the card
    REFUSED = "refused"  # not charged: the member is asked to see the cashier


# A sale's outcome is read, then goes: the next member in the queue must not read the last one's.
OUTCOMES = frozenset({State.PAID, State.SPLIT_PAID, State.TOPPED_UP, State.REFUSED})
WELCOME_AFTER_SECONDS = 20  # how long an outcome stays before the welcome comes back


@dataclass(frozen=True)
class Face:
    """One screenful. Amounts are Decimals; None is "not shown"."""

    state: State = State.IDLE
    amount: Decimal | None = None  # what was asked, before the discount
    discount: Decimal | None = None
    paid: Decimal | None = None  # by card (the whole sale unless split)
    cash: Decimal | None = None  # the cash part of a split tender
    balance_after: Decimal | None = None
    points: int | None = None
    last4: str | None = None
    currency: str = "CNY"


IDLE = Face()
_LAST4 = re.compile(r"[0-9]{4}")


def last4(value: Any) -> str | None:
    """The card's last 4 digits and nothing more, whatever is handed in (a card number, a
    masked one): a member standing behind must not read a longer part of a card number."""
    digits = re.sub(r"\D", "", str(value or ""))[-4:]
    return digits if _LAST4.fullmatch(digits) else None


def _money(value: Any) -> Decimal | None:
    return None if value is None else from_api(value)


class CustomerScreen:
    """The state machine of the member's screen. `subscribe(fn)` calls `fn(face)` on every
    change (on the caller's thread). Qt-free: the window only draws `face`."""

    def __init__(self, currency: str = "CNY") -> None:
        self.currency = currency
        self.face = Face(currency=currency)
        self._listeners: list[Callable[[Face], None]] = []

    def subscribe(self, fn: Callable[[Face], None]) -> None:
        self._listeners.append(fn)

    def _show(self, face: Face) -> Face:
        if face != self.face:
            self.face = face
            for fn in list(self._listeners):
                fn(face)
        return self.face

    def _new(self, state: State, **figures: Any) -> Face:
        return self._show(Face(state=state, currency=self.currency, **figures))

    @property
    def state(self) -> State:
        return self.face.state

    # -- between sales and while the amount is typed ----------------------------------------

    def idle(self) -> Face:
        """The cashier cleared the sale (New sale, Esc) or signed out: the welcome."""
        return self._new(State.IDLE)

    def outcome_read(self, face: Face) -> Face:
        """The time to read `face` (an outcome) is over: the welcome, unless something else is
        shown by now (the next sale's amount)."""
        return self.idle() if self.face is face and face.state in OUTCOMES else self.face

    def entering(self, typed: str) -> Face:
        """The amount field changed. A new amount ends the previous sale's screen; an emptied
        field ends the amount being typed, but not a sale's outcome (the cashier's screen clears
        its amount after every sale, and the member still reads the thank-you)."""
        if self.state is State.PAYING:
            return self.face  # what is on its way is what the member follows
        text = (typed or "").strip()
        if not text:
            return self.idle() if self.state in (State.ENTERING, State.PREVIEWING) else self.face
        try:
            amount = parse_amount(text)
        except AmountError:
            return self.face  # half typed ("12.", "1,2"): keep the last amount that made sense
        if self.state is State.PREVIEWING and self.face.amount == amount:
            return self.face
        return self._new(State.ENTERING, amount=amount)

    def previewing(self, amount: Decimal, discount: Decimal, balance_after: Decimal | None,
                   card_last4: str | None = None, *, cash: Decimal | None = None) -> Face:
        """Who is paying is known before the charge (`merchant_preview_qr`): the amount, the
        member's discount and the balance after (None: not shown). `cash` is the part the card
        cannot cover, when the cashier offers "card for X, the rest in cash"."""
        if self.state is State.PAYING:
            return self.face
        return self._new(State.PREVIEWING, amount=amount, discount=discount, paid=amount - discount, cash=cash,
                         balance_after=balance_after, last4=last4(card_last4))

    def code_gone(self) -> Face:
        """The member's code is no longer armed: a preview made for it is no longer true."""
        if self.state is State.PREVIEWING:
            return self._new(State.ENTERING, amount=self.face.amount)
        return self.face

    # -- the sale ----------------------------------------------------------------------------

    def paying(self, amount: Decimal) -> Face:
        """A charge or top-up of `amount` was sent. A preview made for that amount stays."""
        keep = self.face if self.state is State.PREVIEWING and self.face.amount == amount else None
        if keep is not None:
            return self._show(Face(**{**keep.__dict__, "state": State.PAYING}))
        return self._new(State.PAYING, amount=amount)

    def paid(self, result: Mapping[str, Any]) -> Face:
        """`merchant_charge_by_qr`'s answer for the sale being paid; ignored otherwise."""
        if self.state is not State.PAYING:
            return self.face
        return self._new(State.PAID, amount=_money(result.get("raw_amount")),
                         discount=_money(result.get("discount_amount")), paid=_money(result.get("paid_amount")),
                         balance_after=_money(result.get("balance_after")),
                         points=None if result.get("points_earned") is None else int(result["points_earned"]),
                         last4=last4(result.get("card_last4")))

    def topped_up(self, result: Mapping[str, Any]) -> Face:
        """`merchant_recharge_by_qr`'s answer for the top-up being paid; ignored otherwise."""
        if self.state is not State.PAYING:
            return self.face
        return self._new(State.TOPPED_UP, amount=_money(result.get("amount")),
                         balance_after=_money(result.get("balance_after")), last4=last4(result.get("card_last4")))

    def split_paid(self, card: Decimal, cash: Decimal, balance_after: Decimal, *, discount: Decimal = Decimal("0.00"),
                   points: int | None = None, card_last4: str | None = None, amount: Decimal | None = None) -> Face:
        """A split tender went through: `card` charged, `cash` taken in the drawer (`amount`, the
        sale before its discount, defaults to their sum plus the discount). Taken after the card
        part was sent from this screen (paying) or shown as paid."""
        if self.state not in (State.PAYING, State.PAID):
            return self.face
        whole = amount if amount is not None else card + cash + discount
        return self._new(State.SPLIT_PAID, amount=whole, discount=discount, paid=card, cash=cash,
                         balance_after=balance_after, points=points, last4=last4(card_last4))

    def refused(self) -> Face:
        """The sale sent did not go through (refused, voided, failed): the member is asked to
        see the cashier, who has the reason on their own screen."""
        if self.state is not State.PAYING:
            return self.face
        return self._new(State.REFUSED, amount=self.face.amount)
