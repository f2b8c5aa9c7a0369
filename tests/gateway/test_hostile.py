"""Hostile input: each gets a documented 4xx, never a trace, and leaves the database unchanged."""

from __future__ import annotations

import base64
import json
import time

import pytest

from mps_dev.gateway import jwt


@pytest.fixture
def unchanged(db):
    """Asserts, after the test, that no note and no auth row was added."""
    def counts():
        return db.execute("select (select count(*) from gwtest.notes), (select count(*) from auth.users), "
                          "(select count(*) from auth.sessions)").fetchone()
    before = counts()
    yield
    assert counts() == before


def _b64(obj) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


def assert_four_keys(r):
    body = r.json()
    assert set(body) == {"code", "message", "details", "hint"}
    assert "Traceback" not in r.text and "File \"" not in r.text
    return body


def post_note(http, headers, note="hostile", **kw):
    return http.post("/rest/v1/rpc/t_note", headers=headers, **({"json": {"p_note": note}} | kw))


def test_malformed_json(http, anon_headers, unchanged):
    r = http.post("/rest/v1/rpc/t_note", content=b'{"p_note": "x",',
                  headers={**anon_headers, "Content-Type": "application/json"})
    assert r.status_code == 400
    assert assert_four_keys(r) == {"code": "PGRST102", "message": "Empty or invalid json", "details": None,
                                   "hint": None}


