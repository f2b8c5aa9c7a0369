"""The sale path against a scripted fake backend: every outcome of a charge, refund and top-up,
the one-unsettled-attempt guard, Retry with the same key and code, Check and recovery by key."""

import textwrap
import threading
from decimal import Decimal

import pytest

from pos_app.core.api.errors import ApiError
from pos_app.core.sale.journal import Journal
from pos_app.core.sale.service import SaleRefused, SaleService, Till
from pos_app.core.scanning.codes import receipt_code

from .crash import run_until_killed
from .fake_api import FakeApi, business

COUNTER = Till(merchant_code="SHOP001", terminal="lane-1", operator="ann@shop.test")


@pytest.fixture
def api():
    return FakeApi()


@pytest.fixture
def journal(tmp_path):
    with Journal(tmp_path / "journal.sqlite3") as j:
        yield j


@pytest.fixture
def sales(api, journal):
    return SaleService(api, journal, COUNTER)


def refused(call, *args) -> SaleRefused:
    with pytest.raises(SaleRefused) as e:
        call(*args)
    return e.value


# -- prepare ---------------------------------------------------------------------------------


@pytest.mark.parametrize("amount, reason", [("", "amount_empty"), ("0", "amount_zero"), ("-3", "amount_negative"),
                                            ("1.234", "amount_too_many_decimals"), ("abc", "amount_not_a_number"),
                                            ("NaN", "amount_not_finite"), ("100000.01", "amount_above_cap")])
def test_a_bad_amount_is_refused_before_anything_is_sent(sales, api, journal, amount, reason):
    assert refused(sales.prepare_charge, amount, api.card("50")).reason == reason
    assert api.calls == [] and journal.unfinished() == []


def test_the_counters_cap_applies(api, journal):
    sales = SaleService(api, journal, Till("SHOP001", "lane-1", "ann", cap=Decimal("20")))
    assert refused(sales.prepare_charge, "20.01", api.card("50")).reason == "amount_above_cap"
    assert sales.prepare_charge(Decimal("20"), api.card("50")).amount == Decimal("20.00")


@pytest.mark.parametrize("scanned, reason", [
    ("", "empty"), ("6901234567892", "not_a_payment_code"), ("MPSQR1.abc", "malformed_payment_code"),
    (receipt_code("0b6a3c1e-8f1d-4c59-9d0e-3f8e2b7a6c41"), "receipt_code_for_payment"),
])
def test_a_scan_that_is_not_a_payment_code_is_refused_before_anything_is_sent(sales, api, scanned, reason):
    assert refused(sales.prepare_charge, "12", scanned).reason == reason
    assert refused(sales.prepare_topup, "12", scanned).reason == reason
    assert api.calls == []


def test_a_refund_needs_a_receipt_code_or_tx_id_and_a_short_reason(sales, api):
    tx = "0b6a3c1e-8f1d-4c59-9d0e-3f8e2b7a6c41"
    assert refused(sales.prepare_refund, api.card("5"), "1").reason == "payment_code_for_refund"
    assert refused(sales.prepare_refund, "6901234567892", "1").reason == "not_a_receipt_code"
    assert refused(sales.prepare_refund, "MPSTX1.nope", "1").reason == "malformed_receipt_code"
    assert refused(sales.prepare_refund, tx, "1", "x" * 501).reason == "reason_too_long"
    p = sales.prepare_refund(receipt_code(tx) + "\r\n", "1.5", "  wrong size ")
    assert (p.kind, p.tx_id, p.amount, p.reason) == ("refund", tx, Decimal("1.50"), "wrong size")
    assert sales.prepare_refund(tx, "1", "   ").reason is None


def test_each_prepared_sale_has_its_own_key_and_hides_its_code(sales, api):
    code = api.card("50")
    a, b = sales.prepare_charge("1", code), sales.prepare_charge("1", code)
    assert a.key != b.key
    assert code.rsplit(".", 1)[1] not in repr(a)


# -- run -------------------------------------------------------------------------------------


