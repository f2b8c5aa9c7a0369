"""/auth/v1 over raw HTTP: GoTrue's answers, both error-body variants, refresh-token rules."""

from __future__ import annotations

import time

import pytest

from mps_dev.gateway import jwt

V2024 = {"X-Supabase-Api-Version": "2024-01-01"}


def sign_in(http, gw, email, password, headers=None):
    return http.post("/auth/v1/token", params={"grant_type": "password"},
                     headers={"apikey": gw.anon_key, **(headers or {})},
                     json={"email": email, "password": password})


def refresh(http, gw, token, headers=None):
    return http.post("/auth/v1/token", params={"grant_type": "refresh_token"},
                     headers={"apikey": gw.anon_key, **(headers or {})}, json={"refresh_token": token})


def bearer(gw, access_token):
    return {"apikey": gw.anon_key, "Authorization": f"Bearer {access_token}"}


# -- sign in ---------------------------------------------------------------------------------

def test_password_grant_answers_a_session(http, gw, user):
    r = sign_in(http, gw, user["email"].upper(), user["password"])
    assert r.status_code == 200
    s = r.json()
    assert s["token_type"] == "bearer" and s["expires_in"] == 3600
    assert abs(s["expires_at"] - (time.time() + 3600)) < 60
    assert s["user"]["id"] == user["id"] and s["user"]["last_sign_in_at"]
    claims = jwt.verify_for_gotrue(s["access_token"], gw.jwt_secret)
    assert {"sub", "aud", "role", "exp", "iat", "iss", "email", "phone", "app_metadata", "user_metadata",
            "aal", "amr", "session_id", "is_anonymous"} <= set(claims)
    assert claims["role"] == "authenticated" and claims["aud"] == "authenticated"
    assert claims["iss"] == f"{gw.url}/auth/v1"


def test_token_does_not_judge_authorization(http, gw, user):
    r = sign_in(http, gw, user["email"], user["password"], {"Authorization": "Bearer not-a-jwt"})
    assert r.status_code == 200


def test_wrong_password_2024_body_echoes_version(http, gw, user):
    r = sign_in(http, gw, user["email"], "wrong-password", V2024)
    assert r.status_code == 400
    assert r.json() == {"code": "invalid_credentials", "message": "Invalid login credentials"}
    assert r.headers["x-supabase-api-version"] == "2024-01-01"
    assert r.headers["x-sb-error-code"] == "invalid_credentials"


def test_wrong_password_legacy_body_without_version(http, gw, user):
    r = sign_in(http, gw, user["email"], "wrong-password")
    assert r.status_code == 400
    assert r.json() == {"code": 400, "error_code": "invalid_credentials", "msg": "Invalid login credentials"}
    assert "x-supabase-api-version" not in r.headers
    assert r.headers["x-sb-error-code"] == "invalid_credentials"


def test_unknown_email_is_the_same_answer(http, gw):
    r = sign_in(http, gw, "nobody@example.test", "whatever", V2024)
    assert r.status_code == 400 and r.json()["code"] == "invalid_credentials"


def test_unconfirmed_email_is_refused(http, gw):
    email = f"unconfirmed-{time.time_ns()}@example.test"
    r = http.post("/auth/v1/admin/users", headers=gw.service_headers(),
                  json={"email": email, "password": "secret-123"})
    assert r.status_code == 200 and r.json()["email_confirmed_at"] is None
    r = sign_in(http, gw, email, "secret-123", V2024)
    assert r.status_code == 400 and r.json() == {"code": "email_not_confirmed", "message": "Email not confirmed"}


def test_unknown_grant_type(http, gw):
    r = http.post("/auth/v1/token", params={"grant_type": "magic"}, headers={"apikey": gw.anon_key, **V2024}, json={})
    assert r.status_code == 400 and r.json()["message"] == "unsupported_grant_type"


# -- refresh tokens --------------------------------------------------------------------------

def test_refresh_rotates_the_token(http, gw, user_session):
    r = refresh(http, gw, user_session["refresh_token"])
    assert r.status_code == 200
    s = r.json()
    assert s["refresh_token"] != user_session["refresh_token"]
    old = jwt.verify_for_gotrue(user_session["access_token"], gw.jwt_secret)
    new = jwt.verify_for_gotrue(s["access_token"], gw.jwt_secret)
    assert new["session_id"] == old["session_id"]


