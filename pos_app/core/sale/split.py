"""Who is paying, and how a sale is split when the card's balance is short: the same
arithmetic as the server's charge (`merchant_charge_by_qr`), in Decimal.

The server takes `discount = round_half_up(amount × rate, 2)` and `paid = amount − discount`
from the card. A split sale keeps the member's total exactly what it would be if the balance
were enough: the member pays `paid(sale)`; the card part is the largest amount `card_raw` ≤ the
sale whose `paid(card_raw)` equals the balance exactly (it always exists: `paid` grows by 0 or
1 cent per cent of amount while rate < 1), so the card is emptied to the cent; the cash part is
`paid(sale) − balance`. The rest of the sale's discount (`discount(sale) − discount(card_raw)`)
is given in the cash price, so the receipt's total discount is `discount(sale)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from ..api.shifts import Preview

CENT = Decimal("0.01")


def discount(amount: Decimal, rate: Decimal) -> Decimal:
    """The server's discount of a charge of `amount` at `rate` (half-up to the cent)."""
    return (amount * rate).quantize(CENT, rounding=ROUND_HALF_UP)


def paid(amount: Decimal, rate: Decimal) -> Decimal:
    """What a charge of `amount` takes from the card at `rate`."""
    return amount - discount(amount, rate)


@dataclass(frozen=True)
class SaleEstimate:
    """What a charge of `amount` would do to the card the preview showed. Exact, not an
    estimate, as long as the card's balance and level do not change before the charge."""

    amount: Decimal
    discount: Decimal
    paid: Decimal
    balance: Decimal
    balance_after: Decimal  # negative: the card is short by that much
    short: bool


def estimate(preview: Preview, amount: Decimal) -> SaleEstimate:
    d = discount(amount, preview.discount_rate)
    due = amount - d
    return SaleEstimate(amount, d, due, preview.balance, preview.balance - due, preview.balance < due)


@dataclass(frozen=True)
class Split:
    """A sale paid partly by card, the rest in cash. `card_raw` is what is charged to the card
    (before its discount), `card_paid` what leaves the card (= the balance), `cash` what the
    member hands over; `card_paid + cash == total_paid`, the sale's price after discount."""

    amount: Decimal
    rate: Decimal
    card_raw: Decimal
    card_paid: Decimal
    cash: Decimal
    total_paid: Decimal

    @property
    def total_discount(self) -> Decimal:
        return self.amount - self.total_paid


def split(amount: Decimal, rate: Decimal, balance: Decimal) -> Split | None:
    """The split of a sale of `amount` for a card with `balance`, or None when no split is
    needed (the balance covers it) or possible (nothing on the card, or a 100% discount)."""
    total = paid(amount, rate)
    if balance >= total or balance <= 0 or rate >= 1:
        return None
    # Start below the answer (paid(x) <= x·(1 − rate) + half a cent) and walk up by cents.
    x = (balance / (1 - rate)).quantize(CENT, rounding=ROUND_FLOOR) - CENT * 2
    x = max(x, CENT)
    while paid(x, rate) < balance:
        x += CENT
    while x + CENT <= amount and paid(x + CENT, rate) == balance:
        x += CENT
    if paid(x, rate) != balance or x >= amount:
        return None
    return Split(amount, rate, x, balance, total - balance, total)
