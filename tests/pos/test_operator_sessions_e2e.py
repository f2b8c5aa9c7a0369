"""Two operators on one counter's client, against the stand-in: each keeps their own session;
a switch adopts the chosen one's (always refreshed), so a charge after it is theirs on the
server; a session ended elsewhere or an operator taken off the shop needs the password, and
the calls go on under the operator before."""

from __future__ import annotations

import uuid
from decimal import Decimal

import httpx
import psycopg
import pytest

from pos_app.core.api.errors import ApiError, NotSignedIn
from pos_app.core.session import signin
from pos_app.core.session.store import MemorySessionStore

from .api_shop import client_for, service_rpc


def _operator_of(shop, tx_id: str) -> str:
    with psycopg.connect(shop.gateway.dsn) as conn:
        return str(conn.execute("select operator_user_id from app.transactions where id = %s", (tx_id,)).fetchone()[0])


def _charge(client, shop, amount: str) -> str:
    return str(client.charge_by_qr(shop.qr(), Decimal(amount), f"test-{uuid.uuid4()}")["tx_id"])


@pytest.fixture
def both(shop):
    store = MemorySessionStore()
    client = client_for(shop, session_store=store)
    signin.sign_in(client, shop.cashier.email, shop.cashier.password)
    signin.sign_in(client, shop.manager.email, shop.manager.password)
    return client, store


def test_each_operator_keeps_a_session_and_a_switch_charges_as_the_chosen_one(shop, both):
    client, store = both
    assert {s.user_id for s in store.known()} == {shop.cashier.user_id, shop.manager.user_id}
    assert _operator_of(shop, _charge(client, shop, "1.00")) == shop.manager.user_id
    op = signin.switch(client, shop.cashier.user_id)
    assert (op.user_id, op.role) == (shop.cashier.user_id, "cashier")
    assert _operator_of(shop, _charge(client, shop, "2.00")) == shop.cashier.user_id
    assert signin.switch(client, shop.manager.user_id).role == "manager"
    assert _operator_of(shop, _charge(client, shop, "3.00")) == shop.manager.user_id
    assert shop.balance() == Decimal("94.00")


def test_signing_out_ends_only_the_current_operators_session(shop, both):
    client, store = both
    client.sign_out()  # the manager leaves
    assert [s.user_id for s in store.known()] == [shop.cashier.user_id]
    assert signin.switch(client, shop.cashier.user_id).role == "cashier"
    with pytest.raises(signin.SignInFailed) as caught:
        signin.switch(client, shop.manager.user_id)
    assert caught.value.problem == "switch_needs_password"


def test_a_session_ended_elsewhere_needs_the_password_and_the_calls_stay_the_current_operators(shop, both):
    client, store = both
    with psycopg.connect(shop.gateway.dsn, autocommit=True) as conn:
        conn.execute("delete from auth.sessions where user_id = %s", (shop.cashier.user_id,))
    with pytest.raises(signin.SignInFailed) as caught:
        signin.switch(client, shop.cashier.user_id)
    assert caught.value.problem == "switch_needs_password"
    assert store.load(shop.cashier.user_id) is None  # forgotten here
    assert client.session.user_id == shop.manager.user_id
    assert _operator_of(shop, _charge(client, shop, "1.00")) == shop.manager.user_id


def test_an_operator_taken_off_the_shop_is_forgotten_and_needs_the_password(shop, both):
    client, store = both
    service_rpc(shop.gateway, "remove_merchant_user", {"p_merchant_code": shop.code,
                                                        "p_user_id": shop.cashier.user_id})
    with pytest.raises(signin.SignInFailed) as caught:
        signin.switch(client, shop.cashier.user_id)
    assert caught.value.problem == "switch_needs_password"
    assert store.load(shop.cashier.user_id) is None
    assert client.session.user_id == shop.manager.user_id  # back to who was at the counter
    assert signin.switch(client, shop.manager.user_id).role == "manager"


def test_switching_to_an_operator_never_signed_in_here_is_refused_without_a_call(shop):
    client = client_for(shop, session_store=MemorySessionStore())
    with pytest.raises(NotSignedIn):
        client.switch_to(str(uuid.uuid4()))


def test_a_call_on_its_way_is_counted_until_answered_so_no_switch_happens_under_it(shop):
    seen: list[int] = []
    inner = httpx.HTTPTransport()

    class Watching(httpx.BaseTransport):
        def handle_request(self, request):
            if request.url.path.startswith("/rest/"):
                seen.append(client.calls_in_flight)
            return inner.handle_request(request)

    client = client_for(shop, session_store=MemorySessionStore(), transport=Watching())
    signin.sign_in(client, shop.cashier.email, shop.cashier.password)
    assert seen == [1] and client.calls_in_flight == 0  # merchant_session_info, then answered
    with pytest.raises(ApiError):  # refused: the count comes back all the same
        client.rpc("merchant_get_tx", {"p_merchant_code": shop.code, "p_tx_id": str(uuid.uuid4())})
    assert client.calls_in_flight == 0
