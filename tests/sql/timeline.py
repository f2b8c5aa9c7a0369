"""Building a merchant's history at chosen local times, for the report and settlement tests.

Every transaction takes its created_at from app.now(), so each step first pins the clock.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from .conftest import acting
from .harness import money

FIGURES = ("payments_count", "payments_raw", "payments_discount", "payments_paid",
           "refunds_count", "refunds_amount", "topups_count", "topups_amount", "net_amount")


def local(tz: str, *args: int) -> datetime:
    """A wall-clock time in a time zone, e.g. local("Asia/Shanghai", 2024, 3, 10, 23, 59, 59)."""
    return datetime(*args, tzinfo=ZoneInfo(tz))


class Timeline:
    def __init__(self, db, world):
        self.db, self.world = db, world

    def at(self, when: datetime) -> Timeline:
        self.db.set_clock(when)
        return self

    def pay(self, shop, member, amount, op=None) -> dict:
        qr = self.world.qr(member.card_id)
        with acting(self.db, (op or shop.cashier).caller):
            return self.db.call("merchant_charge_by_qr", p_merchant_code=shop.code, p_qr_plain=qr,
                                p_raw_amount=Decimal(str(amount)), p_idempotency_key=f"p-{uuid.uuid4()}")

    def refund(self, shop, tx_id, amount, op=None) -> dict:
        with acting(self.db, (op or shop.manager).caller):
            return self.db.call("merchant_refund_tx", p_merchant_code=shop.code, p_tx_id=tx_id,
                                p_refund_amount=Decimal(str(amount)), p_idempotency_key=f"r-{uuid.uuid4()}")

    def topup(self, shop, member, amount, op=None) -> dict:
        qr = self.world.qr(member.card_id)
        with acting(self.db, (op or shop.cashier).caller):
            return self.db.call("merchant_recharge_by_qr", p_merchant_code=shop.code, p_qr_plain=qr,
                                p_amount=Decimal(str(amount)), p_idempotency_key=f"t-{uuid.uuid4()}")


def figures(obj: dict) -> dict:
    """The nine report figures of a settlement or summary row, as Decimals and ints."""
    return {k: (int(obj[k]) if k.endswith("_count") else money(obj[k])) for k in FIGURES}


def expected(paid=("0", 0), raw=None, discount="0", refunds=("0", 0), topups=("0", 0)) -> dict:
    """Figures written the way a test states them: paid=(amount, count) and so on."""
    paid_amount, paid_count = Decimal(paid[0]), paid[1]
    ref_amount, ref_count = Decimal(refunds[0]), refunds[1]
    top_amount, top_count = Decimal(topups[0]), topups[1]
    return {
        "payments_count": paid_count,
        "payments_raw": money(raw if raw is not None else paid_amount + Decimal(discount)),
        "payments_discount": money(discount),
        "payments_paid": money(paid_amount),
        "refunds_count": ref_count,
        "refunds_amount": money(ref_amount),
        "topups_count": top_count,
        "topups_amount": money(top_amount),
        "net_amount": money(paid_amount - ref_amount - top_amount),
    }
