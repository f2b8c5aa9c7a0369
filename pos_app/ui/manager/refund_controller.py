"""What the refund screen does and decides, apart from showing it: find a payment (by a receipt's
code, a typed id or today's list), refund it through the SaleService (journal first, one key per
refund), Retry or Check a refund whose outcome is unknown, and keep what the screen shows (the
payment, the last outcome, the attempt still unsettled, whether a refund may start) as one
`RefundViewState`. Every call, and every journal read, runs in the background; the state comes
back as `view_changed` on the UI thread, and the panel only sets its widgets from it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Signal

from pos_app.core.day import business_day
from pos_app.core.day.transactions import fetch_all
from pos_app.core.messages import CATALOG, message_for
from pos_app.core.receipt.model import Receipt, ReceiptHeader, from_refund
from pos_app.core.sale.refund_check import Payment, payment_from_tx
from pos_app.core.sale.service import Outcome, SaleRefused, SaleService
from pos_app.core.scanning.codes import ReceiptCode, classify

from ..common.background import BackgroundController
from ..i18n import Language
from .failures import Say, read_failure

_STATE_TITLES = {"done": "mgr.done", "failed": "mgr.failed", "pending": "mgr.pending", "voided": "mgr.voided"}
_PENDING_NAMES = ("offline", "outcome_unknown")  # their refund words say "press Retry"


@dataclass(frozen=True)
class OutcomeView:
    """The last refund's outcome as the screen shows it. `status` is the outcome's state, or
    "refused" (the service would not start or retry it) or "sending"; `title` an i18n key; `key`
    the attempt Retry and Check settle ("" when nothing is unsettled)."""

    status: str
    title: str
    words: Say | None = None
    receipt: Receipt | None = None
    key: str = ""
    can_retry: bool = False
    can_check: bool = False
    tx_id: str | None = None  # the payment it refunded

    def kept_when_choosing(self, tx_id: str | None) -> bool:
        """Whether this outcome stays when payment `tx_id` is chosen: one still to settle stays
        (its Retry/Check is the only way to settle it, and no refund may start until then), one
        of the same payment stays; anything else belonged to the payment before."""
        return self.status == "pending" or bool(self.key) or (self.tx_id is not None and self.tx_id == tx_id)


@dataclass(frozen=True)
class RefundViewState:
    """Everything the refund panel shows, decided by the controller."""

    payment: Payment | None = None
    lookup_problem: Say | None = None  # why no payment is shown
    today_problem: Say | None = None  # why today's list could not be read
    outcome: OutcomeView | None = None
    refundable: bool = False  # a refund of the payment shown may start


class RefundController(BackgroundController):
    view_changed = Signal(object)  # RefundViewState, emitted before the signals below
    payment_shown = Signal(object)  # refund_check.Payment
    lookup_failed = Signal(object)  # failures.Say: no payment to show
    today_loaded = Signal(list)  # rows of merchant_list_transactions
    today_failed = Signal(object)  # failures.Say: today's list could not be read
    outcome = Signal(object)  # sale.Outcome

    def __init__(self, api: Any, sales: SaleService, language: Language, timezone: str,
                 header: ReceiptHeader, now=None, parent=None):
        super().__init__(parent)
        self.api = api
        self.sales = sales
        self.language = language
        self.timezone = timezone
        self.header = header  # what the refund receipts say of the shop and the cashier
        self._now = now  # a clock for tests; None: the real one
        self.state = RefundViewState()

    @property
    def payment(self) -> Payment | None:
        return self.state.payment

    @staticmethod
    def _words(name: str) -> Say:
        """The words for `name`, as said of a refund where the sale's words would mislead."""
        refund_name = f"refund_{name}"
        return lambda lang: str(message_for(refund_name if refund_name in CATALOG else name, lang))

    def _set(self, **changes: Any) -> None:
        state = replace(self.state, **changes)
        pending = state.outcome is not None and state.outcome.status == "pending"
        # While a refund's outcome is unknown no other can start (the journal's rule): the panel
        # says so by disabling, rather than by refusing after a click.
        refundable = state.payment is not None and state.payment.refundable and not pending
        self.state = replace(state, refundable=refundable)
        self.view_changed.emit(self.state)

    # -- finding the payment ---------------------------------------------------------------

    def find(self, text: str) -> None:
        """Look up the payment a receipt's code (`MPSTX1.<id>`) or a bare transaction id names."""
        found = classify(text)
        if not isinstance(found, ReceiptCode):
            reason = getattr(found, "reason", "")
            name = ("payment_code_for_refund" if reason == "" else
                    "malformed_receipt_code" if reason == "malformed_receipt_code" else "not_a_receipt_code")
            self._not_found(self._words(name))
            return
        self._run(lambda: payment_from_tx(self.api.get_tx(found.tx_id)), self._shown,
                  lambda e: self._not_found(lambda lang: read_failure(e, lang, prefix="refund_")))

    def _kept_outcome(self, tx_id: str | None) -> OutcomeView | None:
        outcome = self.state.outcome
        return outcome if outcome is not None and outcome.kept_when_choosing(tx_id) else None

    def _shown(self, payment: Payment) -> None:
        self._set(payment=payment, lookup_problem=None, outcome=self._kept_outcome(payment.tx_id))
        self.payment_shown.emit(payment)

    def _not_found(self, say: Say) -> None:
        self._set(payment=None, lookup_problem=say, outcome=self._kept_outcome(None))
        self.lookup_failed.emit(say)

    def load_today(self) -> None:
        """Today's payments (the merchant's business day), newest first."""
        day = business_day.today(self.timezone, self._now() if self._now else None)
        since, until = business_day.period(day, day, self.timezone)
        self._run(lambda: fetch_all(self.api, since, until, kind="payment"), self._today_loaded,
                  self._today_failed)

    def _today_loaded(self, rows: list) -> None:
        self._set(today_problem=None)
        self.today_loaded.emit(rows)

    def _today_failed(self, error: BaseException) -> None:
        say: Say = lambda lang: read_failure(error, lang)  # noqa: E731
        self._set(today_problem=say)
        self.today_failed.emit(say)

    # -- refunding -------------------------------------------------------------------------

    def refund(self, amount: Decimal, reason: str | None) -> None:
        """Refund `amount` of the payment shown; checked, journaled and sent in the background
        (the check reads the journal for an unsettled attempt)."""
        payment = self.state.payment
        if payment is None:
            return
        self._set(outcome=OutcomeView("sending", "mgr.sending", tx_id=payment.tx_id))
        tx_id = payment.tx_id
        self._settle(lambda: self.sales.run(self.sales.prepare_refund(tx_id, amount, reason)), tx_id)

    def retry(self, key: str | None = None) -> None:
        """Send the unsettled refund (or attempt `key`) again, under its own key."""
        key = key or self._unsettled_key()
        if key:
            self._settle(lambda: self.sales.retry(key), self._tx_of_outcome())

    def check(self, key: str | None = None) -> None:
        """Ask the server what became of the unsettled refund (or attempt `key`)."""
        key = key or self._unsettled_key()
        if key:
            self._settle(lambda: self.sales.check(key), self._tx_of_outcome())

    def _unsettled_key(self) -> str:
        return self.state.outcome.key if self.state.outcome is not None else ""

    def _tx_of_outcome(self) -> str | None:
        return self.state.outcome.tx_id if self.state.outcome is not None else None

    def _settle(self, call: Callable[[], Outcome], tx_id: str | None) -> None:
        self._run(lambda: self._decide(call, tx_id), self._settled,
                  lambda e: self._set(outcome=OutcomeView("failed", "mgr.failed", self._words("unexpected"))))

    def _decide(self, call: Callable[[], Outcome], tx_id: str | None) -> tuple[Outcome | None, OutcomeView]:
        """On the worker: the call, then what its outcome means for the screen (whether Retry
        may send again is a journal read, so it is asked here too)."""
        try:
            outcome = call()
        except SaleRefused as e:
            key = e.key or ""  # an earlier refund (or sale) is unsettled: settle it from here
            return None, OutcomeView("refused", "mgr.failed", self._words(e.reason), key=key,
                                     can_retry=bool(key) and self.sales.can_retry(key), can_check=bool(key),
                                     tx_id=tx_id)
        pending = outcome.state == "pending"
        return outcome, OutcomeView(
            outcome.state, self._title(outcome), self._outcome_words(outcome),
            receipt=from_refund(outcome.result, self.header) if outcome.state == "done" else None,
            key=outcome.key if pending else "", can_retry=pending and self.sales.can_retry(outcome.key),
            can_check=pending, tx_id=outcome.attempt.original_tx_id or tx_id)

    @staticmethod
    def _title(outcome: Outcome) -> str:
        if outcome.state != "done" and outcome.error == "forbidden":
            return "mgr.manager_must_approve"
        return _STATE_TITLES.get(outcome.state, "mgr.failed")

    @staticmethod
    def _outcome_words(outcome: Outcome) -> Say | None:
        if outcome.state == "done":
            return None
        name = outcome.error or "unexpected"
        if name != "forbidden" and f"refund_{name}" in CATALOG and (outcome.state == "pending"
                                                                     or name not in _PENDING_NAMES):
            name = f"refund_{name}"  # the payment's wording would warn against charging again
        return lambda lang: str(message_for(name, lang))

    def _settled(self, decided: tuple[Outcome | None, OutcomeView]) -> None:
        outcome, view = decided
        self._set(outcome=view)
        if outcome is None:
            return
        self.outcome.emit(outcome)
        if outcome.state == "done" and outcome.attempt.original_tx_id:
            self.find(outcome.attempt.original_tx_id)  # show what is left now, as the server counts it
