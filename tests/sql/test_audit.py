"""Every money movement and sensitive change writes one audit row, in the same transaction."""

from decimal import Decimal

from .conftest import acting
from .rpc import charge, refund, topup


def audit_rows(db, **where):
    cond = " and ".join(f"{k} = %s" for k in where)
    with db.superuser():
        return db.q(f"select * from audit.event_log where {cond} order by id", tuple(where.values()))


def test_money_movements_are_audited_with_who_role_merchant_and_amount(db, world):
    shop = world.merchant()
    alice = world.member(balance="100")
    tx = charge(db, shop, world.qr(alice.card_id), "40", key="a1")
    rf = refund(db, shop, tx["tx_id"], "10", key="a2")
    top = topup(db, shop, world.qr(alice.card_id), "7", key="a3")

    (pay,) = audit_rows(db, entity_id=tx["tx_id"])
    assert pay["action"] == "tx.payment" and pay["actor_user_id"] == shop.cashier.user_id
    assert pay["actor_role"] == "authenticated" and pay["merchant_role"] == "cashier"
    assert pay["merchant_id"] == shop.id and pay["amount"] == Decimal("40.00")
    (ref,) = audit_rows(db, entity_id=rf["refund_tx_id"])
    assert ref["action"] == "tx.refund" and ref["merchant_role"] == "manager" and ref["amount"] == Decimal("10.00")
    (cash,) = audit_rows(db, entity_id=top["tx_id"])
    assert cash["action"] == "tx.recharge" and cash["amount"] == Decimal("7.00")
    seed = [r for r in audit_rows(db, card_id=alice.card_id, action="tx.recharge") if r["merchant_id"] is None]
    assert len(seed) == 1 and seed[0]["actor_role"] == "service_role"


def test_a_replay_or_a_failure_writes_no_audit_row(db, world):
    shop = world.merchant()
    alice = world.member(balance="10")
    qr = world.qr(alice.card_id)
    charge(db, shop, qr, "5", key="once")
    charge(db, shop, qr, "5", key="once")
    with db.raises("MP002", "insufficient_balance"):
        charge(db, shop, world.qr(alice.card_id), "50", key="too-much")
    assert len(audit_rows(db, card_id=alice.card_id, action="tx.payment")) == 1


def test_sensitive_changes_are_audited(db, world):
    shop = world.merchant()
    newbie = world.user()
    with acting(db, shop.owner.caller):
        db.call("add_merchant_user", p_merchant_code=shop.code, p_user_id=newbie.user_id, p_role="manager")
    (row,) = audit_rows(db, entity_id=str(newbie.user_id))
    assert row["action"] == "merchant_user.set_role" and row["details"]["role"] == "manager"
    assert row["actor_user_id"] == shop.owner.user_id and row["merchant_role"] == "owner"
    assert [r["action"] for r in audit_rows(db, merchant_id=shop.id, entity_type="merchant")] == ["merchant.create"]
