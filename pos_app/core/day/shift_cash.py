"""A business day's cash, from its shifts: the floats put in, the cash taken (top-ups, the cash
part of sales, pay-ins), the cash taken out (pay-outs, drops to the safe), what the drawers should
hold, what was counted and the difference.

"The day's shifts" are the shifts OPENED in the business day, from local midnight to the next
local midnight in the merchant's zone (`business_day`). A shift that runs past midnight counts
wholly to the day it was opened: a shift's cash is one drawer counted once, so it is never split
between two days, and every shift belongs to exactly one day. The card figures of the day stay
`merchant_daily_summary`'s (cut by each transaction's own time), so a late shift's card sales
after midnight are in the next day's card figures and in this day's cash: the two answer
different questions (what the cards took that day; what the drawers of that day's shifts hold).

Counted cash and the difference come from closed shifts only; an open shift's expected cash is
its running figure (the X read-out), and the day says how many shifts are still open.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from ..api.shifts import Shift
from . import business_day

ZERO = Decimal("0.00")
LIMIT = 500  # the most shifts merchant_list_shifts gives in one answer


class TooManyShifts(Exception):
    """The day has more shifts than one answer holds: its cash would be short of some."""


class ListsShifts(Protocol):
    def list_shifts(self, *, since=None, until=None, terminal_code: str | None = None,
                    limit: int = 100) -> list[Shift]: ...


@dataclass(frozen=True)
class DayCash:
    shifts: int = 0
    open_shifts: int = 0
    opening_float: Decimal = ZERO
    topups: Decimal = ZERO
    cash_sales: Decimal = ZERO
    pay_ins: Decimal = ZERO
    pay_outs: Decimal = ZERO
    drops: Decimal = ZERO
    expected: Decimal = ZERO  # every shift of the day, open ones at their running figure
    expected_closed: Decimal = ZERO  # the closed shifts only: what `counted` is compared with
    counted: Decimal = ZERO  # closed shifts only
    difference: Decimal = ZERO  # counted - expected_closed: above zero over, below short

    @property
    def closed_shifts(self) -> int:
        return self.shifts - self.open_shifts

    @property
    def drawer_sum(self) -> Decimal:
        """The expected cash made of its parts: float + top-ups + cash sales + pay-ins - pay-outs
        - drops. Equal to `expected` when the shifts' figures add up."""
        return self.opening_float + self.topups + self.cash_sales + self.pay_ins - self.pay_outs - self.drops


def opened_in(shifts: Iterable[Shift], day: date, tz: str) -> list[Shift]:
    """The shifts opened in business day `day` of zone `tz` (see the module's note)."""
    start, end = business_day.period(day, day, tz)
    return [s for s in shifts if start <= s.opened_at < end]


def day_cash(shifts: Iterable[Shift]) -> DayCash:
    """The cash figures summed over `shifts` (already the day's)."""
    shifts = list(shifts)
    closed = [s for s in shifts if not s.is_open]
    counted = sum((s.counted_cash or ZERO for s in closed), ZERO)
    expected_closed = sum((s.expected_cash for s in closed), ZERO)
    return DayCash(
        shifts=len(shifts), open_shifts=len(shifts) - len(closed),
        opening_float=sum((s.opening_float for s in shifts), ZERO),
        topups=sum((s.topups_amount for s in shifts), ZERO),
        cash_sales=sum((s.cash_sales_amount for s in shifts), ZERO),
        pay_ins=sum((s.pay_ins_amount for s in shifts), ZERO),
        pay_outs=sum((s.pay_outs_amount for s in shifts), ZERO),
        drops=sum((s.drops_amount for s in shifts), ZERO),
        expected=sum((s.expected_cash for s in shifts), ZERO),
        expected_closed=expected_closed, counted=counted,
        difference=sum((s.difference for s in closed if s.difference is not None), ZERO))


def fetch_day_shifts(api: ListsShifts, day: date, tz: str) -> list[Shift]:
    """Every shift opened in `day` (newest first). The server lists the shifts open at some
    moment of the period; those opened the day before and still running are left out here."""
    start, end = business_day.period(day, day, tz)
    listed = api.list_shifts(since=start, until=end, limit=LIMIT)
    if len(listed) >= LIMIT:
        raise TooManyShifts(f"{len(listed)} shifts or more on {day}")
    return opened_in(listed, day, tz)
