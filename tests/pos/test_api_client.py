"""MpsClient against the stand-in: the happy paths, errors as they really arrive, the session's
life (refresh on expiry, sign-out, restore), and money as Decimal both ways."""

from __future__ import annotations

import dataclasses
import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import jwt as pyjwt
import pytest

from pos_app.core.api import ApiError, MpsClient, NotSignedIn
from pos_app.core.session.store import MemorySessionStore

from .api_shop import FaultyTransport, client_for, no_sleep_policy, signed_in


def key() -> str:
    return f"POS1-{uuid.uuid4()}"


def test_session_info_names_the_operators_role_at_the_merchant(shop):
    info = signed_in(shop, shop.cashier).session_info()
    assert (info["merchant_code"], info["role"], info["user_id"]) == (shop.code, "cashier", shop.cashier.user_id)


def test_a_charge_moves_the_money_and_answers_in_decimal(shop):
    client = signed_in(shop, shop.cashier)
    charge = client.charge_by_qr(shop.qr(), Decimal("12.30"), key(), {"lane": 1})
    assert charge["raw_amount"] == Decimal("12.30") and isinstance(charge["paid_amount"], Decimal)
    assert charge["balance_after"] == Decimal("87.70") == shop.balance()
    assert charge["replayed"] is False and isinstance(charge["points_earned"], int)


def test_amounts_go_out_as_strings(shop):
    transport = FaultyTransport()
    client = signed_in(shop, shop.cashier, transport=transport)
    client.charge_by_qr(shop.qr(), Decimal("5.5"), key())
    sent = json.loads(transport.rpc_bodies("merchant_charge_by_qr")[0])
    assert sent["p_raw_amount"] == "5.5" and sent["p_merchant_code"] == shop.code


def test_a_float_amount_is_refused_before_anything_is_sent(shop):
    transport = FaultyTransport()
    client = signed_in(shop, shop.cashier, transport=transport)
    with pytest.raises(TypeError):
        client.charge_by_qr(shop.qr(), 0.1 + 0.2, key())  # type: ignore[arg-type]
    assert transport.rpc_bodies("merchant_charge_by_qr") == []


def test_the_same_key_replays_the_charge_without_moving_money_again(shop):
    client = signed_in(shop, shop.cashier)
    qr, k = shop.qr(), key()
    first = client.charge_by_qr(qr, "10.00", k)
    again = client.charge_by_qr(qr, "10.00", k)
    assert again["replayed"] is True and again["tx_id"] == first["tx_id"]
    assert shop.balance() == Decimal("90.00")


def test_a_business_error_arrives_named_with_status_400_and_is_not_retried(shop):
    transport = FaultyTransport()
    client = signed_in(shop, shop.cashier, transport=transport)
    with pytest.raises(ApiError) as err:
        client.charge_by_qr(shop.qr(), "100.01", key())
    e = err.value
    assert (e.status, e.code, e.name, e.is_business) == (400, "MP002", "insufficient_balance", True)
    assert len(transport.rpc_bodies("merchant_charge_by_qr")) == 1
    assert shop.balance() == Decimal("100.00")


def test_a_cashier_refunding_is_forbidden_with_403(shop):
    cashier = signed_in(shop, shop.cashier)
    charge = cashier.charge_by_qr(shop.qr(), "20.00", key())
    with pytest.raises(ApiError) as err:
        cashier.refund(charge["tx_id"], "5.00", key(), "changed mind")
    assert (err.value.status, err.value.code, err.value.name) == (403, "42501", "forbidden")
    assert err.value.is_forbidden and not err.value.is_business


def test_a_manager_refunds_part_and_sees_what_is_left(shop):
    charge = signed_in(shop, shop.cashier).charge_by_qr(shop.qr(), "20.00", key())
    manager = signed_in(shop, shop.manager)
    refund = manager.refund(charge["tx_id"], Decimal("5.00"), key(), "one item returned")
    assert refund["refund_amount"] == Decimal("5.00") and refund["refundable_remaining"] == Decimal("15.00")
    tx = manager.get_tx(charge["tx_id"])
    assert tx["refundable_remaining"] == Decimal("15.00")
    assert [r["reason"] for r in tx["refunds"]] == ["one item returned"]
    assert shop.balance() == Decimal("85.00")