def test_a_charge_is_journaled_sending_before_the_request_then_done_with_the_answer(sales, api, journal):
    code = api.card("50", last4="4321")
    prepared = sales.prepare_charge("12.50", code)
    seen = []
    api.fail_next(lambda fn, key: seen.append(journal.get(key).state))
    outcome = sales.run(prepared)
    assert seen == ["sending"]
    assert outcome.state == "done" and outcome.error is None
    assert outcome.result["paid_amount"] == Decimal("12.50") and outcome.attempt.card_hint == "4321"
    assert api.balances["4321"] == Decimal("37.50")
    assert api.calls == [("charge", prepared.key, code)]
    row = journal.get(prepared.key)
    assert (row.kind, row.merchant_code, row.terminal, row.operator) == ("charge", "SHOP001", "lane-1", "ann@shop.test")
    assert row.state == "done"


def test_the_payment_code_never_reaches_the_journal_file(sales, api, journal):
    code = api.card("50")
    api.fail_next("lost_answer")
    sales.run(sales.prepare_charge("5", code))
    journal.close()
    raw = b"".join(p.read_bytes() for p in journal.path.parent.iterdir())
    assert code.rsplit(".", 1)[1].encode() not in raw and b"MPSQR1" not in raw


@pytest.mark.parametrize("error", ["insufficient_balance", "qr_expired", "qr_not_active", "card_inactive",
                                   "merchant_inactive", "invalid_amount", "forbidden"])
def test_a_refusal_fails_the_sale_and_the_next_try_is_a_new_sale(sales, api, journal, error):
    code = api.card("50")
    api.fail_next(error)
    first = sales.run(sales.prepare_charge("5", code))
    assert (first.state, first.error, first.result) == ("failed", error, None)
    assert journal.get(first.key).error_name == error and journal.unfinished() == []
    again = sales.run(sales.prepare_charge("5", code))
    assert again.state == "done" and again.key != first.key
    assert api.balances["0001"] == Decimal("45")


def test_a_real_insufficient_balance_moves_nothing(sales, api):
    outcome = sales.run(sales.prepare_charge("60", api.card("50")))
    assert outcome.error == "insufficient_balance" and api.balances["0001"] == Decimal("50")


@pytest.mark.parametrize("fault, cause", [("lost_answer", "outcome_unknown"), ("lost_request", "outcome_unknown"),
                                          ("unreachable", "offline"), ("signed_out", "not_signed_in"),
                                          ("jwt", "not_signed_in"), ("rate_limited", "outcome_unknown")])
def test_no_answer_leaves_the_sale_pending_and_retry_settles_it_with_the_same_key_and_code(sales, api, journal, fault,
                                                                                           cause):
    code = api.card("50")
    prepared = sales.prepare_charge("20", code)
    api.fail_next(fault)
    pending = sales.run(prepared)
    assert (pending.state, pending.error) == ("pending", cause)
    assert journal.get(prepared.key).state == "pending" and sales.can_retry(prepared.key)
    done = sales.retry(prepared.key)
    assert done.state == "done" and done.key == prepared.key
    assert api.calls == [("charge", prepared.key, code)] * 2
    assert api.balances["0001"] == Decimal("30")  # charged once, whichever way the fault fell
    assert not sales.can_retry(prepared.key)


def test_retry_after_a_lost_answer_gets_the_replay_not_a_second_charge(sales, api):
    prepared = sales.prepare_charge("20", api.card("50"))
    api.fail_next("lost_answer")
    sales.run(prepared)
    done = sales.retry(prepared.key)
    assert done.result["replayed"] is True and api.balances["0001"] == Decimal("30")


def test_a_retry_can_fail_for_good_and_the_counter_is_free_again(sales, api, journal):
    prepared = sales.prepare_charge("20", api.card("50"))
    api.fail_next("unreachable", "qr_expired")
    sales.run(prepared)
    outcome = sales.retry(prepared.key)
    assert (outcome.state, outcome.error) == ("failed", "qr_expired")
    assert journal.unfinished() == [] and not sales.can_retry(prepared.key)
    sales.prepare_charge("20", api.card("5"))  # no longer blocked


