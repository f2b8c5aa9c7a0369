"""Faults on the wire: what is retried (with the same body), what becomes OutcomeUnknown or
Unreachable, and that a charge retried over a flaky link moves the money exactly once."""

from __future__ import annotations

import json
import socket
import uuid
from decimal import Decimal

import httpx
import pytest

from pos_app.core.api import ApiError, MpsClient, OutcomeUnknown, Session, Unreachable

from .api_shop import FaultyTransport, no_sleep_policy, signed_in

PAID = {"tx_id": "t1", "paid_amount": 9.5, "balance_after": "90.50", "replayed": False}


def key() -> str:
    return f"POS1-{uuid.uuid4()}"


def mock_client(handler, max_retries: int = 3) -> tuple[MpsClient, list[float]]:
    policy, waits = no_sleep_policy(max_retries)
    client = MpsClient(httpx.Client(transport=httpx.MockTransport(handler)), "http://gw.test", "anon", "SHOP1",
                       retry=policy)
    client._adopt(Session("access", "refresh", expires_at=10**12, user_id="u", email=None))
    return client, waits


def scripted(*answers):
    """A handler that plays `answers` in turn (an exception class is raised); records bodies."""
    bodies: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(request.read())
        answer = answers[min(len(bodies), len(answers)) - 1]
        if isinstance(answer, type) and issubclass(answer, Exception):
            raise answer("injected", request=request)
        return answer

    return handler, bodies


@pytest.mark.parametrize("fault", [httpx.ReadTimeout, httpx.WriteTimeout, httpx.RemoteProtocolError, httpx.ReadError])
def test_a_lost_answer_is_retried_with_the_same_body_then_unknown(fault):
    handler, bodies = scripted(fault)
    client, waits = mock_client(handler, max_retries=3)
    with pytest.raises(OutcomeUnknown) as err:
        client.charge_by_qr("MPSQR1.aa.bb", Decimal("9.50"), "sale-1")
    assert len(bodies) == 4 and len(set(bodies)) == 1
    assert json.loads(bodies[0])["p_idempotency_key"] == "sale-1"
    assert waits == [0.5, 0.75, 1.5]  # jitter at its middle
    assert isinstance(err.value.__cause__, fault)
    assert "MPSQR1" not in repr(err.value) + str(err.value)


@pytest.mark.parametrize("status", [500, 502, 503, 504, 520])
def test_server_errors_are_retried_and_the_call_can_still_succeed(status):
    handler, bodies = scripted(httpx.Response(status, text="upstream trouble"), httpx.Response(200, json=PAID))
    client, _ = mock_client(handler)
    paid = client.charge_by_qr("MPSQR1.aa.bb", "9.50", "sale-1")
    assert paid["paid_amount"] == Decimal("9.5") and paid["balance_after"] == "90.50"
    assert len(bodies) == 2 and bodies[0] == bodies[1]


def test_a_body_that_is_not_json_is_retried_then_unknown():
    handler, bodies = scripted(httpx.Response(200, text="<html>captive portal</html>"))
    client, _ = mock_client(handler, max_retries=2)
    with pytest.raises(OutcomeUnknown):
        client.charge_by_qr("MPSQR1.aa.bb", "9.50", "sale-1")
    assert len(bodies) == 3


def test_retry_after_of_a_busy_server_is_waited():
    handler, _ = scripted(httpx.Response(503, json={"code": "PGRST003", "message": "pool timeout", "details": None,
                                                    "hint": None}, headers={"Retry-After": "3"}),
                          httpx.Response(200, json=PAID))
    client, waits = mock_client(handler)
    client.charge_by_qr("MPSQR1.aa.bb", "9.50", "sale-1")
    assert waits == [3.0]


def test_a_business_error_is_never_retried():
    handler, bodies = scripted(httpx.Response(400, json={"code": "MP004", "message": "qr_expired: too late",
                                                         "details": None, "hint": None}))
    client, waits = mock_client(handler)
    with pytest.raises(ApiError) as err:
        client.charge_by_qr("MPSQR1.aa.bb", "9.50", "sale-1")
    assert err.value.name == "qr_expired" and len(bodies) == 1 and waits == []


def test_a_plain_rpc_that_is_not_idempotent_is_sent_once():
    handler, bodies = scripted(httpx.ReadTimeout)
    client, _ = mock_client(handler)
    with pytest.raises(OutcomeUnknown):
        client.rpc("something_else", {"a": 1})
    assert len(bodies) == 1


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again on exit: nothing listens there


def test_connection_refused_is_unreachable_after_retries():
    policy, waits = no_sleep_policy(2)
    client = MpsClient(httpx.Client(timeout=5), f"http://127.0.0.1:{closed_port()}", "anon", "SHOP1", retry=policy)
    client._adopt(Session("access", "refresh", expires_at=10**12, user_id="u", email=None))
    with pytest.raises(Unreachable) as err:
        client.session_info()
    assert len(waits) == 2 and isinstance(err.value.__cause__, httpx.ConnectError)


# -- in front of the real gateway ---------------------------------------------------------


def payments(client) -> list[dict]:
    return client.list_transactions(kind="payment")


def test_a_charge_retried_over_a_flaky_link_moves_the_money_once(shop):
    transport = FaultyTransport()
    client = signed_in(shop, shop.cashier, transport=transport)
    # Applied but answer lost; a proxy's 502; applied-again-as-replay but connection dropped;
    # then an answer gets through.
    transport.script = ["lose_answer", "502", "drop", "pass"]
    charge = client.charge_by_qr(shop.qr(), "25.00", key())
    assert charge["replayed"] is True  # the first attempt was the one that charged
    assert shop.balance() == Decimal("75.00")
    bodies = transport.rpc_bodies("merchant_charge_by_qr")
    assert len(bodies) == 4 and len(set(bodies)) == 1
    assert [p["tx_id"] for p in payments(client)] == [charge["tx_id"]]


def test_a_charge_whose_answers_are_all_lost_is_unknown_then_resolved_as_done(shop):
    transport = FaultyTransport()
    client = signed_in(shop, shop.cashier, transport=transport)
    transport.script = ["lose_answer", "504_after", "garbage", "drop"]
    k = key()
    with pytest.raises(OutcomeUnknown):
        client.charge_by_qr(shop.qr(), "25.00", k)
    resolved = client.resolve_attempt(k)
    assert resolved["outcome"] == "succeeded" and resolved["result"]["paid_amount"] == Decimal("25.00")
    assert shop.balance() == Decimal("75.00") and len(payments(client)) == 1


def test_a_charge_that_never_left_is_unreachable_and_moves_nothing(shop):
    transport = FaultyTransport()
    client = signed_in(shop, shop.cashier, transport=transport)
    transport.script = ["refuse"] * 4
    k = key()
    with pytest.raises(Unreachable):
        client.charge_by_qr(shop.qr(), "25.00", k)
    assert shop.balance() == Decimal("100.00")
    assert client.resolve_attempt(k)["outcome"] == "voided"
