"""A shop on the stand-in for the API tests: a merchant, its operators, a member's card with
money on it, and payment codes, all made through the service key as a platform would."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx

from pos_app.core.api import MpsClient, RetryPolicy
from tests.secrets_seen import remember


def service_rpc(gateway, fn: str, params: dict[str, Any]) -> Any:
    """Call an RPC with the service key; the JSON answer (raises on any error)."""
    r = httpx.post(f"{gateway.url}/rest/v1/rpc/{fn}", headers=gateway.service_headers(), json=params, timeout=30)
    assert r.is_success, f"{fn}: {r.status_code} {r.text}"
    return r.json() if r.content else None


@dataclass
class Operator:
    user_id: str
    email: str
    password: str


@dataclass
class Shop:
    gateway: Any
    code: str
    cashier: Operator
    manager: Operator
    card_id: str

    def qr(self, *, single_use: bool = True) -> str:
        """A fresh payment code for the card (replacing the previous one)."""
        rows = service_rpc(self.gateway, "rotate_card_qr", {"p_card_id": self.card_id, "p_ttl_seconds": 300,
                                                             "p_single_use": single_use})
        return remember(rows[0]["qr_plain"])

    def balance(self) -> Decimal:
        """The card's balance, read with the service key."""
        card = service_rpc(self.gateway, "get_card_summary", {"p_card_id": self.card_id})
        return Decimal(str(card["balance"]))

    def top_up(self, amount: str) -> None:
        service_rpc(self.gateway, "recharge_card", {"p_card_id": self.card_id, "p_amount": amount,
                                                     "p_idempotency_key": f"test-{uuid.uuid4()}"})


def new_operator(gateway, code: str, role: str) -> Operator:
    user = gateway.create_user(f"{role}-{uuid.uuid4().hex[:10]}@shop.test")
    service_rpc(gateway, "add_merchant_user", {"p_merchant_code": code, "p_user_id": user["id"], "p_role": role})
    return Operator(user["id"], user["email"], user["password"])


def build_shop(gateway) -> Shop:
    """A fresh merchant with a cashier and a manager, and a member card holding 100.00."""
    code = f"T{uuid.uuid4().hex[:10].upper()}"
    service_rpc(gateway, "create_merchant", {"p_code": code, "p_name": f"Test shop {code}",
                                             "p_settlement_mode": "t_plus_1", "p_timezone": "Asia/Shanghai",
                                             "p_currency": "CNY"})
    member_id = service_rpc(gateway, "create_member_profile", {"p_name": "Test member"})
    card_id = service_rpc(gateway, "list_member_cards", {"p_member_id": member_id})[0]["card_id"]
    s = Shop(gateway, code, new_operator(gateway, code, "cashier"), new_operator(gateway, code, "manager"), card_id)
    s.top_up("100.00")
    return s


def no_sleep_policy(max_retries: int = 3) -> tuple[RetryPolicy, list[float]]:
    """A policy that records its waits instead of sleeping."""
    waits: list[float] = []
    return RetryPolicy(max_retries=max_retries, sleep=waits.append, random=lambda: 0.5), waits


def client_for(shop: Shop, *, transport: httpx.BaseTransport | None = None, **kwargs: Any) -> MpsClient:
    http = httpx.Client(transport=transport, timeout=30) if transport else httpx.Client(timeout=30)
    kwargs.setdefault("retry", no_sleep_policy()[0])
    return MpsClient(http, shop.gateway.url, shop.gateway.anon_key, shop.code, **kwargs)


def signed_in(shop: Shop, who: Operator, **kwargs: Any) -> MpsClient:
    client = client_for(shop, **kwargs)
    client.sign_in(who.email, who.password)
    return client


class FaultyTransport(httpx.BaseTransport):
    """Forwards to the real gateway and records every request, except that each RPC request
    takes the next fault from `script` (auth requests always pass):

    - "pass": forwarded, its answer returned
    - "refuse": not forwarded; connection refused
    - "lose_answer": forwarded (the server acts on it), then the answer times out
    - "drop": forwarded, then the connection drops before the answer
    - "502": not forwarded; a proxy's HTML 502
    - "504_after": forwarded, then a gateway timeout from a proxy
    - "garbage": forwarded, then a 200 whose body is not JSON
    """

    def __init__(self, script: list[str] | None = None) -> None:
        self.inner = httpx.HTTPTransport()
        self.script = list(script or [])
        self.seen: list[tuple[str, str, bytes]] = []

    def rpc_bodies(self, fn: str) -> list[bytes]:
        return [body for _, path, body in self.seen if path == f"/rest/v1/rpc/{fn}"]

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.seen.append((request.method, request.url.path, request.content))
        fault = self.script.pop(0) if self.script and request.url.path.startswith("/rest/") else "pass"
        if fault == "refuse":
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        if fault == "502":
            return httpx.Response(502, html="<html>502 Bad Gateway</html>", request=request)
        response = self.inner.handle_request(request)
        response.read()
        response.close()
        if fault == "pass":
            return response
        if fault == "lose_answer":
            raise httpx.ReadTimeout("timed out", request=request)
        if fault == "drop":
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)
        if fault == "504_after":
            return httpx.Response(504, html="<html>504 Gateway Time-out</html>", request=request)
        if fault == "garbage":
            return httpx.Response(200, text="<html>captive portal</html>", request=request)
        raise AssertionError(f"unknown fault {fault!r}")

    def close(self) -> None:
        self.inner.close()