def test_a_refusal_after_an_unanswered_send_is_settled_by_the_key(sales, api, journal):
    """The first send went through but its answer was lost; the retry is (say) refused. The
    refusal is the retry's only: the key decides, and it says the sale was charged."""
    prepared = sales.prepare_charge("20", api.card("50"))
    api.fail_next("lost_answer", "qr_expired")
    assert sales.run(prepared).state == "pending"
    outcome = sales.retry(prepared.key)
    assert outcome.state == "done" and outcome.result["replayed"] is True
    assert api.balances["0001"] == Decimal("30") and api.calls[-1][0] == "resolve"


def test_a_refusal_after_an_unanswered_send_that_never_landed_voids_the_key(sales, api, journal):
    prepared = sales.prepare_charge("20", api.card("50"))
    api.fail_next("lost_request", "qr_expired")
    sales.run(prepared)
    outcome = sales.retry(prepared.key)
    assert (outcome.state, outcome.error) == ("failed", "qr_expired")
    assert prepared.key in api.voided  # a late copy of the first send can no longer charge
    assert api.balances["0001"] == Decimal("50")


def test_a_client_flagged_refusal_is_settled_by_the_key_too(sales, api):
    """The client's own retries met no answer, then a refusal (ApiError.after_unknown)."""
    prepared = sales.prepare_charge("20", api.card("50"))

    def lost_then_refused(fn, key):
        error = business("qr_expired")
        error.after_unknown = True
        raise error

    api.fail_next(lost_then_refused)
    outcome = sales.run(prepared)
    assert (outcome.state, outcome.error) == ("failed", "qr_expired") and prepared.key in api.voided


def test_a_retry_without_an_answer_stays_pending(sales, api):
    prepared = sales.prepare_charge("20", api.card("50"))
    api.fail_next("lost_request", "unreachable")
    sales.run(prepared)
    outcome = sales.retry(prepared.key)
    assert (outcome.state, outcome.error) == ("pending", "offline") and sales.can_retry(prepared.key)


# -- the guard -------------------------------------------------------------------------------


def test_while_a_sale_is_pending_no_other_attempt_can_start(sales, api):
    code = api.card("50")
    first = sales.prepare_charge("20", code)
    second = sales.prepare_charge("20", code)  # the cashier pressed Charge twice
    api.fail_next("lost_answer")
    sales.run(first)
    for call, args in [(sales.prepare_charge, ("20", code)), (sales.prepare_topup, ("5", code)),
                       (sales.prepare_refund, ("0b6a3c1e-8f1d-4c59-9d0e-3f8e2b7a6c41", "1")), (sales.run, (second,))]:
        e = refused(call, *args)
        assert (e.reason, e.key) == ("attempt_unsettled", first.key)
    assert api.balances["0001"] == Decimal("30") and len(api.calls) == 1


def test_the_same_prepared_sale_cannot_run_twice(sales, api):
    prepared = sales.prepare_charge("20", api.card("50"))
    sales.run(prepared)
    assert refused(sales.run, prepared).reason == "already_started"
    assert api.balances["0001"] == Decimal("30")


def test_a_second_click_while_the_request_is_in_flight_is_refused(sales, api):
    code = api.card("50")
    prepared, other = sales.prepare_charge("20", code), sales.prepare_charge("20", code)
    inside, release = threading.Event(), threading.Event()

    def hold(fn, key):
        inside.set()
        assert release.wait(30)

    api.fail_next(hold)
    outcomes = []
    worker = threading.Thread(target=lambda: outcomes.append(sales.run(prepared)))
    worker.start()
    assert inside.wait(30)
    try:
        assert refused(sales.run, prepared).reason == "already_started"
        assert refused(sales.run, other).reason == "attempt_unsettled"
        assert refused(sales.retry, prepared.key).reason == "already_started"
        assert refused(sales.check, prepared.key).reason == "already_started"
        assert sales.recover() == []  # an attempt in flight is left to its own call
    finally:
        release.set()
        worker.join(30)
    assert outcomes[0].state == "done" and api.balances["0001"] == Decimal("30")


