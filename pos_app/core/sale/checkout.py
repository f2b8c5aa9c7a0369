"""The cashier screen's sale state, Qt-free: which payment code is armed, whether a call is in
flight, and which attempt is pending, so one place decides whether Charge may start and what a
scan means before anything is sent.

The view only enables buttons from `can_start` / `pending_key` and shows the words named here
(`messages` names); `SaleService` stays the authority (it refuses a second unsettled attempt
itself), this only keeps the screen from offering what would be refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..scanning.codes import NotUsable, PaymentCode, ReceiptCode, classify
from .service import Outcome


@dataclass(frozen=True)
class ScanVerdict:
    """What a scan did: `armed` with the code's non-secret hint, or refused with a `messages` name."""

    armed: bool
    hint: str = ""
    refusal: str | None = None


class Checkout:
    """One counter's screen state between the cashier's actions."""

    def __init__(self) -> None:
        self.armed: PaymentCode | None = None
        self.busy = False
        self.pending_key: str | None = None

    @property
    def can_start(self) -> bool:
        """A new charge or top-up may start: nothing in flight, nothing left pending."""
        return not self.busy and self.pending_key is None

    def scan(self, raw: str) -> ScanVerdict:
        """A scanned or pasted code. A payment code arms the sale (replacing an earlier one: the
        member refreshed it); anything else is refused with its words and disarms nothing."""
        found = classify(raw)
        if isinstance(found, PaymentCode):
            self.armed = found
            return ScanVerdict(True, found.lookup_hint)
        if isinstance(found, ReceiptCode):
            return ScanVerdict(False, refusal="receipt_code_for_payment")
        assert isinstance(found, NotUsable)
        return ScanVerdict(False, refusal=found.reason)

    def disarm(self) -> None:
        self.armed = None

    def settle(self, outcome: Outcome) -> None:
        """Take in what a run, retry or check came to. A final outcome (done, failed, voided)
        ends the sale and spends its code: the member shows a fresh one for the next try. A
        pending one blocks new sales until Retry or Check settles it."""
        self.busy = False
        if outcome.state == "pending":
            self.pending_key = outcome.key
            return
        if self.pending_key == outcome.key:
            self.pending_key = None
        if outcome.state in ("done", "failed", "voided"):
            self.armed = None
