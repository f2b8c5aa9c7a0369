"""The proxy's faults reach the client as the errors a real network gives: each fault is
checked through `transport.send` (the client's one place that types failures) against the
gateway, and the server-side effect (forwarded or not) is checked through a charge."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlsplit

import httpx
import pytest

from pos_app.core.api import ApiError, MpsClient, RetryPolicy
from pos_app.core.api.errors import OutcomeUnknown, Unreachable
from pos_app.core.api.transport import send

from .proxy import FaultProxy, Plan


def upstream(gateway) -> tuple[str, int]:
    parts = urlsplit(gateway.url)
    return parts.hostname, parts.port


@pytest.fixture
def proxy(gateway):
    p = FaultProxy(upstream(gateway))
    yield p
    p.close()


def health(proxy: FaultProxy, gateway, read_timeout: float = 5.0):
    with httpx.Client(timeout=httpx.Timeout(5.0, read=read_timeout)) as http:
        return send(http, http.build_request("GET", f"{proxy.url}/auth/v1/health",
                                             headers={"apikey": gateway.anon_key}))


def test_pass_delivers_the_gateways_answer(proxy, gateway):
    assert health(proxy, gateway).status_code == 200
    assert [(e.path, p.fault) for e, p in proxy.log] == [("/auth/v1/health", "pass")]


@pytest.mark.parametrize("fault", ["drop_request", "drop_response", "cut", "late"])
def test_a_lost_exchange_is_an_unknown_outcome(proxy, gateway, fault):
    proxy.decide = lambda _e: Plan(fault)
    with pytest.raises(OutcomeUnknown):
        health(proxy, gateway, read_timeout=0.3)


@pytest.mark.parametrize("fault,status", [("bad_gateway", 502), ("gateway_timeout", 504)])
def test_a_load_balancers_error_page_is_an_unknown_outcome(proxy, shop, fault, status):
    client = charge_through(proxy, shop)
    proxy.decide = lambda _e: Plan(fault)
    with pytest.raises(OutcomeUnknown) as caught:
        client.charge_by_qr(shop.qr(), Decimal("5"), f"proxy-{fault}")
    assert caught.value.status == status


def test_a_refusing_port_is_unreachable_and_heals(proxy, gateway):
    proxy.decide = lambda _e: Plan("pass", refuse_for=30.0)
    assert health(proxy, gateway).status_code == 200  # the exchange itself passes, then the port closes
    with pytest.raises(Unreachable):
        health(proxy, gateway)
    proxy.heal()
    assert health(proxy, gateway).status_code == 200


def charge_through(proxy: FaultProxy, shop) -> MpsClient:
    client = MpsClient(httpx.Client(timeout=httpx.Timeout(5.0, read=0.5)), proxy.url,
                       shop.gateway.anon_key, shop.code, retry=RetryPolicy(max_retries=0))
    client.sign_in(shop.cashier.email, shop.cashier.password)
    return client


def test_faults_before_forwarding_move_nothing_and_faults_after_it_moved_the_money(proxy, shop):
    client = charge_through(proxy, shop)
    for fault, moved in (("drop_request", Decimal("0")), ("drop_response", Decimal("5.00")),
                         ("bad_gateway", Decimal("0")), ("gateway_timeout", Decimal("5.00"))):
        proxy.decide = lambda _e, f=fault: Plan(f)
        before = shop.balance()
        with pytest.raises(OutcomeUnknown):
            client.charge_by_qr(shop.qr(), Decimal("5"), f"proxy-{fault}")
        assert before - shop.balance() == moved, fault


def test_a_held_request_released_after_a_void_cannot_move_money(proxy, shop):
    client = charge_through(proxy, shop)
    proxy.decide = lambda e: Plan("hold_request" if e.path.endswith("merchant_charge_by_qr") else "pass")
    qr = shop.qr()
    with pytest.raises(OutcomeUnknown):  # the client's read timeout fires while it is held
        client.charge_by_qr(qr, Decimal("5"), "proxy-held")
    (held,) = proxy.held
    assert held.reached.is_set()
    assert client.resolve_attempt("proxy-held")["outcome"] == "voided"
    held.release(forward=True)
    assert held.done.wait(30)
    # The late request reached the server and was refused: idempotency_conflict (MP006).
    assert held.answer.startswith(b"HTTP/1.1 400") and b'"MP006"' in held.answer, held.answer
    assert shop.balance() == Decimal("100.00")
    proxy.decide = lambda _e: Plan()
    with pytest.raises(ApiError) as late:
        client.charge_by_qr(qr, Decimal("5"), "proxy-held")
    assert late.value.name == "idempotency_conflict"
