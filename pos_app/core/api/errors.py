"""What can go wrong with a call, typed by what the counter must do about it.

- `ApiError`: the server answered and refused (PostgREST's four fields plus the HTTP status,
  which supabase-py drops and a POS needs). Nothing was applied: PostgREST rolls back.
- `OutcomeUnknown`: the request may or may not have been applied. Retry with the same
  idempotency key, or settle it with `merchant_resolve_attempt`.
- `Unreachable`: nothing was sent. Known not applied.
- `AuthError`: Supabase Auth refused (wrong password, refresh token gone, ...).
- `NotSignedIn`: there is no session, or it ended and cannot be refreshed.

No message or repr built here ever holds a token, a password or a QR code: error texts end up
on screens, in logs and in bug reports.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx

# Anything that looks like a member payment code or a JWT is cut out of server texts before
# they reach an error: the server should never echo one, but a log must not depend on that.
_SECRET_PATTERNS = (
    re.compile(r"MPSQR1\.[A-Za-z0-9_.-]+"),
    re.compile(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"),
)

# Project SQLSTATEs that say who the caller is rather than what was asked: not business errors.
_CALLER_NAMES = frozenset({"forbidden"})


def redact(text: str | None) -> str | None:
    """`text` with payment codes and JWTs replaced by a marker."""
    if text is None:
        return None
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub("[redacted]", text)
    return text


class CallFailed(Exception):
    """Base of every error a call to the backend raises."""


class ApiError(CallFailed):
    """PostgREST refused the call: `{code, message, details, hint}` and the HTTP status."""

    def __init__(self, status: int, code: str | None, message: str | None,
                 details: str | None = None, hint: str | None = None,
                 retry_after: float | None = None) -> None:
        self.status = status
        self.code = code
        self.message = redact(message) or ""
        self.details = redact(details)
        self.hint = redact(hint)
        self.retry_after = retry_after  # seconds the server asked to wait (429), if any
        # Set by RetryPolicy.run when an earlier try of the same call had no answer: this refusal
        # is the retry's, and that earlier try may still be applied late. Only the key can settle it.
        self.after_unknown = False
        super().__init__(self.status, self.code, self.message)

    @property
    def name(self) -> str:
        """The contract's snake_case name: `insufficient_balance`, `forbidden`, `PGRST202`."""
        if self.code == "42501":
            return "forbidden"
        if self.code and self.code.startswith("MP"):
            prefix, sep, _ = self.message.partition(": ")
            if sep and re.fullmatch(r"[a-z][a-z0-9_]*", prefix):
                return prefix
        return self.code or f"http_{self.status}"

    @property
    def balance_available(self) -> Decimal | None:
        """For `insufficient_balance`: the card's balance, from the JSON in `details`
        (`{"balance": 20.00, "amount_due": 20.01}`, docs/supabase_rpc.md); else None."""
        if self.name != "insufficient_balance" or not self.details:
            return None
        try:
            value = json.loads(self.details).get("balance")
            return Decimal(str(value)) if value is not None and not isinstance(value, bool) else None
        except (ValueError, AttributeError, InvalidOperation):
            return None

    @property
    def is_business(self) -> bool:
        """A refusal the cashier can act on (balance, QR expired, ...), not a fault of the app."""
        return bool(self.code and self.code.startswith("MP")) and self.name not in _CALLER_NAMES

    @property
    def is_forbidden(self) -> bool:
        """The signed-in operator lacks the role for this (a cashier asking for a refund)."""
        return self.code == "42501" or self.status == 403

    @property
    def needs_sign_in(self) -> bool:
        """The server does not accept the caller's credentials (no session, JWT refused)."""
        return self.status == 401

    @property
    def is_jwt_rejected(self) -> bool:
        """The access token was refused (expired or bad): refresh the session and retry once."""
        return self.status == 401 and self.code in ("PGRST301", "PGRST303")

    def __str__(self) -> str:
        return f"{self.name} (HTTP {self.status}, {self.code}): {self.message}"

    def __repr__(self) -> str:
        return (f"ApiError(status={self.status!r}, code={self.code!r}, message={self.message!r}, "
                f"details={self.details!r}, hint={self.hint!r})")


