"""Cash movements and the split sale against the stand-in (the same HTTP path as production):
a gold member short of balance pays card + cash, the shift's figures count both parts, the one
receipt adds up, and a counter that dies between the parts is completed by recover()."""

from __future__ import annotations

import uuid
from decimal import Decimal

import psycopg
import pytest

from pos_app.core.receipt import model as receipts
from pos_app.core.sale.journal import Journal
from pos_app.core.sale.service import SaleService, Till
from pos_app.core.sale.split import estimate, split
from pos_app.core.shift.current import CurrentShift

from .api_shop import signed_in

HEADER = receipts.ReceiptHeader("Test shop", "Asia/Shanghai", "CNY", cashier_email="c@shop.test", terminal="Lane 1")


def make_gold(shop) -> None:
    """Setup shortcut: the member has 5000 points, so the gold level (5 % off)."""
    with psycopg.connect(shop.gateway.dsn, autocommit=True) as db:
        db.execute("update app.member_profiles set points = 5000, level_code = app.level_for_points(5000)"
                   " where id = app.card_owner(%s)", (shop.card_id,))


@pytest.fixture
def counter(shop, tmp_path):
    signed_in(shop, shop.manager).register_terminal("lane-1", "Lane 1")
    cashier = signed_in(shop, shop.cashier)
    shift = CurrentShift()
    shift.set(cashier.open_shift("lane-1", Decimal("50.00"), str(uuid.uuid4())))
    with Journal(tmp_path / "journal.sqlite3") as journal:
        yield cashier, shift, journal


def test_a_short_balance_is_paid_card_then_cash_as_one_sale_with_one_receipt(shop, counter):
    cashier, shift, journal = counter
    make_gold(shop)
    code = shop.qr()
    preview = cashier.preview_qr(code)
    assert (preview.level_code, preview.discount_rate, preview.balance) == ("gold", Decimal("0.0500"),
                                                                            Decimal("100.00"))
    guess = estimate(preview, Decimal("150.00"))
    assert (guess.paid, guess.balance_after, guess.short) == (Decimal("142.50"), Decimal("-42.50"), True)
    parts = split(Decimal("150.00"), preview.discount_rate, preview.balance)
    assert (parts.card_raw, parts.card_paid, parts.cash) == (Decimal("105.26"), Decimal("100.00"), Decimal("42.50"))

    sales = SaleService(cashier, journal, Till(shop.code, "Lane 1", shop.cashier.email), shift=shift)
    outcome = sales.run_split(sales.prepare_split(code, parts))
    assert outcome.state == "done" and outcome.cash_part.state == "done"
    assert outcome.result["paid_amount"] == Decimal("100.00")  # the server took exactly the balance
    assert shop.balance() == Decimal("0.00")
    receipt = receipts.from_split(outcome.result, outcome.cash_part.result, Decimal("150.00"), HEADER)
    assert (receipt.raw_amount, receipt.discount_amount, receipt.amount) == (Decimal("150.00"), Decimal("7.50"),
                                                                           Decimal("142.50"))
    assert (receipt.card_paid, receipt.cash_paid) == (Decimal("100.00"), Decimal("42.50"))

    paid_out = sales.run(sales.prepare_cash("pay_out", "10.00", "window cleaner"))
    assert paid_out.state == "done" and paid_out.result["reason"] == "window cleaner"
    x = cashier.get_shift(shift.shift_id)
    assert (x.payments_paid, x.cash_sales_amount, x.pay_outs_amount) == (Decimal("100.00"), Decimal("42.50"),
                                                                         Decimal("10.00"))
    assert x.expected_cash == Decimal("82.50")  # 50 float + 42.50 cash part - 10 paid out


class DiesBeforeTheCashPart:
    """The real client, but the process 'dies' as the cash part's request is about to leave."""

    def __init__(self, client):
        self.client = client

    def __getattr__(self, name):
        return getattr(self.client, name)

    def cash_movement(self, *args, **kwargs):
        raise KeyboardInterrupt("killed between the two parts")


def test_a_counter_dead_between_the_parts_is_completed_by_recover_and_charges_once(shop, counter):
    cashier, shift, journal = counter
    till = Till(shop.code, "Lane 1", shop.cashier.email)
    dying = SaleService(DiesBeforeTheCashPart(cashier), journal, till, shift=shift)
    parts = split(Decimal("130.00"), Decimal("0"), Decimal("100.00"))
    prepared = dying.prepare_split(shop.qr(), parts)
    with pytest.raises(KeyboardInterrupt):
        dying.run_split(prepared)
    assert journal.get(prepared.card.key).state == "done" and journal.get(prepared.cash.key).unfinished
    restarted = SaleService(cashier, journal, till, shift=shift)
    assert [a.key for a in restarted.unsettled()] == [prepared.cash.key]
    (outcome,) = restarted.recover()
    assert outcome.key == prepared.cash.key and outcome.state == "done"
    assert restarted.recover() == [] and journal.unfinished() == []
    x = cashier.get_shift(shift.shift_id)
    assert (x.payments_count, x.payments_paid, x.cash_sales_count, x.cash_sales_amount) == (
        1, Decimal("100.00"), 1, Decimal("30.00"))
    assert shop.balance() == Decimal("0.00")


def test_a_pay_out_without_an_open_shift_is_refused_before_anything_is_sent(shop, tmp_path):
    cashier = signed_in(shop, shop.cashier)
    with Journal(tmp_path / "journal.sqlite3") as journal:
        sales = SaleService(cashier, journal, Till(shop.code, "Lane 1", shop.cashier.email), shift=CurrentShift())
        with pytest.raises(Exception) as refused:
            sales.prepare_cash("pay_in", "10.00")
        assert getattr(refused.value, "reason", None) == "cash_no_shift" and journal.unfinished() == []
