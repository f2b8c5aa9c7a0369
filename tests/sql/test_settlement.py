"""Settlements (contract §8): periods cut in the merchant's time zone, netting, idempotency,
overlaps, each mode's due periods, and who may settle."""

import uuid
from datetime import datetime, timedelta

import psycopg
import pytest

from .committed import race, request
from .conftest import acting
from .harness import ANON, SERVICE, money
from .timeline import Timeline, expected, figures, local

SH = "Asia/Shanghai"      # UTC+8, no daylight saving
LA = "America/Los_Angeles"


def run_due(db, shop=None):
    """The scheduler's run; only the rows of `shop` (other tests may have committed merchants)."""
    with acting(db, SERVICE):
        rows = db.rows("run_due_settlements")
    return [r for r in rows if shop is None or r["merchant_code"] == shop.code]


def settle(db, shop, start, end, op=None):
    with acting(db, op.caller if op else SERVICE):
        return db.call("generate_settlement", p_merchant_code=shop.code,
                       p_period_start=start, p_period_end=end)


def stored(db, shop):
    with db.superuser():
        return db.q("select * from app.settlements where merchant_id = %s order by period_start", (shop.id,))


@pytest.fixture
def tl(db, world):
    return Timeline(db, world)


def test_days_are_cut_at_the_merchants_local_midnight(db, world, tl):
    tl.at(local(SH, 2024, 3, 10, 9, 0))
    shop = world.merchant(p_settlement_mode="t_plus_1", p_timezone=SH)
    alice = world.member(balance="500")
    tl.at(local(SH, 2024, 3, 10, 23, 59, 59))
    late = tl.pay(shop, alice, "10")
    tl.at(local(SH, 2024, 3, 11, 0, 0, 0))
    early = tl.pay(shop, alice, "20")

    tl.at(local(SH, 2024, 3, 12, 1, 0))
    made = run_due(db, shop)
    assert [(r["period_start"], r["period_end"]) for r in made] == [
        (local(SH, 2024, 3, 10), local(SH, 2024, 3, 11)),
        (local(SH, 2024, 3, 11), local(SH, 2024, 3, 12)),
    ]
    day1, day2 = stored(db, shop)
    assert figures(day1) == expected(paid=("10", 1))
    assert figures(day2) == expected(paid=("20", 1))
    assert day1["timezone"] == SH and day1["mode"] == "t_plus_1" and day1["source"] == "scheduled"
    # Local midnight is 16:00 UTC the day before; half-open, so 00:00:00 opens day 2.
    assert day1["period_end"].isoformat() == "2024-03-10T16:00:00+00:00"
    with db.superuser():
        at = {r["id"]: r["created_at"] for r in db.q("select id, created_at from app.transactions"
                                                      " where merchant_id = %s", (shop.id,))}
    assert day1["period_start"] <= at[uuid.UUID(late["tx_id"])] < day1["period_end"]
    assert at[uuid.UUID(early["tx_id"])] == day2["period_start"]


def test_month_edges_in_the_merchants_time_zone(db, world, tl):
    tl.at(local(LA, 2024, 1, 15, 12, 0))
    shop = world.merchant(p_settlement_mode="monthly", p_timezone=LA)
    bob = world.member(balance="1000")
    for when, amount in [((2024, 1, 31, 23, 59, 59), "1"), ((2024, 2, 1, 0, 0, 0), "2"),
                         ((2024, 2, 29, 23, 59, 59), "4"), ((2024, 3, 1, 0, 0, 0), "8")]:
        tl.at(local(LA, *when))
        tl.pay(shop, bob, amount)

    # February ended at local midnight; within the grace period it is not yet due.
    tl.at(local(LA, 2024, 3, 1, 0, 4, 59))
    made = run_due(db, shop)
    assert [(r["period_start"], r["period_end"]) for r in made] == [(local(LA, 2024, 1, 1), local(LA, 2024, 2, 1))]
    tl.at(local(LA, 2024, 3, 1, 0, 5, 0))
    made = run_due(db, shop)
    assert [(r["period_start"], r["period_end"]) for r in made] == [(local(LA, 2024, 2, 1), local(LA, 2024, 3, 1))]
    jan, feb = stored(db, shop)
    assert figures(jan) == expected(paid=("1", 1))
    assert figures(feb) == expected(paid=("6", 2))        # Feb 1 00:00:00 and Feb 29 23:59:59
    assert feb["period_start"].isoformat() == "2024-02-01T08:00:00+00:00"  # PST is UTC-8


