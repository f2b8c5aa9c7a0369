"""Shifts under concurrency, on committed data, each request on its own connection: closes of
one merchant racing each other get z numbers 1..n without gaps, and money or cash racing a close
is either in its report or refused with shift_closed, never lost."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

import psycopg
import pytest

from ..secrets_seen import remember
from .committed import make_card, make_shop, race, request

pytestmark = pytest.mark.usefixtures("committed_invariant")


def shop_with_terminals(dsn: str, n: int) -> tuple[str, uuid.UUID, list[str]]:
    code, cashier = make_shop(dsn, "ZR")
    for i in range(n):
        request(dsn, "service_role", None, "merchant_register_terminal", p_merchant_code=code,
                p_terminal_code=f"T{i}", p_name=f"Counter {i}")
    shifts = [request(dsn, "authenticated", cashier, "merchant_open_shift", p_merchant_code=code,
                      p_terminal_code=f"T{i}", p_opening_float=Decimal("50.00"),
                      p_idempotency_key=f"open-{i}")["shift_id"] for i in range(n)]
    return code, cashier, shifts


def close_args(code, cashier, shift, i):
    return ("authenticated", cashier, "merchant_close_shift",
            dict(p_merchant_code=code, p_shift_id=shift, p_counted_cash=Decimal("50.00"),
                 p_idempotency_key=f"close-{i}"))


def test_two_terminals_closing_at_once_get_z_numbers_1_and_2(mps_dsn):
    code, cashier, shifts = shop_with_terminals(mps_dsn, 2)
    results = race(mps_dsn, 2, lambda i: close_args(code, cashier, shifts[i], i))
    assert all(isinstance(r, dict) for r in results), results
    assert sorted(r["z_number"] for r in results) == [1, 2]
    # Closing times read in z order too (each close's clock starts before it waits its turn).
    by_z = sorted(results, key=lambda r: r["z_number"])
    assert datetime.fromisoformat(by_z[0]["closed_at"]) <= datetime.fromisoformat(by_z[1]["closed_at"])


def test_many_closes_at_once_number_without_gaps_and_a_refused_one_takes_no_number(mps_dsn):
    code, cashier, shifts = shop_with_terminals(mps_dsn, 6)

    def work(i):
        if i == 6:  # a close with a bad count, racing the others: refused, keeps no number
            return ("authenticated", cashier, "merchant_close_shift",
                    dict(p_merchant_code=code, p_shift_id=shifts[0], p_counted_cash=Decimal("-1"),
                         p_idempotency_key="bad-close"))
        return close_args(code, cashier, shifts[i], i)

    results = race(mps_dsn, 7, work)
    closed = [r for r in results if isinstance(r, dict)]
    assert len(closed) == 6 and getattr(results[6], "sqlstate", None) == "MP001"
    assert sorted(r["z_number"] for r in closed) == [1, 2, 3, 4, 5, 6]
    # A shift closed twice at once (two keys): one close wins, the other is shift_closed.
    code2, cashier2, (only,) = shop_with_terminals(mps_dsn, 1)
    twice = race(mps_dsn, 2, lambda i: close_args(code2, cashier2, only, i))
    assert sorted(str(r["z_number"]) if isinstance(r, dict) else r.sqlstate for r in twice) == ["1", "MP015"]


def test_cash_and_money_racing_a_close_are_in_the_report_or_refused_never_lost(mps_dsn):
    code, cashier, (shift,) = shop_with_terminals(mps_dsn, 1)
    card = make_card(mps_dsn, "1000", name="Racer")
    qr = remember(request(mps_dsn, "service_role", None, "rotate_card_qr", p_card_id=card,
                          p_single_use=False, p_ttl_seconds=3600)[1])
    racers = 12  # index 0 closes; odd ones move cash; even ones charge or top up the card

    def work(i):
        if i == 0:
            return close_args(code, cashier, shift, 0)
        if i % 2:
            return ("authenticated", cashier, "merchant_cash_movement",
                    dict(p_merchant_code=code, p_shift_id=shift, p_kind="pay_in" if i % 4 == 1 else "cash_sale",
                         p_amount=Decimal(f"{i}.25"), p_idempotency_key=f"mv-{i}"))
        fn, amount = ("merchant_charge_by_qr", "p_raw_amount") if i % 4 == 0 else ("merchant_recharge_by_qr",
                                                                                   "p_amount")
        return ("authenticated", cashier, fn, {"p_merchant_code": code, "p_qr_plain": qr, amount: Decimal(f"{i}.10"),
                                               "p_idempotency_key": f"tx-{i}", "p_shift_id": shift})

    results = race(mps_dsn, racers, work)
    report = results[0]
    assert isinstance(report, dict), report
    landed, refused = [], []
    for i, r in enumerate(results[1:], start=1):
        if isinstance(r, dict):
            landed.append(i)
        else:
            assert getattr(r, "sqlstate", None) == "MP015", (i, r)
            refused.append(i)
    with psycopg.connect(mps_dsn) as conn:
        in_db = conn.execute("select count(*) from app.cash_movements where shift_id = %s", (shift,)).fetchone()[0]
        in_db += conn.execute("select count(*) from app.transactions where shift_id = %s", (shift,)).fetchone()[0]
    assert in_db == len(landed)  # what was refused left nothing; what landed is in the shift
    # ... and in the final report, to the cent.
    cash_in = sum(Decimal(f"{i}.25") for i in landed if i % 2)
    topups = sum(Decimal(f"{i}.10") for i in landed if i % 2 == 0 and i % 4 == 2)
    paid = sum(Decimal(f"{i}.10") for i in landed if i % 4 == 0)
    assert Decimal(str(report["pay_ins_amount"])) + Decimal(str(report["cash_sales_amount"])) == cash_in
    assert Decimal(str(report["topups_amount"])) == topups
    assert Decimal(str(report["payments_paid"])) == paid
    assert Decimal(str(report["expected_cash"])) == Decimal("50.00") + cash_in + topups
    final = request(mps_dsn, "service_role", None, "merchant_get_shift", p_merchant_code=code, p_shift_id=shift)
    assert final["expected_cash"] == report["expected_cash"] and final["z_number"] == report["z_number"]
    # A retry of a call that landed is answered from its key, not refused: it is in the report.
    if landed:
        i = landed[0]
        _, sub, fn, kwargs = work(i)
        assert request(mps_dsn, "authenticated", sub, fn, **kwargs)["replayed"] is True


def _begin(dsn: str, sub, fn: str, kwargs: dict):
    """Start a request on its own connection and leave its transaction open: (conn, result)."""
    conn = psycopg.connect(dsn)
    names = ", ".join(f"{k} := %s" for k in kwargs)
    conn.execute("select set_config('request.jwt.claims', %s, true), set_config('role', 'authenticated', true)",
                 (f'{{"role": "authenticated", "sub": "{sub}"}}',))
    return conn, conn.execute(f"select public.{fn}({names})", list(kwargs.values())).fetchone()[0]


def _in_thread(dsn: str, sub, fn: str, kwargs: dict):
    import threading

    box: dict = {}

    def run():
        try:
            box["result"] = request(dsn, "authenticated", sub, fn, **kwargs)
        except Exception as e:  # noqa: BLE001 - asserted on by the test
            box["error"] = e

    t = threading.Thread(target=run)
    t.start()
    return t, box


def _waiting(dsn: str) -> bool:
    with psycopg.connect(dsn) as conn:
        return conn.execute("select count(*) from pg_stat_activity where wait_event_type = 'Lock'"
                            " and datname = current_database()").fetchone()[0] > 0


def _wait_until(pred, seconds: float = 20.0) -> None:
    import time

    end = time.monotonic() + seconds
    while not pred():
        assert time.monotonic() < end, "the second request never started waiting"
        time.sleep(0.02)


def test_a_movement_arriving_while_a_close_is_writing_waits_and_is_refused(mps_dsn):
    code, cashier, (shift,) = shop_with_terminals(mps_dsn, 1)
    closing, report = _begin(mps_dsn, cashier, "merchant_close_shift", dict(
        p_merchant_code=code, p_shift_id=shift, p_counted_cash=Decimal("50.00"), p_idempotency_key="c"))
    t, box = _in_thread(mps_dsn, cashier, "merchant_cash_movement", dict(
        p_merchant_code=code, p_shift_id=shift, p_kind="pay_in", p_amount=Decimal("9.99"), p_idempotency_key="m"))
    _wait_until(lambda: _waiting(mps_dsn))
    closing.commit()
    closing.close()
    t.join(30)
    assert getattr(box.get("error"), "sqlstate", None) == "MP015", box
    assert Decimal(str(report["expected_cash"])) == Decimal("50.00")


def test_a_close_arriving_while_a_movement_is_writing_waits_and_counts_it(mps_dsn):
    code, cashier, (shift,) = shop_with_terminals(mps_dsn, 1)
    moving, mv = _begin(mps_dsn, cashier, "merchant_cash_movement", dict(
        p_merchant_code=code, p_shift_id=shift, p_kind="drop", p_amount=Decimal("20.00"),
        p_idempotency_key="m", p_reason="safe"))
    t, box = _in_thread(mps_dsn, cashier, "merchant_close_shift", dict(
        p_merchant_code=code, p_shift_id=shift, p_counted_cash=Decimal("30.00"), p_idempotency_key="c"))
    _wait_until(lambda: _waiting(mps_dsn))
    moving.commit()
    moving.close()
    t.join(30)
    report = box["result"]
    assert (report["drops_count"], Decimal(str(report["drops_amount"]))) == (1, Decimal("20.00"))
    assert Decimal(str(report["expected_cash"])) == Decimal("30.00") and Decimal(str(report["difference"])) == 0