def test_parent_of_active_token_gets_the_active_token_back(http, gw, user_session, db):
    first = refresh(http, gw, user_session["refresh_token"]).json()
    # Even long after the reuse interval: the client never stored the answer.
    db.execute("update auth.refresh_tokens set updated_at = now() - interval '1 hour' where token = %s",
               (user_session["refresh_token"],))
    again = refresh(http, gw, user_session["refresh_token"])
    assert again.status_code == 200 and again.json()["refresh_token"] == first["refresh_token"]


def test_older_token_within_reuse_interval_is_accepted(http, gw, user_session):
    first = refresh(http, gw, user_session["refresh_token"]).json()
    refresh(http, gw, first["refresh_token"])
    r = refresh(http, gw, user_session["refresh_token"])  # grandparent, revoked a moment ago
    assert r.status_code == 200


def test_older_token_after_reuse_interval_fails_and_revokes_the_session(http, gw, user_session, db):
    first = refresh(http, gw, user_session["refresh_token"]).json()
    second = refresh(http, gw, first["refresh_token"]).json()
    db.execute("update auth.refresh_tokens set updated_at = now() - interval '11 seconds' where token = %s",
               (user_session["refresh_token"],))
    r = refresh(http, gw, user_session["refresh_token"], V2024)
    assert r.status_code == 400
    assert r.json() == {"code": "refresh_token_already_used", "message": "Invalid Refresh Token: Already Used"}
    # The whole family is revoked: the newest token now only works as a reuse, within the interval.
    revoked = db.execute("select bool_and(revoked) from auth.refresh_tokens where token = %s",
                         (second["refresh_token"],)).fetchone()[0]
    assert revoked is True


def test_unknown_refresh_token(http, gw):
    r = refresh(http, gw, "no-such-token", V2024)
    assert r.status_code == 400
    assert r.json() == {"code": "refresh_token_not_found", "message": "Invalid Refresh Token: Refresh Token Not Found"}


def test_expired_session_cannot_refresh(http, gw, user_session, db):
    sid = jwt.verify_for_gotrue(user_session["access_token"], gw.jwt_secret)["session_id"]
    db.execute("update auth.sessions set not_after = now() - interval '1 second' where id = %s", (sid,))
    r = refresh(http, gw, user_session["refresh_token"], V2024)
    assert r.status_code == 400 and r.json()["code"] == "session_expired"


def test_missing_refresh_token_is_an_oauth_error(http, gw):
    r = http.post("/auth/v1/token", params={"grant_type": "refresh_token"}, headers={"apikey": gw.anon_key}, json={})
    assert r.status_code == 400
    assert r.json() == {"error": "invalid_request", "error_description": "refresh_token required"}


# -- user and logout -------------------------------------------------------------------------

def test_get_user_returns_the_bare_user(http, gw, user_session):
    r = http.get("/auth/v1/user", headers=bearer(gw, user_session["access_token"]))
    assert r.status_code == 200
    assert r.json()["id"] == user_session["user"]["id"] and r.json()["aud"] == "authenticated"


def test_get_user_without_bearer_is_401(http, gw):
    r = http.get("/auth/v1/user", headers={"apikey": gw.anon_key, **V2024})
    assert r.status_code == 401 and r.json()["code"] == "no_authorization"


def test_get_user_with_the_anon_key_has_no_sub(http, gw):
    r = http.get("/auth/v1/user", headers={**bearer(gw, gw.anon_key), **V2024})
    assert r.status_code == 403 and r.json()["code"] == "bad_jwt"


def test_get_user_with_expired_token_is_bad_jwt(http, gw, user):
    now = int(time.time())
    token = jwt.sign({"sub": user["id"], "role": "authenticated", "exp": now - 5}, gw.jwt_secret)
    r = http.get("/auth/v1/user", headers={**bearer(gw, token), **V2024})
    assert r.status_code == 403 and r.json()["code"] == "bad_jwt"
    assert r.json()["message"].startswith("invalid JWT: unable to parse or verify signature")


