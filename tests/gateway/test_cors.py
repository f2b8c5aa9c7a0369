"""CORS as Supabase's API gateway (Kong's cors plugin) and the services behind it answer a browser."""

from __future__ import annotations

import pytest

ORIGIN = "http://localhost:5173"
SUPABASE_JS_HEADERS = ("apikey, authorization, content-type, x-client-info, content-profile, accept-profile, "
                       "prefer, x-supabase-api-version, range")


def preflight(http, path, method="POST"):
    return http.options(path, headers={"Origin": ORIGIN, "Access-Control-Request-Method": method,
                                       "Access-Control-Request-Headers": SUPABASE_JS_HEADERS})


@pytest.mark.parametrize("path", ["/rest/v1/rpc/t_items", "/auth/v1/token?grant_type=password", "/auth/v1/user",
                                  "/auth/v1/logout", "/rest/v1/rpc/no_such_fn", "/rest/v1/some_table"])
def test_preflight_is_answered_before_the_api_key_check(http, path):
    r = preflight(http, path)
    assert r.status_code == 200 and r.content == b""
    assert r.headers["access-control-allow-origin"] == "*"
    allowed = {h.strip() for h in r.headers["access-control-allow-headers"].split(",")}
    assert allowed >= {h.strip() for h in SUPABASE_JS_HEADERS.split(",")}
    assert {"GET", "HEAD", "POST", "OPTIONS"} <= set(r.headers["access-control-allow-methods"].split(","))


def test_rest_answer_exposes_content_range(http, anon_headers):
    r = http.post("/rest/v1/rpc/t_items", json={"n": 2}, headers={**anon_headers, "Origin": ORIGIN,
                                                                  "Prefer": "count=exact"})
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == "*"
    exposed = {h.strip().lower() for h in r.headers["access-control-expose-headers"].split(",")}
    assert {"content-range", "content-type", "range-unit"} <= exposed


def test_rest_error_carries_cors_too(http, anon_headers):
    r = http.post("/rest/v1/rpc/no_such_fn", json={}, headers={**anon_headers, "Origin": ORIGIN})
    assert r.status_code == 404
    assert r.headers["access-control-allow-origin"] == "*"
    assert "content-range" in r.headers["access-control-expose-headers"].lower()


def test_auth_answer_exposes_the_api_version_header(http, gw):
    r = http.post("/auth/v1/token", params={"grant_type": "password"}, json={"email": "no@b.co", "password": "x"},
                  headers={"apikey": gw.anon_key, "Origin": ORIGIN, "X-Supabase-Api-Version": "2024-01-01"})
    assert r.status_code == 400 and r.json()["code"] == "invalid_credentials"
    assert r.headers["access-control-allow-origin"] == "*"
    assert "x-supabase-api-version" in r.headers["access-control-expose-headers"].lower()
    assert r.headers["x-supabase-api-version"] == "2024-01-01"


def test_missing_api_key_refusal_is_readable_by_the_page(http):
    r = http.post("/rest/v1/rpc/t_items", json={}, headers={"Origin": ORIGIN})
    assert r.status_code == 401 and r.json()["message"] == "No API key found in request"
    assert r.headers["access-control-allow-origin"] == "*"


def test_plain_options_is_no_preflight_and_needs_the_key(http, anon_headers):
    assert http.options("/rest/v1/rpc/t_items").status_code == 401
    r = http.options("/rest/v1/rpc/t_items", headers=anon_headers)
    assert r.status_code == 200 and "POST" in r.headers["allow"]


def test_without_origin_the_allow_origin_header_is_still_sent(http, anon_headers):
    # Kong's plugin sets it when the Origin is absent too (allow_origin_absent).
    r = http.post("/rest/v1/rpc/t_add", json={"a": 1}, headers=anon_headers)
    assert r.headers["access-control-allow-origin"] == "*"
    assert "access-control-expose-headers" not in r.headers
