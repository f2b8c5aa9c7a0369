"""The who-is-paying preview (`merchant_preview_qr`, branch cash-tender's `Payer`: `preview`,
`estimate` for the amount typed, `split` when the balance is short) on the member's screen.

Read by attribute only, so the customer display does not depend on how the cashier's preview
is built: `preview.card_last4`; `estimate.amount / discount / balance_after / short`;
`split.amount / total_discount / card_paid / cash`."""

from __future__ import annotations

from typing import Any

from .screen import CustomerScreen, Face


def show_payer(screen: CustomerScreen, payer: Any) -> Face:
    """`payer` on `screen`; None (the code was replaced, disarmed or spent) drops the preview."""
    if payer is None:
        return screen.code_gone()
    estimate = getattr(payer, "estimate", None)
    if estimate is None:
        return screen.face  # no amount that makes sense is typed yet
    last4 = payer.preview.card_last4
    offer = getattr(payer, "split", None)
    if offer is not None:
        return screen.previewing(offer.amount, offer.total_discount, estimate.balance - offer.card_paid, last4,
                                 cash=offer.cash)
    # Short with no split possible: what is due, but no negative balance for the member to read.
    after = None if estimate.short else estimate.balance_after
    return screen.previewing(estimate.amount, estimate.discount, after, last4)