def test_retry_and_check_refuse_what_is_not_pending(sales, api):
    prepared = sales.prepare_charge("20", api.card("50"))
    sales.run(prepared)
    assert refused(sales.retry, prepared.key).reason == "not_pending"
    assert refused(sales.check, prepared.key).reason == "not_pending"
    assert refused(sales.retry, "no-such-key").reason == "not_pending"


def test_attempts_of_another_merchant_in_the_same_journal_are_left_alone(api, journal):
    other = SaleService(api, journal, Till("SHOP002", "lane-1", "bob"))
    api.fail_next("lost_answer")
    stuck = other.run(other.prepare_charge("5", api.card("50")))
    sales = SaleService(api, journal, COUNTER)
    assert sales.unsettled() == [] and sales.recover() == []
    assert refused(sales.check, stuck.key).reason == "not_pending"
    assert sales.run(sales.prepare_charge("5", api.card("50"))).state == "done"


# -- after a restart: the code is gone, the key settles it -------------------------------------


def restarted(api, journal):
    return SaleService(api, journal, COUNTER)


def test_after_a_restart_a_pending_charge_cannot_be_resent_only_checked(sales, api, journal):
    prepared = sales.prepare_charge("20", api.card("50"))
    api.fail_next("lost_request")
    sales.run(prepared)
    again = restarted(api, journal)
    assert not again.can_retry(prepared.key)
    assert refused(again.retry, prepared.key).reason == "code_gone"
    outcome = again.check(prepared.key)
    assert (outcome.state, outcome.error) == ("voided", "voided")
    assert journal.get(prepared.key).result["outcome"] == "voided"


def test_check_finds_a_charge_that_went_through(sales, api, journal):
    prepared = sales.prepare_charge("20", api.card("50"))
    api.fail_next("lost_answer")
    sales.run(prepared)
    outcome = sales.check(prepared.key)
    assert outcome.state == "done" and outcome.result["paid_amount"] == Decimal("20")
    assert not sales.can_retry(prepared.key) and api.balances["0001"] == Decimal("30")


def test_a_voided_sale_can_never_be_charged_by_a_late_request(sales, api, journal):
    code = api.card("50")
    prepared = sales.prepare_charge("20", code)
    api.fail_next("lost_request")
    sales.run(prepared)
    assert sales.check(prepared.key).state == "voided"
    with pytest.raises(ApiError) as e:
        api.charge_by_qr(code, Decimal("20"), prepared.key)  # the lost request turns up late
    assert e.value.name == "idempotency_conflict" and api.balances["0001"] == Decimal("50")
    assert sales.run(sales.prepare_charge("20", code)).state == "done"  # rung up afresh: the code was not spent


def test_check_without_an_answer_leaves_it_pending(sales, api, journal):
    prepared = sales.prepare_charge("20", api.card("50"))
    api.fail_next("lost_request", "unreachable")
    sales.run(prepared)
    outcome = sales.check(prepared.key)
    assert (outcome.state, outcome.error) == ("pending", "offline")
    api.fail_next("forbidden")
    assert sales.check(prepared.key).error == "forbidden"
    api.fail_next("jwt")
    assert sales.check(prepared.key).error == "not_signed_in"
    assert sales.can_retry(prepared.key)  # the code is still in memory: Retry remains possible


