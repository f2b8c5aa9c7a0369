"""/rest/v1/rpc over raw HTTP: shapes, statuses, codes, headers and messages as PostgREST sends them."""

from __future__ import annotations

import time

import pytest

from mps_dev.gateway import jwt

OBJECT = "application/vnd.pgrst.object+json"


def rpc(http, name, body=None, headers=None, **kw):
    return http.post(f"/rest/v1/rpc/{name}", json=body, headers=headers, **kw)


def notes_count(db, note: str) -> int:
    return db.execute("select count(*) from gwtest.notes where note = %s", (note,)).fetchone()[0]


# -- return shapes ---------------------------------------------------------------------------

def test_scalar_is_the_bare_json_value(http, anon_headers):
    r = rpc(http, "t_add", {"a": 1, "b": 2}, anon_headers)
    assert r.status_code == 200 and r.text == "3"
    assert r.headers["content-type"].startswith("application/json")


def test_defaults_apply_to_arguments_not_sent(http, anon_headers):
    assert rpc(http, "t_add", {"a": 1}, anon_headers).json() == 11


def test_null_scalar_is_json_null(http, anon_headers):
    r = rpc(http, "t_null", {}, anon_headers)
    assert r.status_code == 200 and r.text == "null"


def test_jsonb_object_keeps_numbers_as_postgresql_writes_them(http, anon_headers):
    r = rpc(http, "t_object", None, anon_headers)
    assert r.status_code == 200
    assert '"amount": 12.50' in r.text  # numeric scale kept, as PostgREST passes PostgreSQL's JSON
    assert r.json() == {"amount": 12.5, "nested": {"ok": True}, "none": None}


def test_out_parameters_give_one_object(http, anon_headers):
    r = rpc(http, "t_out", {}, anon_headers)
    assert r.json() == {"amount": 7.10, "label": "seven"}
    assert '"amount":7.10' in r.text


def test_table_function_gives_an_array_and_content_range(http, anon_headers):
    r = rpc(http, "t_rows", {"n": 2}, anon_headers)
    assert r.json() == [{"i": 1, "amount": 1.25}, {"i": 2, "amount": 2.50}]
    assert r.headers["content-range"] == "0-1/*"


def test_empty_set_is_an_empty_array(http, anon_headers):
    r = rpc(http, "t_rows", {"n": 0}, anon_headers)
    assert r.status_code == 200 and r.json() == []
    assert r.headers["content-range"] == "*/*"


def test_void_is_204_without_body(http, anon_headers, db):
    r = rpc(http, "t_note", {"p_note": "void-204"}, anon_headers)
    assert r.status_code == 204 and r.content == b""
    assert notes_count(db, "void-204") == 1


def test_amounts_as_strings_or_numbers_arrive_as_numeric(http, anon_headers):
    as_number = rpc(http, "t_types", {"p_num": 10.5, "p_ts": "2024-05-01T00:00:00Z"}, anon_headers).json()
    as_string = rpc(http, "t_types", {"p_num": "10.50", "p_ts": "2024-05-01T00:00:00Z",
                                      "p_tag": {"k": [1]}}, anon_headers).json()
    assert as_number == {"num": 10.5, "tag": {}, "year": 2024}
    assert as_string == {"num": 10.50, "tag": {"k": [1]}, "year": 2024}


def test_bad_value_is_22p02_400(http, anon_headers):
    r = rpc(http, "t_add", {"a": "not a number"}, anon_headers)
    assert r.status_code == 400
    assert r.json()["code"] == "22P02"
    assert set(r.json()) == {"code", "message", "details", "hint"}


def test_single_unnamed_json_parameter_takes_the_whole_body(http, anon_headers):
    assert rpc(http, "t_unnamed", {"any": ["thing"]}, anon_headers).json() == {"any": ["thing"]}
    assert rpc(http, "t_unnamed", [1, 2], anon_headers).json() == [1, 2]


