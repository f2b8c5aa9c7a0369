"""Cash movements and the split sale (card + cash) on the sale path, against the scripted fake:
refused where typed, journaled before the request, settled by key, and a split sale that a
counter killed between its two parts completes or voids both on recover, never one twice."""

import textwrap
from decimal import Decimal
from types import SimpleNamespace

import pytest

from pos_app.core.sale.journal import Journal
from pos_app.core.sale.service import SaleRefused, SaleService, Till
from pos_app.core.sale.split import split

from .crash import run_until_killed
from .fake_api import FakeApi

COUNTER = Till(merchant_code="SHOP001", terminal="lane-1", operator="ann@shop.test")
OPEN = SimpleNamespace(shift_id="shift-1", shift=SimpleNamespace(terminal_code="T1"))


@pytest.fixture
def api():
    return FakeApi()


@pytest.fixture
def journal(tmp_path):
    with Journal(tmp_path / "journal.sqlite3") as j:
        yield j


@pytest.fixture
def sales(api, journal):
    return SaleService(api, journal, COUNTER, shift=OPEN)


def refused(call, *args) -> str:
    with pytest.raises(SaleRefused) as e:
        call(*args)
    return e.value.reason


# -- pay-in, pay-out, drop -------------------------------------------------------------------


@pytest.mark.parametrize("kind, amount, reason, why", [
    ("pay_out", "10", "", "cash_reason_needed"), ("drop", "10", "   ", "cash_reason_needed"),
    ("pay_in", "abc", None, "amount_not_a_number"), ("pay_in", "-5", None, "amount_negative"),
    ("pay_in", "1.005", None, "amount_too_many_decimals"), ("pay_out", "5", "x" * 501, "cash_reason_too_long"),
    ("cash_sale", "5", None, "cash_kind_unknown")])
def test_a_bad_cash_movement_is_refused_before_anything_is_sent(sales, api, journal, kind, amount, reason, why):
    assert refused(sales.prepare_cash, kind, amount, reason) == why
    assert api.calls == [] and journal.unfinished() == []


def test_no_cash_moves_without_an_open_shift(api, journal):
    closed = SaleService(api, journal, COUNTER, shift=SimpleNamespace(shift_id=None, shift=None))
    assert refused(closed.prepare_cash, "pay_in", "10", None) == "cash_no_shift"
    assert refused(closed.prepare_split, api.card("5"), split(Decimal("10"), Decimal("0"), Decimal("5"))) \
        == "cash_no_shift"
    assert api.calls == []


def test_a_pay_out_is_journaled_before_it_is_sent_and_done_after(sales, api, journal):
    seen = []
    api.fail_next(lambda fn, key: seen.append(journal.get(key)))
    prepared = sales.prepare_cash("pay_out", "12.30", "  window cleaner ")
    outcome = sales.run(prepared)
    (before,) = seen
    assert (before.state, before.kind, before.movement_kind, before.shift_id) == ("sending", "cash", "pay_out",
                                                                                  "shift-1")
    assert outcome.state == "done" and outcome.result["kind"] == "pay_out"
    assert api.movements == [("pay_out", Decimal("12.30"), "window cleaner")]


def test_a_movement_of_unknown_outcome_blocks_the_counter_until_its_key_settles_it(sales, api, journal):
    prepared = sales.prepare_cash("drop", "200", "to the safe")
    api.fail_next("lost_answer")
    assert sales.run(prepared).state == "pending"
    assert refused(sales.prepare_charge, "5", api.card("50")) == "attempt_unsettled"
    assert [a.key for a in sales.unsettled()] == [prepared.key]
    again = SaleService(api, journal, COUNTER, shift=OPEN)  # after a restart: settled by its key
    (outcome,) = again.recover()
    assert outcome.state == "done" and outcome.result["amount"] == Decimal("200")
    assert api.movements == [("drop", Decimal("200"), "to the safe")] and journal.unfinished() == []


def test_a_pending_movement_can_be_resent_with_its_own_key(sales, api):
    prepared = sales.prepare_cash("pay_in", "50", None)
    api.fail_next("unreachable")
    assert sales.run(prepared).error == "offline" and sales.can_retry(prepared.key)
    assert sales.retry(prepared.key).state == "done" and len(api.movements) == 1


# -- the split sale --------------------------------------------------------------------------


def test_a_split_sale_charges_the_balance_then_records_the_rest_in_cash(sales, api, journal):
    code = api.card("30.00")
    prepared = sales.prepare_split(code, split(Decimal("50.00"), Decimal("0"), Decimal("30.00")))
    outcome = sales.run_split(prepared)
    assert outcome.state == "done" and outcome.result["paid_amount"] == Decimal("30.00")
    assert outcome.cash_part.state == "done" and outcome.cash_part.result["kind"] == "cash_sale"
    assert api.balances["0001"] == Decimal("0") and api.movements == [("cash_sale", Decimal("20.00"), None)]
    assert [(a.kind, a.state) for a in journal.group(prepared.group)] == [("charge", "done"), ("cash", "done")]


