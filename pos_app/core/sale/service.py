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
- Cash movements (pay-in, pay-out, drop) are attempts of kind `cash` under the same rules; a
  split sale (`prepare_split`, `run_split`) journals its card part and its cash part together
  before the card part is sent. The cash part waits until the card part is done, and is then
  sent, and resent by its own key until it is settled: after a crash between the two,
  `recover()` sends it (a cash movement needs no payment code) or, when the card part was not
  charged, voids it; never a lost cash part, never a second charge. See `split.py` for how
  the two parts add up.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Protocol

from ..api.errors import ApiError, CallFailed, NotSignedIn, OutcomeUnknown, Unreachable
from ..api.shifts import NEEDS_REASON
from ..money import DEFAULT_CAP, AmountError, check_amount, parse_amount
from ..scanning.codes import NotUsable, PaymentCode, ReceiptCode, classify
from ..shift.current import CurrentShift
from .journal import Attempt, Journal
from .split import Split

MAX_REASON = 500  # characters, as the backend's p_reason allows


class SaleApi(Protocol):
    """The part of the API client (`api.client.MpsClient`) the sale path uses. The client
    retries transient faults itself with the same key, and raises `ApiError`, `OutcomeUnknown`,
    `Unreachable` or `NotSignedIn`."""

    def charge_by_qr(self, qr: str, amount: Decimal, key: str, tag: dict[str, Any] | None = None) -> dict[str, Any]: ...

    def refund(self, tx_id: str, amount: Decimal, key: str, reason: str | None = None) -> dict[str, Any]: ...

    def recharge_by_qr(self, qr: str, amount: Decimal, key: str) -> dict[str, Any]: ...

    def resolve_attempt(self, key: str) -> dict[str, Any]: ...

    def cash_movement(self, shift_id: str, kind: str, amount: Decimal, key: str, reason: str | None = None,
                      tag: dict[str, Any] | None = None, *, terminal_code: str | None = None) -> Any: ...


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
    movement_kind: str | None = None
    shift_id: str | None = None


@dataclass(frozen=True)
class PreparedSplit:
    """A checked split sale: the card part (a charge of `split.card_raw`) and the cash part (a
    `cash_sale` of `split.cash`), one sale group, each with its own key."""

    card: Prepared
    cash: Prepared
    group: str
    split: Split