def test_empty_body_counts_as_no_arguments(http, anon_headers):
    r = http.post("/rest/v1/rpc/t_object", content=b"", headers={**anon_headers, "Content-Type": "application/json"})
    assert r.status_code == 200


# -- function lookup -------------------------------------------------------------------------

def test_unknown_function_is_pgrst202_with_postgrest_message(http, anon_headers):
    r = rpc(http, "no_such_fn", {"b": 1, "a": 2}, anon_headers)
    assert r.status_code == 404
    assert r.headers["proxy-status"] == "PostgREST; error=PGRST202"
    assert r.json() == {
        "code": "PGRST202",
        "message": "Could not find the function public.no_such_fn(a, b) in the schema cache",
        "details": "Searched for the function public.no_such_fn with parameters a, b or with a single "
                   "unnamed json/jsonb parameter, but no matches were found in the schema cache.",
        "hint": None,
    }


def test_unknown_extra_key_never_matches(http, anon_headers):
    r = rpc(http, "t_add", {"a": 1, "zzz": 2}, anon_headers)
    assert r.status_code == 404 and r.json()["code"] == "PGRST202"
    assert r.json()["message"] == "Could not find the function public.t_add(a, zzz) in the schema cache"


def test_missing_required_key_never_matches(http, anon_headers):
    r = rpc(http, "t_add", {"b": 1}, anon_headers)
    assert r.status_code == 404 and r.json()["code"] == "PGRST202"


def test_no_arguments_message_says_without_parameters(http, anon_headers):
    r = rpc(http, "t_add", {}, anon_headers)
    assert r.json()["message"] == "Could not find the function public.t_add without parameters in the schema cache"


def test_overloads_with_same_keys_are_pgrst203(http, anon_headers):
    r = rpc(http, "t_ambiguous", {"a": 1}, anon_headers)
    assert r.status_code == 300
    body = r.json()
    assert body["code"] == "PGRST203"
    assert body["message"].startswith("Could not choose the best candidate function between: ")
    assert "public.t_ambiguous(a => integer)" in body["message"]
    assert "public.t_ambiguous(a => text)" in body["message"]


# -- methods, media types, profiles ----------------------------------------------------------

def test_get_passes_query_arguments(http, anon_headers):
    r = http.get("/rest/v1/rpc/t_add", params={"a": 5, "b": 1}, headers=anon_headers)
    assert r.status_code == 200 and r.json() == 6


def test_head_answers_headers_only(http, anon_headers):
    r = http.head("/rest/v1/rpc/t_rows", params={"n": 3}, headers=anon_headers)
    assert r.status_code == 200 and r.content == b"" and r.headers["content-range"] == "0-2/*"


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_other_methods_are_pgrst101(http, anon_headers, method):
    r = http.request(method, "/rest/v1/rpc/t_object", headers=anon_headers)
    assert r.status_code == 405
    assert r.json() == {"code": "PGRST101", "message": f"Cannot use the {method} method on RPC",
                        "details": None, "hint": None}


def test_write_through_get_is_25006_405_and_nothing_written(http, anon_headers, db):
    r = http.get("/rest/v1/rpc/t_note_rows", params={"p_note": "via-get", "p_n": 1}, headers=anon_headers)
    assert r.status_code == 405
    assert r.json()["code"] == "25006"
    assert notes_count(db, "via-get") == 0


def test_get_and_non_volatile_post_run_read_only_volatile_post_read_write(http, anon_headers):
    assert http.get("/rest/v1/rpc/t_whoami", headers=anon_headers).json()["read_only"] == "on"
    assert rpc(http, "t_whoami", {}, anon_headers).json()["read_only"] == "on"
    volatile = rpc(http, "t_whoami_volatile", {}, anon_headers).json()
    assert volatile["read_only"] == "off"
    assert volatile["isolation"] == "read committed"