def test_an_empty_period_gives_a_zero_settlement(db, world, tl):
    tl.at(local(SH, 2024, 5, 1, 8, 0))
    shop = world.merchant(p_timezone=SH)
    tl.at(local(SH, 2024, 5, 3, 8, 0))
    s = settle(db, shop, local(SH, 2024, 5, 1), local(SH, 2024, 5, 2))
    assert figures(s) == expected()
    assert s["replayed"] is False and s["merchant_code"] == shop.code and s["currency"] == "CNY"
    assert s["local_period_start"] == "2024-05-01T00:00:00"


def test_refunds_of_last_periods_payments_are_netted_into_this_one(db, world, tl):
    tl.at(local(SH, 2024, 4, 1, 9, 0))
    shop = world.merchant(p_timezone=SH)
    carol = world.member(balance="300")
    world.set_points(carol.id, 5000)              # gold: 5 % off, so raw, discount and paid differ
    tl.at(local(SH, 2024, 4, 1, 12, 0))
    pay = tl.pay(shop, carol, "100")               # paid 95.00
    tl.topup(shop, carol, "30")                    # cash taken at the counter for the platform
    tl.at(local(SH, 2024, 4, 2, 10, 0))
    tl.refund(shop, pay["tx_id"], "40")            # yesterday's payment, refunded today
    tl.pay(shop, carol, "15")                      # paid 14.25 (discount 0.75)

    tl.at(local(SH, 2024, 4, 3, 6, 0))
    run_due(db, shop)
    day1, day2 = stored(db, shop)
    assert figures(day1) == expected(paid=("95", 1), discount="5", topups=("30", 1))
    assert money(day1["net_amount"]) == money("65")
    assert figures(day2) == expected(paid=("14.25", 1), discount="0.75", refunds=("40", 1))
    assert money(day2["net_amount"]) == money("-25.75")   # a net can be negative


def test_rerunning_gives_the_same_settlement(db, world, tl):
    tl.at(local(SH, 2024, 6, 1, 9, 0))
    shop = world.merchant(p_timezone=SH)
    dan = world.member(balance="100")
    tl.at(local(SH, 2024, 6, 1, 10, 0))
    tl.pay(shop, dan, "12.34")
    tl.at(local(SH, 2024, 6, 2, 9, 0))
    first = run_due(db, shop)
    assert len(first) == 1
    assert run_due(db, shop) == []                 # nothing new is due

    again = settle(db, shop, local(SH, 2024, 6, 1), local(SH, 2024, 6, 2), op=shop.manager)
    assert again["replayed"] is True
    assert again["settlement_id"] == str(first[0]["settlement_id"])
    assert figures(again) == expected(paid=("12.34", 1))
    # A settlement is a record: a late correction in the data does not rewrite it.
    with db.superuser():
        db.q("update app.transactions set amount = 1, raw_amount = 1 where merchant_id = %s", (shop.id,))
    assert figures(settle(db, shop, local(SH, 2024, 6, 1), local(SH, 2024, 6, 2))) == expected(paid=("12.34", 1))
    with db.superuser():
        db.q("update app.transactions set amount = 12.34, raw_amount = 12.34 where merchant_id = %s", (shop.id,))
        audits = db.q("select entity_id, merchant_id, amount from audit.event_log"
                      " where action = 'settlement.generate' and merchant_id = %s", (shop.id,))
    assert audits == [{"entity_id": again["settlement_id"], "merchant_id": shop.id, "amount": money("12.34")}]


