"""The sale path at the counter, Qt-free: check what the cashier entered (`prepare_*`, on the
UI thread), then do the work (`run`, `retry`, `check`, `recover`, on a worker), each returning
an `Outcome` the UI shows.

The rules (pos.md "A sale, start to end"):
- Every attempt gets a new idempotency key and a journal row in state `sending`, on disk,
  before the first request.
- Success → `done` with the server's answer. A refusal (business error, forbidden) → `failed`;
  trying again is a new sale with a new key. No answer (outcome unknown, offline, signed out)
  → `pending`: Retry resends with the same key and the payment code held in memory only.
- One unsettled attempt per counter: while one is sending or pending, no other attempt can
  start (a double click, a second scan), so a sale whose fate is unknown is never rung twice.
- The journal never holds a payment code. After a restart the code is gone, so `recover()` and
  `check()` settle an attempt by its key through `merchant_resolve_attempt`: `done` with its
  result, or `voided` (nothing was charged and nothing can be under that key).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Protocol

from ..api.errors import ApiError, CallFailed, NotSignedIn, OutcomeUnknown, Unreachable
from ..money import DEFAULT_CAP, AmountError, check_amount, parse_amount
from ..scanning.codes import NotUsable, PaymentCode, ReceiptCode, classify
from ..shift.current import CurrentShift
from .journal import Attempt, Journal

MAX_REASON = 500  # characters, as the backend's p_reason allows


class SaleApi(Protocol):
    """The part of the API client (`api.client.MpsClient`) the sale path uses. The client
    retries transient faults itself with the same key, and raises `ApiError`, `OutcomeUnknown`,
    `Unreachable` or `NotSignedIn`."""

    def charge_by_qr(self, qr: str, amount: Decimal, key: str, tag: dict[str, Any] | None = None) -> dict[str, Any]: ...

    def refund(self, tx_id: str, amount: Decimal, key: str, reason: str | None = None) -> dict[str, Any]: ...

    def recharge_by_qr(self, qr: str, amount: Decimal, key: str) -> dict[str, Any]: ...

    def resolve_attempt(self, key: str) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Till:
    """The till a sale is rung up at: which merchant, terminal and operator (written on every
    journal row) and the per-transaction cap."""

    merchant_code: str
    terminal: str
    operator: str
    cap: Decimal = DEFAULT_CAP


class SaleRefused(Exception):
    """The service would not start or retry an attempt. `reason` is a `messages` name;
    `key` names the attempt concerned (the unsettled one, for `attempt_unsettled`)."""

    def __init__(self, reason: str, key: str | None = None):
        super().__init__(reason if key is None else f"{reason} ({key})")
        self.reason = reason
        self.key = key


@dataclass(frozen=True)
class Prepared:
    """A checked attempt, not yet sent: one sale (or refund, or top-up) with its own key."""

    kind: str
    amount: Decimal
    key: str
    code: PaymentCode | None = field(default=None, repr=False)
    tx_id: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Outcome:
    """Where an attempt stands after a call. `state` is its journal state: done, failed,
    pending or voided; `error` a `messages` name (why it failed, or why it is pending);
    `result` the server's answer when done (the receipt's data); `available` the card's balance
    when it was too low (`insufficient_balance`), for the cashier to tell the member."""

    attempt: Attempt
    error: str | None = None
    available: Decimal | None = None

    @property
    def key(self) -> str:
        return self.attempt.key

    @property
    def state(self) -> str:
        return self.attempt.state

    @property
    def result(self) -> dict[str, Any] | None:
        return self.attempt.result if self.attempt.state == "done" else None


def _new_key() -> str:
    return str(uuid.uuid4())


class SaleService:
    """Charges, refunds and counter top-ups through one journal and one API client."""

    def __init__(self, api: SaleApi, journal: Journal, counter: Till,
                 new_key: Callable[[], str] = _new_key, shift: CurrentShift | None = None):
        self.api = api
        self.journal = journal
        self.counter = counter
        # The terminal's open shift, named on every money call (contract §9); None before the
        # shop runs shifts, and in tests of the sale path alone.
        self.shift = shift
        self._new_key = new_key
        self._lock = threading.Lock()
        self._in_flight: set[str] = set()  # keys with a call running in this process
        # Payment codes of unsettled attempts, in memory only, so Retry can resend them.
        self._codes: dict[str, PaymentCode] = {}

    # -- check (UI thread) -----------------------------------------------------------------

    def prepare_charge(self, amount: str | Decimal, scanned: str | PaymentCode) -> Prepared:
        """A charge of `amount` (typed text or Decimal) to the scanned payment code, or SaleRefused."""
        return self._prepare_qr("charge", amount, scanned)

    def prepare_topup(self, amount: str | Decimal, scanned: str | PaymentCode) -> Prepared:
        """A cash top-up of `amount` onto the card behind the scanned payment code."""
        return self._prepare_qr("topup", amount, scanned)

    def prepare_refund(self, payment: str, amount: str | Decimal, reason: str | None = None) -> Prepared:
        """A refund of `amount` on the payment named by a receipt's code or a typed tx id."""
        value = self._amount(amount)
        found = classify(payment)
        if isinstance(found, PaymentCode):
            raise SaleRefused("payment_code_for_refund")
        if isinstance(found, NotUsable):
            malformed = found.reason == "malformed_receipt_code"
            raise SaleRefused("malformed_receipt_code" if malformed else "not_a_receipt_code")
        reason = (reason or "").strip() or None
        if reason is not None and len(reason) > MAX_REASON:
            raise SaleRefused("reason_too_long")
        self._refuse_if_unsettled()
        return Prepared("refund", value, self._new_key(), tx_id=found.tx_id, reason=reason)

    def _prepare_qr(self, kind: str, amount: str | Decimal, scanned: str | PaymentCode) -> Prepared:
        value = self._amount(amount)
        code = scanned if isinstance(scanned, PaymentCode) else classify(scanned)
        if isinstance(code, ReceiptCode):
            raise SaleRefused("receipt_code_for_payment")
        if isinstance(code, NotUsable):
            raise SaleRefused(code.reason)
        self._refuse_if_unsettled()
        return Prepared(kind, value, self._new_key(), code=code)

    def _amount(self, amount: str | Decimal) -> Decimal:
        try:
            if isinstance(amount, Decimal):
                return check_amount(amount, self.counter.cap)
            return parse_amount(amount, self.counter.cap)
        except AmountError as e:
            raise SaleRefused(f"amount_{e.reason}") from e

    def _refuse_if_unsettled(self) -> None:
        with self._lock:
            blocker = self._unsettled_key()
        if blocker is not None:
            raise SaleRefused("attempt_unsettled", blocker)

    def _unsettled_key(self) -> str | None:
        # Called with the lock held.
        if self._in_flight:
            return next(iter(self._in_flight))
        rows = self.journal.unfinished(self.counter.merchant_code)
        return rows[0].key if rows else None

    def unsettled(self) -> list[Attempt]:
        """This merchant's attempts still sending or pending, oldest first."""
        return self.journal.unfinished(self.counter.merchant_code)

    def can_retry(self, key: str) -> bool:
        """Whether Retry can resend this pending attempt (its payment code is still in memory,
        or it is a refund); otherwise only Check can settle it."""
        row = self.journal.get(key)
        return (row is not None and row.state == "pending" and key not in self._in_flight
                and (row.kind == "refund" or key in self._codes))

    # -- work (worker thread) --------------------------------------------------------------

    def run(self, prepared: Prepared) -> Outcome:
        """Journal the attempt durably, send it, and journal what came of it."""
        with self._lock:
            if prepared.key in self._in_flight or self.journal.get(prepared.key) is not None:
                raise SaleRefused("already_started", prepared.key)
            blocker = self._unsettled_key()
            if blocker is not None:
                raise SaleRefused("attempt_unsettled", blocker)
            self.journal.begin(
                key=prepared.key, kind=prepared.kind, merchant_code=self.counter.merchant_code,
                terminal=self.counter.terminal, operator=self.counter.operator, amount=prepared.amount,
                original_tx_id=prepared.tx_id, reason=prepared.reason)
            self._in_flight.add(prepared.key)
            if prepared.code is not None:
                self._codes[prepared.key] = prepared.code
        return self._send(prepared.key, prepared.kind, prepared.amount, prepared.code, prepared.tx_id, prepared.reason)

    def retry(self, key: str) -> Outcome:
        """Resend a pending attempt with its own key (and the payment code held in memory)."""
        with self._lock:
            row = self.journal.get(key)
            if key in self._in_flight:
                raise SaleRefused("already_started", key)
            if row is None or row.state != "pending" or row.merchant_code != self.counter.merchant_code:
                raise SaleRefused("not_pending", key)
            code = self._codes.get(key)
            if row.kind != "refund" and code is None:
                raise SaleRefused("code_gone", key)
            self._in_flight.add(key)
        return self._send(key, row.kind, row.amount, code, row.original_tx_id, row.reason, uncertain=True)

    def _send(self, key: str, kind: str, amount: Decimal, code: PaymentCode | None,
              tx_id: str | None, reason: str | None, *, uncertain: bool = False) -> Outcome:
        """Send one attempt. `uncertain`: an earlier send of it went without an answer."""
        shift_id = self.shift.shift_id if self.shift is not None else None
        # Only named when there is one: a retry after the shift closed is refused by the server
        # (shift_closed) and settled by its key like any refusal after an unanswered send.
        named = {"shift_id": shift_id} if shift_id is not None else {}
        try:
            try:
                if kind == "charge":
                    tag = {"terminal": self.counter.terminal}
                    result = self.api.charge_by_qr(code.plain, amount, key, tag, **named)
                elif kind == "topup":
                    result = self.api.recharge_by_qr(code.plain, amount, key, **named)
                else:
                    result = self.api.refund(tx_id, amount, key, reason, **named)
            except ApiError as e:
                if e.is_business or e.is_forbidden:
                    if uncertain or e.after_unknown:
                        return self._settle_refusal(key, e.name)
                    refused = self._final(self.journal.mark_failed(key, e.name), e.name)
                    return replace(refused, available=e.balance_available)
                # 401, 408, 429, a PostgREST fault...: refused this time, but the client may
                # have tried before without an answer, so only the key can tell.
                return self._pending(key, "not_signed_in" if e.needs_sign_in else "outcome_unknown")
            except CallFailed as e:
                return self._pending(key, _cause(e))
            except BaseException:
                self.journal.mark_pending(key, "unexpected")  # a bug: the key still settles it
                raise
            return self._final(self.journal.mark_done(key, result), None)
        finally:
            with self._lock:
                self._in_flight.discard(key)

    def _settle_refusal(self, key: str, refusal: str) -> Outcome:
        # The refusal is only the last send's verdict: an earlier send went unanswered and may
        # still be applied late. The key settles it: either that send went through (done), or
        # the key is now void and nothing can go through under it (failed, for the refusal).
        try:
            got = self.api.resolve_attempt(key)
        except CallFailed:
            return self._pending(key, "outcome_unknown")
        if got.get("outcome") == "succeeded":
            return self._final(self.journal.mark_done(key, got["result"]), None)
        return self._final(self.journal.mark_failed(key, refusal), refusal)

    def check(self, key: str) -> Outcome:
        """Settle an unsettled attempt by its key (`merchant_resolve_attempt`): done with its
        result, or voided. Without an answer it stays pending, to be checked again."""
        with self._lock:
            row = self.journal.get(key)
            if key in self._in_flight:
                raise SaleRefused("already_started", key)
            if row is None or not row.unfinished or row.merchant_code != self.counter.merchant_code:
                raise SaleRefused("not_pending", key)
            self._in_flight.add(key)
        try:
            try:
                got = self.api.resolve_attempt(key)
            except ApiError as e:
                return self._pending(key, "not_signed_in" if e.needs_sign_in else e.name)
            except CallFailed as e:
                return self._pending(key, _cause(e))
            if got.get("outcome") == "succeeded":
                return self._final(self.journal.mark_done(key, got["result"]), None)
            if got.get("outcome") == "voided":
                return self._final(self.journal.mark_voided(key, got), "voided")
            return self._pending(key, "unexpected")
        finally:
            with self._lock:
                self._in_flight.discard(key)

    def recover(self) -> list[Outcome]:
        """Settle every unsettled attempt of this merchant (at start, and again later if the
        network was down), oldest first. When one cannot be settled the rest are not tried:
        they are reported pending with the same cause."""
        outcomes: list[Outcome] = []
        stuck: str | None = None
        for row in self.unsettled():
            if row.key in self._in_flight:
                continue
            if stuck is not None:
                outcomes.append(self._pending(row.key, stuck))
                continue
            try:
                outcome = self.check(row.key)
            except SaleRefused:
                continue  # settled meanwhile by a Check or Retry on another thread
            outcomes.append(outcome)
            if outcome.state == "pending":
                stuck = outcome.error
        return outcomes

    def _final(self, attempt: Attempt, error: str | None) -> Outcome:
        self._codes.pop(attempt.key, None)
        return Outcome(attempt, error)

    def _pending(self, key: str, cause: str) -> Outcome:
        return Outcome(self.journal.mark_pending(key, cause), cause)


def _cause(error: CallFailed) -> str:
    if isinstance(error, Unreachable):
        return "offline"
    if isinstance(error, NotSignedIn):
        return "not_signed_in"
    if isinstance(error, OutcomeUnknown):
        return "outcome_unknown"
    return "unexpected"
