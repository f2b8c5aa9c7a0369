"""Supabase Auth (GoTrue) over httpx: sign in, refresh, sign out, current user."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from .errors import AuthError, OutcomeUnknown
from .retry import NO_RETRY, RetryPolicy
from .transport import send

# Asks GoTrue for its current error body ({"code": "invalid_credentials", "message"}); older
# servers ignore it and answer {"code": 400, "error_code", "msg"}. Both are read below.
API_VERSION = "2024-01-01"


@dataclass(frozen=True)
class Session:
    """A signed-in operator. The tokens never appear in the repr (logs, tracebacks)."""

    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_at: float  # epoch seconds
    user_id: str
    email: str | None

    def expires_within(self, seconds: float, now: float) -> bool:
        """Whether the access token is expired or will be in `seconds`."""
        return self.expires_at - now <= seconds


class AuthClient:
    """The `/auth/v1` endpoints the POS uses, on an injected httpx client."""

    def __init__(self, http: httpx.Client, base_url: str, api_key: str, *,
                 retry: RetryPolicy | None = None, clock: Callable[[], float] = time.time) -> None:
        self._http = http
        self._base = base_url.rstrip("/") + "/auth/v1"
        self._api_key = api_key
        self._retry = retry or NO_RETRY
        self._clock = clock

    def sign_in(self, email: str, password: str) -> Session:
        """Sign in with email and password; `AuthError` `invalid_credentials` when wrong."""
        body = {"email": email, "password": password}
        # A lost answer only leaves an unused session on the server: safe to retry.
        return self._retry.run(lambda: self._token("password", body), idempotent=True)

    def refresh(self, refresh_token: str) -> Session:
        """A new session from a refresh token (which the server rotates).

        Retrying with the same token is safe: GoTrue answers the parent of the active token
        with the active one, so a refresh whose answer was lost can be asked again.
        """
        body = {"refresh_token": refresh_token}
        return self._retry.run(lambda: self._token("refresh_token", body), idempotent=True)

    def sign_out(self, access_token: str) -> None:
        """End this session only (`scope=local`): the same cashier may be signed in on another
        counter. A session the server no longer knows (401/403/404) counts as signed out."""
        request = self._http.build_request(
            "POST", f"{self._base}/logout", params={"scope": "local"},
            headers=self._headers(access_token))
        response = send(self._http, request)
        if response.status_code in (401, 403, 404) or response.is_success:
            return
        raise _auth_error(response)

    def current_user(self, access_token: str) -> dict[str, Any]:
        """The user behind `access_token` (`AuthError` `session_not_found` once signed out)."""
        request = self._http.build_request("GET", f"{self._base}/user", headers=self._headers(access_token))
        response = send(self._http, request)
        if not response.is_success:
            raise _auth_error(response)
        return _json(response)

    def health(self) -> dict[str, Any]:
        """GoTrue's health answer: the cheapest request that proves the backend is reachable."""
        request = self._http.build_request("GET", f"{self._base}/health", headers=self._headers(None))
        response = send(self._http, request)
        if not response.is_success:
            raise _auth_error(response)
        return _json(response)

    def _token(self, grant_type: str, body: dict[str, str]) -> Session:
        request = self._http.build_request(
            "POST", f"{self._base}/token", params={"grant_type": grant_type},
            headers={**self._headers(None), "Content-Type": "application/json;charset=UTF-8"},
            content=json.dumps(body).encode())
        response = send(self._http, request)
        if not response.is_success:
            raise _auth_error(response)
        return self._session(_json(response))

    def _session(self, data: dict[str, Any]) -> Session:
        try:
            user = data["user"]
            # Counted on this machine's clock from `expires_in`, so a counter whose clock is off
            # still refreshes in time; `expires_at` (the server's clock) only if that is missing.
            if data.get("expires_in") is not None:
                expires_at = self._clock() + int(data["expires_in"])
            else:
                expires_at = data["expires_at"]
            return Session(access_token=data["access_token"], refresh_token=data["refresh_token"],
                           expires_at=float(expires_at), user_id=str(user["id"]), email=user.get("email"))
        except (KeyError, TypeError, ValueError) as e:
            # supabase-py silently turns such an answer into "no session"; a POS says so.
            raise OutcomeUnknown("Supabase Auth answered without a usable session") from e

    def _headers(self, access_token: str | None) -> dict[str, str]:
        headers = {"apikey": self._api_key, "X-Supabase-Api-Version": API_VERSION}
        if access_token:
            headers["Authorization"] = f"Bearer {access_token}"
        return headers


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError as e:
        raise OutcomeUnknown(f"HTTP {response.status_code} from Supabase Auth is not JSON") from e
    if not isinstance(data, dict):
        raise OutcomeUnknown(f"HTTP {response.status_code} from Supabase Auth is not a JSON object")
    return data


def _auth_error(response: httpx.Response) -> Exception:
    """The error of a failed Auth answer, whichever body variant the server sent."""
    status = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        if status >= 500 or body is None and not response.headers.get("x-sb-error-code"):
            return OutcomeUnknown(f"HTTP {status} from Supabase Auth", status=status)
        body = {}
    if status >= 500:
        return OutcomeUnknown(f"HTTP {status} from Supabase Auth", status=status,
                              code=_error_code(response, body))
    message = body.get("message") or body.get("msg") or body.get("error_description")
    return AuthError(status, _error_code(response, body), message if isinstance(message, str) else None)


def _error_code(response: httpx.Response, body: dict[str, Any]) -> str | None:
    # 2024-01-01 variant: "code" is the name; the older one: "code" is the status, the name is
    # "error_code"; OAuth-style answers: "error". The header is there on both GoTrue variants.
    for value in (body.get("error_code"), body.get("code"), body.get("error"),
                  response.headers.get("x-sb-error-code")):
        if isinstance(value, str) and value:
            return value
    return None
