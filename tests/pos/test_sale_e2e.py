"""The sale path end to end: SaleService over the real MpsClient against the local Supabase
stand-in, including a counter process killed mid-sale and settled by `recover()`."""

from __future__ import annotations

import json
import textwrap
from decimal import Decimal

import pytest

from pos_app.core.api import ApiError
from pos_app.core.sale.journal import Journal
from pos_app.core.sale.service import SaleRefused, SaleService, Till

from .api_shop import FaultyTransport, signed_in
from .crash import run_until_killed


@pytest.fixture
def journal(tmp_path):
    with Journal(tmp_path / "journal.sqlite3") as j:
        yield j


def counter(shop, who) -> Till:
    return Till(merchant_code=shop.code, terminal="lane-1", operator=who.email)


def sales_for(shop, journal, who=None, **client_kwargs) -> SaleService:
    who = who or shop.cashier
    return SaleService(signed_in(shop, who, **client_kwargs), journal, counter(shop, who))


def test_a_real_charge_is_done_with_the_servers_answer_and_moves_the_money_once(shop, journal):
    sales = sales_for(shop, journal)
    qr = shop.qr()
    outcome = sales.run(sales.prepare_charge("12.30", qr + "\r\n"))
    assert outcome.state == "done"
    assert outcome.result["paid_amount"] == Decimal("12.30") and outcome.result["replayed"] is False
    assert shop.balance() == Decimal("87.70")
    row = journal.get(outcome.key)
    assert row.result["tx_id"] == outcome.result["tx_id"] and type(row.result["balance_after"]) is Decimal
    assert row.card_hint == outcome.result["card_last4"]
    again = sales.run(sales.prepare_charge("1", qr))  # a single-use code is spent
    assert (again.state, again.error) == ("failed", "qr_not_active") and shop.balance() == Decimal("87.70")
    journal.close()
    raw = b"".join(p.read_bytes() for p in journal.path.parent.iterdir())
    assert qr.rsplit(".", 1)[1].encode() not in raw


def test_a_lost_answer_then_no_network_leaves_it_pending_and_retry_charges_once(shop, journal):
    transport = FaultyTransport(["lose_answer", "refuse", "refuse", "refuse"])
    sales = sales_for(shop, journal, transport=transport)
    prepared = sales.prepare_charge("20", shop.qr())
    pending = sales.run(prepared)
    # The last try found no network, but the first reached the server: its outcome is unknown
    # (not "offline", which would suggest nothing was sent), and the sale is pending.
    assert (pending.state, pending.error) == ("pending", "outcome_unknown")
    assert shop.balance() == Decimal("80.00")
    done = sales.retry(prepared.key)
    assert done.state == "done" and done.result["replayed"] is True
    assert shop.balance() == Decimal("80.00")
    bodies = [json.loads(b) for b in transport.rpc_bodies("merchant_charge_by_qr")]
    assert {b["p_idempotency_key"] for b in bodies} == {prepared.key} and len(bodies) == 5


def test_a_refund_needs_a_manager_and_goes_through_the_journal(shop, journal):
    cashier = sales_for(shop, journal)
    paid = cashier.run(cashier.prepare_charge("30", shop.qr())).result
    refused = cashier.run(cashier.prepare_refund(paid["tx_id"], "10", "returned"))
    assert (refused.state, refused.error) == ("failed", "forbidden")
    manager = sales_for(shop, journal, shop.manager)
    refund = manager.run(manager.prepare_refund(paid["tx_id"], "10", "returned"))
    assert refund.state == "done" and refund.result["refundable_remaining"] == Decimal("20.00")
    assert shop.balance() == Decimal("80.00")
    too_much = manager.run(manager.prepare_refund(paid["tx_id"], "20.01"))
    assert too_much.error == "refund_exceeds_paid"


