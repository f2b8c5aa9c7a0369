"""A payment as the refund screen sees it (from `merchant_get_tx`): what was paid, each refund so
far, and what is left; and the check of a typed refund before it is sent, with the same rules
the server applies, so the manager hears about a mistake before any request."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from ..money import DEFAULT_CAP, AmountError, from_api, parse_amount
from .service import MAX_REASON


@dataclass(frozen=True)
class PastRefund:
    refund_tx_id: str
    amount: Decimal
    reason: str | None
    points_reversed: int | None
    created_at: datetime


@dataclass(frozen=True)
class Payment:
    """One transaction looked up for a refund. `refundable` is False for anything but a payment
    (a refund or a top-up has nothing to refund at the counter), or when nothing is left."""

    tx_id: str
    kind: str
    created_at: datetime
    currency: str
    card_last4: str | None
    raw_amount: Decimal | None
    discount_amount: Decimal | None
    paid_amount: Decimal | None
    refunds: tuple[PastRefund, ...]
    refunded_total: Decimal
    remaining: Decimal

    @property
    def refundable(self) -> bool:
        return self.kind == "payment" and self.remaining > 0


def _time(value: Any) -> datetime:
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _opt(value: Any) -> Decimal | None:
    return None if value is None else from_api(value)


def payment_from_tx(tx: Mapping[str, Any]) -> Payment:
    """The `merchant_get_tx` answer as a Payment (refunds oldest first)."""
    refunds = tuple(sorted((PastRefund(str(r["refund_tx_id"]), from_api(r["refund_amount"]), r.get("reason"),
                                       None if r.get("points_reversed") is None else int(r["points_reversed"]),
                                       _time(r["created_at"])) for r in tx.get("refunds") or ()),
                           key=lambda r: r.created_at))
    payment = tx["kind"] == "payment"
    return Payment(
        tx_id=str(tx["tx_id"]), kind=tx["kind"], created_at=_time(tx["created_at"]), currency=tx.get("currency") or "",
        card_last4=tx.get("card_last4"), raw_amount=_opt(tx.get("raw_amount")),
        discount_amount=_opt(tx.get("discount_amount")), paid_amount=_opt(tx.get("paid_amount")), refunds=refunds,
        refunded_total=from_api(tx["refunded_total"]) if payment else Decimal("0.00"),
        remaining=from_api(tx["refundable_remaining"]) if payment else Decimal("0.00"))


class RefundInputError(ValueError):
    """A typed refund the screen refuses; `reason` is a `messages` name."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def check_refund(amount_text: str, remaining: Decimal, reason: str | None,
                 cap: Decimal = DEFAULT_CAP) -> tuple[Decimal, str | None]:
    """The refund amount and the cleaned reason (None if blank), or RefundInputError: the
    amount as `money.parse_amount` reads it (`amount_*`), not above what is still refundable
    (`refund_exceeds_paid`), a reason of at most 500 characters (`reason_too_long`)."""
    try:
        amount = parse_amount(amount_text, cap)
    except AmountError as e:
        raise RefundInputError(f"amount_{e.reason}") from e
    if amount > remaining:
        raise RefundInputError("refund_exceeds_paid")
    cleaned = (reason or "").strip() or None
    if cleaned is not None and len(cleaned) > MAX_REASON:
        raise RefundInputError("reason_too_long")
    return amount, cleaned
