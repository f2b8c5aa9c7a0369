"""A shift's life at the counter against the stand-in (issue 8): find the terminal's shift at
sign-in, open it once whatever is retried, sell in it (one sale split card + cash), top up, pay
out, refund, settle at close what was of unknown outcome, compare the journal with the server,
close with a counted difference; the Z figures are checked against the database itself."""

from __future__ import annotations

import uuid
from decimal import Decimal

import psycopg
import pytest

from pos_app.core.api.errors import CallFailed
from pos_app.core.sale.journal import Journal
from pos_app.core.sale.service import SaleRefused, SaleService, Till
from pos_app.core.sale.split import split
from pos_app.core.scanning.codes import receipt_code
from pos_app.core.shift.current import CurrentShift
from pos_app.core.shift.lifecycle import ShiftDesk, ShiftRefused
from pos_app.core.shift.reconcile import reconcile

from .api_shop import FaultyTransport, client_for, no_sleep_policy, signed_in

LANE = "lane-1"


def db_rows(shop, query: str, *params):
    with psycopg.connect(shop.gateway.dsn) as conn:
        return conn.execute(query, params).fetchall()


def test_a_whole_shift_open_sales_top_up_refund_an_unknown_settled_at_close_and_a_counted_difference(shop, tmp_path):
    manager = signed_in(shop, shop.manager)
    manager.register_terminal(LANE, "Lane 1")
    faulty = FaultyTransport()
    cashier = client_for(shop, transport=faulty, retry=no_sleep_policy(0)[0])
    cashier.sign_in(shop.cashier.email, shop.cashier.password)
    holder = CurrentShift()
    desk = ShiftDesk(cashier, holder, LANE, can_manage=False)
    assert desk.find().mode == "closed" and not desk.standing.sells

    # Open: the first answer is lost; the retry reuses the key, so there is one open shift.
    faulty.script = ["lose_answer"]
    with pytest.raises(CallFailed):
        desk.open(desk.prepare_cash("100"))
    assert desk.open_pending == Decimal("100.00")
    opened = desk.open(Decimal("999.00")).shift  # what is typed now does not matter: the same open
    assert opened.opening_float == Decimal("100.00") and holder.shift_id == opened.shift_id
    keys = {b for b in faulty.rpc_bodies("merchant_open_shift")}
    assert len(keys) == 1  # both sends carried the same body, so the same key
    assert len(db_rows(shop, "select id from app.shifts where id = %s", opened.shift_id)) == 1

    with Journal(tmp_path / "journal.sqlite3") as journal:
        sales = SaleService(cashier, journal, Till(shop.code, LANE, shop.cashier.email), shift=holder)
        refunds = SaleService(manager, journal, Till(shop.code, LANE, shop.manager.email), shift=holder)
        paid = sales.run(sales.prepare_charge("30.00", shop.qr()))
        sales.run(sales.prepare_charge("12.50", shop.qr()))
        # A sale the card cannot cover (57.50 left of 100): card for the balance, rest in cash.
        code = shop.qr()
        who = cashier.preview_qr(code)
        assert (who.balance, who.discount_rate) == (Decimal("57.50"), Decimal("0"))
        parts = split(Decimal("150.00"), who.discount_rate, who.balance)
        both = sales.run_split(sales.prepare_split(code, parts))
        assert (both.state, both.cash_part.state) == ("done", "done")
        assert (both.result["paid_amount"], both.cash_part.result["amount"]) == (Decimal("57.50"), Decimal("92.50"))
        assert shop.balance() == Decimal("0.00")
        sales.run(sales.prepare_topup("40.00", shop.qr()))
        with pytest.raises(SaleRefused) as no_reason:
            sales.prepare_cash("pay_out", "10.00", "  ")
        assert no_reason.value.reason == "cash_reason_needed"
        out = sales.run(sales.prepare_cash("pay_out", "10.00", "window cleaner"))
        assert out.state == "done" and out.result["reason"] == "window cleaner"
        back = refunds.run(refunds.prepare_refund(receipt_code(paid.result["tx_id"]), "5.00"))
        assert back.state == "done"
        # A charge whose answer is lost: it went through, the counter does not know.
        faulty.script = ["lose_answer"]
        lost = sales.run(sales.prepare_charge("7.00", shop.qr()))
        assert lost.state == "pending"

        # The close refuses while the journal holds it; the reconciliation settles it by key.
        with pytest.raises(ShiftRefused):
            desk.close(Decimal("1"), None, unsettled=len(sales.unsettled()))
        check = reconcile(sales, cashier.list_transactions, opened.shift_id, own_rows_only=True)
        assert [(o.key, o.state) for o in check.settling.settled] == [(lost.key, "done")]
        # Card money only: 30, 12.50, the split's card part, the top-up, the settled 7.
        assert check.may_close and check.comparison.agrees and check.comparison.matched == 5
        # The manager's view of the same shift covers the refund too.
        whole = reconcile(refunds, manager.list_transactions, opened.shift_id, own_rows_only=False)
        assert whole.comparison.agrees and whole.comparison.matched == 6

        x = desk.read_out()
        # The drawer: float 100 + top-up 40 + the split's cash 92.50 - pay-out 10; card money never.
        assert x.expected_cash == Decimal("222.50")
        assert (x.payments_count, x.refunds_count, x.topups_count) == (4, 1, 1)
        assert (x.cash_sales_count, x.pay_outs_count) == (1, 1)
        # The close's answer is lost too: resent as it was, one Z.
        faulty.script = ["lose_answer"]
        with pytest.raises(CallFailed):
            desk.close(Decimal("221.50"), "one yuan short", unsettled=0)
        z = desk.close(Decimal("1.00"), None, unsettled=0)
    assert holder.shift_id is None and desk.standing.mode == "closed"
    assert (z.counted_cash, z.expected_cash, z.difference, z.note) == (
        Decimal("221.50"), Decimal("222.50"), Decimal("-1.00"), "one yuan short")
    assert z.z_number == 1

    # The Z against the database's own rows.
    (counted, expected, z_number, status), = db_rows(
        shop, "select counted_cash, expected_cash, z_number, status from app.shifts where id = %s", z.shift_id)
    assert (counted, expected, z_number, status) == (z.counted_cash, z.expected_cash, z.z_number, "closed")
    assert counted - expected == z.difference
    money = {kind: rest for kind, *rest in db_rows(
        shop, "select kind::text, count(*), sum(raw_amount), sum(discount_amount), sum(amount)"
              " from app.transactions where shift_id = %s group by kind", z.shift_id)}
    assert money == {
        "payment": [z.payments_count, z.payments_raw, z.payments_discount, z.payments_paid],
        "refund": [z.refunds_count, z.refunds_amount, Decimal("0"), z.refunds_amount],
        "recharge": [z.topups_count, z.topups_amount, Decimal("0"), z.topups_amount],
    }
    cash = {kind: rest for kind, *rest in db_rows(
        shop, "select kind, count(*), sum(amount) from app.cash_movements where shift_id = %s group by kind",
        z.shift_id)}
    assert cash == {"cash_sale": [z.cash_sales_count, z.cash_sales_amount],
                    "pay_out": [z.pay_outs_count, z.pay_outs_amount]}
    assert (z.pay_ins_count, z.drops_count) == (0, 0)
    (reason,), = db_rows(shop, "select reason from app.cash_movements where shift_id = %s and kind = 'pay_out'",
                         z.shift_id)
    assert reason == "window cleaner"
    # What the cashier saw, in figures a person can check.
    assert (z.payments_count, z.payments_paid, z.refunds_amount, z.topups_amount) == (
        4, Decimal("107.00"), Decimal("5.00"), Decimal("40.00"))
    assert (z.cash_sales_amount, z.pay_outs_amount) == (Decimal("92.50"), Decimal("10.00"))
    assert (z.opening_float + z.topups_amount + z.cash_sales_amount + z.pay_ins_amount
            - z.pay_outs_amount - z.drops_amount) == z.expected_cash

