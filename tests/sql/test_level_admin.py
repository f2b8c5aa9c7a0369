"""upsert_membership_level: validation, recompute of every member's level, audit, who may call."""

from decimal import Decimal

import pytest

from .conftest import acting
from .harness import money
from .rpc import charge


def upsert(db, world, code, name, min_points, max_points=None, rate="0", per_unit="1"):
    with world.as_service():
        return db.call("upsert_membership_level", p_level_code=code, p_name=name,
                       p_min_points=min_points, p_max_points=max_points,
                       p_discount_rate=Decimal(rate), p_points_per_unit=Decimal(per_unit))


def level_of(db, member_id):
    with db.superuser():
        return db.one("select level_code from app.member_profiles where id = %s", (member_id,))


def levels(db):
    with db.superuser():
        return db.q("select level_code, min_points, max_points, discount_rate from app.membership_levels"
                    " order by min_points")


def test_a_new_top_level_relevels_the_members_who_reached_it(db, world):
    rich, poor = world.member(), world.member(name="Bob")
    world.set_points(rich.id, 60000)
    world.set_points(poor.id, 30000)
    # Platinum has no upper end, so a level above it overlaps until platinum is narrowed.
    with db.raises("MP013", "invalid_argument"):
        upsert(db, world, "diamond", "Diamond", 50000, rate="0.15", per_unit="3")
    upsert(db, world, "platinum", "Platinum", 20000, 49999, rate="0.10", per_unit="2")
    res = upsert(db, world, "diamond", "Diamond", 50000, rate="0.15", per_unit="3")
    assert res["created"] is True and res["members_relevelled"] >= 1
    assert (level_of(db, rich.id), level_of(db, poor.id)) == ("diamond", "platinum")


def test_discount_changes_apply_to_the_next_charge(db, world):
    shop = world.merchant()
    alice = world.member(balance="100")
    world.set_points(alice.id, 1000)
    res = upsert(db, world, "silver", "Silver", 1000, 4999, rate="0.0300")
    assert res["created"] is False and Decimal(str(res["discount_rate"])) == Decimal("0.03")
    pay = charge(db, shop, world.qr(alice.card_id), "10.00")
    assert money(pay["discount_amount"]) == Decimal("0.30")


def test_moving_a_boundary_moves_members_both_ways(db, world):
    up, down = world.member(), world.member(name="Bob")
    world.set_points(up.id, 700)     # base today
    world.set_points(down.id, 1200)  # silver today
    # Raise silver's start to 1500: 1200 falls into the gap and keeps the level below.
    res = upsert(db, world, "silver", "Silver", 1500, 4999, rate="0.02")
    assert res["members_relevelled"] >= 1
    assert level_of(db, down.id) == "base"
    # Lower it to 500: base must be narrowed first, or the ranges overlap.
    with db.raises("MP013", "invalid_argument"):
        upsert(db, world, "silver", "Silver", 500, 4999, rate="0.02")
    upsert(db, world, "base", "Base", 0, 499)
    upsert(db, world, "silver", "Silver", 500, 4999, rate="0.02")
    assert (level_of(db, up.id), level_of(db, down.id)) == ("silver", "silver")


def test_a_level_starting_at_zero_must_remain(db, world):
    before = levels(db)
    with db.raises("MP013", "invalid_argument"):
        upsert(db, world, "base", "Base", 10, 999)
    # Another level taking 0 is an overlap with base, also refused.
    with db.raises("MP013", "invalid_argument"):
        upsert(db, world, "starter", "Starter", 0, 10)
    assert levels(db) == before


@pytest.mark.parametrize("kw", [
    dict(rate="1"), dict(rate="1.5"), dict(rate="-0.01"), dict(rate="0.12345"), dict(rate="NaN"),
    dict(per_unit="-1"), dict(per_unit="0.00001"),
    dict(min_points=-1), dict(min_points=100000, max_points=99999),
    dict(code="Gold"), dict(code="x" * 33), dict(code=""), dict(name=" "),
])
def test_invalid_levels_are_refused_and_change_nothing(db, world, kw):
    before = levels(db)
    args = dict(code="vip", name="VIP", min_points=100000, max_points=None, rate="0.2", per_unit="1")
    args.update(kw)
    with db.raises("MP013", "invalid_argument"):
        upsert(db, world, **args)
    assert levels(db) == before


def test_upserts_are_audited(db, world):
    upsert(db, world, "silver", "Silver+", 1000, 4999, rate="0.025")
    with db.superuser():
        row = db.q("select actor_role, details from audit.event_log where action = 'level.upsert'"
                   " and entity_id = 'silver' order by id desc limit 1")[0]
    assert row["actor_role"] == "service_role"
    assert Decimal(str(row["details"]["before"]["discount_rate"])) == Decimal("0.02")
    assert Decimal(str(row["details"]["after"]["discount_rate"])) == Decimal("0.025")
    assert row["details"]["after"]["name"] == "Silver+"


def test_only_the_platform_edits_levels(db, world):
    shop = world.merchant()
    with acting(db, shop.owner.caller), db.raises("42501"):
        db.call("upsert_membership_level", p_level_code="silver", p_name="S", p_min_points=1000)
    db.as_anon()
    with db.raises("42501"):
        db.call("upsert_membership_level", p_level_code="silver", p_name="S", p_min_points=1000)
