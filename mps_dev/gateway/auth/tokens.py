"""The access token GoTrue issues and the token response around it."""

from __future__ import annotations

import secrets
import time
from typing import Any

from ..jwt import sign
from ..settings import GatewaySettings
from . import users


def new_refresh_token() -> str:
    return secrets.token_urlsafe(16)


def access_token(settings: GatewaySettings, user: dict[str, Any], session_id: str, method: str,
                 authenticated_at: int, *, now: int | None = None) -> tuple[str, int]:
    """(JWT, expires_at) with GoTrue's claims."""
    iat = int(now if now is not None else time.time())
    exp = iat + settings.access_token_seconds
    claims = {
        "iss": f"{settings.public_url.rstrip('/')}/auth/v1",
        "sub": str(user["id"]),
        "aud": user["aud"] or "authenticated",
        "exp": exp,
        "iat": iat,
        "email": user["email"] or "",
        "phone": user["phone"] or "",
        "app_metadata": user["raw_app_meta_data"] or {},
        "user_metadata": user["raw_user_meta_data"] or {},
        "role": user["role"] or "authenticated",
        "aal": "aal1",
        "amr": [{"method": method, "timestamp": authenticated_at}],
        "session_id": session_id,
        "is_anonymous": bool(user["is_anonymous"]),
    }
    return sign(claims, settings.jwt_secret), exp


def response(settings: GatewaySettings, user: dict[str, Any], session_id: str, refresh_token: str,
             method: str, authenticated_at: int) -> dict[str, Any]:
    token, expires_at = access_token(settings, user, session_id, method, authenticated_at)
    return {
        "access_token": token,
        "token_type": "bearer",
        "expires_in": settings.access_token_seconds,
        "expires_at": expires_at,
        "refresh_token": refresh_token,
        "user": users.to_json(user),
    }
