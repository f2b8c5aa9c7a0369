"""Top-ups: from the member app (recharge_card) and in cash at the counter (by QR)."""

import uuid
from decimal import Decimal

from .conftest import acting
from .harness import money
from .rpc import charge, topup


def recharge(db, world, card_id, amount, key="k"):
    with world.as_service():
        return db.call("recharge_card", p_card_id=card_id, p_amount=Decimal(str(amount)),
                       p_idempotency_key=key)


def test_recharge_and_its_idempotent_retry(db, world):
    alice = world.member()
    first = recharge(db, world, alice.card_id, "88.80", "top-1")
    assert money(first["balance_after"]) == Decimal("88.80") and first["replayed"] is False
    again = recharge(db, world, alice.card_id, "88.8", "top-1")
    assert again["replayed"] is True and again["tx_id"] == first["tx_id"]
    assert world.balance(alice.card_id) == Decimal("88.80")
    with db.raises("MP006", "idempotency_conflict"):
        recharge(db, world, alice.card_id, "10", "top-1")


def test_recharge_key_is_scoped_to_the_card(db, world):
    alice, bob = world.member(), world.member(name="Bob")
    recharge(db, world, alice.card_id, "10", "same")
    assert recharge(db, world, bob.card_id, "10", "same")["replayed"] is False


def test_invalid_recharge_amounts(db, world):
    alice = world.member()
    for bad in ("0", "-1", "0.001", "NaN", "Infinity", "-Infinity", "100000.01"):
        with db.raises("MP001", "invalid_amount"):
            recharge(db, world, alice.card_id, bad)
    recharge(db, world, alice.card_id, "100000.00")  # the cap itself is allowed
    assert world.balance(alice.card_id) == Decimal("100000.00")


def test_the_cap_is_a_setting(db, world):
    alice = world.member()
    with db.superuser():
        db.q("update app.settings set value = '50' where key = 'max_transaction_amount'")
    with db.raises("MP001", "invalid_amount"):
        recharge(db, world, alice.card_id, "50.01")
    recharge(db, world, alice.card_id, "50")


def test_a_voucher_is_loaded_once_and_cannot_be_recharged(db, world):
    v = world.voucher("50")
    assert world.balance(v.card_id) == Decimal("50.00")
    with db.raises("MP009", "card_inactive"):
        recharge(db, world, v.card_id, "10")
    shop = world.merchant()
    with db.raises("MP009", "card_inactive"):
        topup(db, shop, world.qr(v.card_id), "10", key="v")
    # ...but it pays like any card.
    assert money(charge(db, shop, world.qr(v.card_id), "20")["balance_after"]) == Decimal("30.00")


def test_issue_card_load_is_idempotent(db, world):
    alice = world.member()
    with world.as_service():
        a = db.call("issue_card", p_member_id=alice.id, p_card_type="voucher",
                    p_initial_amount=Decimal("20"), p_idempotency_key="gift-1")
        b = db.call("issue_card", p_member_id=alice.id, p_card_type="voucher",
                    p_initial_amount=Decimal("20"), p_idempotency_key="gift-1")
        assert a == b
        with db.raises("MP006", "idempotency_conflict"):
            db.call("issue_card", p_member_id=alice.id, p_card_type="voucher",
                    p_initial_amount=Decimal("25"), p_idempotency_key="gift-1")
        with db.raises("MP013", "invalid_argument"):
            db.call("issue_card", p_member_id=alice.id, p_card_type="voucher", p_initial_amount=Decimal("5"))
    assert world.balance(a) == Decimal("20.00")


def test_counter_topup_by_qr_spends_the_code_and_is_idempotent(db, world):
    shop = world.merchant()
    alice = world.member(balance="5")
    qr = world.qr(alice.card_id)
    top = topup(db, shop, qr, "100", key="cash-1")
    again = topup(db, shop, qr, "100", key="cash-1")
    assert money(top["balance_after"]) == Decimal("105.00")
    assert again["replayed"] is True and again["tx_id"] == top["tx_id"]
    with db.raises("MP005", "qr_not_active"):
        charge(db, shop, qr, "1", key="after-topup")
    with db.raises("MP006", "idempotency_conflict"):
        charge(db, shop, world.qr(alice.card_id), "100", key="cash-1")  # same key, other operation


def test_recharge_unknown_card_and_forbidden_callers(db, world):
    shop = world.merchant()
    alice = world.member()
    with db.raises("MP012", "not_found"):
        recharge(db, world, uuid.uuid4(), "1")
    with acting(db, shop.owner.caller), db.raises("42501"):
        db.call("recharge_card", p_card_id=alice.card_id, p_amount=Decimal("1"), p_idempotency_key="x")


def test_keys_are_kept_at_least_30_days_then_purged(db, world):
    alice = world.member()
    first = recharge(db, world, alice.card_id, "10", "old-key")
    with db.superuser():
        db.q("update app.settings set value = '7' where key = 'idempotency_retention_days'")  # below the floor
    kept = "select count(*) from app.idempotency_registry where scope_id = %s and idempotency_key = 'old-key'"
    db.advance_clock(29 * 86400)
    with world.as_service():
        db.call("purge_idempotency_keys")
    with db.superuser():
        assert db.one(kept, (alice.card_id,)) == 1
    assert recharge(db, world, alice.card_id, "10", "old-key")["tx_id"] == first["tx_id"]  # still a replay
    db.advance_clock(2 * 86400)
    with world.as_service():
        assert db.call("purge_idempotency_keys") >= 1  # committed keys of other tests may go too
    with db.superuser():
        assert db.one(kept, (alice.card_id,)) == 0
    again = recharge(db, world, alice.card_id, "10", "old-key")
    assert again["replayed"] is False and again["tx_id"] != first["tx_id"]
    assert world.balance(alice.card_id) == Decimal("20.00")
