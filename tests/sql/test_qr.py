"""Rotating payment codes: form, TTL, single use, rotation, revocation, and the judging order."""

import re
from decimal import Decimal

from .conftest import acting
from .rpc import charge


def test_a_token_has_the_documented_form_and_only_its_hash_is_stored(db, world):
    alice = world.member()
    token = world.qr(alice.card_id)
    prefix, lookup, secret = token.split(".")
    assert prefix == "MPSQR1" and re.fullmatch(r"[0-9a-f]{24}", lookup)
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", secret)  # 192 random bits
    with db.superuser():
        row = db.q("select secret_hash from app.card_qr_state where card_id = %s", (alice.card_id,))[0]
        assert row["secret_hash"].startswith("$2") and secret not in row["secret_hash"]
        assert db.one("select extensions.crypt(%s, %s) = %s", (secret, row["secret_hash"], row["secret_hash"]))


def test_ttl_bounds(db, world):
    alice = world.member()
    with world.as_service():
        for ttl in (0, -5, 86401):
            with db.raises("MP013", "invalid_argument"):
                db.rows("rotate_card_qr", p_card_id=alice.card_id, p_ttl_seconds=ttl)
        for ttl in (1, 86400):
            assert db.rows("rotate_card_qr", p_card_id=alice.card_id, p_ttl_seconds=ttl)


def test_expired_code_is_refused(db, world):
    shop = world.merchant()
    alice = world.member(balance="50")
    qr = world.qr(alice.card_id, ttl=60)
    db.advance_clock(60)
    with db.raises("MP004", "qr_expired"):
        charge(db, shop, qr, "5")
    assert world.balance(alice.card_id) == Decimal("50.00")


def test_code_still_good_one_second_before_expiry(db, world):
    shop = world.merchant()
    alice = world.member(balance="50")
    qr = world.qr(alice.card_id, ttl=60)
    db.advance_clock(59)
    assert charge(db, shop, qr, "5")["replayed"] is False


def test_a_single_use_code_pays_once(db, world):
    shop = world.merchant()
    alice = world.member(balance="50")
    qr = world.qr(alice.card_id)
    charge(db, shop, qr, "5", key="first")
    with db.raises("MP005", "qr_not_active"):
        charge(db, shop, qr, "5", key="second")
    assert world.balance(alice.card_id) == Decimal("45.00")


def test_a_multi_use_code_pays_until_it_expires(db, world):
    shop = world.merchant()
    alice = world.member(balance="50")
    qr = world.qr(alice.card_id, ttl=120, single_use=False)
    for i in range(3):
        charge(db, shop, qr, "5", key=f"k{i}")
    db.advance_clock(121)
    with db.raises("MP004", "qr_expired"):
        charge(db, shop, qr, "5", key="late")
    assert world.balance(alice.card_id) == Decimal("35.00")


def test_a_code_from_before_a_rotation_is_not_active(db, world):
    shop = world.merchant()
    alice = world.member(balance="50")
    old = world.qr(alice.card_id)
    new = world.qr(alice.card_id)
    with db.raises("MP005", "qr_not_active"):
        charge(db, shop, old, "5")
    charge(db, shop, new, "5")


def test_a_revoked_code_is_not_active(db, world):
    shop = world.merchant()
    alice = world.member(balance="50")
    qr = world.qr(alice.card_id)
    with world.as_service():
        assert db.call("revoke_card_qr", p_card_id=alice.card_id) is True
        assert db.call("revoke_card_qr", p_card_id=alice.card_id) is False
    with db.raises("MP005", "qr_not_active"):
        charge(db, shop, qr, "5")


def test_garbage_and_near_miss_tokens_are_invalid(db, world):
    shop = world.merchant()
    alice = world.member(balance="50")
    qr = world.qr(alice.card_id)
    prefix, lookup, secret = qr.split(".")
    flipped = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    near_misses = [
        "", "hello", "https://example.test/pay?x=1", "6901234567892",
        f"{prefix}.{lookup}.{flipped}",             # wrong secret
        f"{prefix}.{'0' * 24}.{secret}",            # unknown lookup id
        f"MPSQR2.{lookup}.{secret}",                # wrong prefix
        f"{prefix}.{lookup}.{secret}x",             # too long
        f"{prefix}.{lookup.upper()}.{secret}",      # case matters
        f" {qr}",                                    # stray whitespace
        f"{prefix}x{lookup}.{secret}",              # the frame's dots, each
        f"{prefix}.{lookup}x{secret}",
        f"{prefix}.{lookup}.{secret[:-1]}",         # too short
        f"{prefix}.{lookup}.{secret[:-1]}\u00e9",   # right length, a letter not of the alphabet
        qr[:-1],
    ]
    for bad in near_misses:
        with db.raises("MP003", "qr_invalid"):
            charge(db, shop, bad, "5")
    assert world.balance(alice.card_id) == Decimal("50.00")
    charge(db, shop, qr, "5")  # the real one still works: near misses spent nothing


def test_judging_order_secret_then_liveness_then_expiry(db, world):
    shop = world.merchant()
    alice = world.member(balance="50")
    old = world.qr(alice.card_id, ttl=10)
    world.qr(alice.card_id, ttl=10)
    db.advance_clock(3600)
    # Replaced and expired: liveness is judged before expiry.
    with db.raises("MP005", "qr_not_active"):
        charge(db, shop, old, "5")
    # Replaced, expired and a wrong secret: the secret is judged first.
    p, lookup, secret = old.split(".")
    with db.raises("MP003", "qr_invalid"):
        charge(db, shop, f"{p}.{lookup}.{'Z' * 32}", "5")


def test_rotation_and_revocation_are_audited_without_the_token(db, world):
    alice = world.member()
    qr = world.qr(alice.card_id)
    with world.as_service():
        db.call("revoke_card_qr", p_card_id=alice.card_id)
    with db.superuser():
        actions = [r["action"] for r in db.q(
            "select action from audit.event_log where card_id = %s order by id", (alice.card_id,))]
        assert "qr.rotate" in actions and "qr.revoke" in actions
        assert db.one("select count(*) from audit.event_log where details::text like %s",
                      ("%" + qr.split(".")[2] + "%",)) == 0


def test_rotating_an_inactive_or_unknown_card_is_refused(db, world):
    import uuid
    alice = world.member()
    with db.superuser():
        db.q("update app.cards set status = 'closed' where id = %s", (alice.card_id,))
    with world.as_service():
        with db.raises("MP009", "card_inactive"):
            db.rows("rotate_card_qr", p_card_id=alice.card_id)
        with db.raises("MP012", "not_found"):
            db.rows("rotate_card_qr", p_card_id=uuid.uuid4())


def test_only_the_platform_rotates_codes(db, world):
    shop = world.merchant()
    alice = world.member()
    with acting(db, shop.owner.caller), db.raises("42501"):
        db.rows("rotate_card_qr", p_card_id=alice.card_id)
