"""What the refund screen does, apart from showing it: find a payment (by a receipt's code,
a typed id or today's list), refund it through the SaleService (journal first, one key per
refund), and Retry or Check a refund whose outcome is unknown. Every call runs in the
background; results come back as signals on the UI thread."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import Signal

from pos_app.core import business_day
from pos_app.core.codes import ReceiptCode, classify
from pos_app.core.day_transactions import fetch_all
from pos_app.core.messages import CATALOG, message_for
from pos_app.core.refund_check import Payment, payment_from_tx
from pos_app.core.sale import Outcome, SaleRefused, SaleService

from ..i18n import Language
from .background import BackgroundController
from .failures import Say, read_failure


class RefundController(BackgroundController):
    payment_shown = Signal(object)  # refund_check.Payment
    lookup_failed = Signal(object)  # failures.Say: no payment to show
    today_loaded = Signal(list)  # rows of merchant_list_transactions
    today_failed = Signal(object)  # failures.Say: today's list could not be read
    outcome = Signal(object)  # sale.Outcome
    refused = Signal(object, str)  # failures.Say, and the key of an unsettled attempt ("" if none)

    def __init__(self, api: Any, sales: SaleService, language: Language, timezone: str, now=None, parent=None):
        super().__init__(parent)
        self.api = api
        self.sales = sales
        self.language = language
        self.timezone = timezone
        self._now = now  # a clock for tests; None: the real one
        self.payment: Payment | None = None

    @staticmethod
    def _words(name: str) -> Say:
        """The words for `name`, as said of a refund where the sale's words would mislead."""
        refund_name = f"refund_{name}"
        return lambda lang: str(message_for(refund_name if refund_name in CATALOG else name, lang))

    # -- finding the payment ---------------------------------------------------------------

    def find(self, text: str) -> None:
        """Look up the payment a receipt's code (`MPSTX1.<id>`) or a bare transaction id names."""
        found = classify(text)
        if not isinstance(found, ReceiptCode):
            reason = getattr(found, "reason", "")
            name = ("payment_code_for_refund" if reason == "" else
                    "malformed_receipt_code" if reason == "malformed_receipt_code" else "not_a_receipt_code")
            self.lookup_failed.emit(self._words(name))
            return
        self._run(lambda: payment_from_tx(self.api.get_tx(found.tx_id)), self._shown,
                   lambda e: self.lookup_failed.emit(lambda lang: read_failure(e, lang, prefix="refund_")))

    def _shown(self, payment: Payment) -> None:
        self.payment = payment
        self.payment_shown.emit(payment)

    def load_today(self) -> None:
        """Today's payments (the merchant's business day), newest first."""
        day = business_day.today(self.timezone, self._now() if self._now else None)
        since, until = business_day.period(day, day, self.timezone)
        self._run(lambda: fetch_all(self.api, since, until, kind="payment"), self.today_loaded.emit,
                   lambda e: self.today_failed.emit(lambda lang: read_failure(e, lang)))

    # -- refunding -------------------------------------------------------------------------

    def refund(self, amount: Decimal, reason: str | None) -> None:
        """Refund `amount` of the payment shown; the outcome comes as `outcome`."""
        if self.payment is None:
            return
        try:
            prepared = self.sales.prepare_refund(self.payment.tx_id, amount, reason)
        except SaleRefused as e:
            self.refused.emit(self._words(e.reason), e.key or "")
            return
        self._run(lambda: self.sales.run(prepared), self._settled, self._run_failed)

    def retry(self, key: str) -> None:
        self._run(lambda: self.sales.retry(key), self._settled, self._run_failed)

    def check(self, key: str) -> None:
        self._run(lambda: self.sales.check(key), self._settled, self._run_failed)

    def can_retry(self, key: str) -> bool:
        return self.sales.can_retry(key)

    def _settled(self, outcome: Outcome) -> None:
        self.outcome.emit(outcome)
        tx_id = outcome.attempt.original_tx_id
        if outcome.state == "done" and tx_id:
            self.find(tx_id)  # show what is left now, as the server counts it

    def _run_failed(self, error: BaseException) -> None:
        if isinstance(error, SaleRefused):
            self.refused.emit(self._words(error.reason), error.key or "")
        else:
            self.refused.emit(self._words("unexpected"), "")
