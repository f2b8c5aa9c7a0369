"""GoTrue's error answers, in the body shape the client's API version asks for.

With `X-Supabase-Api-Version: 2024-01-01` (or later) the server echoes the version it applied
and answers `{"code", "message"}`; without it, the original `{"code": <status>, "error_code",
"msg"}`. Both carry `x-sb-error-code`. supabase-py reads `code` only when the echo is present.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date

from starlette.datastructures import Headers
from starlette.responses import Response

API_VERSION_HEADER = "X-Supabase-Api-Version"
API_VERSION_2024_01_01 = date(2024, 1, 1)
_VERSION_RE = re.compile(r"^2[0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")


@dataclass
class AuthError(Exception):
    status: int
    code: str
    message: str
    extra: dict = field(default_factory=dict)  # e.g. weak_password reasons

    def response(self, request_headers: Headers) -> Response:
        headers = {"x-sb-error-code": self.code}
        if _asked_version(request_headers) is not None:
            headers[API_VERSION_HEADER] = API_VERSION_2024_01_01.isoformat()
            body = {"code": self.code, "message": self.message, **self.extra}
        else:
            body = {"code": self.status, "error_code": self.code, "msg": self.message, **self.extra}
        return Response(json.dumps(body), status_code=self.status, headers=headers,
                        media_type="application/json")


@dataclass
class OAuthError(Exception):
    """GoTrue's few OAuth-style answers: `{"error", "error_description"}`, always 400."""

    error: str
    description: str

    def response(self, request_headers: Headers) -> Response:
        return Response(json.dumps({"error": self.error, "error_description": self.description}),
                        status_code=400, media_type="application/json")


def _asked_version(headers: Headers) -> date | None:
    """The API version that applies: 2024-01-01 when the client asked for it or later."""
    value = headers.get(API_VERSION_HEADER)
    if not value or not _VERSION_RE.match(value):
        return None
    try:
        asked = date.fromisoformat(value)
    except ValueError:
        return None
    return API_VERSION_2024_01_01 if asked >= API_VERSION_2024_01_01 else None


def invalid_credentials() -> AuthError:
    return AuthError(400, "invalid_credentials", "Invalid login credentials")


def bad_json(reason: str) -> AuthError:
    return AuthError(400, "bad_json", f"Could not parse request body as JSON: {reason}")


def validation_failed(message: str) -> AuthError:
    return AuthError(400, "validation_failed", message)


def no_authorization() -> AuthError:
    return AuthError(401, "no_authorization", "This endpoint requires a valid Bearer token")


def bad_jwt(reason: str) -> AuthError:
    return AuthError(403, "bad_jwt", f"invalid JWT: unable to parse or verify signature, {reason}")
