"""A receipt: what the server answered for a charge, a refund, a counter top-up or a cash
movement (a slip for a pay-in, pay-out or drop), plus where and by whom it was rung up. A split
sale's receipt is a payment receipt with both tenders.
Built once from the RPC's JSON (docs/supabase_rpc.md), then rendered for
the screen (`receipt.text`) or a thermal printer (`receipt.escpos`); a reprint is the same receipt
marked as a copy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from ..money import from_api
from ..scanning.codes import receipt_code


class ReceiptKind(StrEnum):
    PAYMENT = "payment"
    REFUND = "refund"
    TOPUP = "topup"
    CASH = "cash"  # a pay-in, pay-out or drop slip (`movement_kind` says which)


@dataclass(frozen=True)
class ReceiptHeader:
    """Where and by whom: the merchant (name, IANA timezone, currency), the signed-in cashier
    and this terminal's name. The same for every receipt of a shift."""

    shop: str
    timezone: str
    currency: str
    cashier_name: str = ""
    cashier_email: str = ""
    terminal: str = ""

    @classmethod
    def for_operator(cls, operator: Any, terminal: str = "") -> ReceiptHeader:
        """The header of every receipt a signed-in operator (`session.signin.Operator`) rings up
        at `terminal`: the cashier's view and the manager's refunds both build it here."""
        return cls(shop=operator.merchant_name, timezone=operator.timezone, currency=operator.currency,
                   cashier_email=operator.email, terminal=terminal)

    @property
    def cashier(self) -> str:
        """The cashier as a receipt names them: the name, or the email if there is no name."""
        return self.cashier_name or self.cashier_email


@dataclass(frozen=True)
class Receipt:
    """One printed or shown receipt. Amounts are Decimals; `created_at` is an aware datetime.

    `amount` is the headline: what was paid, refunded, topped up or moved in cash. Payment-only
    fields (`raw_amount`, `discount_amount`) and refund-only ones (`original_tx_id`,
    `refundable_remaining`) are None on other kinds; `points` is earned on a payment, reversed on
    a refund. A split sale's payment names its tenders: `card_paid + cash_paid == amount`. A cash
    slip has `movement_kind` and no card (`balance_after` None); `reason` is a refund's or a
    slip's.
    """

    kind: ReceiptKind
    tx_id: str
    created_at: datetime
    counter: ReceiptHeader
    currency: str
    amount: Decimal
    balance_after: Decimal | None
    card_last4: str | None = None
    raw_amount: Decimal | None = None
    discount_amount: Decimal | None = None
    points: int | None = None
    level_code: str | None = None
    original_tx_id: str | None = None
    refundable_remaining: Decimal | None = None
    reason: str | None = None
    copy: bool = False
    card_paid: Decimal | None = None
    cash_paid: Decimal | None = None
    movement_kind: str | None = None

    @property
    def local_time(self) -> datetime:
        """When it happened, on the merchant's clock (a business day is cut in its timezone)."""
        return self.created_at.astimezone(ZoneInfo(self.counter.timezone))

    def masked_card(self, dot: str = "•") -> str:
        """The card as `•••• 1234` (pass `dot="*"` for a printer font without the bullet)."""
        return f"{dot * 4} {self.card_last4}" if self.card_last4 else ""

    @property
    def qr_payload(self) -> str | None:
        """The code printed as a QR, which the refund screen scans to find the payment: on a
        payment its own id, on a refund the payment it refunded (so a further partial refund
        starts from either receipt). A top-up cannot be refunded at the counter: no code."""
        if self.kind is ReceiptKind.PAYMENT:
            return receipt_code(self.tx_id)
        if self.kind is ReceiptKind.REFUND and self.original_tx_id:
            return receipt_code(self.original_tx_id)
        return None


def _time(value: Any) -> datetime:
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    # timestamptz always travels with its offset; a bare time can only be UTC from our own code.
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _opt_amount(value: Any) -> Decimal | None:
    return None if value is None else from_api(value)


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _common(result: Mapping[str, Any], counter: ReceiptHeader) -> dict[str, Any]:
    return dict(created_at=_time(result["created_at"]), counter=counter,
                currency=result.get("currency") or counter.currency,
                balance_after=from_api(result["balance_after"]), card_last4=result.get("card_last4"),
                level_code=result.get("level_code"))


