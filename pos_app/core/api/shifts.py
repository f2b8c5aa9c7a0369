"""Typed answers of the shop-operations RPCs (contract §9): shifts, cash movements and the
"who is paying" preview, with every amount a `Decimal` (never a float).

The client (`MpsClient`) returns these; each keeps the server's whole answer in `raw`, so a
field added later on the server is not lost on the way to a receipt or a report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

# The kinds of cash movement the server accepts, and those that need a reason.
MOVEMENT_KINDS = ("pay_in", "pay_out", "drop", "cash_sale")
NEEDS_REASON = frozenset({"pay_out", "drop"})


def _money(value: Any) -> Decimal:
    if isinstance(value, (float, bool)):
        raise TypeError("money from the server must not be a float")
    return Decimal(str(value)) if value is not None else Decimal("0.00")


def _opt_money(value: Any) -> Decimal | None:
    return None if value is None else _money(value)


def _time(value: Any) -> datetime | None:
    return None if value is None else datetime.fromisoformat(str(value))


@dataclass(frozen=True)
class OperatorFigures:
    """One operator's part of a shift."""

    operator_user_id: str | None
    email: str | None
    payments_count: int
    payments_paid: Decimal
    refunds_count: int
    refunds_amount: Decimal
    topups_count: int
    topups_amount: Decimal
    cash_movements_count: int
    cash_in: Decimal   # pay-ins and cash sales
    cash_out: Decimal  # pay-outs and drops

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> OperatorFigures:
        return cls(d.get("operator_user_id"), d.get("email"), int(d["payments_count"]), _money(d["payments_paid"]),
                   int(d["refunds_count"]), _money(d["refunds_amount"]), int(d["topups_count"]),
                   _money(d["topups_amount"]), int(d["cash_movements_count"]), _money(d["cash_in"]),
                   _money(d["cash_out"]))


@dataclass(frozen=True)
class Shift:
    """A shift: while open, its running figures (the X read-out); once closed, the Z report.

    `expected_cash = opening_float + topups_amount + cash_sales_amount + pay_ins_amount
    - pay_outs_amount - drops_amount`; card payments and refunds never touch the drawer.

    `scope` is "shift" (the whole shift) or "own": a cashier reading a shift someone else opened
    (the handover) gets its identity and their own part only: every count and total is of their
    rows, `by_operator` is theirs alone, and the drawer's figures (`expected_cash`,
    `counted_cash`, `difference`) are None (docs/supabase_rpc.md, "What a cashier sees").
    """

    shift_id: str
    merchant_code: str
    currency: str
    terminal_code: str
    terminal_name: str
    status: str  # "open" | "closed"
    opened_by: str | None
    opened_at: datetime
    opening_float: Decimal
    payments_count: int
    payments_raw: Decimal
    payments_discount: Decimal
    payments_paid: Decimal
    refunds_count: int
    refunds_amount: Decimal
    topups_count: int
    topups_amount: Decimal
    pay_ins_count: int
    pay_ins_amount: Decimal
    pay_outs_count: int
    pay_outs_amount: Decimal
    drops_count: int
    drops_amount: Decimal
    cash_sales_count: int
    cash_sales_amount: Decimal
    expected_cash: Decimal | None  # None only in a cashier's own part (scope "own")
    by_operator: tuple[OperatorFigures, ...]
    # Set once closed (the Z report):
    z_number: int | None = None
    closed_by: str | None = None
    closed_at: datetime | None = None
    counted_cash: Decimal | None = None
    difference: Decimal | None = None
    note: str | None = None
    # Set on an open shift's read-out: when the figures were taken.
    generated_at: datetime | None = None
    replayed: bool = False
    scope: str = "shift"
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def own_part(self) -> bool:
        """Only the reader's own part of someone else's shift (no drawer figures)."""
        return self.scope == "own"

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Shift:
        return cls(
            shift_id=str(d["shift_id"]), merchant_code=d["merchant_code"], currency=d["currency"],
            terminal_code=d["terminal_code"], terminal_name=d["terminal_name"], status=d["status"],
            opened_by=d.get("opened_by"), opened_at=_time(d["opened_at"]), opening_float=_money(d["opening_float"]),
            payments_count=int(d["payments_count"]), payments_raw=_money(d["payments_raw"]),
            payments_discount=_money(d["payments_discount"]), payments_paid=_money(d["payments_paid"]),
            refunds_count=int(d["refunds_count"]), refunds_amount=_money(d["refunds_amount"]),
            topups_count=int(d["topups_count"]), topups_amount=_money(d["topups_amount"]),
            pay_ins_count=int(d["pay_ins_count"]), pay_ins_amount=_money(d["pay_ins_amount"]),
            pay_outs_count=int(d["pay_outs_count"]), pay_outs_amount=_money(d["pay_outs_amount"]),
            drops_count=int(d["drops_count"]), drops_amount=_money(d["drops_amount"]),
            cash_sales_count=int(d["cash_sales_count"]), cash_sales_amount=_money(d["cash_sales_amount"]),
            expected_cash=_opt_money(d["expected_cash"]) if d.get("scope") == "own" else _money(d["expected_cash"]),
            by_operator=tuple(OperatorFigures.from_json(o) for o in d.get("by_operator") or ()),
            z_number=d.get("z_number"), closed_by=d.get("closed_by"), closed_at=_time(d.get("closed_at")),
            counted_cash=_opt_money(d.get("counted_cash")), difference=_opt_money(d.get("difference")),
            note=d.get("note"), generated_at=_time(d.get("generated_at")), replayed=bool(d.get("replayed", False)),
            scope=d.get("scope") or "shift", raw=d)


@dataclass(frozen=True)
class CashMovement:
    """Cash into or out of a shift's drawer that is not a top-up."""

    movement_id: str
    shift_id: str
    kind: str
    amount: Decimal
    reason: str | None
    operator_user_id: str | None
    created_at: datetime
    terminal_code: str | None
    replayed: bool
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> CashMovement:
        return cls(str(d["movement_id"]), str(d["shift_id"]), d["kind"], _money(d["amount"]), d.get("reason"),
                   d.get("operator_user_id"), _time(d["created_at"]), d.get("terminal_code"),
                   bool(d.get("replayed", False)), d)


@dataclass(frozen=True)
class Preview:
    """Who is paying, before the charge: nothing was spent to learn it."""

    card_last4: str
    card_type: str
    member_display: str  # a masked name ("A**"): never a phone or email
    level_code: str
    level_name: str | None
    discount_rate: Decimal
    balance: Decimal
    points: int
    currency: str | None
    qr_single_use: bool
    qr_expires_at: datetime
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Preview:
        return cls(d["card_last4"], d["card_type"], d["member_display"], d["level_code"], d.get("level_name"),
                   _money(d["discount_rate"]), _money(d["balance"]), int(d["points"]), d.get("currency"),
                   bool(d["qr_single_use"]), _time(d["qr_expires_at"]), d)


@dataclass(frozen=True)
class Terminal:
    terminal_id: str
    terminal_code: str
    name: str
    previous_name: str | None
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Terminal:
        return cls(str(d["terminal_id"]), d["terminal_code"], d["name"], d.get("previous_name"), d)