def test_recover_settles_every_unsettled_attempt_and_reports_each(api, journal):
    first = restarted(api, journal)
    went_through = first.prepare_charge("20", api.card("50"))
    api.fail_next("lost_answer")
    first.run(went_through)
    # A second terminal state left behind: rows written as a crashed process would leave them.
    never_sent = journal.begin(key="k-never", kind="topup", merchant_code="SHOP001", terminal="lane-1",
                               operator="ann", amount=Decimal("10"))
    sales = restarted(api, journal)
    outcomes = sales.recover()
    assert [(o.key, o.state) for o in outcomes] == [(went_through.key, "done"), (never_sent.key, "voided")]
    assert outcomes[0].result["tx_id"] and outcomes[1].error == "voided"
    assert journal.unfinished() == [] and sales.recover() == []


def test_recover_while_offline_keeps_everything_pending_and_runs_again_later(api, journal):
    for key in ("k1", "k2", "k3"):
        journal.begin(key=key, kind="charge", merchant_code="SHOP001", terminal="t", operator="o", amount=Decimal("1"))
    sales = restarted(api, journal)
    api.fail_next("unreachable")
    outcomes = sales.recover()
    assert [(o.key, o.state, o.error) for o in outcomes] == [(k, "pending", "offline") for k in ("k1", "k2", "k3")]
    assert [c[0] for c in api.calls] == ["resolve"]  # the first failure stops the round
    assert [o.state for o in sales.recover()] == ["voided"] * 3


def test_a_bug_in_the_call_leaves_the_attempt_pending_and_settleable(sales, api, journal):
    prepared = sales.prepare_charge("20", api.card("50"))

    def bug(fn, key):
        raise KeyError("oops")

    api.fail_next(bug)
    with pytest.raises(KeyError):
        sales.run(prepared)
    assert journal.get(prepared.key).error_name == "unexpected"
    assert refused(sales.prepare_charge, "1", api.card("1")).reason == "attempt_unsettled"
    assert sales.check(prepared.key).state == "voided"


# -- refunds and top-ups ---------------------------------------------------------------------


def paid(sales, api, amount="20"):
    return sales.run(sales.prepare_charge(amount, api.card("50"))).result["tx_id"]


def test_a_refund_goes_through_the_journal_with_its_payment_and_reason(sales, api, journal):
    tx = paid(sales, api)
    outcome = sales.run(sales.prepare_refund(receipt_code(tx), "5", "one cup returned"))
    assert outcome.state == "done" and outcome.result["refundable_remaining"] == Decimal("15")
    row = journal.get(outcome.key)
    assert (row.kind, row.original_tx_id, row.reason, row.amount) == ("refund", tx, "one cup returned", Decimal("5.00"))
    assert api.balances["0001"] == Decimal("35")


def test_a_cashiers_refund_is_forbidden_and_says_so(sales, api):
    tx = paid(sales, api)
    api.fail_next("forbidden")
    outcome = sales.run(sales.prepare_refund(tx, "5"))
    assert (outcome.state, outcome.error) == ("failed", "forbidden")


def test_a_refund_beyond_what_was_paid_fails(sales, api):
    tx = paid(sales, api)
    assert sales.run(sales.prepare_refund(tx, "20.01")).error == "refund_exceeds_paid"


def test_a_pending_refund_can_be_resent_after_a_restart_since_it_holds_no_code(sales, api, journal):
    tx = paid(sales, api)
    prepared = sales.prepare_refund(tx, "5", "returned")
    api.fail_next("lost_answer")
    assert sales.run(prepared).state == "pending"
    again = restarted(api, journal)
    assert again.can_retry(prepared.key)
    outcome = again.retry(prepared.key)
    assert outcome.state == "done" and outcome.result["replayed"] is True
    assert api.balances["0001"] == Decimal("35")
    assert api.calls[-1] == ("refund", prepared.key, None)


def test_a_counter_top_up_follows_the_same_rules(sales, api, journal):
    code = api.card("0")
    prepared = sales.prepare_topup("100", code)
    api.fail_next("lost_answer")
    assert sales.run(prepared).state == "pending"
    assert refused(sales.prepare_charge, "1", code).reason == "attempt_unsettled"
    done = sales.retry(prepared.key)
    assert done.state == "done" and journal.get(prepared.key).kind == "topup"
    assert api.balances["0001"] == Decimal("100")
    assert api.calls == [("topup", prepared.key, code)] * 2


