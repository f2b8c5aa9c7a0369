"""The soak's and the kill test's verdict (`ledger.problems`) sees each way journals and money
can disagree: checked here on one real charge and journal rows made to lie about it."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import psycopg

from tests.pos.api_shop import signed_in

from .ledger import Row, problems


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


def _keys(shop):
    with psycopg.connect(shop.gateway.dsn) as db:
        return db.execute("select idempotency_key from app.transactions where card_id = %s",
                          (shop.card_id,)).fetchall()