def test_a_manager_at_a_shop_without_terminals_registers_this_one_by_opening_its_first_shift(shop):
    manager = signed_in(shop, shop.manager)
    holder = CurrentShift()
    desk = ShiftDesk(manager, holder, LANE, can_manage=True)
    found = desk.find()
    assert (found.mode, found.sells, found.can_open) == ("free", True, True)
    # A cashier of the same shop sells as before, and may not open the first shift.
    cashier_desk = ShiftDesk(signed_in(shop, shop.cashier), CurrentShift(), LANE, can_manage=False)
    assert cashier_desk.find().sells
    with pytest.raises(ShiftRefused) as refused:
        cashier_desk.open(Decimal("0"))
    assert refused.value.reason == "first_shift_needs_manager"
    opened = desk.open(Decimal("0")).shift
    assert opened.terminal_code == LANE and opened.opening_float == Decimal("0.00")
    # From now on the shop runs shifts: another counter with no terminal needs a manager.
    other = ShiftDesk(signed_in(shop, shop.cashier), CurrentShift(), "lane-2", can_manage=False)
    assert other.find().mode == "unregistered" and not other.standing.sells


def test_a_second_open_answered_with_shift_conflict_adopts_the_open_shift(shop):
    manager = signed_in(shop, shop.manager)
    manager.register_terminal(LANE, "Lane 1")
    first = manager.open_shift(LANE, Decimal("20"), str(uuid.uuid4()))
    desk = ShiftDesk(manager, CurrentShift(), LANE, can_manage=True)
    adopted = desk.open(Decimal("5"))
    assert adopted.mode == "open" and adopted.shift.shift_id == first.shift_id
    assert desk.holder.shift_id == first.shift_id


