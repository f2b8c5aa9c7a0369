"""Refunds: partial and full, limits, who may refund, and idempotent retries."""

import uuid
from decimal import Decimal

from .conftest import acting
from .harness import money
from .rpc import charge, refund


def paid(db, world, shop, amount="100", balance="200"):
    alice = world.member(balance=balance)
    tx = charge(db, shop, world.qr(alice.card_id), amount, key=f"pay-{uuid.uuid4()}")
    return alice, tx


def test_partial_then_full_refund(db, world):
    shop = world.merchant()
    alice, tx = paid(db, world, shop)
    r1 = refund(db, shop, tx["tx_id"], "30", "r1", p_reason="damaged")
    assert money(r1["refund_amount"]) == Decimal("30.00")
    assert money(r1["refunded_total"]) == Decimal("30.00")
    assert money(r1["refundable_remaining"]) == Decimal("70.00")
    assert money(r1["balance_after"]) == Decimal("130.00")
    assert r1["original_tx_id"] == tx["tx_id"] and r1["replayed"] is False
    r2 = refund(db, shop, tx["tx_id"], "70", "r2")
    assert money(r2["refundable_remaining"]) == Decimal("0.00")
    assert world.balance(alice.card_id) == Decimal("200.00")
    with db.raises("MP007", "refund_exceeds_paid"):
        refund(db, shop, tx["tx_id"], "0.01", "r3")


def test_several_partials_and_one_cent_too_many(db, world):
    shop = world.merchant()
    alice, tx = paid(db, world, shop, amount="10.00")
    for i in range(3):
        refund(db, shop, tx["tx_id"], "3.00", f"p{i}")
    with db.raises("MP007", "refund_exceeds_paid"):
        refund(db, shop, tx["tx_id"], "1.01", "p-over")
    last = refund(db, shop, tx["tx_id"], "1.00", "p-last")
    assert money(last["refunded_total"]) == Decimal("10.00")
    with acting(db, shop.manager.caller):
        got = db.call("merchant_get_tx", p_merchant_code=shop.code, p_tx_id=tx["tx_id"])
    assert len(got["refunds"]) == 4 and money(got["refundable_remaining"]) == Decimal("0")


def test_refund_is_limited_to_what_was_paid_after_discount(db, world):
    shop = world.merchant()
    bob = world.member(balance="1000")
    world.set_points(bob.id, 20000)  # platinum: 10 % off
    tx = charge(db, shop, world.qr(bob.card_id), "100", key="pay")
    assert money(tx["paid_amount"]) == Decimal("90.00")
    with db.raises("MP007", "refund_exceeds_paid"):
        refund(db, shop, tx["tx_id"], "100", "r")
    refund(db, shop, tx["tx_id"], "90", "r")
    assert world.balance(bob.card_id) == Decimal("1000.00")


def test_idempotent_refund_retry(db, world):
    shop = world.merchant()
    alice, tx = paid(db, world, shop)
    first = refund(db, shop, tx["tx_id"], "40", "same")
    again = refund(db, shop, tx["tx_id"], "40", "same", p_reason="reason is not compared")
    assert again["replayed"] is True and again["refund_tx_id"] == first["refund_tx_id"]
    assert world.balance(alice.card_id) == Decimal("140.00")
    with db.raises("MP006", "idempotency_conflict"):
        refund(db, shop, tx["tx_id"], "41", "same")
    # A key used for a charge cannot be reused for a refund.
    other_alice = world.member(balance="50")
    pay = charge(db, shop, world.qr(other_alice.card_id), "5", key="shared-key")
    with db.raises("MP006", "idempotency_conflict"):
        refund(db, shop, pay["tx_id"], "5", "shared-key")


def test_refunding_a_refund_a_topup_or_another_merchants_payment(db, world):
    shop, other = world.merchant(), world.merchant()
    alice, tx = paid(db, world, shop)
    r = refund(db, shop, tx["tx_id"], "10", "r1")
    with db.raises("MP008", "tx_not_refundable"):
        refund(db, shop, r["refund_tx_id"], "1", "r2")
    with db.raises("MP008", "tx_not_refundable"):
        refund(db, other, tx["tx_id"], "1", "r3")
    with acting(db, shop.cashier.caller):
        top = db.call("merchant_recharge_by_qr", p_merchant_code=shop.code,
                      p_qr_plain=world.qr(alice.card_id), p_amount=Decimal("5"), p_idempotency_key="t")
    with db.raises("MP008", "tx_not_refundable"):
        refund(db, shop, top["tx_id"], "1", "r4")
    with db.raises("MP012", "not_found"):
        refund(db, shop, uuid.uuid4(), "1", "r5")


def test_refund_window(db, world):
    shop = world.merchant()
    alice, tx = paid(db, world, shop)
    db.advance_clock(181 * 86400)
    with db.raises("MP008", "tx_not_refundable"):
        refund(db, shop, tx["tx_id"], "1", "late")


def test_a_cashier_cannot_refund_but_a_manager_and_owner_can(db, world):
    shop = world.merchant()
    alice, tx = paid(db, world, shop)
    with db.raises("42501"):
        refund(db, shop, tx["tx_id"], "1", "c", op=shop.cashier)
    refund(db, shop, tx["tx_id"], "1", "m", op=shop.manager)
    refund(db, shop, tx["tx_id"], "1", "o", op=shop.owner)
    assert world.balance(alice.card_id) == Decimal("102.00")


def test_refund_amount_validation(db, world):
    shop = world.merchant()
    alice, tx = paid(db, world, shop)
    for bad in ("0", "-5", "0.001", "NaN"):
        with db.raises("MP001", "invalid_amount"):
            refund(db, shop, tx["tx_id"], bad, "bad")
    with db.raises("MP013", "invalid_argument"):
        refund(db, shop, tx["tx_id"], "1", "k", p_reason="x" * 501)


def test_refund_to_a_frozen_card_is_allowed_but_not_to_a_closed_one(db, world):
    shop = world.merchant()
    alice, tx = paid(db, world, shop)
    with db.superuser():
        db.q("update app.cards set status = 'frozen' where id = %s", (alice.card_id,))
    refund(db, shop, tx["tx_id"], "10", "f")
    with db.superuser():
        db.q("update app.cards set status = 'closed' where id = %s", (alice.card_id,))
    with db.raises("MP009", "card_inactive"):
        refund(db, shop, tx["tx_id"], "10", "c")