class OutcomeUnknown(CallFailed):
    """The request may have been applied or not: retry with the same key, or resolve it."""

    def __init__(self, reason: str, *, status: int | None = None, code: str | None = None,
                 retry_after: float | None = None) -> None:
        self.reason = redact(reason) or ""
        self.status = status
        self.code = code
        self.retry_after = retry_after
        super().__init__(self.reason)

    def __repr__(self) -> str:
        return f"OutcomeUnknown(reason={self.reason!r}, status={self.status!r}, code={self.code!r})"


class Unreachable(CallFailed):
    """Nothing reached the server (DNS, connection refused, no network): known not applied."""

    def __init__(self, reason: str) -> None:
        self.reason = redact(reason) or ""
        super().__init__(self.reason)

    def __repr__(self) -> str:
        return f"Unreachable(reason={self.reason!r})"


class AuthError(CallFailed):
    """Supabase Auth refused: `code` is GoTrue's error code (`invalid_credentials`, ...)."""

    def __init__(self, status: int, code: str | None, message: str | None) -> None:
        self.status = status
        self.code = code or f"http_{status}"
        self.message = redact(message) or ""
        super().__init__(self.status, self.code, self.message)

    def __str__(self) -> str:
        return f"{self.code} (HTTP {self.status}): {self.message}"

    def __repr__(self) -> str:
        return f"AuthError(status={self.status!r}, code={self.code!r}, message={self.message!r})"


class NotSignedIn(CallFailed):
    """No session, or it ended (signed out elsewhere, refresh token gone): sign in again."""

    def __init__(self, reason: str = "not signed in") -> None:
        self.reason = reason
        super().__init__(reason)


def retry_after_seconds(response: httpx.Response) -> float | None:
    """The `Retry-After` header in seconds, when it is a plain number of seconds."""
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None  # an HTTP date: rare from Supabase; the backoff applies instead
    return seconds if seconds >= 0 else None


def error_for_response(response: httpx.Response) -> CallFailed:
    """The error a non-2xx PostgREST answer stands for.

    Any 5xx is `OutcomeUnknown`: it may come from a proxy in front of a database that did
    commit (502, 504, Cloudflare's 520), and a POS must not tell the cashier "not charged" on a
    guess. A body that is not PostgREST's JSON is unknown for the same reason, unless
    PostgREST named the error in `Proxy-Status`.
    """
    status = response.status_code
    retry_after = retry_after_seconds(response)
    body = _json_object(response)
    if body is None:
        code = _proxy_status_code(response)
        if code and status < 500:
            return ApiError(status, code, None, retry_after=retry_after)
        return OutcomeUnknown(f"HTTP {status} with a body that is not PostgREST's JSON",
                              status=status, code=code, retry_after=retry_after)
    error = ApiError(status, _text(body.get("code")), _text(body.get("message")),
                     _text(body.get("details")), _text(body.get("hint")), retry_after=retry_after)
    if status >= 500:
        unknown = OutcomeUnknown(f"HTTP {status} from the server ({error.code})", status=status,
                                 code=error.code, retry_after=retry_after)
        unknown.__cause__ = error
        return unknown
    return error


def _json_object(response: httpx.Response) -> dict[str, Any] | None:
    try:
        body = json.loads(response.content)
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _proxy_status_code(response: httpx.Response) -> str | None:
    # PostgREST 13+: `Proxy-Status: PostgREST; error=PGRST116` (supabase-py reads it too).
    match = re.search(r"error=([A-Za-z0-9]+)", response.headers.get("proxy-status", ""))
    return match.group(1) if match else None


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