def test_overlaps_and_malformed_periods_are_invalid_arguments(db, world, tl):
    tl.at(local(SH, 2024, 7, 1, 9, 0))
    shop = world.merchant(p_timezone=SH)
    tl.at(local(SH, 2024, 7, 10, 12, 0))
    settle(db, shop, local(SH, 2024, 7, 2), local(SH, 2024, 7, 3))
    for start, end in [
        (local(SH, 2024, 7, 2, 12), local(SH, 2024, 7, 3, 12)),   # overlaps the end
        (local(SH, 2024, 7, 1, 12), local(SH, 2024, 7, 2, 12)),   # overlaps the start
        (local(SH, 2024, 7, 1), local(SH, 2024, 7, 4)),           # contains it
        (local(SH, 2024, 7, 2, 6), local(SH, 2024, 7, 2, 7)),     # inside it
        (local(SH, 2024, 7, 5), local(SH, 2024, 7, 5)),           # empty range
        (local(SH, 2024, 7, 6), local(SH, 2024, 7, 5)),           # backwards
        (local(SH, 2024, 7, 10), local(SH, 2024, 7, 10, 12, 0, 1)),  # ends in the future
        (None, local(SH, 2024, 7, 5)),
    ]:
        with db.raises("MP013", "invalid_argument"):
            settle(db, shop, start, end)
    # Touching periods do not overlap: [3rd, 4th) right after [2nd, 3rd), and one ending now.
    settle(db, shop, local(SH, 2024, 7, 3), local(SH, 2024, 7, 4))
    settle(db, shop, local(SH, 2024, 7, 1), local(SH, 2024, 7, 2))
    settle(db, shop, local(SH, 2024, 7, 10), local(SH, 2024, 7, 10, 12, 0))
    with db.raises("MP010", "merchant_inactive"), acting(db, SERVICE):
        db.call("generate_settlement", p_merchant_code="NO_SUCH_SHOP",
                p_period_start=local(SH, 2024, 7, 5), p_period_end=local(SH, 2024, 7, 6))


def test_t_plus_1_settles_each_day_once_it_is_over(db, world, tl):
    tl.at(local(SH, 2024, 3, 10, 10, 0))
    shop = world.merchant(p_settlement_mode="t_plus_1", p_timezone=SH)
    tl.at(local(SH, 2024, 3, 11, 0, 4, 59))
    assert run_due(db, shop) == []                 # day 10 ended, but within the grace period
    tl.at(local(SH, 2024, 3, 11, 0, 5, 0))
    assert [r["period_start"] for r in run_due(db, shop)] == [local(SH, 2024, 3, 10)]
    tl.at(local(SH, 2024, 3, 13, 12, 0))           # the scheduler was down for two days
    made = run_due(db, shop)
    assert [(r["period_start"], r["period_end"]) for r in made] == [
        (local(SH, 2024, 3, 11), local(SH, 2024, 3, 12)),
        (local(SH, 2024, 3, 12), local(SH, 2024, 3, 13)),
    ]                                              # the 13th is still running
    assert all(r["error"] is None and money(r["net_amount"]) == 0 for r in made)


