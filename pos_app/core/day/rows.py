"""What each column of a transaction row shows in the cashier's own list of today (where today
starts is `business_day.day_start`). The Qt table model only asks for these cells."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from ..money import format_amount, from_api

COLUMNS = ("time", "kind", "amount", "card", "tx_id")
KINDS = ("payment", "refund", "recharge")


def amount_of(row: Mapping[str, Any]) -> Decimal:
    """What a row moved, signed as the shop sees it: a payment's paid amount and a top-up's
    amount in, a refund out."""
    if row.get("kind") == "payment":
        return from_api(row["paid_amount"])
    value = from_api(row["amount"])
    return -abs(value) if row.get("kind") == "refund" else value


def cell(row: Mapping[str, Any], column: str, *, tz: str, currency: str, language: str = "en") -> str:
    """The text of `column` (one of COLUMNS) for a `merchant_list_transactions` row."""
    if column == "time":
        when = datetime.fromisoformat(str(row["created_at"]))
        return when.astimezone(ZoneInfo(tz)).strftime("%H:%M:%S")
    if column == "kind":
        return str(row.get("kind", ""))
    if column == "amount":
        return format_amount(amount_of(row), row.get("currency") or currency, language)
    if column == "card":
        last4 = row.get("card_last4")
        return f"•••• {last4}" if last4 else ""
    if column == "tx_id":
        return str(row["tx_id"])
    raise ValueError(f"no column {column!r}")
