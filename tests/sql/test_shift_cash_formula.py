"""The expected cash of a shift, checked against its rows for random shift histories
(hypothesis): expected_cash = opening_float + cash top-ups + cash sales + pay-ins - pay-outs -
drops, to the cent, with card payments and refunds (which never touch the drawer) mixed in."""

from __future__ import annotations

import uuid
from decimal import Decimal

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .rpc import charge, close_shift, movement, open_shift, refund, terminal, topup

CENTS = st.integers(min_value=1, max_value=2_000_000).map(lambda c: Decimal(c) / 100)  # 0.01 .. 20000.00
STEP = st.one_of(
    st.tuples(st.sampled_from(["pay_in", "pay_out", "drop", "cash_sale", "topup", "charge"]), CENTS),
    st.tuples(st.just("refund"), st.integers(min_value=1, max_value=100)),  # percent of the last charge
)


@pytest.fixture
def shop_and_card(world, db):
    shop = world.merchant()
    member = world.member(balance="100000")
    with world.as_service():
        for i in range(4):
            db.call("recharge_card", p_card_id=member.card_id, p_amount=Decimal("100000"),
                    p_idempotency_key=f"seed-{i}-{uuid.uuid4()}")
    return shop, member.card_id


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(opening=st.integers(min_value=0, max_value=500_000).map(lambda c: Decimal(c) / 100),
       steps=st.lists(STEP, max_size=14),
       counted=st.integers(min_value=0, max_value=5_000_000).map(lambda c: Decimal(c) / 100))
def test_expected_cash_is_the_formula_over_the_shifts_movements(db, world, shop_and_card, opening, steps, counted):
    shop, card = shop_and_card
    code = f"H{uuid.uuid4().hex[:8]}"
    terminal(db, shop, code)
    shift = open_shift(db, shop, code, opening)["shift_id"]
    qr = world.qr(card, ttl=3600, single_use=False)
    want = {"pay_in": Decimal(0), "pay_out": Decimal(0), "drop": Decimal(0), "cash_sale": Decimal(0),
            "topup": Decimal(0), "charge": Decimal(0), "refund": Decimal(0)}
    last_charge = None
    for kind, value in steps:
        try:
            if kind in ("pay_in", "pay_out", "drop", "cash_sale"):
                movement(db, shop, shift, kind, value, "a reason")
            elif kind == "topup":
                topup(db, shop, qr, value, shift_id=shift)
            elif kind == "charge":
                last_charge = charge(db, shop, qr, value, shift_id=shift)
                value = Decimal(str(last_charge["paid_amount"]))
            else:
                if last_charge is None:
                    continue
                value = (Decimal(str(last_charge["paid_amount"])) * value / 100).quantize(Decimal("0.01"))
                if value == 0:
                    continue
                refund(db, shop, last_charge["tx_id"], value, shift_id=shift)
                last_charge = None  # at most one refund per charge keeps it within what was paid
        except psycopg.Error as e:
            assert e.sqlstate == "MP002", e  # only a charge above the balance may be refused
            continue
        want[kind] += value

    expected = (opening + want["topup"] + want["cash_sale"] + want["pay_in"] - want["pay_out"] - want["drop"])
    z = close_shift(db, shop, shift, counted)
    assert Decimal(str(z["expected_cash"])) == expected
    assert Decimal(str(z["difference"])) == counted - expected
    assert Decimal(str(z["payments_paid"])) == want["charge"]
    assert Decimal(str(z["refunds_amount"])) == want["refund"]
    # The same figure straight from the rows the shift holds.
    with db.superuser():
        from_rows = db.one("""
            select s.opening_float
                 + coalesce((select sum(t.amount) from app.transactions t
                             where t.shift_id = s.id and t.kind = 'recharge'), 0)
                 + coalesce((select sum(case when m.kind in ('pay_in', 'cash_sale') then m.amount else -m.amount end)
                               from app.cash_movements m where m.shift_id = s.id), 0)
            from app.shifts s where s.id = %s""", (shift,))
    assert from_rows == expected