@dataclass(frozen=True)
class Outcome:
    """Where an attempt stands after a call. `state` is its journal state: done, failed,
    pending or voided; `error` a `messages` name (why it failed, or why it is pending);
    `result` the server's answer when done (the receipt's data); `available` the card's balance
    when it was too low (`insufficient_balance`), for the cashier to tell the member."""

    attempt: Attempt
    error: str | None = None
    available: Decimal | None = None
    # The card part of a split sale carries its cash part's outcome once that was tried.
    cash_part: Outcome | None = None

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

    def prepare_cash(self, movement_kind: str, amount: str | Decimal, reason: str | None = None) -> Prepared:
        """A pay-in, pay-out or drop of `amount` into or out of the open shift's drawer."""
        if movement_kind not in ("pay_in", "pay_out", "drop"):
            raise SaleRefused("cash_kind_unknown")
        value = self._amount(amount)
        reason = (reason or "").strip() or None
        if reason is None and movement_kind in NEEDS_REASON:
            raise SaleRefused("cash_reason_needed")
        if reason is not None and len(reason) > MAX_REASON:
            raise SaleRefused("cash_reason_too_long")
        shift_id = self._shift_id()
        self._refuse_if_unsettled()
        return Prepared("cash", value, self._new_key(), reason=reason, movement_kind=movement_kind,
                        shift_id=shift_id)

    def prepare_split(self, scanned: str | PaymentCode, split: Split) -> PreparedSplit:
        """A split sale: `split.card_raw` charged to the scanned card, `split.cash` in cash."""
        shift_id = self._shift_id()
        card = self._prepare_qr("charge", split.card_raw, scanned)
        cash = Prepared("cash", self._amount(split.cash), self._new_key(), movement_kind="cash_sale",
                        shift_id=shift_id)
        return PreparedSplit(card, cash, self._new_key(), split)

    def _shift_id(self) -> str:
        shift_id = self.shift.shift_id if self.shift is not None else None
        if shift_id is None:
            raise SaleRefused("cash_no_shift")
        return shift_id

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
                and (row.kind in ("refund", "cash") or key in self._codes))

    # -- work (worker thread) --------------------------------------------------------------

    def run(self, prepared: Prepared) -> Outcome:
        """Journal the attempt durably, send it, and journal what came of it."""
        with self._lock:
            if prepared.key in self._in_flight or self.journal.get(prepared.key) is not None:
                raise SaleRefused("already_started", prepared.key)
            blocker = self._unsettled_key()
            if blocker is not None:
                raise SaleRefused("attempt_unsettled", blocker)
            row = self.journal.begin(**self._row(prepared))
            self._in_flight.add(prepared.key)
            if prepared.code is not None:
                self._codes[prepared.key] = prepared.code
        return self._send(row, prepared.code)

    def run_split(self, prepared: PreparedSplit) -> Outcome:
        """Journal both parts of a split sale in one durable write, charge the card part, and
        when it is done send the cash part. The outcome is the card part's, with the cash part's
        in `cash_part` (None while the card part is pending: the cash part waits for it)."""
        card, cash = prepared.card, prepared.cash
        with self._lock:
            for key in (card.key, cash.key):
                if key in self._in_flight or self.journal.get(key) is not None:
                    raise SaleRefused("already_started", key)
            blocker = self._unsettled_key()
            if blocker is not None:
                raise SaleRefused("attempt_unsettled", blocker)
            whole = prepared.split.amount
            card_row = self._row(card, prepared.group, whole) | {"card_paid": prepared.split.card_paid}
            rows = self.journal.begin_many([card_row, self._row(cash, prepared.group, whole) | {"state": "waiting"}])
            self._in_flight.add(card.key)
            self._codes[card.key] = card.code
        return self._send(rows[0], card.code)

    def _row(self, prepared: Prepared, group: str | None = None, sale_amount: Decimal | None = None) -> dict[str, Any]:
        return dict(key=prepared.key, kind=prepared.kind, merchant_code=self.counter.merchant_code,
                    terminal=self.counter.terminal, operator=self.counter.operator, amount=prepared.amount,
                    original_tx_id=prepared.tx_id, reason=prepared.reason, movement_kind=prepared.movement_kind,
                    shift_id=prepared.shift_id, sale_group=group, sale_amount=sale_amount)

    def retry(self, key: str) -> Outcome:
        """Resend a pending attempt with its own key (and the payment code held in memory)."""
        with self._lock:
            row = self.journal.get(key)
            if key in self._in_flight:
                raise SaleRefused("already_started", key)
            if row is None or row.state != "pending" or row.merchant_code != self.counter.merchant_code:
                raise SaleRefused("not_pending", key)
            code = self._codes.get(key)
            if row.kind not in ("refund", "cash") and code is None:
                raise SaleRefused("code_gone", key)
            self._in_flight.add(key)
        return self._send(row, code, uncertain=True)

    def _send(self, row: Attempt, code: PaymentCode | None, *, uncertain: bool = False) -> Outcome:
        """Send one attempt (the caller put its key in flight); a done card part of a split
        sale goes on to its cash part."""
        outcome = self._send_one(row, code, uncertain=uncertain)
        if row.sale_group is not None and row.kind == "charge" and outcome.state != "pending":
            return replace(outcome, cash_part=self._after_card(row.sale_group, outcome))
        return outcome

    def _send_one(self, row: Attempt, code: PaymentCode | None, *, uncertain: bool = False) -> Outcome:
        """Send one attempt. `uncertain`: an earlier send of it went without an answer."""
        key, kind, amount, tx_id, reason = row.key, row.kind, row.amount, row.original_tx_id, row.reason
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
                elif kind == "cash":
                    # The movement's own shift (journaled with it), whatever is open now.
                    tag = {"terminal": self.counter.terminal}
                    if row.sale_group is not None:
                        tag["sale_group"] = row.sale_group
                    result = _as_dict(self.api.cash_movement(
                        row.shift_id, row.movement_kind, amount, key, reason, tag,
                        terminal_code=self._terminal_code()))
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

    def _terminal_code(self) -> str | None:
        shift = self.shift.shift if self.shift is not None else None
        return shift.terminal_code if shift is not None else None

    def _after_card(self, group: str, card: Outcome) -> Outcome | None:
        """The card part of `group` is settled: send the waiting cash part when the card was
        charged, or void it (it was never sent) when it was not."""
        with self._lock:
            cash = next((r for r in self.journal.group(group) if r.kind == "cash"), None)
            if cash is None or cash.state != "waiting" or cash.key in self._in_flight:
                return None
            if card.state != "done":
                voided = self.journal.mark_voided(cash.key, {"outcome": "voided", "card_part": card.state})
                return Outcome(voided, "card_part_not_charged")
            self._in_flight.add(cash.key)
            row = self.journal.mark_sending(cash.key)
        return self._send_one(row, None)

    def check(self, key: str) -> Outcome:
        """Settle an unsettled attempt by its key (`merchant_resolve_attempt`): done with its
        result, or voided. Without an answer it stays pending, to be checked again. The cash
        part of a split sale is different: once its card part is done it is owed, so it is
        sent (again) by its key, which the server answers once whatever the number of sends."""
        with self._lock:
            row = self.journal.get(key)
            if key in self._in_flight:
                raise SaleRefused("already_started", key)
            if row is None or not row.unfinished or row.merchant_code != self.counter.merchant_code:
                raise SaleRefused("not_pending", key)
            if row.kind != "cash" or row.sale_group is None:
                self._in_flight.add(key)
        if row.kind == "cash" and row.sale_group is not None:
            return self._check_cash_part(row)
        try:
            try:
                got = self.api.resolve_attempt(key)
            except ApiError as e:
                return self._pending(key, "not_signed_in" if e.needs_sign_in else e.name)
            except CallFailed as e:
                return self._pending(key, _cause(e))
            if got.get("outcome") == "succeeded":
                outcome = self._final(self.journal.mark_done(key, got["result"]), None)
            elif got.get("outcome") == "voided":
                outcome = self._final(self.journal.mark_voided(key, got), "voided")
            else:
                return self._pending(key, "unexpected")
        finally:
            with self._lock:
                self._in_flight.discard(key)
        if row.sale_group is not None and row.kind == "charge":
            return replace(outcome, cash_part=self._after_card(row.sale_group, outcome))
        return outcome

    def _check_cash_part(self, row: Attempt) -> Outcome:
        card = next((r for r in self.journal.group(row.sale_group) if r.kind == "charge"), None)
        if row.state == "waiting":
            if card is not None and card.unfinished:
                settled = self.check(card.key)  # settles the card, then this part after it
                return settled.cash_part or Outcome(self.journal.get(row.key), settled.error)
            got = self._after_card(row.sale_group, Outcome(card) if card is not None else Outcome(row, "voided"))
            return got or Outcome(self.journal.get(row.key))
        with self._lock:
            if row.key in self._in_flight:
                raise SaleRefused("already_started", row.key)
            self._in_flight.add(row.key)
        return self._send(row, None, uncertain=True)

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
                # A waiting cash part stays waiting: it was never sent, there is nothing to mark.
                waiting = row.state == "waiting"
                outcomes.append(Outcome(row, stuck) if waiting else self._pending(row.key, stuck))
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


def _as_dict(answer: Any) -> dict[str, Any]:
    """A typed answer (CashMovement) as the JSON the journal keeps for it."""
    raw = getattr(answer, "raw", None)
    return dict(raw) if raw is not None else dict(answer)


def _cause(error: CallFailed) -> str:
    if isinstance(error, Unreachable):
        return "offline"
    if isinstance(error, NotSignedIn):
        return "not_signed_in"
    if isinstance(error, OutcomeUnknown):
        return "outcome_unknown"
    return "unexpected"