def test_global_logout_ends_every_session(http, gw, user):
    a = sign_in(http, gw, user["email"], user["password"]).json()
    b = sign_in(http, gw, user["email"], user["password"]).json()
    assert http.post("/auth/v1/logout", params={"scope": "global"},
                     headers=bearer(gw, a["access_token"])).status_code == 204
    r = http.get("/auth/v1/user", headers={**bearer(gw, b["access_token"]), **V2024})
    assert r.status_code == 403
    assert r.json() == {"code": "session_not_found", "message": "Session from session_id claim in JWT does not exist"}
    assert r.headers["x-sb-error-code"] == "session_not_found"
    assert refresh(http, gw, a["refresh_token"], V2024).json()["code"] == "refresh_token_not_found"


def test_local_logout_keeps_the_other_counter_signed_in(http, gw, user):
    a = sign_in(http, gw, user["email"], user["password"]).json()
    b = sign_in(http, gw, user["email"], user["password"]).json()
    assert http.post("/auth/v1/logout", params={"scope": "local"},
                     headers=bearer(gw, a["access_token"])).status_code == 204
    assert http.get("/auth/v1/user", headers=bearer(gw, a["access_token"])).status_code == 403
    assert http.get("/auth/v1/user", headers=bearer(gw, b["access_token"])).status_code == 200
    assert refresh(http, gw, b["refresh_token"]).status_code == 200


def test_others_logout_keeps_only_this_session(http, gw, user):
    a = sign_in(http, gw, user["email"], user["password"]).json()
    b = sign_in(http, gw, user["email"], user["password"]).json()
    assert http.post("/auth/v1/logout", params={"scope": "others"},
                     headers=bearer(gw, a["access_token"])).status_code == 204
    assert http.get("/auth/v1/user", headers=bearer(gw, a["access_token"])).status_code == 200
    assert http.get("/auth/v1/user", headers=bearer(gw, b["access_token"])).status_code == 403


def test_unknown_logout_scope(http, gw, user_session):
    r = http.post("/auth/v1/logout", params={"scope": "everything"},
                  headers={**bearer(gw, user_session["access_token"]), **V2024})
    assert r.status_code == 400 and r.json()["code"] == "validation_failed"


# -- admin -----------------------------------------------------------------------------------

def test_admin_create_user_stores_a_gotrue_compatible_row(gw, db):
    u = gw.create_user(email="Row.Shape@Example.test", password="pass-1234")
    row = db.execute("select email, encrypted_password, email_confirmed_at, confirmation_token, recovery_token, "
                     "email_change_token_new, email_change, aud, role from auth.users where id = %s",
                     (u["id"],)).fetchone()
    assert row[0] == "row.shape@example.test"
    assert row[1].startswith("$2a$10$") and row[2] is not None
    assert row[3:7] == ("", "", "", "")
    assert row[7:] == ("authenticated", "authenticated")
    assert u["app_metadata"] == {"provider": "email", "providers": ["email"]}


@pytest.mark.parametrize("key_name", ["anon", "user"])
def test_admin_needs_the_service_role(http, gw, user_session, key_name):
    token = gw.anon_key if key_name == "anon" else user_session["access_token"]
    r = http.post("/auth/v1/admin/users", headers={**bearer(gw, token), **V2024},
                  json={"email": "x@example.test", "password": "secret-123"})
    assert r.status_code == 403
    assert r.json() == {"code": "not_admin", "message": "User not allowed"}
    assert r.headers["x-sb-error-code"] == "not_admin"


def test_admin_existing_email_is_422(http, gw, user):
    r = http.post("/auth/v1/admin/users", headers={**gw.service_headers(), **V2024},
                  json={"email": user["email"], "password": "secret-123", "email_confirm": True})
    assert r.status_code == 422 and r.json()["code"] == "email_exists"


def test_admin_short_password_is_weak_password(http, gw):
    r = http.post("/auth/v1/admin/users", headers={**gw.service_headers(), **V2024},
                  json={"email": f"weak-{time.time_ns()}@example.test", "password": "123"})
    assert r.status_code == 422 and r.json()["code"] == "weak_password"
    assert r.json()["weak_password"] == {"reasons": ["length"]}
