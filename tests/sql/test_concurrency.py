"""Races on committed data, each request on its own connection as PostgREST would send it."""

from __future__ import annotations

import uuid
from decimal import Decimal

import psycopg
import pytest

from .committed import call_as, make_card, make_shop, make_user, race, request

pytestmark = pytest.mark.usefixtures("committed_invariant")

RACERS = 10


@pytest.fixture
def shop(mps_dsn):
    """A committed merchant with a cashier, and a committed member card factory."""
    code, cashier = make_shop(mps_dsn, "RACE")
    return code, cashier, lambda balance: make_card(mps_dsn, Decimal(balance), name="Racer")


def balance(dsn, card_id) -> Decimal:
    with psycopg.connect(dsn) as conn:
        return conn.execute("select balance from app.cards where id = %s", (card_id,)).fetchone()[0]


def payments(dsn, card_id) -> int:
    with psycopg.connect(dsn) as conn:
        return conn.execute("select count(*) from app.transactions where card_id = %s and kind = 'payment'",
                            (card_id,)).fetchone()[0]


def test_racing_one_single_use_code_with_different_keys_pays_exactly_once(mps_dsn, shop):
    code, cashier, card = shop
    card_id = card("1000")
    qr = request(mps_dsn, "service_role", None, "rotate_card_qr", p_card_id=card_id)[1]
    results = race(mps_dsn, RACERS, lambda i: ("authenticated", cashier, "merchant_charge_by_qr", dict(
        p_merchant_code=code, p_qr_plain=qr, p_raw_amount=Decimal("10"), p_idempotency_key=f"k{i}")))
    ok = [r for r in results if isinstance(r, dict)]
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(ok) == 1
    assert all(getattr(e, "sqlstate", None) == "MP005" for e in errors), errors
    assert payments(mps_dsn, card_id) == 1
    assert balance(mps_dsn, card_id) == Decimal("990.00")


def test_racing_one_key_many_times_pays_once_and_all_get_the_same_answer(mps_dsn, shop):
    code, cashier, card = shop
    card_id = card("100")
    qr = request(mps_dsn, "service_role", None, "rotate_card_qr", p_card_id=card_id)[1]
    results = race(mps_dsn, RACERS, lambda i: ("authenticated", cashier, "merchant_charge_by_qr", dict(
        p_merchant_code=code, p_qr_plain=qr, p_raw_amount=Decimal("10"), p_idempotency_key="same-sale")))
    assert all(isinstance(r, dict) for r in results), results
    assert len({r["tx_id"] for r in results}) == 1
    assert sum(1 for r in results if not r["replayed"]) == 1
    assert balance(mps_dsn, card_id) == Decimal("90.00")


def test_racing_a_multi_use_code_stops_at_exactly_the_balance(mps_dsn, shop):
    code, cashier, card = shop
    k = 4
    card_id = card(str(7 * k))  # balance for exactly k charges of 7
    qr = request(mps_dsn, "service_role", None, "rotate_card_qr", p_card_id=card_id,
                 p_single_use=False)[1]
    results = race(mps_dsn, RACERS, lambda i: ("authenticated", cashier, "merchant_charge_by_qr", dict(
        p_merchant_code=code, p_qr_plain=qr, p_raw_amount=Decimal("7"), p_idempotency_key=f"m{i}")))
    ok = [r for r in results if isinstance(r, dict)]
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(ok) == k
    assert all(getattr(e, "sqlstate", None) == "MP002" for e in errors), errors
    assert balance(mps_dsn, card_id) == Decimal("0.00")
    assert sorted(Decimal(str(r["balance_after"])) for r in ok) == [Decimal(7 * i) for i in range(k)]


