"""Who is paying, looked up in the background after each scan (`merchant_preview_qr`) and shown
before Charge: the masked member, level and discount, the balance and the balance after this
sale, and the split offer when the balance is short.

The lookup never holds up a sale: it runs on its own one-thread pool (a slow preview cannot
queue a charge behind it), and a scan then Enter charges at once as before. Each lookup carries
the scan's number: an answer for a code that was replaced, disarmed or spent is dropped. The
payment code is only passed to the client; it is never kept here, logged or shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import QObject, QThreadPool, Signal

from pos_app.core.api.shifts import Preview
from pos_app.core.money import AmountError, parse_amount
from pos_app.core.sale.split import SaleEstimate, Split, estimate, split
from pos_app.ui.common.worker import run_in_background

PreviewQr = Callable[[str], Preview]


@dataclass(frozen=True)
class Payer:
    """What the cashier sees about the member before charging: the preview, and for the amount
    typed so far what the charge would take (None while no valid amount is typed) and the split
    offer when the balance is short of it (None otherwise)."""

    preview: Preview
    estimate: SaleEstimate | None = None
    split: Split | None = None


class PayerWatch(QObject):
    payer = Signal(object)  # a Payer, or None when there is nothing to show
    failed = Signal(object)  # the preview's error (an exception), for the current code only

    def __init__(self, preview_qr: PreviewQr | None, cap: Decimal, parent: QObject | None = None):
        super().__init__(parent)
        self._lookup = preview_qr
        self._cap = cap
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._seq = 0
        self._preview: Preview | None = None
        self._amount: Decimal | None = None

    @property
    def current(self) -> Payer | None:
        return self._payer()

    def looking(self, plain_code: str) -> None:
        """A new code was armed: forget the last member, look this one up."""
        self._seq += 1
        self._preview = None
        self.payer.emit(None)
        if self._lookup is None:
            return
        seq, lookup = self._seq, self._lookup
        run_in_background(lambda: lookup(plain_code), pool=self._pool,
                          on_done=lambda got: self._arrived(seq, got), on_failed=lambda e: self._refused(seq, e))

    def forget(self) -> None:
        """The code is gone (disarmed, spent by a sale): a late answer is dropped."""
        self._seq += 1
        if self._preview is not None:
            self._preview = None
            self.payer.emit(None)

    def amount_typed(self, text: str) -> None:
        try:
            self._amount = parse_amount(text, self._cap) if text.strip() else None
        except AmountError:
            self._amount = None
        if self._preview is not None:
            self.payer.emit(self._payer())

    def _arrived(self, seq: int, preview: Preview) -> None:
        if seq != self._seq:
            return  # the code changed meanwhile
        self._preview = preview
        self.payer.emit(self._payer())

    def _refused(self, seq: int, error: BaseException) -> None:
        if seq == self._seq:
            self.failed.emit(error)

    def _payer(self) -> Payer | None:
        p = self._preview
        if p is None:
            return None
        if self._amount is None:
            return Payer(p)
        return Payer(p, estimate(p, self._amount), split(self._amount, p.discount_rate, p.balance))
