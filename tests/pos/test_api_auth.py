"""Supabase Auth as the POS uses it, against the stand-in (and a mock for the older body)."""

from __future__ import annotations

import json

import httpx
import pytest

from pos_app.core.api.auth import API_VERSION, AuthClient, Session
from pos_app.core.api.errors import AuthError, OutcomeUnknown


@pytest.fixture
def auth(gateway):
    with httpx.Client(timeout=30) as http:
        yield AuthClient(http, gateway.url, gateway.anon_key)


@pytest.fixture
def operator(gateway):
    return gateway.create_user()


def test_sign_in_gives_a_session_for_the_user(auth, operator):
    session = auth.sign_in(operator["email"], operator["password"])
    assert session.user_id == operator["id"] and session.email == operator["email"]
    assert session.access_token and session.refresh_token and session.expires_at > 0


def test_the_session_repr_hides_its_tokens(auth, operator):
    session = auth.sign_in(operator["email"], operator["password"])
    text = repr(session) + str(session)
    assert session.access_token not in text and session.refresh_token not in text
    assert operator["id"] in text


def test_wrong_password_is_invalid_credentials_and_names_no_password(auth, operator):
    with pytest.raises(AuthError) as err:
        auth.sign_in(operator["email"], "not-the-password")
    assert (err.value.status, err.value.code) == (400, "invalid_credentials")
    assert "not-the-password" not in repr(err.value) + str(err.value)


def test_the_older_error_body_is_read_too():
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["X-Supabase-Api-Version"] == API_VERSION
        return httpx.Response(400, json={"code": 400, "error_code": "invalid_credentials",
                                         "msg": "Invalid login credentials"})

    with httpx.Client(transport=httpx.MockTransport(handler)) as http, pytest.raises(AuthError) as err:
        AuthClient(http, "http://gw.test", "anon").sign_in("a@b.test", "pw")
    assert (err.value.code, err.value.message) == ("invalid_credentials", "Invalid login credentials")


def test_an_answer_without_a_session_is_not_taken_for_a_sign_in():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"user": None})

    with httpx.Client(transport=httpx.MockTransport(handler)) as http, pytest.raises(OutcomeUnknown):
        AuthClient(http, "http://gw.test", "anon").sign_in("a@b.test", "pw")


def test_expiry_is_counted_on_the_counters_clock():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"access_token": "a", "refresh_token": "r", "expires_in": 3600,
                                         "expires_at": 5, "token_type": "bearer", "user": {"id": "u"}})

    with httpx.Client(transport=httpx.MockTransport(handler)) as http:
        session = AuthClient(http, "http://gw.test", "anon", clock=lambda: 1000.0).sign_in("a@b.test", "pw")
    assert session.expires_at == 4600.0


def test_refresh_rotates_the_refresh_token(auth, operator):
    first = auth.sign_in(operator["email"], operator["password"])
    second = auth.refresh(first.refresh_token)
    assert second.refresh_token != first.refresh_token and second.user_id == first.user_id


def test_a_refresh_token_the_server_does_not_know_is_refused(auth):
    with pytest.raises(AuthError) as err:
        auth.refresh("no-such-token")
    assert err.value.code == "refresh_token_not_found"


def test_current_user_is_the_signed_in_operator(auth, operator):
    session = auth.sign_in(operator["email"], operator["password"])
    assert auth.current_user(session.access_token)["id"] == operator["id"]


def test_sign_out_ends_this_counters_session_only(auth, operator):
    counter_1 = auth.sign_in(operator["email"], operator["password"])
    counter_2 = auth.sign_in(operator["email"], operator["password"])
    auth.sign_out(counter_1.access_token)
    with pytest.raises(AuthError) as err:
        auth.current_user(counter_1.access_token)
    assert (err.value.status, err.value.code) == (403, "session_not_found")
    assert auth.current_user(counter_2.access_token)["id"] == operator["id"]
    assert auth.refresh(counter_2.refresh_token).user_id == operator["id"]


def test_signing_out_twice_counts_as_signed_out(auth, operator):
    session = auth.sign_in(operator["email"], operator["password"])
    auth.sign_out(session.access_token)
    auth.sign_out(session.access_token)  # the server answers 403 session_not_found: fine


def test_sign_out_sends_scope_local():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.path, request.url.params.get("scope"), request.headers.get("authorization")))
        return httpx.Response(204)

    with httpx.Client(transport=httpx.MockTransport(handler)) as http:
        AuthClient(http, "http://gw.test", "anon").sign_out("the-access-token")
    assert seen == [("/auth/v1/logout", "local", "Bearer the-access-token")]


def test_health_answers_with_the_api_key(auth):
    assert auth.health()["name"] == "GoTrue"


def test_session_expires_within():
    s = Session("a", "r", expires_at=1000.0, user_id="u", email=None)
    assert s.expires_within(60, now=950.0) and not s.expires_within(60, now=900.0)


def test_sign_in_body_is_email_and_password_only():
    bodies = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append((request.url.params.get("grant_type"), json.loads(request.content)))
        return httpx.Response(400, json={"code": "invalid_credentials", "message": "Invalid login credentials"})

    with httpx.Client(transport=httpx.MockTransport(handler)) as http, pytest.raises(AuthError):
        AuthClient(http, "http://gw.test", "anon").sign_in("a@b.test", "pw")
    assert bodies == [("password", {"email": "a@b.test", "password": "pw"})]
