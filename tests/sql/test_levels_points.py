"""Points and levels: boundaries, discounts at every seeded level, refunds that reverse points."""

from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

import pytest

from .harness import money
from .rpc import charge, refund

SEEDED = {  # level: (min_points, discount_rate, points_per_unit), as mps_schema.sql seeds them
    "base": (0, Decimal("0"), Decimal("1")),
    "silver": (1000, Decimal("0.02"), Decimal("1")),
    "gold": (5000, Decimal("0.05"), Decimal("1.5")),
    "platinum": (20000, Decimal("0.10"), Decimal("2")),
}
# A raw amount that earns exactly one point at each level (paid × points_per_unit in [1, 2)).
ONE_POINT = {"base": "1.00", "silver": "1.03", "gold": "1.00"}


def member_state(db, member_id):
    with db.superuser():
        return db.q("select points, level_code from app.member_profiles where id = %s", (member_id,))[0]


def test_seeded_levels_are_the_ones_these_tests_assume(db):
    with db.superuser():
        rows = db.q("select level_code, min_points, discount_rate, points_per_unit from app.membership_levels")
    got = {r["level_code"]: (r["min_points"], r["discount_rate"], r["points_per_unit"]) for r in rows}
    assert got == SEEDED


@pytest.mark.parametrize("below, level", [("base", "silver"), ("silver", "gold"), ("gold", "platinum")])
def test_upgrade_exactly_at_min_points_and_not_one_point_before(db, world, below, level):
    shop = world.merchant()
    alice = world.member(balance="100")
    threshold = SEEDED[level][0]
    world.set_points(alice.id, threshold - 2)
    qr = world.qr(alice.card_id, single_use=False)

    first = charge(db, shop, qr, ONE_POINT[below], key="a")
    assert first["points_earned"] == 1
    assert first["level_code"] == below  # threshold − 1: not yet
    assert member_state(db, alice.id) == {"points": threshold - 1, "level_code": below}

    second = charge(db, shop, qr, ONE_POINT[below], key="b")
    assert second["points_earned"] == 1
    assert second["level_code"] == level  # exactly min_points: up
    assert member_state(db, alice.id) == {"points": threshold, "level_code": level}

    # The next payment gets the new level's discount.
    third = charge(db, shop, qr, "10.00", key="c")
    assert Decimal(str(third["discount_rate"])) == SEEDED[level][1]


def expected(raw: str, rate: Decimal, per_unit: Decimal):
    raw_d = Decimal(raw)
    discount = (raw_d * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    paid = raw_d - discount
    return discount, paid, int((paid * per_unit).to_integral_value(rounding=ROUND_FLOOR))


# Amounts whose discount lands exactly on half a cent at some level (0.25 × 2 %, 0.10 × 5 %,
# 0.05 × 10 % = 0.005), just under and over it, and ordinary amounts.
AMOUNTS = ["0.01", "0.04", "0.05", "0.09", "0.10", "0.15", "0.24", "0.25", "0.26", "0.30", "0.75",
           "1.00", "9.99", "19.90", "123.45", "333.33", "999.99"]


@pytest.mark.parametrize("level", list(SEEDED))
def test_discount_and_points_at_every_seeded_level(db, world, level):
    shop = world.merchant()
    min_points, rate, per_unit = SEEDED[level]
    alice = world.member(balance="5000")
    qr = world.qr(alice.card_id, single_use=False)
    for i, raw in enumerate(AMOUNTS):
        world.set_points(alice.id, min_points)  # stay at this level whatever was earned before
        res = charge(db, shop, qr, raw, key=f"k{i}")
        discount, paid, points = expected(raw, rate, per_unit)
        assert (money(res["discount_amount"]), money(res["paid_amount"]), res["points_earned"]) == \
            (discount, paid, points), f"{level} {raw}"
        assert Decimal(str(res["discount_rate"])) == rate


def test_half_cent_discounts_round_up_and_just_below_round_down(db, world):
    shop = world.merchant()
    alice = world.member(balance="100")
    qr = world.qr(alice.card_id, single_use=False)
    cases = [  # (level, raw, discount): raw × rate = x.xx5 rounds up, x.xx4… rounds down
        ("silver", "0.25", "0.01"), ("silver", "0.75", "0.02"), ("silver", "0.24", "0.00"),
        ("gold", "0.10", "0.01"), ("gold", "0.30", "0.02"), ("gold", "0.09", "0.00"),
        ("platinum", "0.05", "0.01"), ("platinum", "0.15", "0.02"), ("platinum", "0.04", "0.00"),
        ("base", "0.05", "0.00"),
    ]
    for i, (level, raw, discount) in enumerate(cases):
        world.set_points(alice.id, SEEDED[level][0])
        res = charge(db, shop, qr, raw, key=f"h{i}")
        assert money(res["discount_amount"]) == Decimal(discount), (level, raw)
        assert money(res["paid_amount"]) == Decimal(raw) - Decimal(discount)


def test_three_partial_refunds_reverse_exactly_the_points_earned(db, world):
    shop = world.merchant()
    alice = world.member(balance="500")
    world.set_points(alice.id, 6000)  # gold: 5 % off, 1.5 points per unit
    pay = charge(db, shop, world.qr(alice.card_id), "100.00", key="pay")
    assert money(pay["paid_amount"]) == Decimal("95.00")
    assert pay["points_earned"] == 142  # floor(95 × 1.5)
    assert member_state(db, alice.id)["points"] == 6142

    # Three equal-ish thirds: floor(142 / 3) × 3 would leave one point behind.
    reversed_ = [refund(db, shop, pay["tx_id"], amt, f"r{i}")["points_reversed"]
                 for i, amt in enumerate(["31.67", "31.67", "31.66"])]
    assert sum(reversed_) == 142
    assert reversed_ != [142 // 3] * 3
    assert all(r >= 0 for r in reversed_)
    assert member_state(db, alice.id) == {"points": 6000, "level_code": "gold"}
    with db.superuser():
        ledger = db.one(
            "select sum(delta) from app.point_ledger where tx_id = %s"
            " or tx_id in (select id from app.transactions where original_tx_id = %s)",
            (pay["tx_id"], pay["tx_id"]))
    assert ledger == 0


def test_a_partial_refund_reverses_points_in_proportion(db, world):
    shop = world.merchant()
    alice = world.member(balance="500")
    pay = charge(db, shop, world.qr(alice.card_id), "200.00", key="pay")  # base: 200 points
    r = refund(db, shop, pay["tx_id"], "50.00", "r")
    assert r["points_reversed"] == 50
    assert member_state(db, alice.id)["points"] == 150


def test_refunds_move_a_member_back_down(db, world):
    shop = world.merchant()
    alice = world.member(balance="500")
    world.set_points(alice.id, 990)
    pay = charge(db, shop, world.qr(alice.card_id), "20.00", key="pay")
    assert pay["level_code"] == "silver"  # 1010 points
    r1 = refund(db, shop, pay["tx_id"], "5.00", "r1")
    assert (r1["points_reversed"], r1["level_code"]) == (5, "silver")  # 1005: still silver
    r2 = refund(db, shop, pay["tx_id"], "10.00", "r2")
    assert (r2["points_reversed"], r2["level_code"]) == (10, "base")  # 995: down
    assert member_state(db, alice.id) == {"points": 995, "level_code": "base"}
    # The next payment is charged at the lower level.
    again = charge(db, shop, world.qr(alice.card_id), "10.00", key="pay2")
    assert money(again["discount_amount"]) == Decimal("0.00")