def test_single_object_accept_gives_the_object(http, anon_headers):
    r = rpc(http, "t_rows", {"n": 1}, {**anon_headers, "Accept": OBJECT})
    assert r.status_code == 200 and r.json() == {"i": 1, "amount": 1.25}
    assert r.headers["content-type"].startswith(OBJECT)


def test_single_object_with_two_rows_is_pgrst116_and_rolls_back(http, anon_headers, db):
    r = rpc(http, "t_note_rows", {"p_note": "pgrst116", "p_n": 2}, {**anon_headers, "Accept": OBJECT})
    assert r.status_code == 406
    assert r.json() == {"code": "PGRST116", "message": "Cannot coerce the result to a single JSON object",
                        "details": "The result contains 2 rows", "hint": None}
    assert notes_count(db, "pgrst116") == 0


def test_single_object_with_one_row_commits(http, anon_headers, db):
    r = rpc(http, "t_note_rows", {"p_note": "single-ok", "p_n": 1}, {**anon_headers, "Accept": OBJECT})
    assert r.status_code == 200 and isinstance(r.json(), int)
    assert notes_count(db, "single-ok") == 1


def test_unserveable_accept_is_pgrst107(http, anon_headers):
    r = rpc(http, "t_object", {}, {**anon_headers, "Accept": "text/html"})
    assert r.status_code == 406 and r.json()["code"] == "PGRST107"


def test_public_profile_is_accepted_and_others_are_pgrst106(http, anon_headers):
    ok = rpc(http, "t_object", {}, {**anon_headers, "Content-Profile": "public", "Accept-Profile": "public"})
    assert ok.status_code == 200
    r = rpc(http, "t_object", {}, {**anon_headers, "Content-Profile": "gwtest"})
    assert r.status_code == 406
    assert r.json() == {"code": "PGRST106", "message": "Invalid schema: gwtest", "details": None,
                        "hint": "Only the following schemas are exposed: public"}
    g = http.get("/rest/v1/rpc/t_object", headers={**anon_headers, "Accept-Profile": "app"})
    assert g.status_code == 406 and g.json()["code"] == "PGRST106"


# -- what runs in the database ---------------------------------------------------------------

def test_anon_request_settings(http, gw):
    r = http.post("/rest/v1/rpc/t_whoami", json={}, headers={"apikey": gw.anon_key, "X-Test": "hello"})
    w = r.json()
    assert w["current_user"] == "anon" and w["role_claim"] == "anon" and w["uid"] is None
    assert w["claims"] == {"role": "anon"}
    assert w["method"] == "POST" and w["path"] == "/rpc/t_whoami" and w["x_test"] == "hello"
    assert w["statement_timeout"] == "3s"  # the role's own ALTER ROLE ... SET, transaction-local
    assert w["search_path"] == '"public", "public", "extensions"'


def test_user_request_settings(http, gw, user_session):
    headers = {"apikey": gw.anon_key, "Authorization": f"Bearer {user_session['access_token']}"}
    w = rpc(http, "t_whoami", {}, headers).json()
    assert w["current_user"] == "authenticated"
    assert w["uid"] == user_session["user"]["id"]
    assert w["claims"]["session_id"] and w["claims"]["email"] == user_session["user"]["email"]
    assert w["statement_timeout"] == "8s"


def test_settings_do_not_leak_to_the_next_request(http, gw, user_session):
    rpc(http, "t_whoami", {}, {"apikey": gw.anon_key, "Authorization": f"Bearer {user_session['access_token']}"})
    w = rpc(http, "t_whoami", {}, {"apikey": gw.anon_key}).json()
    assert w["current_user"] == "anon" and w["uid"] is None


# -- errors ----------------------------------------------------------------------------------

def test_business_error_passes_sqlstate_message_detail_hint(http, anon_headers):
    r = rpc(http, "t_fail_business", {}, anon_headers)
    assert r.status_code == 400
    assert r.headers["proxy-status"] == "PostgREST; error=MP002"
    assert r.json() == {"code": "MP002", "message": "insufficient_balance: the card holds 3.00, the charge needs 5.00",
                        "details": "card 42", "hint": "top up first"}


