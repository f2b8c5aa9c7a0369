"""Charging a member's card by QR: money, discount, idempotency, and every refusal."""

from decimal import Decimal

from .conftest import acting
from .harness import money
from .rpc import charge


def test_charge_takes_the_paid_amount_and_returns_the_receipt_fields(db, world):
    shop = world.merchant()
    alice = world.member(balance="500")
    res = charge(db, shop, world.qr(alice.card_id), "199.00", p_tag={"scene": "counter"})
    assert money(res["raw_amount"]) == Decimal("199.00")
    assert money(res["discount_amount"]) == Decimal("0.00")  # base level: no discount
    assert money(res["paid_amount"]) == Decimal("199.00")
    assert money(res["balance_after"]) == Decimal("301.00")
    assert res["points_earned"] == 199
    assert res["level_code"] == "base"
    assert res["replayed"] is False
    assert res["card_id"] == str(alice.card_id) and res["member_id"] == str(alice.id)
    assert res["operator_user_id"] == str(shop.cashier.user_id)
    for field in ("tx_id", "created_at", "card_last4", "currency"):
        assert res[field]
    assert world.balance(alice.card_id) == Decimal("301.00")


def test_discount_of_the_owners_level_is_rounded_half_up_to_the_cent(db, world):
    shop = world.merchant()
    bob = world.member(balance="1000")
    world.set_points(bob.id, 5000)  # gold: 5 % discount
    # 0.10 * 5 % = 0.005 → 0.01 (half up); paid 0.09.
    res = charge(db, shop, world.qr(bob.card_id), "0.10", key="a")
    assert (money(res["discount_amount"]), money(res["paid_amount"])) == (Decimal("0.01"), Decimal("0.09"))
    res = charge(db, shop, world.qr(bob.card_id), "123.45", key="b")
    assert money(res["discount_amount"]) == Decimal("6.17")  # 6.1725
    assert money(res["paid_amount"]) == Decimal("117.28")
    assert res["level_code"] == "gold"
    assert world.balance(bob.card_id) == Decimal("1000") - Decimal("0.09") - Decimal("117.28")


def test_retry_with_the_same_key_returns_the_same_payment_and_moves_no_money(db, world):
    shop = world.merchant()
    alice = world.member(balance="100")
    qr = world.qr(alice.card_id)
    first = charge(db, shop, qr, "30", key="order-1")
    again = charge(db, shop, qr, "30.00", key="order-1", p_tag={"different": "tag is not compared"})
    assert again["replayed"] is True
    assert again["tx_id"] == first["tx_id"]
    assert money(again["balance_after"]) == Decimal("70.00")
    assert world.balance(alice.card_id) == Decimal("70.00")
    with db.superuser():
        assert db.one("select count(*) from app.transactions where card_id = %s and kind = 'payment'",
                      (alice.card_id,)) == 1


def test_same_key_with_another_amount_or_card_is_a_conflict(db, world):
    shop = world.merchant()
    alice = world.member(balance="100")
    bob = world.member(balance="100", name="Bob")
    charge(db, shop, world.qr(alice.card_id, single_use=False), "30", key="order-1")
    with db.raises("MP006", "idempotency_conflict"):
        charge(db, shop, world.qr(alice.card_id), "31", key="order-1")
    with db.raises("MP006", "idempotency_conflict"):
        charge(db, shop, world.qr(bob.card_id), "30", key="order-1")
    assert world.balance(bob.card_id) == Decimal("100.00")


def test_a_key_is_scoped_to_the_merchant(db, world):
    a, b = world.merchant(), world.merchant()
    alice = world.member(balance="100")
    charge(db, a, world.qr(alice.card_id), "10", key="same")
    res = charge(db, b, world.qr(alice.card_id), "10", key="same")
    assert res["replayed"] is False
    assert world.balance(alice.card_id) == Decimal("80.00")


def test_a_failed_call_stores_nothing_so_its_retry_is_judged_afresh(db, world):
    shop = world.merchant()
    alice = world.member(balance="10")
    qr = world.qr(alice.card_id)
    with db.raises("MP002", "insufficient_balance"):
        charge(db, shop, qr, "50", key="order-9")
    with world.as_service():
        db.call("recharge_card", p_card_id=alice.card_id, p_amount=Decimal("100"), p_idempotency_key="top")
    res = charge(db, shop, qr, "50", key="order-9")  # the code was not spent by the failure
    assert res["replayed"] is False
    assert world.balance(alice.card_id) == Decimal("60.00")


def test_insufficient_balance_names_the_balance_and_the_amount_due_in_its_detail(db, world):
    import json

    import psycopg

    shop = world.merchant()
    alice = world.member(balance="20")
    try:
        charge(db, shop, world.qr(alice.card_id), "20.01")
    except psycopg.Error as e:
        assert e.sqlstate == "MP002" and e.diag.message_primary.startswith("insufficient_balance: ")
        assert json.loads(e.diag.message_detail) == {"balance": 20.00, "amount_due": 20.01}
    else:
        raise AssertionError("a charge over the balance went through")