def test_a_refused_card_part_voids_the_cash_part_which_is_never_sent(sales, api, journal):
    code = api.card("30.00")
    prepared = sales.prepare_split(code, split(Decimal("50.00"), Decimal("0"), Decimal("30.00")))
    api.fail_next("qr_expired")
    outcome = sales.run_split(prepared)
    assert (outcome.state, outcome.error) == ("failed", "qr_expired")
    assert (outcome.cash_part.state, outcome.cash_part.error) == ("voided", "card_part_not_charged")
    assert api.movements == [] and [c[0] for c in api.calls] == ["charge"] and journal.unfinished() == []


def test_a_card_part_of_unknown_outcome_holds_the_cash_part_until_retry(sales, api, journal):
    code = api.card("30.00")
    prepared = sales.prepare_split(code, split(Decimal("50.00"), Decimal("0"), Decimal("30.00")))
    api.fail_next("lost_answer")
    outcome = sales.run_split(prepared)
    assert outcome.state == "pending" and outcome.cash_part is None
    assert journal.get(prepared.cash.key).state == "waiting" and api.movements == []
    again = sales.retry(prepared.card.key)
    assert again.state == "done" and again.cash_part.state == "done"
    assert api.balances["0001"] == Decimal("0") and len(api.movements) == 1


def test_check_on_a_waiting_cash_part_settles_the_card_first(sales, api, journal):
    prepared = sales.prepare_split(api.card("30.00"), split(Decimal("50.00"), Decimal("0"), Decimal("30.00")))
    api.fail_next("lost_answer")
    sales.run_split(prepared)
    outcome = sales.check(prepared.cash.key)
    assert outcome.key == prepared.cash.key and outcome.state == "done"
    assert journal.get(prepared.card.key).state == "done" and len(api.movements) == 1


CRASHING_SPLIT = textwrap.dedent("""
    import sys
    from decimal import Decimal
    from types import SimpleNamespace
    from pos_app.core.sale.journal import Journal
    from pos_app.core.sale.service import Till, SaleService
    from pos_app.core.sale.split import split
    from tests.pos.fake_api import FakeApi

    api = FakeApi()
    code = api.card("30.00")

    def die_here(fn, key):
        print(key, flush=True)  # this part's request is about to leave; the parent kills us now
        sys.stdin.read()

    api.fail_next(*{faults})
    shift = SimpleNamespace(shift_id="shift-1", shift=SimpleNamespace(terminal_code="T1"))
    sales = SaleService(api, Journal({path!r}), Till("SHOP001", "lane-1", "ann"), shift=shift)
    prepared = sales.prepare_split(code, split(Decimal("50.00"), Decimal("0"), Decimal("30.00")))
    print(prepared.card.key, prepared.cash.key, flush=True)
    sales.run_split(prepared)
""")


@pytest.mark.parametrize("dies_at, server_committed", [
    ("card", False), ("card", True), ("cash", False), ("cash", True)])
def test_a_counter_killed_between_the_two_parts_is_completed_or_voided_by_recover(tmp_path, dies_at,
                                                                               server_committed):
    path = tmp_path / "journal.sqlite3"
    faults = "[die_here]" if dies_at == "card" else "[None, die_here]"
    keys, dying = run_until_killed(CRASHING_SPLIT.format(path=str(path), faults=faults), 2)
    card_key, cash_key = keys.split()
    assert dying == (card_key if dies_at == "card" else cash_key)
    server = FakeApi()  # the backend outlives the counter
    code = server.card("30.00")
    if dies_at == "cash" or server_committed:
        server.charge_by_qr(code, Decimal("30.00"), card_key)  # the card part reached the server
    if dies_at == "cash" and server_committed:
        server.cash_movement("shift-1", "cash_sale", Decimal("20.00"), cash_key)
    with Journal(path) as journal:
        states = {a.key: a.state for a in journal.unfinished()}
        assert states[cash_key] == ("waiting" if dies_at == "card" else "sending")
        sales = SaleService(server, journal, COUNTER, shift=OPEN)
        sales.recover()
        card, cash = journal.get(card_key), journal.get(cash_key)
        assert journal.unfinished() == []
        if dies_at == "card" and not server_committed:
            assert (card.state, cash.state) == ("voided", "voided")
            assert server.movements == [] and server.balances["0001"] == Decimal("30.00")
        else:  # the card was charged once, and the cash part is on the server exactly once
            assert (card.state, cash.state) == ("done", "done")
            assert server.balances["0001"] == Decimal("0")
            assert server.movements == [("cash_sale", Decimal("20.00"), None)]
            assert cash.result["amount"] == Decimal("20.00")


def test_the_real_client_takes_the_cash_movement_the_sale_path_sends():
    import inspect

    from pos_app.core.api import MpsClient
    from pos_app.core.sale.service import SaleApi

    wanted = inspect.signature(SaleApi.cash_movement).parameters
    real = inspect.signature(MpsClient.cash_movement).parameters
    assert [(n, p.kind) for n, p in wanted.items()] == [(n, p.kind) for n, p in real.items()]
