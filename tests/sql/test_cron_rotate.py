"""cron_rotate_qr_tokens: which cards it touches, multi-use codes, old codes dead, audit, TTL."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from .conftest import acting
from .rpc import charge


def cron(db, world, ttl=None):
    with world.as_service():
        kw = {} if ttl is None else {"p_ttl_seconds": ttl}
        return db.rows("cron_rotate_qr_tokens", **kw)


@pytest.fixture
def cards(db, world):
    """One card of each kind, each with a live code: the ones cron should and should not touch."""
    made = {
        "prepaid": world.member("prepaid", balance="50"),
        "corporate": world.member("corporate", balance="50"),
        "standard": world.member("standard", balance="50"),
        "voucher": world.voucher("50"),
        "frozen_prepaid": world.member("prepaid", balance="50"),
        "expired_corporate": world.member("corporate", balance="50"),
    }
    old = {k: world.qr(m.card_id, single_use=False) for k, m in made.items()}
    with db.superuser():
        db.q("update app.cards set status = 'frozen' where id = %s", (made["frozen_prepaid"].card_id,))
        db.q("update app.cards set expires_at = app.now() - interval '1 day' where id = %s",
             (made["expired_corporate"].card_id,))
    return made, old


def test_only_active_prepaid_and_corporate_cards_are_rotated(db, world, cards):
    made, old = cards
    rows = cron(db, world)
    rotated = {r["card_id"] for r in rows}
    assert {made["prepaid"].card_id, made["corporate"].card_id} <= rotated
    for k in ("standard", "voucher", "frozen_prepaid", "expired_corporate"):
        assert made[k].card_id not in rotated, k
    # Exactly the active, unexpired prepaid and corporate cards of the whole database.
    with db.superuser():
        want = {r["id"] for r in db.q(
            "select id from app.cards where card_type in ('prepaid', 'corporate') and status = 'active'"
            " and (expires_at is null or expires_at > app.now())")}
        assert rotated == want and len(rows) == len(want)
        # The cards left alone still have the very code they had before.
        for k in ("standard", "voucher", "frozen_prepaid", "expired_corporate"):
            live = db.one("select lookup_id from app.card_qr_state where card_id = %s", (made[k].card_id,))
            assert live == old[k].split(".")[1], k


def test_old_codes_of_rotated_cards_stop_working_and_others_keep_theirs(db, world, cards):
    made, old = cards
    shop = world.merchant()
    rows = {r["card_id"]: r for r in cron(db, world)}
    for k in ("prepaid", "corporate"):
        with db.raises("MP005", "qr_not_active"):
            charge(db, shop, old[k], "1.00", key=f"old-{k}")
    charge(db, shop, old["standard"], "1.00", key="std")  # untouched
    # The new code is multi-use: every holder of the shared card can show it.
    new = rows[made["prepaid"].card_id]["qr_plain"]
    for i in range(3):
        charge(db, shop, new, "1.00", key=f"new-{i}")
    assert world.balance(made["prepaid"].card_id) == Decimal("47.00")


def test_codes_have_the_documented_form_ttl_and_are_never_stored(db, world, cards):
    made, _ = cards
    now = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
    db.set_clock(now)
    row = next(r for r in cron(db, world, ttl=120) if r["card_id"] == made["corporate"].card_id)
    prefix, lookup, secret = row["qr_plain"].split(".")
    assert prefix == "MPSQR1" and len(lookup) == 24 and len(secret) == 32
    assert (row["expires_at"] - now).total_seconds() == 120
    with db.superuser():
        state = db.q("select lookup_id, single_use, secret_hash from app.card_qr_state where card_id = %s",
                     (made["corporate"].card_id,))[0]
        assert state["lookup_id"] == lookup and state["single_use"] is False
        assert secret not in state["secret_hash"]
        assert db.one("select count(*) from audit.event_log where details::text like %s", (f"%{secret}%",)) == 0
    shop = world.merchant()
    db.advance_clock(120)
    with db.raises("MP004", "qr_expired"):
        charge(db, shop, row["qr_plain"], "1.00")


def test_default_ttl_is_300_seconds_and_bounds_are_enforced(db, world, cards):
    now = datetime(2030, 1, 1, tzinfo=UTC)
    db.set_clock(now)
    assert all((r["expires_at"] - now).total_seconds() == 300 for r in cron(db, world))
    for bad in (0, -1, 86401):
        with db.raises("MP013", "invalid_argument"):
            cron(db, world, ttl=bad)
    assert cron(db, world, ttl=86400)


def test_a_shared_card_is_rotated_once_and_viewers_are_not_payers(db, world, cards):
    made, _ = cards
    card_id = made["prepaid"].card_id
    owner = made["prepaid"].id
    mem, view = world.member(name="Max").id, world.member(name="Vic").id
    with world.as_service():
        db.call("bind_card_member", p_card_id=card_id, p_member_id=mem, p_role="member")
        db.call("bind_card_member", p_card_id=card_id, p_member_id=view, p_role="viewer")
    rows = [r for r in cron(db, world) if r["card_id"] == card_id]
    assert len(rows) == 1
    assert set(rows[0]["payer_member_ids"]) == {owner, mem}


def test_rotation_is_audited_per_card_and_per_run(db, world, cards):
    made, _ = cards
    rows = cron(db, world, ttl=60)
    with db.superuser():
        per_card = db.q("select card_id, details from audit.event_log where action = 'qr.rotate'"
                        " and details ->> 'source' = 'cron' and card_id = %s", (made["prepaid"].card_id,))
        run = db.q("select details from audit.event_log where action = 'qr.cron_rotate' order by id desc limit 1")
    assert len(per_card) == 1 and per_card[0]["details"]["ttl_seconds"] == 60
    assert run[0]["details"] == {"ttl_seconds": 60, "cards_rotated": len(rows)}


def test_only_the_platform_runs_the_rotation(db, world):
    shop = world.merchant()
    with acting(db, shop.owner.caller), db.raises("42501"):
        db.rows("cron_rotate_qr_tokens")
    db.as_anon()
    with db.raises("42501"):
        db.rows("cron_rotate_qr_tokens")

