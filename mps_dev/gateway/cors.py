"""CORS as a browser meets it on Supabase: Kong's `cors` plugin in front, the services' own behind.

Kong (default plugin settings, as Supabase configures /rest/v1 and /auth/v1) answers every
preflight itself, before the API key check: 200, `Access-Control-Allow-Origin: *`, the requested
headers echoed as allowed, its method list. On every other response it sets
`Access-Control-Allow-Origin: *`. When the request names an Origin, the service behind adds its
own: PostgREST exposes Content-Range and its other headers; GoTrue exposes
X-Supabase-Api-Version (the header auth-js reads to pick the error format) and allows
credentials. The gateway's own refusals (API key, body size) come from Kong and carry only the
origin header, as on Supabase.
"""

from __future__ import annotations

from starlette.types import Scope

KONG_METHODS = "GET,HEAD,PUT,PATCH,POST,DELETE,OPTIONS,TRACE,CONNECT"
POSTGREST_EXPOSED = ("Content-Encoding, Content-Location, Content-Range, Content-Type, Date, Location, "
                     "Server, Transfer-Encoding, Range-Unit")
GOTRUE_EXPOSED = "X-Total-Count, Link, X-Supabase-Api-Version"


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


def is_preflight(scope: Scope) -> bool:
    return (scope["method"] == "OPTIONS" and _header(scope, b"origin") is not None
            and _header(scope, b"access-control-request-method") is not None)


def preflight_headers(scope: Scope) -> list[tuple[bytes, bytes]]:
    headers = [(b"access-control-allow-origin", b"*"),
               (b"access-control-allow-methods", KONG_METHODS.encode())]
    requested = _header(scope, b"access-control-request-headers")
    if requested is not None:
        headers.append((b"access-control-allow-headers", requested.encode("latin-1")))
    return [*headers, (b"content-length", b"0")]


def response_headers(scope: Scope, *, from_service: bool) -> list[tuple[bytes, bytes]]:
    """What CORS adds to an ordinary answer (errors included)."""
    headers = [(b"access-control-allow-origin", b"*")]
    if not from_service or _header(scope, b"origin") is None:
        return headers
    if scope["path"].startswith("/auth/v1"):
        return [*headers, (b"access-control-allow-credentials", b"true"),
                (b"access-control-expose-headers", GOTRUE_EXPOSED.encode()), (b"vary", b"Origin")]
    return [*headers, (b"access-control-expose-headers", POSTGREST_EXPOSED.encode())]


def merged(existing: list[tuple[bytes, bytes]], added: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """`added` replaces headers of the same name (Kong's set_header), except Vary, which adds."""
    names = {k.lower() for k, _v in added if k.lower() != b"vary"}
    return [(k, v) for k, v in existing if k.lower() not in names] + added
