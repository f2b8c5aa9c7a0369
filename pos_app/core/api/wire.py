"""JSON on the wire without floats: amounts go out as strings and come back as `Decimal`.

A float such as 0.1 + 0.2 is sent as 0.30000000000000004, which the server rightly refuses as
`invalid_amount`; and a float read back cannot be trusted to the cent. So floats are refused on
the way out, and every JSON number with a fraction is parsed straight from its text into a
`Decimal` on the way in.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

# Money fields in the RPCs' answers. Sums such as `payments_raw` of an empty day come back as a
# bare `0`, an integer, so these names are turned into Decimal whatever their JSON form.
AMOUNT_KEYS = frozenset({
    "amount", "balance", "balance_after", "raw_amount", "discount_amount", "paid_amount",
    "refund_amount", "refunded_total", "refundable_remaining", "discount_rate",
    "payments_raw", "payments_discount", "payments_paid", "refunds_amount", "topups_amount",
    "net_amount",
    # Shifts and the cash drawer (contract §9).
    "opening_float", "counted_cash", "expected_cash", "difference", "pay_ins_amount",
    "pay_outs_amount", "drops_amount", "cash_sales_amount", "cash_in", "cash_out",
})


def amount(value: Decimal | int | str) -> str:
    """An amount as the string sent to the server. Floats (and bools) are refused; a string
    must read as a number (decimal.InvalidOperation, a ValueError, otherwise)."""
    if isinstance(value, (bool, float)):
        raise TypeError("amounts must be Decimal, int or str, never float")
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        Decimal(value)  # raises on "12,50" or "": caught here, not as a server round trip
        return value
    raise TypeError(f"an amount cannot be a {type(value).__name__}")


def encode(params: dict[str, Any]) -> bytes:
    """The JSON body of an RPC call."""
    return json.dumps(_plain(params), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _plain(value: Any) -> Any:
    if isinstance(value, float):
        raise TypeError("floats are not sent to the server; use Decimal")
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        if value.tzinfo is None:
            # The server would read it in its own time zone, not the counter's.
            raise ValueError("timestamps sent to the server need a time zone")
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    raise TypeError(f"cannot send a {type(value).__name__} to the server")


def decode(content: bytes) -> Any:
    """An RPC answer with every fractional number, and every amount field, as `Decimal`.
    Raises ValueError when the content is not JSON."""
    return _amounts(json.loads(content, parse_float=Decimal))


def _amounts(value: Any, key: str | None = None) -> Any:
    if isinstance(value, dict):
        return {k: _amounts(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_amounts(v) for v in value]
    if key in AMOUNT_KEYS and isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return value