def test_a_counter_top_up_adds_to_the_card(shop):
    top = signed_in(shop, shop.cashier).recharge_by_qr(shop.qr(), "50", key())
    assert top["amount"] == Decimal("50.00") and shop.balance() == Decimal("150.00")


def test_resolve_attempt_finds_a_charge_or_voids_the_key(shop):
    client = signed_in(shop, shop.cashier)
    done = key()
    charge = client.charge_by_qr(shop.qr(), "7.00", done)
    found = client.resolve_attempt(done)
    assert found["outcome"] == "succeeded" and found["result"]["tx_id"] == charge["tx_id"]
    assert found["result"]["paid_amount"] == Decimal("7.00")
    never_sent = key()
    assert client.resolve_attempt(never_sent)["outcome"] == "voided"
    with pytest.raises(ApiError) as err:
        client.charge_by_qr(shop.qr(), "7.00", never_sent)
    assert err.value.name == "idempotency_conflict"


def test_list_transactions_pages_newest_first(shop):
    client = signed_in(shop, shop.cashier)
    ids = [client.charge_by_qr(shop.qr(), amount, key())["tx_id"] for amount in ("1.00", "2.00", "3.00")]
    first = client.list_transactions(limit=2)
    rest = client.list_transactions(limit=2, before=(first[-1]["created_at"], first[-1]["tx_id"]))
    assert [r["tx_id"] for r in first + rest] == ids[::-1]
    assert [r["amount"] for r in first + rest] == [Decimal("3.00"), Decimal("2.00"), Decimal("1.00")]


def test_list_transactions_filters_by_time_range(shop):
    client = signed_in(shop, shop.cashier)
    client.charge_by_qr(shop.qr(), "1.00", key())
    future = datetime.now(UTC) + timedelta(hours=1)
    assert client.list_transactions(since=future) == []
    assert len(client.list_transactions(until=future, kind="payment")) == 1


def test_daily_summary_totals_are_decimal_even_when_zero(shop):
    manager = signed_in(shop, shop.manager)
    info = manager.session_info()
    empty = manager.daily_summary()
    assert empty["totals"]["payments_paid"] == Decimal("0") and isinstance(empty["totals"]["payments_paid"], Decimal)
    signed_in(shop, shop.cashier).charge_by_qr(shop.qr(), "12.34", key())
    day = manager.daily_summary(datetime.fromisoformat(info["business_day"]).date())
    assert day["totals"]["payments_paid"] == Decimal("12.34") and len(day["by_hour"]) == 24


def test_a_manager_generates_and_lists_a_settlement(shop):
    manager = signed_in(shop, shop.manager)
    end = datetime.now(UTC) - timedelta(days=1)
    made = manager.generate_settlement(end - timedelta(days=1), end)
    assert made["net_amount"] == Decimal("0") and made["replayed"] is False
    assert manager.generate_settlement(end - timedelta(days=1), end)["replayed"] is True
    assert [s["settlement_id"] for s in manager.list_settlements()] == [made["settlement_id"]]


def test_without_a_session_nothing_is_sent(shop):
    transport = FaultyTransport()
    client = client_for(shop, transport=transport)
    with pytest.raises(NotSignedIn):
        client.session_info()
    assert transport.seen == []


def expired_copy(token: str, secret: str) -> str:
    claims = pyjwt.decode(token, options={"verify_signature": False})
    claims["exp"] = int(time.time()) - 120
    return pyjwt.encode(claims, secret, algorithm="HS256")


def test_an_expired_access_token_is_refreshed_and_the_call_retried_once(shop):
    transport = FaultyTransport()
    client = signed_in(shop, shop.cashier, transport=transport)
    fresh = client.session
    # The server thinks the token expired while this counter's clock does not: the 401 path.
    client._adopt(dataclasses.replace(fresh, access_token=expired_copy(fresh.access_token, shop.gateway.jwt_secret)))
    transport.seen.clear()
    assert client.session_info()["role"] == "cashier"
    assert [path for _, path, _ in transport.seen] == [
        "/rest/v1/rpc/merchant_session_info", "/auth/v1/token", "/rest/v1/rpc/merchant_session_info"]
    assert client.session.refresh_token != fresh.refresh_token


