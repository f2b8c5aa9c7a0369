"""Settling an attempt of unknown outcome by its idempotency key: its result, or a void that no
late request can get past."""

from decimal import Decimal

import psycopg
import pytest

from .committed import call_as, make_shop, request
from .conftest import acting
from .harness import money
from .test_charge import charge


def resolve(db, merchant, key, op=None):
    with acting(db, (op or merchant.cashier).caller):
        return db.call("merchant_resolve_attempt", p_merchant_code=merchant.code, p_idempotency_key=key)


def test_a_committed_charge_resolves_to_its_result_and_moves_no_more_money(db, world):
    shop = world.merchant()
    alice = world.member(balance="50")
    tx = charge(db, shop, world.qr(alice.card_id), "20", key="sale-1")
    got = resolve(db, shop, "sale-1")
    assert got["outcome"] == "succeeded" and got["operation"] == "charge"
    assert got["result"]["tx_id"] == tx["tx_id"] and money(got["result"]["paid_amount"]) == Decimal("20.00")
    assert resolve(db, shop, "sale-1")["result"]["tx_id"] == tx["tx_id"]
    assert world.balance(alice.card_id) == Decimal("30.00")


def test_an_attempt_that_never_arrived_is_voided_and_a_late_request_cannot_charge(db, world):
    shop = world.merchant()
    alice = world.member(balance="50")
    qr = world.qr(alice.card_id)
    got = resolve(db, shop, "lost-sale")
    assert got["outcome"] == "voided" and got["replayed"] is False
    with db.raises("MP006", "idempotency_conflict"):
        charge(db, shop, qr, "20", key="lost-sale")  # the request turns up late
    assert world.balance(alice.card_id) == Decimal("50.00")
    again = resolve(db, shop, "lost-sale")
    assert again["outcome"] == "voided" and again["replayed"] is True
    assert charge(db, shop, qr, "20", key="new-sale")["replayed"] is False  # the code was not spent


def test_refunds_and_counter_topups_resolve_too(db, world):
    shop = world.merchant()
    alice = world.member(balance="50")
    tx = charge(db, shop, world.qr(alice.card_id), "20", key="s")
    with acting(db, shop.manager.caller):
        db.call("merchant_refund_tx", p_merchant_code=shop.code, p_tx_id=tx["tx_id"],
                p_refund_amount=Decimal("5"), p_idempotency_key="r")
    with acting(db, shop.cashier.caller):
        db.call("merchant_recharge_by_qr", p_merchant_code=shop.code, p_qr_plain=world.qr(alice.card_id),
                p_amount=Decimal("10"), p_idempotency_key="t")
    assert resolve(db, shop, "r", op=shop.manager)["operation"] == "refund"
    assert resolve(db, shop, "t")["operation"] == "recharge"


def test_keys_are_per_merchant_and_roles_apply(db, world):
    shop, other = world.merchant(), world.merchant()
    alice = world.member(balance="50")
    charge(db, shop, world.qr(alice.card_id), "20", key="k")
    assert resolve(db, other, "k")["outcome"] == "voided"  # another merchant's key space
    with db.raises("42501"):
        resolve(db, shop, "k", op=other.cashier)
    db.as_anon()
    with db.raises("42501"):
        db.call("merchant_resolve_attempt", p_merchant_code=shop.code, p_idempotency_key="k")
    with db.raises("MP013", "invalid_argument"):
        resolve(db, shop, "")


def test_resolving_waits_for_a_call_with_that_key_still_running(mps_dsn):
    code, cashier = make_shop(mps_dsn, "RES")
    with psycopg.connect(mps_dsn) as conn:
        mid = conn.execute("select id from app.merchants where code = %s", (code,)).fetchone()[0]
    with psycopg.connect(mps_dsn) as in_flight:  # a charge with this key, holding its key lock
        in_flight.execute("select app.idempotency_lock('merchant', %s, 'slow-sale')", (mid,))
        with psycopg.connect(mps_dsn) as conn:
            conn.execute("set lock_timeout = '300ms'")
            with pytest.raises(psycopg.errors.LockNotAvailable):
                call_as(conn, "authenticated", cashier, "merchant_resolve_attempt",
                        dict(p_merchant_code=code, p_idempotency_key="slow-sale"))
        in_flight.rollback()
    got = request(mps_dsn, "authenticated", cashier, "merchant_resolve_attempt",
                  p_merchant_code=code, p_idempotency_key="slow-sale")
    assert got["outcome"] == "voided"


def test_after_the_registry_forgot_the_key_the_ledger_still_answers(db, world):
    """A counter back after the key retention must not be told 'voided' for money that moved."""
    shop = world.merchant()
    alice = world.member(balance="50")
    tx = charge(db, shop, world.qr(alice.card_id), "20", key="old-sale")
    db.advance_clock(40 * 86400)
    with world.as_service():
        assert db.call("purge_idempotency_keys") >= 1
    got = resolve(db, shop, "old-sale")
    assert got["outcome"] == "succeeded" and got["operation"] == "charge"
    assert got["result"]["tx_id"] == tx["tx_id"] and got["result"]["from_ledger"] is True
    assert money(got["result"]["paid_amount"]) == Decimal("20.00")
    assert world.balance(alice.card_id) == Decimal("30.00")
