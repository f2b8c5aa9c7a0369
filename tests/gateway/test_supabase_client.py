"""The official `supabase` Python client, unchanged, against the stand-in: the judge of fidelity."""

from __future__ import annotations

import time
import uuid

import httpx
import pytest
from postgrest.exceptions import APIError
from supabase_auth.errors import AuthApiError

from mps_dev.gateway import jwt

from .conftest import make_client


@pytest.fixture
def admin(gw):
    return make_client(gw, gw.service_key)


@pytest.fixture
def operator(gw, admin):
    """A confirmed user created through supabase.auth.admin.create_user, as a platform would."""
    email = f"op-{uuid.uuid4().hex[:10]}@example.test"
    created = admin.auth.admin.create_user({"email": email, "password": "op-secret-1", "email_confirm": True})
    assert created.user.email == email and created.user.email_confirmed_at is not None
    return {"id": created.user.id, "email": email, "password": "op-secret-1"}


@pytest.fixture
def signed_in(gw, operator):
    client = make_client(gw)
    res = client.auth.sign_in_with_password({"email": operator["email"], "password": operator["password"]})
    assert res.session is not None, "the client silently found no session in the answer"
    return client


def test_sign_in_gives_a_session_with_the_user(signed_in, operator):
    session = signed_in.auth.get_session()
    assert session.user.id == operator["id"] and session.token_type == "bearer" and session.expires_in == 3600


def test_refresh_session_rotates(signed_in):
    before = signed_in.auth.get_session()
    after = signed_in.auth.refresh_session()
    assert after.session.refresh_token != before.refresh_token
    assert after.user.id == before.user.id


def test_sign_out_then_user_is_403_session_not_found(gw, signed_in):
    old_token = signed_in.auth.get_session().access_token
    signed_in.auth.sign_out()
    assert signed_in.auth.get_session() is None
    r = httpx.get(f"{gw.url}/auth/v1/user", headers={"apikey": gw.anon_key, "Authorization": f"Bearer {old_token}"})
    assert r.status_code == 403 and r.json()["error_code"] == "session_not_found"
    with pytest.raises(AuthApiError) as err:
        signed_in.auth.get_user(old_token)
    assert err.value.code == "session_not_found" and err.value.status == 403


def test_wrong_password_is_auth_api_error_with_code(gw, operator):
    client = make_client(gw)
    with pytest.raises(AuthApiError) as err:
        client.auth.sign_in_with_password({"email": operator["email"], "password": "nope-nope"})
    assert err.value.code == "invalid_credentials" and err.value.status == 400


def test_admin_create_user_needs_service_role(gw):
    with pytest.raises(AuthApiError) as err:
        make_client(gw).auth.admin.create_user({"email": "x@example.test", "password": "secret-123"})
    assert err.value.code == "not_admin" and err.value.status == 403


def test_rpc_scalar(gw):
    assert make_client(gw).rpc("t_add", {"a": 2, "b": 3}).execute().data == 5


def test_rpc_object(gw):
    assert make_client(gw).rpc("t_object", {}).execute().data == {"amount": 12.5, "nested": {"ok": True}, "none": None}


def test_rpc_set(gw):
    assert make_client(gw).rpc("t_rows", {"n": 2}).execute().data == [{"i": 1, "amount": 1.25}, {"i": 2, "amount": 2.5}]


def test_rpc_void(gw, db):
    res = make_client(gw).rpc("t_note", {"p_note": "client-void"}).execute()
    assert res.data == []  # postgrest-py's reading of a 204
    assert db.execute("select count(*) from gwtest.notes where note = 'client-void'").fetchone()[0] == 1


def test_rpc_get_is_read_only(gw):
    assert make_client(gw).rpc("t_whoami", {}, get=True).execute().data["read_only"] == "on"


def test_rpc_as_signed_in_user_carries_the_users_token(signed_in, operator):
    assert signed_in.rpc("t_whoami", {}).execute().data["uid"] == operator["id"]


def test_business_error_is_api_error_with_contract_code_and_name(gw):
    with pytest.raises(APIError) as err:
        make_client(gw).rpc("t_fail_business", {}).execute()
    assert err.value.code == "MP002" and err.value.message.startswith("insufficient_balance: ")
    assert err.value.details == "card 42" and err.value.hint == "top up first"


def test_shipped_rpc_error_arrives_as_api_error(admin):
    with pytest.raises(APIError) as err:
        admin.rpc("create_merchant", {"p_code": "bad code!", "p_name": "X"}).execute()
    assert err.value.code == "MP013" and err.value.message.startswith("invalid_argument: ")


def test_shipped_rpc_refuses_anon_with_42501(gw):
    with pytest.raises(APIError) as err:
        make_client(gw).rpc("create_merchant", {"p_code": "ANON01", "p_name": "X"}).execute()
    assert err.value.code == "42501"


def test_unknown_function_is_pgrst202(gw):
    with pytest.raises(APIError) as err:
        make_client(gw).rpc("no_such_function", {"x": 1}).execute()
    assert err.value.code == "PGRST202"


def test_expired_token_is_401_pgrst303_then_refresh_succeeds(gw, signed_in, operator):
    session = signed_in.auth.get_session()
    claims = jwt.verify_for_gotrue(session.access_token, gw.jwt_secret)
    now = int(time.time())
    expired = jwt.sign({**claims, "iat": now - 3700, "exp": now - 100}, gw.jwt_secret)
    signed_in.postgrest.auth(expired)
    with pytest.raises(APIError) as err:
        signed_in.rpc("t_whoami", {}).execute()
    assert err.value.code == "PGRST303" and err.value.message == "JWT expired"
    refreshed = signed_in.auth.refresh_session(session.refresh_token)
    assert refreshed.session is not None
    assert signed_in.rpc("t_whoami", {}).execute().data["uid"] == operator["id"]