def test_a_counter_top_up_is_done_and_check_settles_a_lost_one(shop, journal):
    transport = FaultyTransport(["pass", "lose_answer", "refuse", "refuse", "refuse"])
    sales = sales_for(shop, journal, transport=transport)
    assert sales.run(sales.prepare_topup("50", shop.qr())).state == "done"
    lost = sales.run(sales.prepare_topup("25", shop.qr()))
    assert lost.state == "pending"
    settled = sales.check(lost.key)
    assert settled.state == "done" and settled.result["amount"] == Decimal("25.00")
    assert shop.balance() == Decimal("175.00")


# -- a counter killed mid-sale ---------------------------------------------------------------

DYING_COUNTER = textwrap.dedent("""
    import json, os, sys
    import httpx
    from pos_app.core.api import MpsClient
    from pos_app.core.sale.journal import Journal
    from pos_app.core.sale.service import Till, SaleRefused, SaleService

    cfg = json.loads(os.environ["MPS_DYING_COUNTER"])
    client = MpsClient(httpx.Client(timeout=30), cfg["url"], cfg["anon_key"], cfg["merchant"])
    client.sign_in(cfg["email"], cfg["password"])

    class DiesMidCharge:
        # Kill points: before the request leaves, or after the server answered but before
        # the answer can be journaled.
        def __getattr__(self, name):
            return getattr(client, name)

        def charge_by_qr(self, qr, amount, key, tag=None):
            if cfg["when"] == "before_request":
                print(key, flush=True)
                sys.stdin.read()
            client.charge_by_qr(qr, amount, key, tag)
            print(key, flush=True)
            sys.stdin.read()

    sales = SaleService(DiesMidCharge(), Journal(cfg["journal"]), Till(cfg["merchant"], "lane-1", cfg["email"]))
    sales.run(sales.prepare_charge("20", cfg["qr"]))
""")


def kill_mid_charge(shop, path, qr: str, when: str) -> str:
    """Run a counter in a child process until `when`, kill it; the sale's key."""
    cfg = {"url": shop.gateway.url, "anon_key": shop.gateway.anon_key, "merchant": shop.code,
           "email": shop.cashier.email, "password": shop.cashier.password, "qr": qr,
           "journal": str(path), "when": when}
    (key,) = run_until_killed(DYING_COUNTER, 1, env={"MPS_DYING_COUNTER": json.dumps(cfg)})
    return key


def test_killed_after_the_server_committed_recover_finds_it_succeeded_and_it_moved_once(shop, tmp_path):
    path = tmp_path / "journal.sqlite3"
    key = kill_mid_charge(shop, path, shop.qr(), "after_commit")
    assert shop.balance() == Decimal("80.00")
    with Journal(path) as journal:
        assert journal.get(key).state == "sending"
        sales = sales_for(shop, journal)
        (outcome,) = sales.recover()
        assert (outcome.key, outcome.state) == (key, "done")
        assert outcome.result["paid_amount"] == Decimal("20.00") and outcome.result["tx_id"]
        assert journal.get(key).state == "done" and journal.unfinished() == []
    assert shop.balance() == Decimal("80.00")


def test_killed_before_the_request_left_recover_voids_it_and_a_late_replay_cannot_charge(shop, tmp_path):
    path = tmp_path / "journal.sqlite3"
    qr = shop.qr()
    key = kill_mid_charge(shop, path, qr, "before_request")
    with Journal(path) as journal:
        sales = sales_for(shop, journal)
        assert sales.unsettled()[0].key == key
        with pytest.raises(SaleRefused) as blocked:
            sales.prepare_charge("20", qr)  # the counter will not ring anything over an unsettled sale
        assert blocked.value.reason == "attempt_unsettled"
        (outcome,) = sales.recover()
        assert (outcome.key, outcome.state) == (key, "voided")
        with pytest.raises(ApiError) as late:  # the lost request turns up after all
            sales.api.charge_by_qr(qr, Decimal("20"), key)
        assert late.value.name == "idempotency_conflict"
        assert shop.balance() == Decimal("100.00")
        fresh = sales.run(sales.prepare_charge("20", qr))  # rung up afresh: the code was never spent
        assert fresh.state == "done" and fresh.key != key
    assert shop.balance() == Decimal("80.00")
