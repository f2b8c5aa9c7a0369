"""merchant_daily_summary (contract §8) against sums computed here from app.transactions, on
three days of activity at two merchants on opposite sides of UTC (one crossing a DST change)."""

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from .conftest import acting
from .harness import ANON, SERVICE, money
from .timeline import FIGURES, Timeline, figures, local

SH, NY = "Asia/Shanghai", "America/New_York"   # NY springs forward on 2024-03-10 at 02:00
DAYS = [date(2024, 3, 9), date(2024, 3, 10), date(2024, 3, 11)]

# (day of March, h, m, s, what, amount, who); edges: 23:59:59 / 00:00:00 and NY's lost hour.
EVENTS = [
    (9, 10, 0, 0, "pay", "100", "cashier"),
    (9, 12, 30, 0, "topup", "50", "cashier"),
    (9, 23, 59, 59, "pay", "33.33", "cashier2"),
    (10, 0, 0, 0, "pay", "20", "manager"),
    (10, 1, 59, 59, "pay", "7.77", "cashier"),
    (10, 3, 0, 0, "pay", "12.50", "cashier2"),
    (10, 9, 15, 0, "refund_first", "40", "manager"),   # a refund of the 9th's payment
    (10, 13, 0, 0, "topup", "25", "cashier2"),
    (10, 13, 20, 0, "pay", "99.99", "cashier"),
    (10, 23, 59, 59, "pay", "1.01", "owner"),
    (11, 0, 0, 0, "pay", "2.02", "cashier"),
    (11, 8, 0, 0, "refund_last", "0.50", "owner"),
]


def independent(db, shop, tz, day, operator=None):
    """The day's figures straight from app.transactions, summed here in Python."""
    with db.superuser():
        rows = db.q(
            "select kind::text, operator_user_id, raw_amount, discount_amount, amount,"
            "       extract(hour from created_at at time zone %(tz)s)::int as hour"
            "  from app.transactions"
            " where merchant_id = %(m)s and (created_at at time zone %(tz)s)::date = %(day)s"
            "   and (%(op)s::uuid is null or operator_user_id = %(op)s::uuid)",
            {"tz": tz, "m": shop.id, "day": day, "op": operator})

    def add(acc, r):
        if r["kind"] == "payment":
            acc["payments_count"] += 1
            acc["payments_raw"] += r["raw_amount"]
            acc["payments_discount"] += r["discount_amount"]
            acc["payments_paid"] += r["amount"]
            acc["net_amount"] += r["amount"]
        elif r["kind"] == "refund":
            acc["refunds_count"] += 1
            acc["refunds_amount"] += r["amount"]
            acc["net_amount"] -= r["amount"]
        else:
            acc["topups_count"] += 1
            acc["topups_amount"] += r["amount"]
            acc["net_amount"] -= r["amount"]

    def zero():
        return {k: (0 if k.endswith("_count") else Decimal("0.00")) for k in FIGURES}

    total, by_op, by_hour = zero(), defaultdict(zero), defaultdict(zero)
    for r in rows:
        add(total, r)
        add(by_op[str(r["operator_user_id"])], r)
        add(by_hour[r["hour"]], r)
    return total, dict(by_op), [by_hour[h] for h in range(24)], len(rows)


def summary(db, shop, day=None, op=None):
    with acting(db, op.caller if op else SERVICE):
        kw = {"p_day": day} if day else {}
        return db.call("merchant_daily_summary", p_merchant_code=shop.code, **kw)


def column_sum(rows):
    return {k: sum((figures(r)[k] for r in rows), 0 if k.endswith("_count") else Decimal("0.00"))
            for k in FIGURES}


@pytest.fixture
def busy(db, world):
    """Two merchants, in Shanghai and New York, with the same local-time history each."""
    tl = Timeline(db, world)
    tl.at(datetime(2024, 3, 1, tzinfo=UTC))
    shops = {SH: world.merchant(p_timezone=SH), NY: world.merchant(p_timezone=NY, p_currency="USD")}
    extra = {}
    for shop in shops.values():
        extra[shop.code] = world.user()
        with acting(db, shop.owner.caller):
            db.call("add_merchant_user", p_merchant_code=shop.code,
                    p_user_id=extra[shop.code].user_id, p_role="cashier")
    base, gold = world.member(balance="5000"), world.member(balance="5000", name="Gold")
    world.set_points(gold.id, 5000)                # 5 % off: raw, discount and paid differ

    timed = sorted(((local(tz, 2024, 3, d, h, m, s), tz, what, amount, who)
                    for tz in shops for (d, h, m, s, what, amount, who) in EVENTS),
                   key=lambda e: e[0])
    payments = defaultdict(list)
    for i, (when, tz, what, amount, who) in enumerate(timed):
        shop = shops[tz]
        op = extra[shop.code] if who == "cashier2" else getattr(shop, who)
        tl.at(when)
        member = gold if i % 2 else base
        if what == "pay":
            payments[tz].append(tl.pay(shop, member, amount, op=op)["tx_id"])
        elif what == "topup":
            tl.topup(shop, member, amount, op=op)
        else:
            target = payments[tz][0] if what == "refund_first" else payments[tz][-1]
            tl.refund(shop, target, amount, op=op)
    tl.at(datetime(2024, 3, 12, 12, 0, tzinfo=UTC))
    return shops