def test_realtime_settles_everything_up_to_the_run_and_skips_idle_runs(db, world, tl):
    t0 = local(SH, 2024, 8, 1, 9, 0)
    tl.at(t0)
    shop = world.merchant(p_settlement_mode="realtime", p_timezone=SH)
    erin = world.member(balance="100")
    tl.at(t0 + timedelta(hours=1))
    tl.pay(shop, erin, "5")
    tl.at(t0 + timedelta(hours=1, minutes=4))
    assert run_due(db, shop) == []                 # the payment is inside the grace period
    tl.at(t0 + timedelta(hours=2))
    [first] = run_due(db, shop)
    assert (first["period_start"], first["period_end"]) == (t0, t0 + timedelta(hours=1, minutes=55))
    assert money(first["net_amount"]) == money("5")
    tl.at(t0 + timedelta(hours=3))
    assert run_due(db, shop) == []                 # nothing happened since: no empty settlement
    tl.at(t0 + timedelta(hours=4))
    tl.pay(shop, erin, "7")
    tl.at(t0 + timedelta(hours=5))
    [second] = run_due(db, shop)
    assert (second["period_start"], second["period_end"]) == (first["period_end"], t0 + timedelta(hours=4, minutes=55))
    assert money(second["net_amount"]) == money("7")


def test_the_scheduler_fills_gaps_around_settlements_made_by_hand(db, world, tl):
    tl.at(local(SH, 2024, 9, 1, 8, 0))
    shop = world.merchant(p_settlement_mode="t_plus_1", p_timezone=SH)
    tl.at(local(SH, 2024, 9, 6, 8, 0))
    settle(db, shop, local(SH, 2024, 9, 3), local(SH, 2024, 9, 4), op=shop.owner)
    settle(db, shop, local(SH, 2024, 9, 4, 10), local(SH, 2024, 9, 4, 12), op=shop.manager)
    run_due(db, shop)
    periods = [(s["period_start"], s["period_end"], s["source"]) for s in stored(db, shop)]
    assert periods == [
        (local(SH, 2024, 9, 1), local(SH, 2024, 9, 2), "scheduled"),
        (local(SH, 2024, 9, 2), local(SH, 2024, 9, 3), "scheduled"),
        (local(SH, 2024, 9, 3), local(SH, 2024, 9, 4), "manual"),
        (local(SH, 2024, 9, 4), local(SH, 2024, 9, 4, 10), "scheduled"),
        (local(SH, 2024, 9, 4, 10), local(SH, 2024, 9, 4, 12), "manual"),
        (local(SH, 2024, 9, 4, 12), local(SH, 2024, 9, 5), "scheduled"),
        (local(SH, 2024, 9, 5), local(SH, 2024, 9, 6), "scheduled"),
    ]


def test_one_failing_merchant_does_not_hold_back_the_others(db, world, tl):
    tl.at(local(SH, 2024, 10, 1, 8, 0))
    good, bad = world.merchant(p_timezone=SH), world.merchant(p_timezone=SH)
    with db.superuser():  # a corrupt row, as an operator's hand edit might leave it
        db.q("update app.merchants set timezone = 'Mars/Olympus_Mons' where id = %s", (bad.id,))
    tl.at(local(SH, 2024, 10, 2, 8, 0))
    with acting(db, SERVICE):
        rows = db.rows("run_due_settlements")
    [failed] = [r for r in rows if r["merchant_code"] == bad.code]
    assert failed["settlement_id"] is None and "Mars/Olympus_Mons" in failed["error"]
    assert [r["error"] for r in rows if r["merchant_code"] == good.code] == [None]
    with db.superuser():
        assert db.one("select count(*) from audit.event_log where action = 'settlement.run_failed'"
                      " and merchant_id = %s", (bad.id,)) == 1


