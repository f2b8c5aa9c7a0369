"""The RPC calls the SQL tests share, each made as one operator the way a till would (charge,
refund, top-up, terminals, shifts, cash). A test file imports them from here, never from another
test file. A call without a key gets a fresh one: a new request, not a retry."""

from __future__ import annotations

import uuid
from decimal import Decimal

from .conftest import acting


def _key() -> str:
    return f"k-{uuid.uuid4()}"


def terminal(db, shop, code: str = "T1", name: str = "Counter 1", op=None) -> dict:
    with acting(db, (op or shop.manager).caller):
        return db.call("merchant_register_terminal", p_merchant_code=shop.code, p_terminal_code=code, p_name=name)


def open_shift(db, shop, terminal_code: str = "T1", opening_float="100.00", key: str | None = None, op=None) -> dict:
    with acting(db, (op or shop.cashier).caller):
        return db.call("merchant_open_shift", p_merchant_code=shop.code, p_terminal_code=terminal_code,
                       p_opening_float=opening_float if opening_float is None else Decimal(str(opening_float)),
                       p_idempotency_key=_key() if key is None else key)


def movement(db, shop, shift_id, kind: str, amount, reason: str | None = "float change",
             key: str | None = None, op=None, **kw) -> dict:
    with acting(db, (op or shop.cashier).caller):
        return db.call("merchant_cash_movement", p_merchant_code=shop.code, p_shift_id=shift_id, p_kind=kind,
                       p_amount=amount if amount is None else Decimal(str(amount)),
                       p_idempotency_key=_key() if key is None else key, p_reason=reason, **kw)


def close_shift(db, shop, shift_id, counted, key: str | None = None, note: str | None = None, op=None,
                **kw) -> dict:
    with acting(db, (op or shop.cashier).caller):
        return db.call("merchant_close_shift", p_merchant_code=shop.code, p_shift_id=shift_id,
                       p_counted_cash=counted if counted is None else Decimal(str(counted)),
                       p_idempotency_key=_key() if key is None else key, p_note=note, **kw)


def get_shift(db, shop, shift_id, op=None) -> dict:
    with acting(db, (op or shop.manager).caller):
        return db.call("merchant_get_shift", p_merchant_code=shop.code, p_shift_id=shift_id)


def list_shifts(db, shop, op=None, **kw) -> list[dict]:
    with acting(db, (op or shop.manager).caller):
        return [r["merchant_list_shifts"] for r in db.rows("merchant_list_shifts", p_merchant_code=shop.code, **kw)]


def topup(db, shop, qr: str, amount, key: str | None = None, shift_id=None, op=None, **kw) -> dict:
    if shift_id is not None:
        kw["p_shift_id"] = shift_id
    with acting(db, (op or shop.cashier).caller):
        return db.call("merchant_recharge_by_qr", p_merchant_code=shop.code, p_qr_plain=qr,
                       p_amount=Decimal(str(amount)), p_idempotency_key=_key() if key is None else key, **kw)


def charge(db, shop, qr: str, amount, key: str | None = None, shift_id=None, op=None, **kw) -> dict:
    if shift_id is not None:
        kw["p_shift_id"] = shift_id
    with acting(db, (op or shop.cashier).caller):
        return db.call("merchant_charge_by_qr", p_merchant_code=shop.code, p_qr_plain=qr,
                       p_raw_amount=Decimal(str(amount)), p_idempotency_key=_key() if key is None else key, **kw)


def refund(db, shop, tx_id, amount, key: str | None = None, shift_id=None, op=None, **kw) -> dict:
    if shift_id is not None:
        kw["p_shift_id"] = shift_id
    with acting(db, (op or shop.manager).caller):
        return db.call("merchant_refund_tx", p_merchant_code=shop.code, p_tx_id=tx_id,
                       p_refund_amount=Decimal(str(amount)), p_idempotency_key=_key() if key is None else key, **kw)
