"""Who is calling, as PostgREST decides it: the bearer JWT's role, or the anonymous role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.datastructures import Headers

from .. import errors
from ..jwt import JwtFailure, role_of, verify_for_postgrest
from ..settings import GatewaySettings


@dataclass(frozen=True)
class Identity:
    role: str
    claims: dict[str, Any]
    authenticated: bool  # anything but the anonymous role: 42501 is then 403, not 401


def bearer_token(headers: Headers) -> str | None:
    """None without an Authorization header; '' when it is not a usable bearer token."""
    value = headers.get("authorization")
    if value is None:
        return None
    parts = value.split(" ")
    if len(parts) >= 2 and parts[0] in ("Bearer", "bearer"):
        return parts[1]
    return ""


def authenticate(headers: Headers, settings: GatewaySettings) -> Identity:
    token = bearer_token(headers)
    if token is None:
        return Identity(settings.anon_role, {"role": settings.anon_role}, False)
    try:
        claims = verify_for_postgrest(token, settings.jwt_secret, skew=settings.jwt_skew_seconds)
    except JwtFailure as f:
        raise errors.jwt_error(f.code, f.message, f.details) from None
    role = role_of(claims, settings.anon_role)
    return Identity(role, {**claims, "role": role}, role != settings.anon_role)