def test_a_token_about_to_expire_is_refreshed_before_the_call(shop):
    transport = FaultyTransport()
    later = {"now": time.time()}
    client = signed_in(shop, shop.cashier, transport=transport, clock=lambda: later["now"])
    later["now"] += 3600 - 30  # within the refresh margin
    transport.seen.clear()
    client.session_info()
    assert [path for _, path, _ in transport.seen] == ["/auth/v1/token", "/rest/v1/rpc/merchant_session_info"]


def test_a_token_refused_again_after_refresh_is_not_retried_forever():
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if request.url.path == "/auth/v1/token":
            return httpx.Response(200, json={"access_token": "new", "refresh_token": "r2", "expires_in": 3600,
                                             "token_type": "bearer", "user": {"id": "u", "email": None}})
        return httpx.Response(401, json={"code": "PGRST303", "message": "JWT expired", "details": None, "hint": None})

    client = MpsClient(httpx.Client(transport=httpx.MockTransport(handler)), "http://gw.test", "anon", "SHOP1",
                       retry=no_sleep_policy()[0])
    client._adopt(_session("old", "r1"))
    with pytest.raises(ApiError) as err:
        client.session_info()
    assert err.value.is_jwt_rejected
    assert calls == ["/rest/v1/rpc/merchant_session_info", "/auth/v1/token", "/rest/v1/rpc/merchant_session_info"]


def _session(access: str, refresh: str):
    from pos_app.core.api import Session
    return Session(access, refresh, expires_at=time.time() + 3600, user_id="u", email=None)


def test_a_refused_refresh_signs_the_counter_out(shop):
    store = MemorySessionStore()
    client = signed_in(shop, shop.cashier, session_store=store)
    session = client.session
    client.auth.sign_out(session.access_token)  # e.g. signed out from another tool
    client._adopt(dataclasses.replace(session,
                                      access_token=expired_copy(session.access_token, shop.gateway.jwt_secret)))
    with pytest.raises(NotSignedIn):
        client.session_info()
    assert client.session is None and store.load() is None


def test_sign_out_forgets_the_session_here_and_on_the_server(shop):
    store = MemorySessionStore()
    client = signed_in(shop, shop.cashier, session_store=store)
    refresh_token = client.session.refresh_token
    client.sign_out()
    assert client.session is None and store.load() is None
    with pytest.raises(NotSignedIn):
        client.session_info()
    from pos_app.core.api import AuthError
    with pytest.raises(AuthError):
        client.auth.refresh(refresh_token)


def test_a_kept_session_is_restored_by_a_new_start(shop):
    store = MemorySessionStore()
    signed_in(shop, shop.cashier, session_store=store)
    restarted = client_for(shop, session_store=store)
    restored = restarted.restore_session()
    assert restored is not None and restored.user_id == shop.cashier.user_id
    assert store.load().refresh_token == restored.refresh_token
    assert restarted.session_info()["role"] == "cashier"


def test_a_kept_session_the_server_forgot_is_dropped(shop):
    store = MemorySessionStore()
    first = signed_in(shop, shop.cashier, session_store=store)
    first.auth.sign_out(first.session.access_token)
    assert client_for(shop, session_store=store).restore_session() is None
    assert store.load() is None


def test_the_password_is_never_kept(shop):
    store = MemorySessionStore()
    signed_in(shop, shop.cashier, session_store=store)
    assert shop.cashier.password not in repr(store.load()) + str(vars(store.load()))


def test_calls_from_several_threads_share_one_refresh(shop):
    from concurrent.futures import ThreadPoolExecutor

    transport = FaultyTransport()
    later = {"now": time.time()}
    client = signed_in(shop, shop.cashier, transport=transport, clock=lambda: later["now"])
    later["now"] += 3600 - 30
    transport.seen.clear()
    with ThreadPoolExecutor(4) as pool:
        roles = list(pool.map(lambda _: client.session_info()["role"], range(4)))
    assert roles == ["cashier"] * 4
    assert [path for _, path, _ in transport.seen].count("/auth/v1/token") == 1
