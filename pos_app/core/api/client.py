"""The POS's calls to the MPS backend: PostgREST RPCs as the signed-in operator.

One `MpsClient` per counter, bound to one merchant code. The httpx client is injected (its
timeouts are the call's timeouts; tests hand in a transport). Every RPC the POS makes is
idempotent (money calls carry an idempotency key) or read-only, so each is retried per the
`RetryPolicy` with the very same body.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import httpx

from ..session.store import MemorySessionStore, SessionStore, StoredSession
from . import wire
from .auth import AuthClient, Session
from .errors import ApiError, AuthError, CallFailed, NotSignedIn, OutcomeUnknown, Unreachable, error_for_response
from .retry import RetryPolicy
from .shifts import MOVEMENT_KINDS, NEEDS_REASON, CashMovement, Preview, Shift, Terminal
from .transport import send

Amount = Decimal | int | str
# Told about every exchange with the server: None when it answered, the error when it did not
# (a connectivity monitor learns from real calls this way).
Observer = Callable[[CallFailed | None], None]


class MpsClient:
    """RPCs and the operator's session for one merchant."""

    def __init__(self, http: httpx.Client, base_url: str, api_key: str, merchant_code: str, *,
                 session_store: SessionStore | None = None, retry: RetryPolicy | None = None,
                 clock: Callable[[], float] = time.time, refresh_margin: float = 60.0,
                 observer: Observer | None = None) -> None:
        self._http = http
        self._rest = base_url.rstrip("/") + "/rest/v1/rpc/"
        self._api_key = api_key
        self._merchant_code = merchant_code
        self.session_store = session_store if session_store is not None else MemorySessionStore()
        self._retry = retry or RetryPolicy()
        self._clock = clock
        self._refresh_margin = refresh_margin  # refresh this many seconds before expiry
        self._observer = observer
        self.auth = AuthClient(http, base_url, api_key, retry=self._retry, clock=clock)
        self._session: Session | None = None
        # Every operator's session this run has held, by user id (the newest refresh token of
        # each, also when the keyring could not keep it).
        self._sessions: dict[str, Session] = {}
        self._session_lock = threading.RLock()  # one refresh at a time, whatever the thread
        self._in_flight = 0  # RPCs sent and not yet answered (with their retries), any thread
        self._in_flight_lock = threading.Lock()

    @property
    def merchant_code(self) -> str:
        return self._merchant_code

    @property
    def calls_in_flight(self) -> int:
        """How many RPCs are on their way (retries included). The counter switches operator
        only at zero: a call must be answered under the session it was sent with."""
        return self._in_flight

    @property
    def session(self) -> Session | None:
        """The current session, or None when signed out."""
        return self._session

    # -- session ---------------------------------------------------------------------------

    def sign_in(self, email: str, password: str) -> Session:
        """Sign the operator in and keep the refresh token (never the password) in the store."""
        session = self._observed(lambda: self.auth.sign_in(email, password))
        self._adopt(session)
        return session

    def restore_session(self) -> Session | None:
        """Resume the session kept by the store, if it is still valid on the server.

        Returns None (and forgets the kept session) when the server no longer knows it; raises
        `Unreachable`/`OutcomeUnknown` when it cannot tell, keeping it for a later try.
        """
        stored = self.session_store.load()
        if stored is None:
            return None
        try:
            session = self._observed(lambda: self.auth.refresh(stored.refresh_token))
        except AuthError:
            self.session_store.clear(stored.user_id)
            return None
        self._adopt(session)
        return session

    def switch_to(self, user_id: str, *, refresh: bool = True) -> Session:
        """Make `user_id`'s own session the one every call is made under (a PIN switch at the
        counter), from the refresh token kept for them. It is always refreshed, even when this
        run holds a fresh access token: a session ended elsewhere (revoked, the user blocked) is
        known at the switch, not an hour later. NotSignedIn when none is kept or the server
        ended it (it is forgotten: the password is needed); Unreachable/OutcomeUnknown when the
        server cannot be asked (the current session stays). `refresh=False` goes back to a
        session this run holds without a round trip (a switch that failed half-way)."""
        with self._session_lock:
            held = self._sessions.get(user_id)
            if held is not None and not refresh:
                self._adopt(held)
                return held
            kept = held or self.session_store.load(user_id)
            if kept is None:
                raise NotSignedIn("no session is kept for this operator: sign in with the password")
            token = kept.refresh_token
            try:
                session = self._observed(lambda: self.auth.refresh(token))
            except AuthError as e:
                self.forget(user_id)
                raise NotSignedIn(f"the session ended ({e.code}): sign in again") from e
            self._adopt(session)
            return session

    def forget(self, user_id: str) -> None:
        """Drop `user_id`'s session here (held and kept), without a call: the server said they
        may not work here any more, or their session ended."""
        with self._session_lock:
            self._sessions.pop(user_id, None)
            self.session_store.clear(user_id)
            if self._session is not None and self._session.user_id == user_id:
                self._session = None

    def sign_out(self) -> None:
        """End this counter's session (scope local) and forget it here, even when offline."""
        with self._session_lock:
            session, self._session = self._session, None
            if session is not None:
                self._sessions.pop(session.user_id, None)
                self.session_store.clear(session.user_id)
            else:
                self.session_store.clear()
        if session is not None:
            # Unanswered: the access token expires within the hour; nothing kept can renew it.
            with contextlib.suppress(Unreachable, OutcomeUnknown):
                self._observed(lambda: self.auth.sign_out(session.access_token))

    def _adopt(self, session: Session) -> None:
        with self._session_lock:
            self._session = self._sessions[session.user_id] = session
            self.session_store.save(StoredSession(session.refresh_token, session.user_id, session.email))

    def _access_token(self) -> str:
        """A token to call with, refreshed first when it is about to expire."""
        with self._session_lock:
            session = self._session
            if session is None:
                raise NotSignedIn()
            now = self._clock()
            if not session.expires_within(self._refresh_margin, now):
                return session.access_token
            try:
                return self._refresh(session.access_token).access_token
            except (Unreachable, OutcomeUnknown):
                if session.expires_at > now:
                    return session.access_token  # still valid: try with it, refresh next call
                raise

    def _refresh(self, stale_token: str) -> Session:
        """Refresh the session whose access token is `stale_token`, unless another thread
        already did; NotSignedIn when the server refuses the refresh token."""
        with self._session_lock:
            current = self._session
            if current is None:
                raise NotSignedIn()
            if current.access_token != stale_token:
                return current
            try:
                session = self._observed(lambda: self.auth.refresh(current.refresh_token))
            except AuthError as e:
                self.forget(current.user_id)
                raise NotSignedIn(f"the session ended ({e.code}): sign in again") from e
            self._adopt(session)
            return session

    # -- RPC -------------------------------------------------------------------------------

    def rpc(self, fn: str, params: dict[str, Any] | None = None, *, idempotent: bool = False) -> Any:
        """POST `/rest/v1/rpc/<fn>` as the operator; the answer with amounts as Decimal.

        Pass `idempotent=True` only for a read or a call with an idempotency key: only those are
        retried after an unknown outcome. A token the server refuses (expired, bad) is refreshed
        and the call sent once more.
        """
        with self._in_flight_lock:
            self._in_flight += 1
        try:
            return self._rpc(fn, params, idempotent)
        finally:
            with self._in_flight_lock:
                self._in_flight -= 1

    def _rpc(self, fn: str, params: dict[str, Any] | None, idempotent: bool) -> Any:
        body = wire.encode(params or {})  # encoded once: every retry sends the same bytes
        sent_with: list[str] = []

        def attempt() -> Any:
            token = self._access_token()
            sent_with.append(token)
            return self._post(fn, body, token)

        try:
            return self._retry.run(attempt, idempotent=idempotent)
        except ApiError as e:
            if not e.is_jwt_rejected:
                raise
            self._refresh(sent_with[-1])
            # A try before the refusal may have gone unanswered and may still be applied: the
            # second round carries that on, so its refusal is flagged and its "no network" is an
            # unknown outcome, as one round's would be.
            unanswered = e.after_unknown
        return self._retry.run(attempt, idempotent=idempotent, unanswered=unanswered)

    def _post(self, fn: str, body: bytes, access_token: str) -> Any:
        request = self._http.build_request(
            "POST", self._rest + fn, content=body,
            headers={"apikey": self._api_key, "Authorization": f"Bearer {access_token}",
                     "Content-Type": "application/json", "Accept": "application/json"})
        return self._observed(lambda: _answer(send(self._http, request)))

    def _observed(self, call: Callable[[], Any]) -> Any:
        try:
            result = call()
        except (ApiError, AuthError):
            self._observe(None)  # the server answered: it is there
            raise
        except (OutcomeUnknown, Unreachable) as e:
            self._observe(e)
            raise
        self._observe(None)
        return result

    def _observe(self, error: CallFailed | None) -> None:
        if self._observer is not None:
            self._observer(error)

    def ping(self) -> None:
        """The cheapest round trip (Auth's health endpoint, with the API key); raises if none."""
        self._observed(self.auth.health)

    # -- what the counter calls ------------------------------------------------------------

    def session_info(self) -> dict[str, Any]:
        """The operator's role and the merchant's name, currency, time zone, business day."""
        return self.rpc("merchant_session_info", {"p_merchant_code": self._merchant_code}, idempotent=True)

    def charge_by_qr(self, qr: str, amount: Amount, key: str, tag: dict[str, Any] | None = None, *,
                     shift_id: str | None = None) -> dict[str, Any]:
        """Charge the member's payment code `qr`; `key` is the sale's idempotency key.
        `shift_id`: the terminal's open shift the sale belongs to (contract §9)."""
        return self.rpc("merchant_charge_by_qr", _with_shift({
            "p_merchant_code": self._merchant_code, "p_qr_plain": qr, "p_raw_amount": wire.amount(amount),
            "p_idempotency_key": key, "p_tag": tag or {}}, shift_id), idempotent=True)

    def refund(self, tx_id: str, amount: Amount, key: str, reason: str | None = None,
               tag: dict[str, Any] | None = None, *, shift_id: str | None = None) -> dict[str, Any]:
        """Refund all or part of payment `tx_id` (manager role); one `key` per refund."""
        params: dict[str, Any] = {"p_merchant_code": self._merchant_code, "p_tx_id": str(tx_id),
                                  "p_refund_amount": wire.amount(amount), "p_idempotency_key": key,
                                  "p_tag": tag or {}}
        if reason is not None:
            params["p_reason"] = reason
        return self.rpc("merchant_refund_tx", _with_shift(params, shift_id), idempotent=True)

    def recharge_by_qr(self, qr: str, amount: Amount, key: str, tag: dict[str, Any] | None = None, *,
                       shift_id: str | None = None) -> dict[str, Any]:
        """A cash top-up at the counter onto the card behind `qr`; the cash goes into the drawer
        of `shift_id` (required once the shop runs shifts)."""
        return self.rpc("merchant_recharge_by_qr", _with_shift({
            "p_merchant_code": self._merchant_code, "p_qr_plain": qr, "p_amount": wire.amount(amount),
            "p_idempotency_key": key, "p_tag": tag or {}}, shift_id), idempotent=True)

    def resolve_attempt(self, key: str) -> dict[str, Any]:
        """Settle a money call of unknown outcome: `{outcome: "succeeded", result}` or
        `{outcome: "voided"}` (and then no late request with `key` can move money)."""
        return self.rpc("merchant_resolve_attempt", {"p_merchant_code": self._merchant_code,
                                                     "p_idempotency_key": key}, idempotent=True)

    def get_tx(self, tx_id: str) -> dict[str, Any]:
        """One transaction; a payment with its refunds and `refundable_remaining`."""
        return self.rpc("merchant_get_tx", {"p_merchant_code": self._merchant_code, "p_tx_id": str(tx_id)},
                        idempotent=True)

    def list_transactions(self, *, since: datetime | None = None, until: datetime | None = None,
                          limit: int = 50, before: tuple[str, str] | None = None,
                          operator_user_id: str | None = None, kind: str | None = None,
                          shift_id: str | None = None) -> list[dict[str, Any]]:
        """Transactions newest first in `[since, until)`; `before` = the last row's
        `(created_at, tx_id)` for the next page; `shift_id`: only that shift's rows. A cashier
        only ever gets their own."""
        params: dict[str, Any] = {"p_merchant_code": self._merchant_code, "p_limit": limit}
        optional = {"p_from": since, "p_to": until, "p_operator_user_id": operator_user_id, "p_kind": kind,
                    "p_shift_id": None if shift_id is None else str(shift_id)}
        params.update({k: v for k, v in optional.items() if v is not None})
        if before is not None:
            params["p_before_created_at"], params["p_before_id"] = before
        return self.rpc("merchant_list_transactions", params, idempotent=True)

    def daily_summary(self, day: date | None = None) -> dict[str, Any]:
        """A business day's totals, per cashier and per hour (today in the merchant's zone)."""
        params: dict[str, Any] = {"p_merchant_code": self._merchant_code}
        if day is not None:
            params["p_day"] = day
        return self.rpc("merchant_daily_summary", params, idempotent=True)

    def list_settlements(self, *, since: datetime | None = None, until: datetime | None = None,
                         limit: int = 50, before_period_start: datetime | str | None = None) -> list[dict[str, Any]]:
        """Settlements, newest period first (manager role)."""
        params: dict[str, Any] = {"p_merchant_code": self._merchant_code, "p_limit": limit}
        optional = {"p_from": since, "p_to": until, "p_before_period_start": before_period_start}
        params.update({k: v for k, v in optional.items() if v is not None})
        return self.rpc("merchant_list_settlements", params, idempotent=True)

    def generate_settlement(self, period_start: datetime, period_end: datetime) -> dict[str, Any]:
        """Settle `[period_start, period_end)`; the same period again returns the same one."""
        return self.rpc("generate_settlement", {"p_merchant_code": self._merchant_code,
                                                "p_period_start": period_start,
                                                "p_period_end": period_end}, idempotent=True)

    # -- shop operations (contract §9) ----------------------------------------------------
    # Opening, moving cash and closing carry an idempotency key like money calls, so they are
    # retried with the same body; reads are retried as reads.

    def register_terminal(self, terminal_code: str, name: str) -> Terminal:
        """Register this shop's counter `terminal_code`, or rename it (manager role)."""
        return Terminal.from_json(self.rpc("merchant_register_terminal", {
            "p_merchant_code": self._merchant_code, "p_terminal_code": terminal_code, "p_name": name},
            idempotent=True))

    def open_shift(self, terminal_code: str, opening_float: Amount, key: str) -> Shift:
        """Open the terminal's shift with the cash put in the drawer (0 allowed)."""
        return Shift.from_json(self.rpc("merchant_open_shift", {
            "p_merchant_code": self._merchant_code, "p_terminal_code": terminal_code,
            "p_opening_float": wire.amount(opening_float), "p_idempotency_key": key}, idempotent=True))

    def cash_movement(self, shift_id: str, kind: str, amount: Amount, key: str, reason: str | None = None,
                      tag: dict[str, Any] | None = None, *, terminal_code: str | None = None) -> CashMovement:
        """A pay-in, pay-out, drop or the cash part of a sale, in an open shift. A kind the
        server does not know, or a pay-out or drop without a reason, raises ValueError here,
        before anything is sent. `terminal_code`: this counter's, checked against the shift's."""
        if kind not in MOVEMENT_KINDS:
            raise ValueError(f"a cash movement is one of {', '.join(MOVEMENT_KINDS)}")
        if kind in NEEDS_REASON and not (reason or "").strip():
            raise ValueError(f"a {kind} needs a reason")
        params: dict[str, Any] = {"p_merchant_code": self._merchant_code, "p_shift_id": str(shift_id),
                                  "p_kind": kind, "p_amount": wire.amount(amount), "p_idempotency_key": key,
                                  "p_tag": tag or {}}
        if reason is not None:
            params["p_reason"] = reason
        if terminal_code is not None:
            params["p_terminal_code"] = terminal_code
        return CashMovement.from_json(self.rpc("merchant_cash_movement", params, idempotent=True))

    def close_shift(self, shift_id: str, counted_cash: Amount, key: str, note: str | None = None, *,
                    terminal_code: str | None = None) -> Shift:
        """Close the shift with the counted cash: the Z report (final, numbered)."""
        params: dict[str, Any] = {"p_merchant_code": self._merchant_code, "p_shift_id": str(shift_id),
                                  "p_counted_cash": wire.amount(counted_cash), "p_idempotency_key": key}
        if note is not None:
            params["p_note"] = note
        if terminal_code is not None:
            params["p_terminal_code"] = terminal_code
        return Shift.from_json(self.rpc("merchant_close_shift", params, idempotent=True))

    def get_shift(self, shift_id: str) -> Shift:
        """The X read-out of an open shift, or the Z report of a closed one."""
        return Shift.from_json(self.rpc("merchant_get_shift", {"p_merchant_code": self._merchant_code,
                                                               "p_shift_id": str(shift_id)}, idempotent=True))

    def list_shifts(self, *, since: datetime | None = None, until: datetime | None = None,
                    terminal_code: str | None = None, limit: int = 100) -> list[Shift]:
        """Shifts open at some moment of `[since, until)`, newest first (a cashier: their own)."""
        params: dict[str, Any] = {"p_merchant_code": self._merchant_code, "p_limit": limit}
        optional = {"p_from": since, "p_to": until, "p_terminal_code": terminal_code}
        params.update({k: v for k, v in optional.items() if v is not None})
        return [Shift.from_json(row) for row in self.rpc("merchant_list_shifts", params, idempotent=True)]

    def preview_qr(self, qr: str) -> Preview:
        """Who is paying with `qr`, before the charge; spends nothing (errors as a charge's)."""
        return Preview.from_json(self.rpc("merchant_preview_qr", {"p_merchant_code": self._merchant_code,
                                                                  "p_qr_plain": qr}, idempotent=True))

    def remove_operator(self, user_id: str) -> dict[str, Any]:
        """Take an operator off this shop (owner role); their next call is refused. Not retried
        after an unknown outcome (a retry of a removal that landed would say not_found)."""
        return self.rpc("remove_merchant_user", {"p_merchant_code": self._merchant_code,
                                                 "p_user_id": str(user_id)})


def _with_shift(params: dict[str, Any], shift_id: str | None) -> dict[str, Any]:
    """`params` naming the shift when there is one (older servers know no p_shift_id)."""
    if shift_id is not None:
        params["p_shift_id"] = str(shift_id)
    return params


def _answer(response: httpx.Response) -> Any:
    """The decoded body of a 2xx answer (None for 204), or the error it stands for."""
    if not response.is_success:
        raise error_for_response(response)
    if response.status_code == 204 or not response.content:
        return None
    try:
        return wire.decode(response.content)
    except ValueError as e:
        # A 2xx we cannot read: the call may well have been applied.
        raise OutcomeUnknown(f"HTTP {response.status_code} with a body that is not JSON",
                             status=response.status_code) from e
