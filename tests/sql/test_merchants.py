"""Merchants and their operators; what the POS reads about its session and its transactions."""

import datetime as dt
import uuid
from decimal import Decimal

from .conftest import acting
from .harness import money
from .rpc import charge


def test_create_merchant_defaults_and_validation(db, world):
    with world.as_service():
        mid = db.call("create_merchant", p_code="SHOPX1", p_name="Tea House")
        for kwargs in (dict(p_code="bad code", p_name="x"), dict(p_code="A", p_name="x"),
                       dict(p_code="OKAY1", p_name=""), dict(p_code="OKAY2", p_name="x", p_timezone="Mars/Base"),
                       dict(p_code="OKAY3", p_name="x", p_currency="yuan"),
                       dict(p_code="OKAY4", p_name="x", p_settlement_mode="weekly"),
                       dict(p_code="SHOPX1", p_name="duplicate")):
            with db.raises("MP013", "invalid_argument"):
                db.call("create_merchant", **kwargs)
    with db.superuser():
        row = db.q("select timezone, currency, settlement_mode, status from app.merchants where id = %s", (mid,))[0]
    assert row == {"timezone": "Asia/Shanghai", "currency": "CNY", "settlement_mode": "t_plus_1", "status": "active"}


def test_only_the_platform_creates_merchants(db, world):
    shop = world.merchant()
    for caller in (shop.owner.caller,):
        with acting(db, caller), db.raises("42501"):
            db.call("create_merchant", p_code="NEW1", p_name="x")
    db.as_anon()
    with db.raises("42501"):
        db.call("create_merchant", p_code="NEW2", p_name="x")


def test_an_owner_manages_operators_but_a_manager_cannot(db, world):
    shop = world.merchant()
    newbie = world.user()
    with acting(db, shop.manager.caller), db.raises("42501"):
        db.call("add_merchant_user", p_merchant_code=shop.code, p_user_id=newbie.user_id, p_role="cashier")
    with acting(db, shop.owner.caller):
        res = db.call("add_merchant_user", p_merchant_code=shop.code, p_user_id=newbie.user_id, p_role="cashier")
        assert res["role"] == "cashier" and res["previous_role"] is None
        res = db.call("add_merchant_user", p_merchant_code=shop.code, p_user_id=newbie.user_id, p_role="manager")
        assert res["previous_role"] == "cashier"
        with db.raises("MP013", "invalid_argument"):
            db.call("add_merchant_user", p_merchant_code=shop.code, p_user_id=newbie.user_id, p_role="boss")
        with db.raises("MP012", "not_found"):
            db.call("add_merchant_user", p_merchant_code=shop.code, p_user_id=uuid.uuid4(), p_role="cashier")
        # The last owner cannot step down; with a second owner they can.
        with db.raises("MP013", "invalid_argument"):
            db.call("add_merchant_user", p_merchant_code=shop.code, p_user_id=shop.owner.user_id, p_role="manager")
        db.call("add_merchant_user", p_merchant_code=shop.code, p_user_id=newbie.user_id, p_role="owner")
        db.call("add_merchant_user", p_merchant_code=shop.code, p_user_id=shop.owner.user_id, p_role="manager")


def test_session_info_tells_the_pos_who_it_is(db, world):
    shop = world.merchant(p_timezone="Europe/Berlin", p_currency="EUR")
    db.set_clock(dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC))  # already 00:30 in Berlin
    with acting(db, shop.cashier.caller):
        info = db.call("merchant_session_info", p_merchant_code=shop.code)
    assert info["role"] == "cashier" and info["currency"] == "EUR" and info["timezone"] == "Europe/Berlin"
    assert info["merchant_name"] == f"Shop {shop.code}" and info["user_id"] == str(shop.cashier.user_id)
    assert info["email"] == shop.cashier.email
    assert info["business_day"] == "2026-03-02"
    other = world.merchant()
    with acting(db, other.owner.caller), db.raises("42501"):
        db.call("merchant_session_info", p_merchant_code=shop.code)


def test_get_tx_shows_refunds_and_respects_roles(db, world):
    shop = world.merchant()
    alice = world.member(balance="100")
    tx = charge(db, shop, world.qr(alice.card_id), "40", key="s1")
    mine = charge(db, shop, world.qr(alice.card_id), "5", key="s2", op=shop.manager)
    with acting(db, shop.manager.caller):
        db.call("merchant_refund_tx", p_merchant_code=shop.code, p_tx_id=tx["tx_id"],
                p_refund_amount=Decimal("15"), p_idempotency_key="r1", p_reason="cold tea")
        got = db.call("merchant_get_tx", p_merchant_code=shop.code, p_tx_id=tx["tx_id"])
    assert got["kind"] == "payment" and money(got["paid_amount"]) == Decimal("40.00")
    assert money(got["refunded_total"]) == Decimal("15.00")
    assert money(got["refundable_remaining"]) == Decimal("25.00")
    assert got["refunds"][0]["reason"] == "cold tea"
    assert got["card_last4"] and got["merchant_name"] == f"Shop {shop.code}"
    with acting(db, shop.cashier.caller):
        assert db.call("merchant_get_tx", p_merchant_code=shop.code, p_tx_id=tx["tx_id"])["tx_id"] == tx["tx_id"]
        with db.raises("42501"):
            db.call("merchant_get_tx", p_merchant_code=shop.code, p_tx_id=mine["tx_id"])
        with db.raises("MP012", "not_found"):
            db.call("merchant_get_tx", p_merchant_code=shop.code, p_tx_id=uuid.uuid4())
    other = world.merchant()
    with acting(db, other.owner.caller), db.raises("MP012", "not_found"):
        db.call("merchant_get_tx", p_merchant_code=other.code, p_tx_id=tx["tx_id"])
