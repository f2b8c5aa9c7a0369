"""The handbook's first page: any 5xx, timeout or lost connection of a money RPC is an unknown
outcome settled by key, with a supabase-py example that does it right (run here for real)."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

import httpx
import pytest
from postgrest.exceptions import APIError
from supabase import ClientOptions, create_client

from ..secrets_seen import remember
from .test_docs import HANDBOOK

TITLE = '## First: an error is not "not charged"'

# Money RPCs, from the catalog: every public function that takes an idempotency key.
MONEY_SQL = """
select distinct p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace
where n.nspname = 'public' and 'p_idempotency_key' = any(p.proargnames)
"""


def first_page() -> str:
    text = HANDBOOK.read_text()
    assert TITLE in text, f"the handbook has no section {TITLE!r}"
    start = text.index(TITLE)
    assert start < text.index("## Contents"), "the unknown-outcome section must come first"
    end = text.index("\n## ", start + len(TITLE))
    return text[start:end]


def example() -> str:
    blocks = re.findall(r"```python\n(.*?)```", first_page(), re.S)
    assert len(blocks) == 1, "one Python example in the first section"
    return blocks[0]


def test_the_first_page_names_every_money_rpc_and_says_what_an_unknown_outcome_is(db):
    with db.superuser():
        money = {r["proname"] for r in db.q(MONEY_SQL)}
    assert {"merchant_charge_by_qr", "merchant_refund_tx", "merchant_recharge_by_qr",
            "recharge_card", "merchant_resolve_attempt"} <= money
    page = first_page()
    missing = sorted(f for f in money if f"`{f}`" not in page)
    assert not missing, f"money RPCs the handbook's first section does not name: {missing}"
    for must in ("5xx", "timeout", "connection", "unknown outcome", "same key", "merchant_resolve_attempt"):
        assert must in page, must


@pytest.fixture
def counter(gateway):
    """A merchant, a signed-in cashier's supabase-py client and a card with a live code."""
    service = create_client(gateway.url, gateway.service_key,
                            ClientOptions(auto_refresh_token=False, persist_session=False))
    code = f"HB{uuid.uuid4().hex[:8].upper()}"
    service.rpc("create_merchant", {"p_code": code, "p_name": "Handbook shop"}).execute()
    user = gateway.create_user()
    service.rpc("add_merchant_user", {"p_merchant_code": code, "p_user_id": user["id"],
                                      "p_role": "cashier"}).execute()
    pos = create_client(gateway.url, gateway.anon_key,
                        ClientOptions(auto_refresh_token=False, persist_session=False))
    pos.auth.sign_in_with_password({"email": user["email"], "password": user["password"]})
    member = service.rpc("create_member_profile", {"p_name": "Hana"}).execute().data
    card = service.rpc("list_member_cards", {"p_member_id": member}).execute().data[0]["card_id"]
    service.rpc("recharge_card", {"p_card_id": card, "p_amount": "100.00",
                                  "p_idempotency_key": f"seed-{uuid.uuid4()}"}).execute()
    qr = remember(service.rpc("rotate_card_qr", {"p_card_id": card, "p_single_use": False,
                                                 "p_ttl_seconds": 600}).execute().data[0]["qr_plain"])
    return code, pos, service, card, qr


def balance(service, card) -> Decimal:
    return Decimal(str(service.rpc("get_card_summary", {"p_card_id": card}).execute().data["balance"]))


def test_the_example_charges_once_refuses_cleanly_and_settles_a_lost_answer(counter, gateway):
    code, pos, service, card, qr = counter
    ns: dict = {}
    exec(compile(example(), "handbook-example", "exec"), ns)  # noqa: S102 - the handbook's own code

    receipt = ns["charge"](pos, code, qr, "30.00")
    assert Decimal(str(receipt["paid_amount"])) == Decimal("30.00")
    assert balance(service, card) == Decimal("70.00")

    with pytest.raises(APIError) as refused:  # a business error is a refusal, raised at once
        ns["charge"](pos, code, qr, "1000.00")
    assert refused.value.code == "MP002"

    # The same key after a lost answer: the retry replays, no second charge.
    key = f"sale-{uuid.uuid4()}"
    params = {"p_merchant_code": code, "p_qr_plain": qr, "p_raw_amount": "10.00", "p_idempotency_key": key}
    first = ns["call_money"](pos, "merchant_charge_by_qr", params)
    again = ns["call_money"](pos, "merchant_charge_by_qr", params)
    assert again["replayed"] is True and again["tx_id"] == first["tx_id"]
    assert balance(service, card) == Decimal("60.00")

    # Nothing answers (the connection is refused): an unknown outcome, never "not charged".
    dead = create_client(f"http://127.0.0.1:{_closed_port()}", gateway.anon_key,
                         ClientOptions(auto_refresh_token=False, persist_session=False))
    dead.postgrest.auth(pos.auth.get_session().access_token)
    with pytest.raises(ns["OutcomeUnknown"]):
        ns["call_money"](dead, "merchant_charge_by_qr", {**params, "p_idempotency_key": "lost"}, tries=2)
    assert ns["charge"](dead, code, qr, "5.00")["outcome"] == "pending"
    # Settled through the live server: never reached it, so voided; the late request cannot charge.
    got = ns["call_money"](pos, "merchant_resolve_attempt", {"p_merchant_code": code, "p_idempotency_key": "lost"})
    assert got["outcome"] == "voided"
    with pytest.raises(APIError) as late:
        ns["call_money"](pos, "merchant_charge_by_qr", {**params, "p_idempotency_key": "lost"})
    assert late.value.code == "MP006"
    assert balance(service, card) == Decimal("60.00")


def _closed_port() -> int:
    from mps_dev.cluster import free_port

    port = free_port()  # bound and released: nothing listens there
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
    return port
