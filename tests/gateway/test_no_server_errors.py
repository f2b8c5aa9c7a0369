"""Malformed requests that used to reach a 500: each now gets the 4xx PostgREST or GoTrue gives,
or the gateway's documented 400 where PostgreSQL would have failed with a 5xx-class error."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from mps_dev.gateway.nesting import MAX_JSON_DEPTH, depth

API_VERSION = {"X-Supabase-Api-Version": "2024-01-01"}


@pytest.fixture
def unchanged(db):
    def counts():
        return db.execute("select (select count(*) from gwtest.notes), (select count(*) from auth.users), "
                          "(select count(*) from auth.sessions), (select count(*) from auth.refresh_tokens)").fetchone()
    before = counts()
    yield
    assert counts() == before


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def nested(levels: int) -> str:
    return "[" * levels + "]" * levels


def test_depth_ignores_brackets_inside_strings():
    assert depth('{"a": "[[[[[[", "b": [1, {"c": "]]}"}]}') == 3
    assert depth('"\\"[[["') == 0
    assert depth(nested(700)) == 700


def test_p_tag_nested_a_thousand_deep_is_400_not_500(http, anon_headers, unchanged):
    body = '{"p_num": 1, "p_ts": "2024-01-01T00:00:00Z", "p_tag": ' + nested(1000) + "}"
    assert len(body) < 2100
    r = http.post("/rest/v1/rpc/t_types", content=body, headers={**anon_headers, "Content-Type": "application/json"})
    assert r.status_code == 400
    assert r.json()["code"] == "PGRST102" and str(MAX_JSON_DEPTH) in r.json()["message"]


def test_json_just_under_the_limit_still_works(http, anon_headers):
    tag = nested(MAX_JSON_DEPTH - 1)
    body = '{"p_num": 1, "p_ts": "2024-01-01T00:00:00Z", "p_tag": ' + tag + "}"
    r = http.post("/rest/v1/rpc/t_types", content=body, headers={**anon_headers, "Content-Type": "application/json"})
    assert r.status_code == 200, r.text
    assert depth(json.dumps(r.json()["tag"])) == MAX_JSON_DEPTH - 1


def test_form_body_nested_sixty_thousand_deep_never_reaches_postgresql(http, anon_headers, unchanged):
    from urllib.parse import urlencode
    body = urlencode({"p_num": "1", "p_ts": "2024-01-01", "p_tag": nested(60_000)})
    r = http.post("/rest/v1/rpc/t_types", content=body,
                  headers={**anon_headers, "Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 400
    assert r.json()["code"] == "PGRST102"  # not 54001 from PostgreSQL's JSON parser


def test_get_argument_nested_too_deep_is_400(http, anon_headers):
    r = http.get("/rest/v1/rpc/t_types", params={"p_num": "1", "p_ts": "2024-01-01", "p_tag": nested(5000)},
                 headers=anon_headers)
    assert r.status_code == 400 and r.json()["code"] == "PGRST100"


@pytest.mark.parametrize("path,params", [("/auth/v1/token", {"grant_type": "password"}),
                                         ("/auth/v1/token", {"grant_type": "refresh_token"})])
def test_sign_in_bodies_nested_deep_are_bad_json(http, gw, path, params, unchanged):
    body = '{"email": "a@b.co", "password": "x", "data": ' + nested(1000) + "}"
    r = http.post(path, params=params, content=body, headers={"apikey": gw.anon_key, **API_VERSION})
    assert r.status_code == 400 and r.json()["code"] == "bad_json"


def test_admin_body_nested_deep_is_bad_json(http, gw, unchanged):
    body = '{"email": "deep@b.co", "password": "secret-123", "user_metadata": {"a": ' + nested(3000) + "}}"
    r = http.post("/auth/v1/admin/users", content=body, headers={**gw.service_headers(), **API_VERSION})
    assert r.status_code == 400 and r.json()["code"] == "bad_json"


@pytest.mark.parametrize("alg", [["HS256"], {"HS256": True}, 256, None, True])
def test_jwt_whose_alg_is_not_a_string_is_pgrst301(http, gw, alg, unchanged):
    header = _b64(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    token = f"{header}.{_b64(b'{}')}.{_b64(b'sig')}"
    r = http.post("/rest/v1/rpc/t_note", json={"p_note": "x"},
                  headers={"apikey": gw.anon_key, "Authorization": f"Bearer {token}"})
    assert r.status_code == 401
    assert r.json()["code"] == "PGRST301" and r.headers["www-authenticate"].startswith('Bearer error="invalid_token"')


@pytest.mark.parametrize("alg", [["HS256"], {"x": 1}])
def test_auth_user_with_such_a_jwt_is_bad_jwt(http, gw, alg):
    header = _b64(json.dumps({"alg": alg}).encode())
    r = http.get("/auth/v1/user", headers={"apikey": gw.anon_key, "Authorization": f"Bearer {header}.e30.c2ln",
                                           **API_VERSION})
    assert r.status_code == 403 and r.json()["code"] == "bad_jwt"


def test_jwt_header_nested_deep_is_pgrst301(http, gw):
    header = _b64(('{"alg": "HS256", "x": ' + nested(5000) + "}").encode())
    for path, method in (("/rest/v1/rpc/t_add?a=1", "GET"), ("/auth/v1/user", "GET")):
        r = http.request(method, path, headers={"apikey": gw.anon_key, "Authorization": f"Bearer {header}.e30.c2ln"})
        assert r.status_code in (401, 403), (path, r.status_code)


def test_jwt_header_not_utf8_is_pgrst301(http, gw):
    token = f"{_b64(bytes([0xff, 0xfe]))}.e30.c2ln"
    r = http.get("/rest/v1/rpc/t_add?a=1", headers={"apikey": gw.anon_key, "Authorization": f"Bearer {token}"})
    assert r.status_code == 401 and r.json()["code"] == "PGRST301"


@pytest.mark.parametrize("field", ["email", "password"])
def test_nul_in_sign_in_credentials_is_invalid_credentials(http, gw, user, field, unchanged):
    creds = {"email": user["email"], "password": user["password"]}
    creds[field] = creds[field][:3] + "\u0000" + creds[field][3:]
    r = http.post("/auth/v1/token", params={"grant_type": "password"}, json=creds,
                  headers={"apikey": gw.anon_key, **API_VERSION})
    assert r.status_code == 400 and r.json()["code"] == "invalid_credentials"


def test_lone_surrogate_in_email_is_invalid_credentials(http, gw, unchanged):
    r = http.post("/auth/v1/token", params={"grant_type": "password"},
                  content=b'{"email": "a\\ud800@b.co", "password": "secret"}',
                  headers={"apikey": gw.anon_key, "Content-Type": "application/json", **API_VERSION})
    assert r.status_code == 400 and r.json()["code"] == "invalid_credentials"


def test_nul_in_refresh_token_is_not_found(http, gw, user_session, unchanged):
    token = user_session["refresh_token"]
    r = http.post("/auth/v1/token", params={"grant_type": "refresh_token"},
                  json={"refresh_token": token[:4] + "\u0000" + token[4:]},
                  headers={"apikey": gw.anon_key, **API_VERSION})
    assert r.status_code == 400 and r.json()["code"] == "refresh_token_not_found"


def test_password_over_72_bytes_compares_as_gotrue_does(http, gw):
    # Go's bcrypt reads the first 72 bytes; Python's raised ValueError (a 500) on longer input.
    u = gw.create_user(password="p" * 72)
    r = http.post("/auth/v1/token", params={"grant_type": "password"},
                  json={"email": u["email"], "password": "p" * 72 + "tail"}, headers={"apikey": gw.anon_key})
    assert r.status_code == 200
    r = http.post("/auth/v1/token", params={"grant_type": "password"},
                  json={"email": u["email"], "password": "q" * 100}, headers={"apikey": gw.anon_key, **API_VERSION})
    assert r.status_code == 400 and r.json()["code"] == "invalid_credentials"


@pytest.mark.parametrize("body,message", [
    ({"email": "new\u0000@b.co", "password": "secret-123"}, "Unable to validate email address: invalid format"),
    ({"email": "long@b.co", "password": "x" * 73}, "Password cannot be longer than 72 characters"),
    ({"email": "meta@b.co", "password": "secret-123", "user_metadata": {"n": "a\u0000b"}},
     "The user's data holds a value the database cannot store"),
    ({"email": "app@b.co", "password": "secret-123", "app_metadata": ["x"]},
     "user_metadata and app_metadata must be JSON objects"),
    ({"email": "role@b.co", "password": "secret-123", "role": "a\u0000"},
     "role holds a character that cannot be stored"),
])
def test_admin_create_user_refuses_what_cannot_be_stored(http, gw, body, message, unchanged):
    r = http.post("/auth/v1/admin/users", json=body, headers={**gw.service_headers(), **API_VERSION})
    assert r.status_code == 400
    assert r.json() == {"code": "validation_failed", "message": message}


def test_nul_in_a_table_path_is_pgrst205(http, anon_headers):
    r = http.get("/rest/v1/no%00table", headers=anon_headers)
    assert r.status_code == 404 and r.json()["code"] == "PGRST205"


def test_signed_token_with_deep_claims_is_refused_not_500(http, gw):
    # Only the project secret can sign it; still, the claims parser must not recurse away.
    header = _b64(b'{"alg":"HS256","typ":"JWT"}')
    payload = _b64(('{"role": "anon", "x": ' + nested(3000) + "}").encode())
    sig = _b64(hmac.new(gw.jwt_secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest())
    r = http.get("/rest/v1/rpc/t_add?a=1",
                 headers={"apikey": gw.anon_key, "Authorization": f"Bearer {header}.{payload}.{sig}"})
    assert r.status_code == 401 and r.json()["code"] == "PGRST303"