def test_42501_is_401_for_anon_with_www_authenticate(http, anon_headers):
    r = rpc(http, "t_service_only", {}, anon_headers)
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    assert r.json()["code"] == "42501"
    assert r.json()["message"] == "permission denied for function t_service_only"


def test_42501_is_403_for_a_signed_in_user(http, gw, user_session):
    r = rpc(http, "t_service_only", {},
            {"apikey": gw.anon_key, "Authorization": f"Bearer {user_session['access_token']}"})
    assert r.status_code == 403 and r.json()["code"] == "42501"
    assert "www-authenticate" not in r.headers


def test_service_role_may_call_what_is_granted_to_it(http, gw):
    r = rpc(http, "t_service_only", {}, gw.service_headers())
    assert r.status_code == 200 and r.json() == "ok"


@pytest.mark.parametrize("sqlstate,status", [
    ("P0001", 400), ("MP013", 400), ("22023", 400), ("23502", 400), ("23514", 400),
    ("23503", 409), ("23505", 409), ("42883", 404), ("42P01", 404), ("25006", 405),
    ("PT402", 402), ("PT999", 500), ("08006", 503), ("53300", 503), ("53400", 500), ("57P01", 503),
    ("40001", 500), ("40P01", 500), ("57014", 500), ("54000", 500), ("55000", 500), ("XX000", 500),
    ("P0002", 500), ("2D000", 500), ("38000", 500), ("39000", 500), ("3B000", 500), ("F0000", 500),
    ("HV000", 500), ("09000", 500), ("42P17", 500), ("0L000", 403), ("0P000", 403), ("28000", 403),
])
def test_sqlstate_to_http_table(http, gw, sqlstate, status):
    r = rpc(http, "t_raise", {"p_code": sqlstate}, gw.service_headers())
    assert (r.status_code, r.json()["code"], r.json()["message"]) == (status, sqlstate, f"raised {sqlstate}")


# -- JWT at the REST door --------------------------------------------------------------------

def test_expired_token_is_pgrst303_with_www_authenticate(http, gw, user):
    now = int(time.time())
    token = jwt.sign({"sub": user["id"], "role": "authenticated", "exp": now - 31, "iat": now - 3600}, gw.jwt_secret)
    r = rpc(http, "t_whoami", {}, {"apikey": gw.anon_key, "Authorization": f"Bearer {token}"})
    assert r.status_code == 401
    assert r.json() == {"code": "PGRST303", "message": "JWT expired", "details": None, "hint": None}
    assert r.headers["www-authenticate"] == 'Bearer error="invalid_token", error_description="JWT expired"'


def test_token_expired_within_the_30s_skew_still_works(http, gw, user):
    now = int(time.time())
    token = jwt.sign({"sub": user["id"], "role": "authenticated", "exp": now - 20, "iat": now - 3600}, gw.jwt_secret)
    r = rpc(http, "t_whoami", {}, {"apikey": gw.anon_key, "Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and r.json()["uid"] == user["id"]


def test_rest_ignores_sessions_access_token_works_after_sign_out(http, gw, user_session):
    bearer = {"apikey": gw.anon_key, "Authorization": f"Bearer {user_session['access_token']}"}
    assert http.post("/auth/v1/logout", params={"scope": "global"}, headers=bearer).status_code == 204
    assert rpc(http, "t_whoami", {}, bearer).json()["uid"] == user_session["user"]["id"]


def test_table_paths_are_not_served(http, anon_headers):
    r = http.get("/rest/v1/no_table", headers=anon_headers)
    assert r.status_code == 404
    assert r.json()["code"] == "PGRST205"
    assert r.json()["message"] == "Could not find the table 'public.no_table' in the schema cache"