def test_json_with_nan_is_malformed(http, anon_headers, unchanged):
    r = http.post("/rest/v1/rpc/t_add", content=b'{"a": NaN}',
                  headers={**anon_headers, "Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["code"] == "PGRST102"


def test_ten_megabyte_body_is_413(http, anon_headers, unchanged):
    big = b'{"p_note": "' + b"x" * (10 * 1024 * 1024) + b'"}'
    r = http.post("/rest/v1/rpc/t_note", content=big, headers={**anon_headers, "Content-Type": "application/json"})
    assert r.status_code == 413
    assert assert_four_keys(r)["message"] == "Payload Too Large"


def test_oversized_auth_body_is_413(http, gw, unchanged):
    r = http.post("/auth/v1/token", params={"grant_type": "password"}, headers={"apikey": gw.anon_key},
                  content=b"{" + b" " * (2 * 1024 * 1024) + b"}")
    assert r.status_code == 413


def test_wrong_content_type(http, anon_headers, unchanged):
    r = http.post("/rest/v1/rpc/t_note", content=b"<p_note>x</p_note>",
                  headers={**anon_headers, "Content-Type": "image/png"})
    assert r.status_code == 400
    assert assert_four_keys(r) == {"code": "PGRST102", "message": "Content-Type not acceptable: image/png",
                                   "details": None, "hint": None}


def test_text_body_looks_for_a_single_text_parameter(http, anon_headers, unchanged):
    r = http.post("/rest/v1/rpc/t_note", content=b"x", headers={**anon_headers, "Content-Type": "text/plain"})
    assert r.status_code == 404
    assert assert_four_keys(r)["message"] == "Could not find the function public.t_note in the schema cache"
    assert r.json()["details"].endswith(
        "with a single unnamed text parameter, but no matches were found in the schema cache.")


def test_unknown_headers_are_ignored(http, anon_headers, db):
    before = db.execute("select count(*) from gwtest.notes where note = 'odd-headers'").fetchone()[0]
    r = post_note(http, {**anon_headers, "X-Evil": "'; drop table gwtest.notes; --", "Prefer": "tx=commit",
                         "X-Forwarded-For": "10.0.0.1"}, note="odd-headers")
    assert r.status_code == 204
    assert db.execute("select count(*) from gwtest.notes where note = 'odd-headers'").fetchone()[0] == before + 1


def test_missing_api_key(http, unchanged):
    r = post_note(http, {})
    assert r.status_code == 401
    assert assert_four_keys(r)["message"] == "No API key found in request"


def test_wrong_api_key(http, gw, unchanged):
    other = jwt.mint_api_key("service_role", jwt.new_secret())
    r = post_note(http, {"apikey": other, "Authorization": f"Bearer {other}"})
    assert r.status_code == 401 and assert_four_keys(r)["message"] == "Invalid API key"
    r = http.post("/auth/v1/admin/users", headers={"apikey": "garbage"}, json={"email": "a@b.co", "password": "123456"})
    assert r.status_code == 401 and r.json()["message"] == "Invalid API key"


def test_api_key_in_query_string_is_accepted_and_not_an_argument(http, gw):
    r = http.get("/rest/v1/rpc/t_add", params={"a": 1, "apikey": gw.anon_key})
    assert r.status_code == 200 and r.json() == 11


def test_alg_none_token(http, gw, unchanged):
    token = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64({'role': 'service_role'})}."
    r = post_note(http, {"apikey": gw.anon_key, "Authorization": f"Bearer {token}"})
    assert r.status_code == 401
    assert assert_four_keys(r) == {"code": "PGRST301", "message": "Wrong or unsupported encoding algorithm",
                                   "details": "JWT is unsecured but expected 'alg' was not 'none'", "hint": None}
    assert r.headers["www-authenticate"].startswith('Bearer error="invalid_token"')


def test_tampered_role_claim_fails_the_signature(http, gw, user_session, unchanged):
    header, _payload, signature = user_session["access_token"].split(".")
    claims = jwt.verify_for_gotrue(user_session["access_token"], gw.jwt_secret) | {"role": "service_role"}
    forged = f"{header}.{_b64(claims)}.{signature}"
    r = http.post("/rest/v1/rpc/t_service_only", json={},
                  headers={"apikey": gw.anon_key, "Authorization": f"Bearer {forged}"})
    assert r.status_code == 401
    assert assert_four_keys(r)["code"] == "PGRST301" and r.json()["message"] == "JWT cryptographic operation failed"


def test_token_signed_with_another_secret(http, gw, unchanged):
    token = jwt.sign({"role": "service_role", "exp": int(time.time()) + 60}, jwt.new_secret())
    r = post_note(http, {"apikey": gw.anon_key, "Authorization": f"Bearer {token}"})
    assert r.status_code == 401 and r.json()["code"] == "PGRST301"


def test_expired_token(http, gw, unchanged):
    token = jwt.sign({"role": "service_role", "exp": int(time.time()) - 60}, gw.jwt_secret)
    r = post_note(http, {"apikey": gw.anon_key, "Authorization": f"Bearer {token}"})
    assert r.status_code == 401 and assert_four_keys(r)["code"] == "PGRST303"


@pytest.mark.parametrize("authorization,message", [
    ("Bearer abc", "Expected 3 parts in JWT; got 1"),
    ("Bearer a.b.c.d", "Expected 3 parts in JWT; got 4"),
    ("Basic dXNlcjpwYXNz", "Empty JWT is sent in Authorization header"),
    ("Bearer !!!.???.***", "JWT cryptographic operation failed"),
])
def test_malformed_tokens(http, gw, authorization, message, unchanged):
    r = post_note(http, {"apikey": gw.anon_key, "Authorization": authorization})
    assert r.status_code == 401 and assert_four_keys(r) == {"code": "PGRST301", "message": message,
                                                           "details": None, "hint": None}


def test_validly_signed_unknown_role_is_401(http, gw, unchanged):
    token = jwt.sign({"role": "no_such_role"}, gw.jwt_secret)
    r = post_note(http, {"apikey": gw.anon_key, "Authorization": f"Bearer {token}"})
    assert r.status_code == 401 and r.json()["code"] == "22023"


def test_validly_signed_superuser_role_cannot_be_assumed(http, gw, unchanged):
    token = jwt.sign({"role": "postgres"}, gw.jwt_secret)
    r = post_note(http, {"apikey": gw.anon_key, "Authorization": f"Bearer {token}"})
    assert r.status_code == 403 and r.json()["code"] == "42501"


@pytest.mark.parametrize("name,code", [
    ('t_note"; drop table gwtest.notes; --', "PGRST202"), ("gwtest.t_note", "PGRST202"),
    ("public.t_note", "PGRST202"), ("t_note'", "PGRST202"), ("t_note%00", "PGRST202"),
    ("pg_catalog.pg_sleep", "PGRST202"),
    ("../t_note", "PGRST205"),  # the client normalises the path to /rest/v1/t_note: a table path
])
def test_function_names_with_quotes_or_dots(http, anon_headers, name, code, unchanged):
    r = http.post(f"/rest/v1/rpc/{name}", json={"p_note": "x"}, headers=anon_headers)
    assert r.status_code == 404
    assert assert_four_keys(r)["code"] == code


def test_nul_byte_in_an_argument(http, anon_headers, unchanged):
    r = post_note(http, anon_headers, note="a\u0000b")
    assert r.status_code == 400 and assert_four_keys(r)["code"] in ("22P05", "22021")


def test_unknown_path(http, anon_headers):
    r = http.get("/rest/v2/whatever", headers=anon_headers)
    assert r.status_code == 404 and assert_four_keys(r)["message"] == "Not Found"


def test_auth_malformed_json(http, gw, unchanged):
    r = http.post("/auth/v1/token", params={"grant_type": "password"}, content=b"{nope",
                  headers={"apikey": gw.anon_key, "X-Supabase-Api-Version": "2024-01-01"})
    assert r.status_code == 400 and r.json()["code"] == "bad_json"
