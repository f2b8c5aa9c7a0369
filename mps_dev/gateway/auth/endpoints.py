"""The /auth/v1 handlers. Each runs its database work in one transaction as supabase_auth_admin."""

from __future__ import annotations

import json
from typing import Any

import psycopg
from psycopg_pool import AsyncConnectionPool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .. import nesting
from ..body import read_limited
from ..settings import GatewaySettings
from . import bearer, errors, sessions, tokens, users

LOGOUT_SCOPES = ("global", "local", "others")


def _settings(request: Request) -> GatewaySettings:
    return request.app.state.settings


def _pool(request: Request) -> AsyncConnectionPool:
    return request.app.state.auth_pool


async def _json_body(request: Request) -> dict[str, Any]:
    raw = await read_limited(request, _settings(request).max_body_bytes)
    if not raw.strip():
        return {}
    if nesting.too_deep(raw):
        # Go's encoding/json stops at 10,000 levels; the stand-in at its documented limit,
        # before Python's recursive parser could fail.
        raise errors.bad_json(f"exceeded max depth of {nesting.MAX_JSON_DEPTH}")
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError) as e:
        raise errors.bad_json(type(e).__name__) from None
    if not isinstance(value, dict):
        raise errors.bad_json("the body is not a JSON object")
    return value


async def token(request: Request) -> Response:
    # `/token` never judges Authorization: after a sign-in the client sends the user's own token.
    grant = request.query_params.get("grant_type")
    body = await _json_body(request)
    if grant == "password":
        return await _password_grant(request, body)
    if grant == "refresh_token":
        return await _refresh_grant(request, body)
    raise errors.AuthError(400, "invalid_credentials", "unsupported_grant_type")


async def _password_grant(request: Request, body: dict[str, Any]) -> Response:
    settings = _settings(request)
    email, password = body.get("email"), body.get("password")
    if body.get("phone"):
        raise errors.AuthError(400, "phone_provider_disabled", "Phone logins are disabled")
    if not users.storable(email) or not email or not users.storable(password):
        # Not a string, or one no PostgreSQL text can hold (a NUL, a lone surrogate): no user
        # has that email or password.
        raise errors.invalid_credentials()
    async with _pool(request).connection() as conn:
        user = await users.by_email(conn, email)
        now = await _db_now(conn)
        if user is None or users.is_banned(user, now) or not await users.password_matches(user, password):
            raise errors.invalid_credentials()
        if user["email_confirmed_at"] is None:
            raise errors.AuthError(400, "email_not_confirmed", "Email not confirmed")
        async with conn.transaction():
            issued = await sessions.start(conn, user)
    request.state.role = "authenticated"
    return JSONResponse(tokens.response(settings, issued.user, issued.session_id, issued.refresh_token,
                                        "password", issued.authenticated_at))


async def _refresh_grant(request: Request, body: dict[str, Any]) -> Response:
    settings = _settings(request)
    token_value = body.get("refresh_token")
    if not isinstance(token_value, str) or not token_value:
        raise errors.OAuthError("invalid_request", "refresh_token required")
    if not users.storable(token_value):
        raise errors.AuthError(400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found")
    async with _pool(request).connection() as conn:
        try:
            async with conn.transaction():
                issued = await sessions.refresh(conn, token_value, settings.refresh_token_reuse_seconds)
        except sessions.AlreadyUsed as reuse:
            # GoTrue commits the family's revocation and then answers the error.
            async with conn.transaction():
                await sessions.revoke_family(conn, reuse.session_id)
            raise reuse from None
    return JSONResponse(tokens.response(settings, issued.user, issued.session_id, issued.refresh_token,
                                        "password", issued.authenticated_at))


async def logout(request: Request) -> Response:
    scope = request.query_params.get("scope", "global")
    if scope not in LOGOUT_SCOPES:
        raise errors.validation_failed(f'Unsupported logout scope "{scope}"')
    async with _pool(request).connection() as conn:
        caller = await bearer.require_user(conn, request.headers, _settings(request).jwt_secret)
        request.state.role = caller.claims.get("role")
        async with conn.transaction():
            await sessions.logout(conn, str(caller.user["id"]), caller.session_id, scope)  # type: ignore[index]
    return Response(status_code=204)


async def user(request: Request) -> Response:
    async with _pool(request).connection() as conn:
        caller = await bearer.require_user(conn, request.headers, _settings(request).jwt_secret)
    request.state.role = caller.claims.get("role")
    return JSONResponse(users.to_json(caller.user))  # type: ignore[arg-type]


async def admin_create_user(request: Request) -> Response:
    settings = _settings(request)
    request.state.role = bearer.require_admin(request.headers, settings.jwt_secret, settings.admin_roles)["role"]
    body = await _json_body(request)
    async with _pool(request).connection() as conn:
        try:
            async with conn.transaction():
                created = await users.create(conn, body)
        except psycopg.errors.UniqueViolation:
            # Two creations of one email at once: the index settles it, the answer is the same.
            raise errors.AuthError(422, "email_exists",
                                   "A user with this email address has already been registered") from None
        except psycopg.DataError:
            # A value PostgreSQL cannot store (a NUL in metadata, say): GoTrue would fail inside
            # the database with a 500; the stand-in answers what the caller must fix.
            raise errors.validation_failed("The user's data holds a value the database cannot store") from None
    return JSONResponse(users.to_json(created))


async def health(request: Request) -> Response:
    return JSONResponse({"version": "mps-dev", "name": "GoTrue",
                         "description": "Local stand-in for Supabase Auth (mps_dev)"})


async def _db_now(conn: psycopg.AsyncConnection):
    return (await (await conn.execute("select now()")).fetchone())[0]  # type: ignore[index]