@pytest.mark.parametrize("tz", [SH, NY])
def test_each_day_equals_an_independent_sum(db, busy, tz):
    shop = busy[tz]
    seen = 0
    for day in DAYS:
        got = summary(db, shop, day, op=shop.manager)
        total, by_op, by_hour, count = independent(db, shop, tz, day)
        seen += count
        assert got["scope"] == "merchant" and got["day"] == day.isoformat() and got["timezone"] == tz
        assert figures(got["totals"]) == total
        assert {c["operator_user_id"]: figures(c) for c in got["by_cashier"]} == by_op
        assert [h["hour"] for h in got["by_hour"]] == list(range(24))
        assert [figures(h) for h in got["by_hour"]] == by_hour
        # Per-cashier rows and hours add up to the totals.
        assert column_sum(got["by_cashier"]) == figures(got["totals"])
        assert column_sum(got["by_hour"]) == figures(got["totals"])
    with db.superuser():
        assert seen == db.one("select count(*) from app.transactions where merchant_id = %s", (shop.id,))


def test_days_are_local_and_the_dst_day_is_23_hours(db, busy):
    ny, sh = busy[NY], busy[SH]
    dst = summary(db, ny, date(2024, 3, 10))
    start, end = (datetime.fromisoformat(dst[k]) for k in ("period_start", "period_end"))
    assert end - start == timedelta(hours=23)
    assert start == local(NY, 2024, 3, 10) and end == local(NY, 2024, 3, 11)
    sh_day = summary(db, sh, date(2024, 3, 10))
    assert datetime.fromisoformat(sh_day["period_start"]) == local(SH, 2024, 3, 10)
    # NY's 01:59:59 EST and 03:00:00 EDT sales are one second apart, in hours 1 and 3.
    hours = {h["hour"]: h["payments_count"] for h in dst["by_hour"]}
    assert hours[1] == 1 and hours[2] == 0 and hours[3] == 1
    # The 9th's 23:59:59 sale is in the 9th; the 10th's 00:00:00 one in the 10th.
    assert summary(db, sh, date(2024, 3, 9))["totals"]["payments_count"] == 2
    assert summary(db, sh, date(2024, 3, 10))["by_hour"][0]["payments_count"] == 1


def test_a_cashier_gets_only_their_own_rows(db, busy):
    shop = busy[SH]
    got = summary(db, shop, date(2024, 3, 10), op=shop.cashier)
    total, by_op, _, count = independent(db, shop, SH, date(2024, 3, 10), operator=shop.cashier.user_id)
    assert count > 0 and got["scope"] == "own" and got["role"] == "cashier"
    assert figures(got["totals"]) == total
    assert [c["operator_user_id"] for c in got["by_cashier"]] == [str(shop.cashier.user_id)]
    assert got["by_cashier"][0]["email"] == shop.cashier.email
    whole = summary(db, shop, date(2024, 3, 10), op=shop.owner)
    assert figures(whole["totals"]) != total


def test_the_day_defaults_to_today_in_the_merchants_time_zone(db, busy):
    db.set_clock(datetime(2024, 3, 11, 20, 0, tzinfo=UTC))  # Shanghai 12th 04:00, NY 11th 16:00
    assert summary(db, busy[SH])["day"] == "2024-03-12"
    got = summary(db, busy[NY])
    assert got["day"] == "2024-03-11" and got["currency"] == "USD"
    assert money(got["totals"]["payments_paid"]) > 0   # today so far, while it runs


def test_platform_top_ups_and_other_merchants_do_not_count(db, world):
    db.set_clock(local(SH, 2024, 4, 1, 12, 0))
    shop, other = world.merchant(p_timezone=SH), world.merchant(p_timezone=SH)
    tl = Timeline(db, world)
    alice = world.member(balance="100")           # a platform top-up: no merchant
    tl.pay(other, alice, "10")
    got = summary(db, shop, date(2024, 4, 1))
    assert figures(got["totals"]) == {k: 0 for k in FIGURES}
    assert got["by_cashier"] == [] and len(got["by_hour"]) == 24


def test_bad_input_and_roles(db, busy, world):
    shop, other = busy[SH], busy[NY]
    with db.raises("MP013", "invalid_argument"):
        summary(db, shop, date(2024, 3, 13))        # tomorrow in Shanghai
    with db.raises("MP013", "invalid_argument"):
        summary(db, shop, date(2024, 3, 13), op=shop.manager)
    for op in (other.manager, other.owner, other.cashier):
        with db.raises("42501"):
            summary(db, shop, date(2024, 3, 10), op=op)
    stranger = world.user()
    with db.raises("42501"):
        summary(db, shop, date(2024, 3, 10), op=stranger)
    with db.raises("42501"), acting(db, ANON):
        db.call("merchant_daily_summary", p_merchant_code=shop.code)
    with db.raises("MP010", "merchant_inactive"), acting(db, SERVICE):
        db.call("merchant_daily_summary", p_merchant_code="NO_SUCH_SHOP")