def test_who_may_settle(db, world, tl):
    tl.at(local(SH, 2024, 11, 1, 8, 0))
    shop, other = world.merchant(p_timezone=SH), world.merchant(p_timezone=SH)
    tl.at(local(SH, 2024, 11, 5, 8, 0))
    day = lambda d: (local(SH, 2024, 11, d), local(SH, 2024, 11, d + 1))  # noqa: E731
    for op in (shop.cashier, other.manager, other.owner):
        with db.raises("42501"):
            settle(db, shop, *day(1), op=op)
    with db.raises("42501"), acting(db, ANON):
        db.call("generate_settlement", p_merchant_code=shop.code,
                p_period_start=day(1)[0], p_period_end=day(1)[1])
    for caller in (shop.manager.caller, shop.owner.caller, ANON):
        with db.raises("42501"), acting(db, caller):
            db.rows("run_due_settlements")
    settle(db, shop, *day(1), op=shop.manager)
    settle(db, shop, *day(2), op=shop.owner)
    settle(db, shop, *day(3))                      # the platform

    # A suspended merchant: its operators are shut out, the platform still settles it.
    with db.superuser():
        db.q("update app.merchants set status = 'suspended' where id = %s", (shop.id,))
    with db.raises("MP010", "merchant_inactive"):
        settle(db, shop, *day(4), op=shop.manager)
    assert settle(db, shop, *day(4))["replayed"] is False
    assert run_due(db, shop) == []                 # the scheduler covers active merchants only


def test_managers_list_their_settlements_newest_first(db, world, tl):
    tl.at(local(SH, 2024, 12, 1, 8, 0))
    shop = world.merchant(p_timezone=SH)
    tl.at(local(SH, 2024, 12, 6, 8, 0))
    run_due(db, shop)                              # Dec 1 to Dec 5
    with acting(db, shop.manager.caller):
        page1 = [r["merchant_list_settlements"] for r in
                 db.rows("merchant_list_settlements", p_merchant_code=shop.code, p_limit=3)]
        page2 = [r["merchant_list_settlements"] for r in
                 db.rows("merchant_list_settlements", p_merchant_code=shop.code, p_limit=3,
                         p_before_period_start=page1[-1]["period_start"])]
    assert [r["local_period_start"][:10] for r in page1 + page2] == [
        "2024-12-05", "2024-12-04", "2024-12-03", "2024-12-02", "2024-12-01"]
    with db.raises("42501"), acting(db, shop.cashier.caller):
        db.rows("merchant_list_settlements", p_merchant_code=shop.code)
    with db.raises("MP013", "invalid_argument"), acting(db, shop.manager.caller):
        db.rows("merchant_list_settlements", p_merchant_code=shop.code, p_limit=501)


@pytest.mark.usefixtures("committed_invariant")
def test_racing_requests_for_one_period_make_one_settlement_and_overlaps_lose(mps_dsn):
    """Committed, on separate connections: the per-merchant lock serialises the checks."""
    code = f"SETL{uuid.uuid4().hex[:8].upper()}"
    request(mps_dsn, "service_role", None, "create_merchant", p_code=code, p_name="Settling shop")
    day = (local(SH, 2020, 1, 1), local(SH, 2020, 1, 2))
    same = race(mps_dsn, 8, lambda i: ("service_role", None, "generate_settlement", dict(
        p_merchant_code=code, p_period_start=day[0], p_period_end=day[1])))
    assert all(isinstance(r, dict) for r in same), same
    assert len({r["settlement_id"] for r in same}) == 1
    assert sorted(r["replayed"] for r in same) == [False] + [True] * 7

    # Eight different periods, each overlapping the next: no two overlapping ones both win.
    periods = [(local(SH, 2020, 2, 1, i), local(SH, 2020, 2, 1, i + 2)) for i in range(8)]
    out = race(mps_dsn, 8, lambda i: ("service_role", None, "generate_settlement", dict(
        p_merchant_code=code, p_period_start=periods[i][0], p_period_end=periods[i][1])))
    won = sorted((datetime.fromisoformat(r["period_start"]), datetime.fromisoformat(r["period_end"]))
                 for r in out if isinstance(r, dict))
    assert won and all(a[1] <= b[0] for a, b in zip(won, won[1:], strict=False))
    assert all(e.sqlstate == "MP013" for e in out if not isinstance(e, dict))
    with psycopg.connect(mps_dsn) as conn:
        stored = conn.execute("select count(*) from app.settlements s join app.merchants m"
                              " on m.id = s.merchant_id where m.code = %s", (code,)).fetchone()[0]
    assert stored == 1 + len(won)
