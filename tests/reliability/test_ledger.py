"""The soak's and the kill test's verdict (`ledger.problems`) sees each way journals and money
can disagree: checked here on one real charge and journal rows made to lie about it."""

from __future__ import annotations

import uuid
from dataclasses import replace
from decimal import Decimal

import psycopg

from pos_app.core.sale.journal import Journal
from pos_app.core.sale.service import SaleService, Till
from pos_app.core.sale.split import split
from pos_app.core.shift.current import CurrentShift
from tests.pos.api_shop import signed_in

from .ledger import Row, drawer, problems, read_journals, tally


def test_the_ledger_check_names_every_disagreement(shop):
    client = signed_in(shop, shop.cashier)
    result = client.charge_by_qr(shop.qr(), Decimal("12.50"), "ledger-1")
    truth = Row("lane.sqlite3", "ledger-1", "charge", "done", Decimal("12.50"), result)
    card = shop.card_id
    seeded = {r[0] for r in _keys(shop)} - {"ledger-1"}  # the shop's own opening top-up
    start = {card: Decimal("100.00")}

    def check(*rows: Row, initial=start) -> list[str]:
        return problems(shop.gateway.dsn, list(rows), initial, seeded)

    assert check(truth) == []
    assert any("is in no journal" in p for p in check())
    assert any("is failed but moved money" in p for p in check(replace(truth, state="failed")))
    assert any("left pending" in p for p in check(replace(truth, state="pending")))
    assert any("asked 13.50" in p for p in check(replace(truth, amount=Decimal("13.50"))))
    assert any("is done but has 0 transactions" in p for p in check(truth, replace(truth, key="ledger-2")))
    assert any("voided in the journal, not on the server" in p
               for p in check(truth, Row("lane.sqlite3", "ledger-3", "charge", "voided", Decimal("1"), None)))
    assert any("the journals moved" in p for p in check(truth, initial={card: Decimal("90.00")}))


def test_cash_rows_and_a_split_sale_are_counted_and_each_lie_about_them_is_named(shop, tmp_path):
    signed_in(shop, shop.manager).register_terminal("lane-1", "Lane 1")
    client = signed_in(shop, shop.cashier)
    shift = CurrentShift()
    shift.set(client.open_shift("lane-1", Decimal("50.00"), str(uuid.uuid4())))
    path = tmp_path / "lane.sqlite3"
    with Journal(path) as journal:
        sales = SaleService(client, journal, Till(shop.code, "lane-1", shop.cashier.email), shift=shift)
        sales.run(sales.prepare_charge("10.00", shop.qr()))
        both = sales.run_split(sales.prepare_split(shop.qr(), split(Decimal("120.00"), Decimal("0"),
                                                                    Decimal("90.00"))))
        assert (both.state, both.cash_part.state) == ("done", "done")
        sales.run(sales.prepare_cash("pay_out", "5.00", "milk"))
        sales.run(sales.prepare_cash("pay_in", "20.00"))
    rows = read_journals([path])
    seeded = {r[0] for r in _keys(shop)} - {r.key for r in rows}
    start = {shop.card_id: Decimal("100.00")}

    def check(*lies: Row, without: str | None = None) -> list[str]:
        lied = {r.key: r for r in lies}
        return problems(shop.gateway.dsn, [lied.get(r.key, r) for r in rows if r.key != without], start, seeded)

    assert check() == []
    assert tally(rows) == {"charge": (2, Decimal("100.00")), "cash_sale": (1, Decimal("30.00")),
                           "pay_out": (1, Decimal("5.00")), "pay_in": (1, Decimal("20.00")),
                           "split": (1, Decimal("0"))}
    assert drawer(rows) == {shift.shift_id: Decimal("45.00")}  # 30 cash part + 20 in - 5 out
    x = client.get_shift(shift.shift_id)
    assert x.expected_cash == x.opening_float + drawer(rows)[shift.shift_id]

    cash_part = next(r for r in rows if r.movement_kind == "cash_sale")
    card_part = next(r for r in rows if r.sale_group is not None and r.kind == "charge")
    pay_out = next(r for r in rows if r.movement_kind == "pay_out")
    assert any("pay_out" in p and "asked 6.00" in p for p in check(replace(pay_out, amount=Decimal("6.00"))))
    assert any("is failed but moved cash" in p for p in check(replace(pay_out, state="failed")))
    assert any("left pending" in p for p in check(replace(pay_out, state="pending")))
    assert any("drop" in p and "is a pay_out on the server" in p
               for p in check(replace(pay_out, movement_kind="drop")))
    assert any(f"key {pay_out.key}" in p and "is in no journal" in p for p in check(without=pay_out.key))
    assert any("journaled in shift" in p for p in check(replace(pay_out, shift_id=str(uuid.uuid4()))))
    lost = replace(cash_part, state="voided", result={"outcome": "voided", "card_part": "done"})
    assert any("card part done, cash part voided" in p for p in check(lost))
    assert any("is of sale" in p for p in check(replace(cash_part, sale_group="other"), replace(card_part,
                                                                                             sale_group="other")))
    assert any("the card part took 90.00, the journal said 80.00" in p
               for p in check(replace(card_part, card_paid=Decimal("80.00"))))
    assert any("1 card and 0 cash parts" in p for p in check(without=cash_part.key))


def _keys(shop):
    with psycopg.connect(shop.gateway.dsn) as db:
        return db.execute("select idempotency_key from app.transactions where card_id = %s",
                          (shop.card_id,)).fetchall()
