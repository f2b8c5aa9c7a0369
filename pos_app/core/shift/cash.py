"""Cash as the drawer holds it: an opening float or a counted total typed by the cashier, and the
count by denomination for the Chinese yuan.

A float or a count may be 0 (an empty drawer), unlike a charge; otherwise the same rules as
every amount (`money.parse_amount`): digits, at most two decimals, not negative."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from ..money import DEFAULT_CAP, AmountError, normalise_typed, parse_amount

ZERO = Decimal("0.00")
# A drawer holds more than one sale may be: a day's takings, but not an absurd figure.
DRAWER_CAP = DEFAULT_CAP * 10


def parse_cash(text: str, cap: Decimal = DRAWER_CAP) -> Decimal:
    """What the cashier typed as cash in the drawer: a Decimal with two places, 0 allowed;
    AmountError (empty, not_a_number, not_finite, negative, too_many_decimals, above_cap)."""
    try:
        return parse_amount(text, cap)
    except AmountError as e:
        if e.reason != "zero":
            raise
        return ZERO


@dataclass(frozen=True)
class Denomination:
    value: Decimal
    coin: bool

    @property
    def key(self) -> str:
        return f"{'coin' if self.coin else 'note'}_{self.value}"


# The yuan in circulation (People's Bank of China, 2019 series): notes of 100, 50, 20, 10, 5
# and 1 yuan; coins of 1 yuan, 5 jiao and 1 jiao. Older 2-yuan or 5-jiao notes are rare enough
# to be typed into the total instead.
CNY = (
    *(Denomination(Decimal(v), False) for v in ("100", "50", "20", "10", "5", "1")),
    *(Denomination(Decimal(v), True) for v in ("1", "0.5", "0.1")),
)
MAX_PIECES = 100_000


def parse_pieces(text: str) -> int:
    """A number of notes or coins: a whole number from 0; an empty field is 0. ValueError else."""
    s = normalise_typed(text or "")
    if not s:
        return 0
    if not s.isdigit() or int(s) > MAX_PIECES:
        raise ValueError(s)
    return int(s)


def count_total(pieces: Mapping[Denomination, int]) -> Decimal:
    """The drawer's total from the pieces counted of each denomination."""
    total = sum((d.value * n for d, n in pieces.items()), ZERO)
    return total.quantize(Decimal("0.01"))
