"""GoTrue's requireAuthentication: a valid bearer JWT, its user, and its session still alive."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from psycopg import AsyncConnection
from starlette.datastructures import Headers

from ..jwt import verify_for_gotrue
from ..rpc.identity import bearer_token
from . import errors, sessions, users


@dataclass(frozen=True)
class Caller:
    claims: dict[str, Any]
    user: dict[str, Any] | None
    session_id: str | None


def claims_of(headers: Headers, secret: str) -> dict[str, Any]:
    token = bearer_token(headers)
    if not token:
        raise errors.no_authorization()
    try:
        return verify_for_gotrue(token, secret)
    except ValueError as reason:
        raise errors.bad_jwt(str(reason)) from None


async def require_user(conn: AsyncConnection, headers: Headers, secret: str) -> Caller:
    claims = claims_of(headers, secret)
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub:
        raise errors.AuthError(403, "bad_jwt", "invalid claim: missing sub claim")
    try:
        uuid.UUID(sub)
    except ValueError:
        raise errors.AuthError(400, "bad_jwt", "invalid claim: sub claim must be a UUID") from None
    user = await users.by_id(conn, sub)
    if user is None:
        raise errors.AuthError(403, "user_not_found", "User from sub claim in JWT does not exist")
    session_id = claims.get("session_id")
    if isinstance(session_id, str) and session_id and session_id != str(uuid.UUID(int=0)):
        try:
            uuid.UUID(session_id)
        except ValueError:
            raise errors.AuthError(403, "bad_jwt", "invalid claim: session_id claim must be a UUID") from None
        if not await sessions.session_exists(conn, session_id):
            raise errors.AuthError(403, "session_not_found", "Session from session_id claim in JWT does not exist")
    else:
        session_id = None
    return Caller(claims, user, session_id)


def require_admin(headers: Headers, secret: str, admin_roles: tuple[str, ...]) -> dict[str, Any]:
    claims = claims_of(headers, secret)
    if claims.get("role") not in admin_roles:
        raise errors.AuthError(403, "not_admin", "User not allowed")
    return claims