# -- a real crash ----------------------------------------------------------------------------

CRASHING_COUNTER = textwrap.dedent("""
    import sys
    from decimal import Decimal
    from pos_app.core.sale.journal import Journal
    from pos_app.core.sale.service import Till, SaleService
    from tests.pos.fake_api import FakeApi

    api = FakeApi()
    code = api.card("50")

    def die_here(fn, key):
        print(key, flush=True)  # the request is about to leave; the parent kills us now
        sys.stdin.read()

    api.fail_next(die_here)
    sales = SaleService(api, Journal({path!r}), Till("SHOP001", "lane-1", "ann"))
    sales.run(sales.prepare_charge("20", code))
""")


@pytest.mark.parametrize("server_committed", [False, True])
def test_a_counter_killed_mid_sale_is_settled_by_recover(tmp_path, server_committed):
    path = tmp_path / "journal.sqlite3"
    (key,) = run_until_killed(CRASHING_COUNTER.format(path=str(path)), 1)
    server = FakeApi()  # the backend outlives the counter
    code = server.card("50")
    if server_committed:  # the request reached the server and committed; the answer died with us
        server.charge_by_qr(code, Decimal("20"), key)
    with Journal(path) as journal:
        assert journal.get(key).state == "sending"
        sales = SaleService(server, journal, COUNTER)
        (outcome,) = sales.recover()
        assert outcome.key == key
        if server_committed:
            assert outcome.state == "done" and outcome.result["paid_amount"] == Decimal("20")
            assert server.balances["0001"] == Decimal("30")
        else:
            assert outcome.state == "voided"
            with pytest.raises(ApiError) as late:
                server.charge_by_qr(code, Decimal("20"), key)
            assert late.value.name == "idempotency_conflict" and server.balances["0001"] == Decimal("50")
        assert journal.unfinished() == []


# -- the contract with the API client and the words --------------------------------------------


def test_the_real_client_takes_every_call_the_sale_path_makes():
    import inspect

    from pos_app.core.api import MpsClient
    from pos_app.core.sale.service import SaleApi

    for name in ("charge_by_qr", "refund", "recharge_by_qr", "resolve_attempt"):
        wanted = [p for p in inspect.signature(getattr(SaleApi, name)).parameters if p != "self"]
        inspect.signature(getattr(MpsClient, name)).bind(None, *wanted)  # raises if it cannot take them
        assert [p for p in inspect.signature(getattr(MpsClient, name)).parameters][1:len(wanted) + 1] == wanted


def test_every_refusal_of_the_sale_path_has_words():
    import re
    from pathlib import Path

    from pos_app.core.messages import CATALOG
    from pos_app.core.sale import service as sale

    source = Path(sale.__file__).read_text(encoding="utf-8")
    reasons = set(re.findall(r'SaleRefused\("([a-z_]+)"', source)) | {"malformed_receipt_code", "not_a_receipt_code"}
    assert {"attempt_unsettled", "already_started", "code_gone", "not_pending", "reason_too_long"} <= reasons
    assert reasons - set(CATALOG) == set()
    causes = set(re.findall(r'return "([a-z_]+)"', source)) | {"voided", "not_signed_in", "outcome_unknown"}
    assert causes - set(CATALOG) == set()


def test_recover_skips_an_attempt_settled_meanwhile(api, journal, monkeypatch):
    for key in ("k1", "k2"):
        journal.begin(key=key, kind="charge", merchant_code="SHOP001", terminal="t", operator="o", amount=Decimal("1"))
    sales = restarted(api, journal)
    real_check = sales.check

    def check_racing_a_click(key):
        if key == "k1":
            real_check("k2")  # the cashier pressed Check on k2 while recovery was on k1
        return real_check(key)

    monkeypatch.setattr(sales, "check", check_racing_a_click)
    assert [(o.key, o.state) for o in sales.recover()] == [("k1", "voided")]
    assert journal.unfinished() == []
