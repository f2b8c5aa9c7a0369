"""One business day's figures, from `merchant_daily_summary`, as typed values: counts as ints,
amounts as Decimals, the day's hours and cashiers in order; and the arithmetic that must hold
between them, checked before anything is printed or exported (a read-out that does not add up
is worse than none)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from ..money import from_api

COUNTS = ("payments_count", "refunds_count", "topups_count")
AMOUNTS = ("payments_raw", "payments_discount", "payments_paid", "refunds_amount", "topups_amount", "net_amount")
FIGURES = ("payments_count", "payments_raw", "payments_discount", "payments_paid", "refunds_count",
           "refunds_amount", "topups_count", "topups_amount", "net_amount")


@dataclass(frozen=True)
class Figures:
    """The figures of a day, a cashier's shift, an hour or a settlement."""

    payments_count: int = 0
    payments_raw: Decimal = Decimal("0.00")
    payments_discount: Decimal = Decimal("0.00")
    payments_paid: Decimal = Decimal("0.00")
    refunds_count: int = 0
    refunds_amount: Decimal = Decimal("0.00")
    topups_count: int = 0
    topups_amount: Decimal = Decimal("0.00")
    net_amount: Decimal = Decimal("0.00")

    @classmethod
    def from_api(cls, row: Mapping[str, Any]) -> Figures:
        values: dict[str, Any] = {k: int(row[k]) for k in COUNTS}
        values.update({k: from_api(row[k]) for k in AMOUNTS})
        return cls(**values)

    def __add__(self, other: Figures) -> Figures:
        return Figures(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})

    @property
    def expected_net(self) -> Decimal:
        """Net as a settlement counts it: paid, less refunds, less counter top-up cash (the
        platform's money)."""
        return self.payments_paid - self.refunds_amount - self.topups_amount

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in FIGURES}


@dataclass(frozen=True)
class CashierDay:
    """One operator's share of the day. `operator_user_id` None: rung up by the platform."""

    operator_user_id: str | None
    email: str | None
    role: str | None
    figures: Figures


@dataclass(frozen=True)
class DayReport:
    merchant_code: str
    merchant_name: str
    currency: str
    timezone: str
    day: date
    period_start: datetime
    period_end: datetime
    scope: str  # "merchant", or "own" for a cashier's own shift
    generated_at: datetime
    totals: Figures
    by_cashier: tuple[CashierDay, ...]
    by_hour: tuple[Figures, ...]  # 24 entries, hour 0 first

    def email_of(self, operator_user_id: str | None) -> str:
        """The operator's email as the day names them; '' when not among the day's cashiers."""
        for c in self.by_cashier:
            if c.operator_user_id == operator_user_id:
                return c.email or ""
        return ""


def _time(value: Any) -> datetime:
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _day(value: Any) -> date:
    return value if isinstance(value, date) and not isinstance(value, datetime) else date.fromisoformat(str(value))


def from_summary(summary: Mapping[str, Any]) -> DayReport:
    """The `merchant_daily_summary` answer as a DayReport. by_hour is ordered by `hour`."""
    hours = sorted(summary["by_hour"], key=lambda h: int(h["hour"]))
    return DayReport(
        merchant_code=summary["merchant_code"], merchant_name=summary["merchant_name"],
        currency=summary["currency"], timezone=summary["timezone"], day=_day(summary["day"]),
        period_start=_time(summary["period_start"]), period_end=_time(summary["period_end"]),
        scope=summary["scope"], generated_at=_time(summary["generated_at"]),
        totals=Figures.from_api(summary["totals"]),
        by_cashier=tuple(CashierDay(c.get("operator_user_id"), c.get("email"), c.get("role"), Figures.from_api(c))
                         for c in summary["by_cashier"]),
        by_hour=tuple(Figures.from_api(h) for h in hours))


def problems(report: DayReport) -> list[str]:
    """What does not add up, in plain words for a support ticket; [] when all is consistent:
    every net is paid − refunds − top-ups, the hours and the cashiers each sum to the totals."""
    found = []
    if len(report.by_hour) != 24:
        found.append(f"{len(report.by_hour)} hours instead of 24")
    named = [("day", report.totals)] + [(f"cashier {c.email or c.operator_user_id}", c.figures)
                                         for c in report.by_cashier]
    named += [(f"hour {h}", f) for h, f in enumerate(report.by_hour)]
    for name, f in named:
        if f.net_amount != f.expected_net:
            found.append(f"{name}: net {f.net_amount} is not paid − refunds − top-ups = {f.expected_net}")
    for name, parts in (("hours", report.by_hour), ("cashiers", [c.figures for c in report.by_cashier])):
        total = sum(parts, Figures())
        if total != report.totals:
            diff = [k for k in FIGURES if getattr(total, k) != getattr(report.totals, k)]
            found.append(f"the {name} do not sum to the day's totals ({', '.join(diff)})")
    return found


def plain_amount(value: Decimal) -> str:
    """An amount for a file another program reads: two decimals, no symbol, no grouping."""
    return f"{value.copy_abs() if value.is_zero() else value:.2f}"  # never "-0.00"
