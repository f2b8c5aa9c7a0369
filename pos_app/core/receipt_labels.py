"""The words on a receipt: the English source text (context "receipt"), translated by the
catalogs in `pos_app/locale/` (`pos_app.core.translations`)."""

from __future__ import annotations

from .translations import N_, text

LABELS: dict[str, tuple[str, str]] = {
    "title_payment": N_("receipt", "PAYMENT RECEIPT"),
    "title_refund": N_("receipt", "REFUND RECEIPT"),
    "title_topup": N_("receipt", "TOP-UP RECEIPT"),
    "title_pay_in": N_("receipt", "PAY-IN SLIP"),
    "title_pay_out": N_("receipt", "PAY-OUT SLIP"),
    "title_drop": N_("receipt", "CASH DROP SLIP"),
    "copy": N_("receipt", "*** COPY - REPRINT ***"),
    "time": N_("receipt", "Time"),
    "terminal": N_("receipt", "Terminal"),
    "cashier": N_("receipt", "Cashier"),
    "card": N_("receipt", "Card"),
    "raw_amount": N_("receipt", "Amount"),
    "discount": N_("receipt", "Discount"),
    "paid": N_("receipt", "Paid"),
    "paid_card": N_("receipt", "  by card"),
    "paid_cash": N_("receipt", "  in cash"),
    "cash_amount": N_("receipt", "Cash"),
    "slip_id": N_("receipt", "Slip no."),
    "slip_reason": N_("receipt", "What for"),
    "refund_amount": N_("receipt", "Refunded"),
    "topup_amount": N_("receipt", "Topped up"),
    "refundable": N_("receipt", "Still refundable"),
    "points_earned": N_("receipt", "Points earned"),
    "points_reversed": N_("receipt", "Points reversed"),
    "level": N_("receipt", "Level"),
    "balance_after": N_("receipt", "Card balance"),
    "tx_id": N_("receipt", "Transaction"),
    "original_tx_id": N_("receipt", "Original payment"),
    "reason": N_("receipt", "Reason"),
    "scan_hint": N_("receipt", "Scan this code for refunds"),
    "thanks": N_("receipt", "Thank you"),
    # A cash slip is the drawer's record, not the member's: whoever took or brought the cash signs it.
    "slip_signature": N_("receipt", "Signed"),
}


# The membership levels the schema seeds (server_sql/mps_schema.sql), named for a member. A level a
# platform adds later (upsert_membership_level) has no words here: the receipt shows its code.
LEVEL_NAMES: dict[str, tuple[str, str]] = {
    "base": N_("level", "Base"),
    "silver": N_("level", "Silver"),
    "gold": N_("level", "Gold"),
    "platinum": N_("level", "Platinum"),
}


def level_name(code: str, language: str) -> str:
    """A level's name in `language` ("base" is "Base" / "普通会员"); the code itself if unknown."""
    marked = LEVEL_NAMES.get(code.lower())
    return text(marked, language) if marked else code


def labels(language: str) -> dict[str, str]:
    """The receipt's words in `language`; English for a language without a catalog."""
    return {key: text(marked, language) for key, marked in LABELS.items()}
