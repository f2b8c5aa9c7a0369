"""merchant_preview_qr (contract §9): who is paying, before the charge. It judges a code exactly
as a charge does (driven here with the same bad codes, one after the other), spends nothing,
writes no money row, and never shows the member's phone, email or full name."""

import dataclasses
import json
from decimal import Decimal

import psycopg

from .conftest import acting
from .rpc import charge


def preview(db, shop, qr, op=None):
    with acting(db, (op or shop.cashier).caller):
        return db.call("merchant_preview_qr", p_merchant_code=shop.code, p_qr_plain=qr)


def outcome(fn):
    """('ok', None) or the SQLSTATE and error name a call ended with."""
    try:
        fn()
    except psycopg.Error as e:
        return e.sqlstate, str(e.diag.message_primary).split(":", 1)[0]
    return "ok", None


def money_rows(db):
    with db.superuser():
        return db.q("select (select count(*) from app.transactions) as tx,"
                    " (select count(*) from app.idempotency_registry) as keys,"
                    " (select coalesce(sum(use_count), 0) from app.card_qr_history) as uses,"
                    " (select count(*) from app.card_qr_state) as live,"
                    " (select coalesce(sum(balance), 0) from app.cards) as balances")[0]


def test_preview_shows_the_card_and_a_masked_member_and_spends_nothing(db, world):
    shop = world.merchant()
    alice = world.member(balance="80", name="Alice Wonder", p_phone="+86 138 0000 1234",
                         p_email="alice@example.test")
    world.set_points(alice.id, 1200)  # silver
    qr = world.qr(alice.card_id)
    before = money_rows(db)
    got = preview(db, shop, qr)
    assert got["member_display"] == "A**" and got["level_code"] == "silver"
    assert Decimal(str(got["discount_rate"])) == Decimal("0.02")
    assert Decimal(str(got["balance"])) == Decimal("80.00") and got["points"] == 1200
    assert got["qr_single_use"] is True and got["qr_expires_at"] and got["card_type"] == "standard"
    with db.superuser():
        assert got["card_last4"] == db.one("select right(card_no, 4) from app.cards where id = %s", (alice.card_id,))
    text = json.dumps(got)
    # Whole pieces of the phone only: a short run of digits such as "138" turns up by chance in a
    # timestamp's microseconds or a card number, which is not a leak.
    for secret in ("+86 138", "0000 1234", "00001234", "alice@", "example.test", "Wonder", "Alice",
                   str(alice.id)):
        assert secret not in text, secret
    assert money_rows(db) == before
    preview(db, shop, qr)  # as often as the cashier likes
    assert charge(db, shop, qr, "10")["replayed"] is False  # the single-use code still pays
    with db.superuser():
        audit = db.q("select action, actor_user_id, card_id, details::text as d from audit.event_log"
                     " where action = 'qr.preview' and merchant_id = %s", (shop.id,))
    assert len(audit) == 2 and audit[0]["card_id"] == alice.card_id
    assert audit[0]["actor_user_id"] == shop.cashier.user_id
    assert all(qr.split(".")[2] not in a["d"] for a in audit)


def test_a_chinese_name_is_masked_to_its_first_character(db, world):
    shop = world.merchant()
    wang = world.member(balance="1", name="王小明")
    assert preview(db, shop, world.qr(wang.card_id))["member_display"] == "王**"


def test_preview_and_charge_refuse_the_same_bad_codes_with_the_same_errors_in_the_same_order(db, world):
    shop = world.merchant()
    alice = world.member(balance="500")
    frozen = world.member(balance="500", name="Frozen")

    used = world.qr(alice.card_id)
    charge(db, shop, used, "1", key="spend-it")
    replaced = world.qr(alice.card_id, ttl=10)
    live = world.qr(alice.card_id, ttl=10)        # replaces `replaced`
    revoked_card = world.member(balance="5", name="Rev")
    revoked = world.qr(revoked_card.card_id)
    with world.as_service():
        db.call("revoke_card_qr", p_card_id=revoked_card.card_id)
    frozen_qr = world.qr(frozen.card_id)
    with db.superuser():
        db.q("update app.cards set status = 'frozen' where id = %s", (frozen.card_id,))
    p, lookup, secret = live.split(".")
    expiring_card = world.member(balance="5", name="Exp")
    expiring = world.qr(expiring_card.card_id, ttl=5)
    db.advance_clock(60)                          # `replaced` and `live` expired, `expiring` too

    cases = {
        "garbage": ("hello", "MP003"),
        "empty": ("", "MP003"),
        "wrong secret": (f"{p}.{lookup}.{'Z' * 32}", "MP003"),
        "unknown lookup": (f"{p}.{'0' * 24}.{secret}", "MP003"),
        "wrong prefix": (f"MPSQR2.{lookup}.{secret}", "MP003"),
        "used": (used, "MP005"),
        "replaced and expired": (replaced, "MP005"),
        "revoked": (revoked, "MP005"),
        "expired": (expiring, "MP004"),
        "live but expired": (live, "MP004"),
        "frozen card": (frozen_qr, "MP009"),
    }
    for what, (code, expected) in cases.items():
        by_preview = outcome(lambda code=code: preview(db, shop, code))
        by_charge = outcome(lambda code=code, what=what: charge(db, shop, code, "5", key=f"k-{what}"))
        assert by_preview == by_charge, what
        assert by_preview[0] == expected, (what, by_preview)
    assert Decimal(str(world.balance(alice.card_id))) == Decimal("499.00")


def test_preview_needs_an_operator_of_an_active_merchant(db, world):
    shop = world.merchant()
    alice = world.member(balance="5")
    qr = world.qr(alice.card_id)
    stranger = world.user()
    assert outcome(lambda: preview(db, shop, qr, op=stranger)) == \
        outcome(lambda: charge(db, shop, qr, "1", op=stranger)) == ("42501", "forbidden")
    db.as_anon()
    with db.raises("42501"):
        db.call("merchant_preview_qr", p_merchant_code=shop.code, p_qr_plain=qr)
    with db.superuser():
        db.q("update app.merchants set status = 'suspended' where id = %s", (shop.id,))
    with db.raises("MP010", "merchant_inactive"):
        preview(db, shop, qr)
    with db.raises("MP010", "merchant_inactive"):
        preview(db, dataclasses.replace(shop, code="NOSUCHSHOP"), qr)