def from_charge(result: Mapping[str, Any], counter: ReceiptHeader) -> Receipt:
    """The receipt of a `merchant_charge_by_qr` answer."""
    return Receipt(ReceiptKind.PAYMENT, str(result["tx_id"]), amount=from_api(result["paid_amount"]),
                   raw_amount=from_api(result["raw_amount"]),
                   discount_amount=from_api(result["discount_amount"]),
                   points=_opt_int(result.get("points_earned")), **_common(result, counter))


def from_refund(result: Mapping[str, Any], counter: ReceiptHeader) -> Receipt:
    """The receipt of a `merchant_refund_tx` answer."""
    return Receipt(ReceiptKind.REFUND, str(result["refund_tx_id"]), amount=from_api(result["refund_amount"]),
                   original_tx_id=str(result["original_tx_id"]),
                   refundable_remaining=_opt_amount(result.get("refundable_remaining")),
                   points=_opt_int(result.get("points_reversed")), reason=result.get("reason"),
                   **_common(result, counter))


def from_topup(result: Mapping[str, Any], counter: ReceiptHeader) -> Receipt:
    """The receipt of a `merchant_recharge_by_qr` answer."""
    return Receipt(ReceiptKind.TOPUP, str(result["tx_id"]), amount=from_api(result["amount"]),
                   **_common(result, counter))


def from_cash_movement(result: Mapping[str, Any], counter: ReceiptHeader) -> Receipt:
    """The slip of a `merchant_cash_movement` answer (pay-in, pay-out, drop)."""
    return Receipt(ReceiptKind.CASH, str(result["movement_id"]), created_at=_time(result["created_at"]),
                   counter=counter, currency=result.get("currency") or counter.currency,
                   amount=from_api(result["amount"]), balance_after=None, reason=result.get("reason"),
                   movement_kind=result["kind"])


def from_split(card: Mapping[str, Any], cash: Mapping[str, Any], sale_amount: Decimal,
               counter: ReceiptHeader) -> Receipt:
    """The one receipt of a split sale: the card part's charge answer and the cash part's
    movement answer, for a sale of `sale_amount` (before discount). The total paid is what the
    two tenders add up to; the discount is the rest of the sale (sale/split.py)."""
    card_paid, cash_paid = from_api(card["paid_amount"]), from_api(cash["amount"])
    total = card_paid + cash_paid
    return Receipt(ReceiptKind.PAYMENT, str(card["tx_id"]), amount=total, raw_amount=sale_amount,
                   discount_amount=sale_amount - total, points=_opt_int(card.get("points_earned")),
                   card_paid=card_paid, cash_paid=cash_paid, **_common(card, counter))


def from_result(kind: str, result: Mapping[str, Any], counter: ReceiptHeader) -> Receipt:
    """The receipt of a done attempt of the sale path, by its journal kind (charge, refund,
    topup)."""
    makers = {"charge": from_charge, "refund": from_refund, "topup": from_topup, "cash": from_cash_movement}
    if kind not in makers:
        raise ValueError(f"no receipt for a {kind!r} attempt")
    return makers[kind](result, counter)


def from_tx(row: Mapping[str, Any], counter: ReceiptHeader) -> Receipt:
    """A reprint of any past transaction from `merchant_get_tx`, marked as a copy. The cashier
    line shows `counter`'s cashier: the row carries only the operator's id."""
    kind = row["kind"]
    common = _common(row, counter) | {"copy": True}
    delta = _opt_int(row.get("points_delta"))
    if kind == "payment":
        return Receipt(ReceiptKind.PAYMENT, str(row["tx_id"]), amount=from_api(row["paid_amount"]),
                       raw_amount=from_api(row["raw_amount"]),
                       discount_amount=from_api(row["discount_amount"]), points=delta, **common)
    if kind == "refund":
        return Receipt(ReceiptKind.REFUND, str(row["tx_id"]), amount=from_api(row["amount"]),
                       original_tx_id=str(row["original_tx_id"]),
                       points=None if delta is None else -delta, reason=row.get("reason"), **common)
    if kind == "recharge":
        return Receipt(ReceiptKind.TOPUP, str(row["tx_id"]), amount=from_api(row["amount"]), **common)
    raise ValueError(f"no receipt for a {kind!r} transaction")