def test_racing_refunds_never_exceed_the_payment(mps_dsn, shop):
    code, cashier, card = shop
    manager = make_user(mps_dsn)
    request(mps_dsn, "service_role", None, "add_merchant_user", p_merchant_code=code,
            p_user_id=manager, p_role="manager")
    card_id = card("100")
    qr = request(mps_dsn, "service_role", None, "rotate_card_qr", p_card_id=card_id)[1]
    tx = request(mps_dsn, "authenticated", cashier, "merchant_charge_by_qr", p_merchant_code=code,
                 p_qr_plain=qr, p_raw_amount=Decimal("50"), p_idempotency_key="pay")
    results = race(mps_dsn, RACERS, lambda i: ("authenticated", manager, "merchant_refund_tx", dict(
        p_merchant_code=code, p_tx_id=uuid.UUID(tx["tx_id"]), p_refund_amount=Decimal("20"),
        p_idempotency_key=f"r{i}")))
    ok = [r for r in results if isinstance(r, dict)]
    assert len(ok) == 2  # 20 + 20 fit in 50; a third would make 60
    assert all(getattr(e, "sqlstate", None) == "MP007" for e in results if isinstance(e, Exception))
    assert balance(mps_dsn, card_id) == Decimal("90.00")


def test_topups_and_payments_racing_on_one_card_keep_the_books_exact(mps_dsn, shop):
    code, cashier, card = shop
    card_id = card("50")
    qr = request(mps_dsn, "service_role", None, "rotate_card_qr", p_card_id=card_id,
                 p_single_use=False)[1]

    def work(i):
        if i % 2:
            return "service_role", None, "recharge_card", dict(
                p_card_id=card_id, p_amount=Decimal("5"), p_idempotency_key=f"t{i}")
        return "authenticated", cashier, "merchant_charge_by_qr", dict(
            p_merchant_code=code, p_qr_plain=qr, p_raw_amount=Decimal("3"), p_idempotency_key=f"p{i}")

    results = race(mps_dsn, RACERS, work)
    assert all(isinstance(r, dict) for r in results), results
    assert balance(mps_dsn, card_id) == Decimal("50") + 5 * Decimal("5") - 5 * Decimal("3")


def test_every_money_call_waits_for_the_cards_advisory_lock(mps_dsn, shop):
    """Contract §5: each money-moving RPC takes pg_advisory_xact_lock keyed by the card."""
    code, cashier, card = shop
    card_id = card("100")
    qr = request(mps_dsn, "service_role", None, "rotate_card_qr", p_card_id=card_id, p_single_use=False)[1]
    tx = request(mps_dsn, "service_role", None, "merchant_charge_by_qr", p_merchant_code=code,
                 p_qr_plain=qr, p_raw_amount=Decimal("10"), p_idempotency_key="lock-pay")
    calls = {
        "charge": ("merchant_charge_by_qr", dict(p_merchant_code=code, p_qr_plain=qr,
                                                 p_raw_amount=Decimal("1"), p_idempotency_key="l1")),
        "counter top-up": ("merchant_recharge_by_qr", dict(p_merchant_code=code, p_qr_plain=qr,
                                                           p_amount=Decimal("1"), p_idempotency_key="l2")),
        "refund": ("merchant_refund_tx", dict(p_merchant_code=code, p_tx_id=uuid.UUID(tx["tx_id"]),
                                              p_refund_amount=Decimal("1"), p_idempotency_key="l3")),
        "recharge": ("recharge_card", dict(p_card_id=card_id, p_amount=Decimal("1"), p_idempotency_key="l4")),
    }
    with psycopg.connect(mps_dsn) as holder:
        holder.execute("select pg_advisory_xact_lock(hashtextextended('mps.card:' || %s::text, 0))", (card_id,))
        for fn, kwargs in calls.values():
            with psycopg.connect(mps_dsn) as conn:
                conn.execute("set lock_timeout = '300ms'")
                with pytest.raises(psycopg.errors.LockNotAvailable):
                    call_as(conn, "service_role", None, fn, kwargs)
        holder.rollback()
    # Released: the same calls now go through.
    for fn, kwargs in calls.values():
        request(mps_dsn, "service_role", None, fn, **kwargs)
    assert balance(mps_dsn, card_id) == Decimal("100") - 10 - 1 + 1 + 1 + 1
