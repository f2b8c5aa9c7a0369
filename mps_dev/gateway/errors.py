"""PostgREST's error answers: the four-key body, the SQLSTATE → HTTP table, its own PGRST codes."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from starlette.responses import Response


@dataclass
class ApiError(Exception):
    """An error answered as PostgREST does: status, body {code, message, details, hint}, headers."""

    status: int
    code: str | None
    message: str
    details: str | None = None
    hint: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    # PostgREST (13+) names its error in Proxy-Status; the gateway's own refusals (API key, body
    # size) come from the API gateway in front of PostgREST on Supabase, which does not.
    from_postgrest: bool = True

    def body(self) -> dict:
        return {"code": self.code, "message": self.message, "details": self.details, "hint": self.hint}

    def response(self, *, with_body: bool = True) -> Response:
        headers = dict(self.headers)
        if self.from_postgrest and self.code:
            headers["Proxy-Status"] = f"PostgREST; error={self.code}"
        content = json.dumps(self.body(), separators=(",", ":")).encode() if with_body else b""
        return Response(content, status_code=self.status, headers=headers,
                        media_type="application/json; charset=utf-8")


def status_for_sqlstate(sqlstate: str, message: str, authenticated: bool) -> int:
    """PostgREST's mapSQLtoHTTP, clause for clause."""
    c = sqlstate
    exact = {"23503": 409, "23505": 409, "25006": 405, "53400": 500, "57P01": 503,
             "P0001": 400, "42P01": 404, "42P17": 500}
    if c in exact:
        return exact[c]
    if c == "21000":
        return 400 if message.endswith("requires a WHERE clause") else 500
    if c == "22023":
        return 401 if message.startswith("role") and message.endswith("does not exist") else 400
    if c == "42883":
        return 406 if message.startswith("function xmlagg(") else 404
    if c == "42501":
        return 403 if authenticated else 401
    if c.startswith("PT"):
        try:
            n = int(c[2:])
        except ValueError:
            return 500
        return n if 100 <= n <= 599 else 500
    prefix = {"08": 503, "09": 500, "0L": 403, "0P": 403, "25": 500, "28": 403, "2D": 500,
              "38": 500, "39": 500, "3B": 500, "40": 500, "53": 503, "54": 500, "55": 500,
              "57": 500, "58": 500, "F0": 500, "HV": 500, "P0": 500, "XX": 500}
    return prefix.get(c[:2], 400)


def from_database(sqlstate: str, message: str, details: str | None, hint: str | None,
                  authenticated: bool) -> ApiError:
    """A PostgreSQL error passed through: its SQLSTATE, MESSAGE, DETAIL and HINT unchanged."""
    status = status_for_sqlstate(sqlstate, message, authenticated)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
    return ApiError(status, sqlstate, message, details, hint, headers)


def jwt_error(code: str, message: str, details: str | None = None) -> ApiError:
    # PostgREST quotes the description the way Haskell's `show` renders text.
    shown = json.dumps(message)
    return ApiError(401, code, message, details, None,
                    {"WWW-Authenticate": f'Bearer error="invalid_token", error_description={shown}'})


def invalid_body(message: str) -> ApiError:
    return ApiError(400, "PGRST102", message)


def too_deeply_nested(limit: int, where: str = "body") -> ApiError:
    """A JSON text nested past the gateway's limit: PostgREST would hand it to PostgreSQL, which
    fails with 54001 (stack depth limit exceeded) and a 500; the stand-in refuses it first."""
    code = "PGRST102" if where == "body" else "PGRST100"
    return ApiError(400, code, f"JSON nested deeper than {limit} levels in the request {where}",
                    "The local stand-in refuses it before PostgreSQL would fail with 54001 "
                    "(stack depth limit exceeded)")


def invalid_rpc_method(method: str) -> ApiError:
    return ApiError(405, "PGRST101", f"Cannot use the {method} method on RPC")


def unacceptable_schema(schema: str, exposed: tuple[str, ...]) -> ApiError:
    return ApiError(406, "PGRST106", f"Invalid schema: {schema}", None,
                    "Only the following schemas are exposed: " + ", ".join(exposed))


def unacceptable_media(accepted: list[str]) -> ApiError:
    return ApiError(406, "PGRST107", "None of these media types are available: " + ", ".join(accepted))


def singularity(rows: int) -> ApiError:
    return ApiError(406, "PGRST116", "Cannot coerce the result to a single JSON object",
                    f"The result contains {rows} rows")


def pool_timeout() -> ApiError:
    return ApiError(504, "PGRST003", "Timed out acquiring connection from connection pool.")


def connection_error(details: str | None = None) -> ApiError:
    return ApiError(503, "PGRST000", "Database connection error. Retrying the connection.", details)


def internal_error() -> ApiError:
    # Never the exception's text: it could carry SQL, data or a token. The log has the trace.
    return ApiError(500, "PGRSTX00", "Internal server error")


def missing_api_key() -> ApiError:
    return ApiError(401, None, "No API key found in request", None,
                    "No `apikey` request header or url param was found.", from_postgrest=False)


def invalid_api_key() -> ApiError:
    return ApiError(401, None, "Invalid API key", None,
                    "Double check your Supabase `anon` or `service_role` API key.", from_postgrest=False)


def payload_too_large(limit: int) -> ApiError:
    return ApiError(413, None, "Payload Too Large", f"The request body exceeds {limit} bytes", None,
                    {"Connection": "close"}, from_postgrest=False)


def not_found_path() -> ApiError:
    return ApiError(404, None, "Not Found", "The local stand-in serves /rest/v1/rpc/* and /auth/v1/*",
                    None, from_postgrest=False)