def test_a_terminal_name_that_is_no_terminal_code_blocks_a_shop_that_runs_shifts(shop):
    manager = signed_in(shop, shop.manager)
    manager.register_terminal(LANE, "Lane 1")
    desk = ShiftDesk(signed_in(shop, shop.cashier), CurrentShift(), "Front desk", can_manage=False)
    assert desk.find().mode == "bad_name" and not desk.standing.sells
    with pytest.raises(ShiftRefused) as refused:
        desk.open(Decimal("1"))
    assert refused.value.reason == "terminal_name_invalid"


def test_a_cashier_signing_in_where_a_colleague_opened_the_shift_sells_into_it_and_cannot_close_it(shop, tmp_path):
    """The handover: cashier A opened lane-1's shift and sold; cashier B signs in at lane-1 after
    a fresh start (nothing held), finds A's shift at once and sells into it as B. B reads only
    B's own part, and B's close is refused in words before anything is sent."""
    from .api_shop import new_operator

    manager = signed_in(shop, shop.manager)
    manager.register_terminal(LANE, "Lane 1")
    a = signed_in(shop, shop.cashier)
    opened = a.open_shift(LANE, Decimal("100"), str(uuid.uuid4()))
    b_op = new_operator(shop.gateway, shop.code, "cashier")
    seen = FaultyTransport()  # passes everything; records what B's counter sends
    b = client_for(shop, transport=seen)
    b.sign_in(b_op.email, b_op.password)
    with Journal(tmp_path / "journal.sqlite3") as journal:
        a_holder = CurrentShift()
        a_holder.set(opened)
        a_sales = SaleService(a, journal, Till(shop.code, LANE, shop.cashier.email), shift=a_holder)
        a_sales.run(a_sales.prepare_charge("30.00", shop.qr()))

        holder = CurrentShift()  # a fresh start: the counter holds no shift
        desk = ShiftDesk(b, holder, LANE, can_manage=False)
        found = desk.find()
        assert (found.mode, found.sells) == ("open", True)
        assert holder.shift_id == opened.shift_id and found.shift.opened_by == shop.cashier.user_id
        assert found.shift.own_part and found.shift.payments_count == 0 and found.shift.expected_cash is None
        assert not desk.may_close

        b_sales = SaleService(b, journal, Till(shop.code, LANE, b_op.email), shift=holder)
        paid = b_sales.run(b_sales.prepare_charge("12.00", shop.qr()))
        assert paid.state == "done" and paid.result["shift_id"] == opened.shift_id
        row = db_rows(shop, "select shift_id::text, operator_user_id::text from app.transactions where id = %s",
                      paid.result["tx_id"])
        assert row == [(opened.shift_id, b_op.user_id)]

        x = desk.read_out()
        assert x.own_part and (x.payments_count, x.payments_paid) == (1, Decimal("12.00"))
        assert [o.operator_user_id for o in x.by_operator] == [b_op.user_id] and x.expected_cash is None

        with pytest.raises(ShiftRefused) as refused:
            desk.close(Decimal("142.00"), None, unsettled=0)
        assert refused.value.reason == "close_not_opener"
        assert seen.rpc_bodies("merchant_close_shift") == []  # refused at the counter: nothing sent
        assert holder.shift_id == opened.shift_id  # still open, B keeps selling

        # The server refuses it too (a counter that did not learn who it is): the same words.
        desk.user_id = None
        with pytest.raises(ShiftRefused) as refused:
            desk.close(Decimal("142.00"), None, unsettled=0)
        assert refused.value.reason == "close_not_opener" and len(seen.rpc_bodies("merchant_close_shift")) == 1
        assert manager.get_shift(opened.shift_id).is_open

    # A, who opened it, reads it whole: both sales, both cashiers, the drawer.
    whole = a.get_shift(opened.shift_id)
    assert not whole.own_part and whole.payments_count == 2 and whole.expected_cash == Decimal("100.00")
    assert {o.operator_user_id for o in whole.by_operator} == {shop.cashier.user_id, b_op.user_id}