def test_insufficient_balance_changes_nothing(db, world):
    shop = world.merchant()
    alice = world.member(balance="20")
    with db.raises("MP002", "insufficient_balance"):
        charge(db, shop, world.qr(alice.card_id), "20.01")
    assert world.balance(alice.card_id) == Decimal("20.00")
    with db.superuser():
        assert db.one("select count(*) from app.transactions where card_id = %s and kind = 'payment'",
                      (alice.card_id,)) == 0
    res = charge(db, shop, world.qr(alice.card_id), "20.00", key="exact")
    assert money(res["balance_after"]) == Decimal("0.00")
    assert world.balance(alice.card_id) == Decimal("0.00")


def test_inactive_card_cannot_pay(db, world):
    shop = world.merchant()
    alice = world.member(balance="20")
    qr = world.qr(alice.card_id)
    with db.superuser():
        db.q("update app.cards set status = 'frozen' where id = %s", (alice.card_id,))
    with db.raises("MP009", "card_inactive"):
        charge(db, shop, qr, "5")


def test_unknown_or_suspended_merchant(db, world):
    shop = world.merchant()
    alice = world.member(balance="20")
    qr = world.qr(alice.card_id)
    with acting(db, shop.cashier.caller), db.raises("MP010", "merchant_inactive"):
        db.call("merchant_charge_by_qr", p_merchant_code="NOPE", p_qr_plain=qr,
                p_raw_amount=Decimal("1"), p_idempotency_key="k")
    with db.superuser():
        db.q("update app.merchants set status = 'suspended' where id = %s", (shop.id,))
    with db.raises("MP010", "merchant_inactive"):
        charge(db, shop, qr, "5")
    assert world.balance(alice.card_id) == Decimal("20.00")


def test_cashier_of_another_merchant_is_forbidden(db, world):
    shop, other = world.merchant(), world.merchant()
    alice = world.member(balance="20")
    with db.raises("42501"):
        charge(db, shop, world.qr(alice.card_id), "5", op=other.cashier)
    assert world.balance(alice.card_id) == Decimal("20.00")


def test_anon_and_a_stranger_cannot_charge(db, world):
    shop = world.merchant()
    alice = world.member(balance="20")
    qr = world.qr(alice.card_id)
    stranger = world.user()
    with db.raises("42501"):
        charge(db, shop, qr, "5", op=stranger)
    db.as_anon()
    with db.raises("42501"):
        db.call("merchant_charge_by_qr", p_merchant_code=shop.code, p_qr_plain=qr,
                p_raw_amount=Decimal("5"), p_idempotency_key="k")


def test_invalid_amounts_and_keys_and_tags_are_refused(db, world):
    shop = world.merchant()
    alice = world.member(balance="20")
    qr = world.qr(alice.card_id)
    for bad in ("0", "-1", "1.234", "NaN", "Infinity", "100000.01"):
        with db.raises("MP001", "invalid_amount"):
            charge(db, shop, qr, bad)
    with acting(db, shop.cashier.caller), db.raises("MP001", "invalid_amount"):
        db.call("merchant_charge_by_qr", p_merchant_code=shop.code, p_qr_plain=qr,
                p_raw_amount=None, p_idempotency_key="k")
    for bad_key in ("", "x" * 129, "bad\nkey"):
        with db.raises("MP013", "invalid_argument"):
            charge(db, shop, qr, "1", key=bad_key)
    with db.raises("MP013", "invalid_argument"):
        charge(db, shop, qr, "1", p_tag=["not", "an", "object"])
    with db.raises("MP013", "invalid_argument"):
        charge(db, shop, qr, "1", p_tag={"blob": "x" * 5000})
    assert money(charge(db, shop, qr, "1.230", key="ok")["raw_amount"]) == Decimal("1.23")
    assert world.balance(alice.card_id) == Decimal("18.77")


def test_the_limits_are_settings_and_a_missing_one_falls_back_to_its_default(db, world):
    shop = world.merchant()
    alice = world.member(balance="100000.00")
    qr = world.qr(alice.card_id, single_use=False)
    with db.superuser():
        db.q("update app.settings set value = '50' where key = 'max_transaction_amount'")
        db.q("update app.settings set value = '20' where key = 'max_tag_bytes'")
    with db.raises("MP001", "invalid_amount"):
        charge(db, shop, qr, "50.01")
    with db.raises("MP013", "invalid_argument"):
        charge(db, shop, qr, "1", p_tag={"note": "longer than twenty bytes"})
    charge(db, shop, qr, "50", key="at-the-cap", p_tag={"n": 1})
    with db.superuser():  # an operator deleted the rows: the documented defaults hold
        db.q("delete from app.settings where key in ('max_transaction_amount', 'max_tag_bytes')")
    with db.raises("MP001", "invalid_amount"):
        charge(db, shop, qr, "100000.01")
    with db.raises("MP013", "invalid_argument"):
        charge(db, shop, qr, "1", p_tag={"blob": "x" * 5000})
    charge(db, shop, qr, "99000", key="under-the-default")
    assert world.balance(alice.card_id) == Decimal("950.00")
