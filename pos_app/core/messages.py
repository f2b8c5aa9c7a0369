"""The cashier's words for everything that can stop a sale, in every language of the catalogs
(`pos_app.core.translations`; the English here is the source text, the context the name).

Each entry says what happened and what to do next, because the person reading it has a queue
in front of them. Keys are the contract's error names (`ApiError.name`), the counter's own
states (offline, outcome unknown, ...), the reasons of `money.AmountError` (prefixed
`amount_`) and of `codes.NotUsable`, and the refusals of the sale service."""

from __future__ import annotations

from typing import NamedTuple

from .translations import N_, text


class Words(NamedTuple):
    """What happened, and what to do next."""

    problem: str
    next_step: str

    def __str__(self) -> str:
        joiner = " " if self.problem.isascii() else ""
        return f"{self.problem}{joiner}{self.next_step}"


CATALOG: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    # Business errors of the contract (§4).
    "invalid_amount": (N_("invalid_amount", "The server refused this amount."),
        N_("invalid_amount", "Check the amount and enter it again.")),
    "insufficient_balance": (N_("insufficient_balance", "The card balance is too low."),
        N_("insufficient_balance", "Ask the member to top up, or to pay another way.")),
    "qr_invalid": (N_("qr_invalid", "This payment code is not valid."),
        N_("qr_invalid", "Ask the member to refresh the payment code and scan again.")),
    "qr_expired": (N_("qr_expired", "The payment code has expired."),
        N_("qr_expired", "Ask the member to refresh the payment code and scan again.")),
    "qr_not_active": (N_("qr_not_active", "This payment code was already used or replaced."),
        N_("qr_not_active", "Ask the member to refresh the payment code and scan again.")),
    "card_inactive": (N_("card_inactive", "The card cannot be used for this (frozen, closed, expired, or a voucher)."),
        N_("card_inactive", "Ask the member to use another card or pay another way.")),
    "merchant_inactive": (N_("merchant_inactive", "This shop is not active on the payment system."),
        N_("merchant_inactive", "Call your manager; check the merchant code in Settings.")),
    "idempotency_conflict": (N_("idempotency_conflict",
                                "This sale can no longer go through: it was closed as not charged."),
        N_("idempotency_conflict", "Ring the sale up again as a new sale.")),
    "refund_exceeds_paid": (N_("refund_exceeds_paid",
                               "The refund is more than what is left to refund on this payment."),
        N_("refund_exceeds_paid", "Check the refundable amount and enter a smaller refund.")),
    "tx_not_refundable": (N_("tx_not_refundable",
                             "This transaction cannot be refunded here (not a payment of this shop, or too old)."),
        N_("tx_not_refundable", "Check the receipt; call your manager if in doubt.")),
    "binding_password_invalid": (N_("binding_password_invalid", "The card's binding password is wrong."),
        N_("binding_password_invalid", "Ask the card owner to enter it again.")),
    "not_found": (N_("not_found", "No such transaction or card was found."),
        N_("not_found", "Check the receipt or the number and try again.")),
    "invalid_argument": (N_("invalid_argument", "The request was refused as malformed."),
        N_("invalid_argument", "Try again; if it keeps happening, call support.")),
    "forbidden": (N_("forbidden", "You are not allowed to do this (refunds need a manager)."),
        N_("forbidden", "Ask a manager to sign in or approve.")),
    # Shop operations (contract §9).
    "shift_conflict": (N_("shift_conflict",
        "This terminal already has an open shift (or the shift belongs to another terminal or shop)."),
        N_("shift_conflict", "Continue in the open shift, or close it first.")),
    "shift_closed": (N_("shift_closed", "This shift is closed: nothing more can be added to it."),
        N_("shift_closed", "Open a new shift, then do it again.")),
    # The cash drawer and a split sale (pay-in, pay-out, drop; card + cash).
    "cash_no_shift": (N_("cash_no_shift", "No shift is open at this terminal: no cash can be taken or paid out."),
        N_("cash_no_shift", "Open the shift first (opening float), then do it again.")),
    "cash_reason_needed": (N_("cash_reason_needed", "A pay-out or a drop needs a reason."),
        N_("cash_reason_needed", "Type what the cash is for (e.g. \"milk for the staff room\", \"to the safe\").")),
    "cash_reason_too_long": (N_("cash_reason_too_long", "The reason is too long (500 characters at most)."),
        N_("cash_reason_too_long", "Shorten the reason.")),
    "cash_kind_unknown": (N_("cash_kind_unknown", "Choose pay-in, pay-out or drop."),
        N_("cash_kind_unknown", "Pick the kind of cash movement.")),
    "card_part_not_charged": (N_("card_part_not_charged",
        "The card part was not charged, so no cash was recorded either."),
        N_("card_part_not_charged", "Ring the sale up again.")),
    # The shift at the counter (pos_app/core/shift/lifecycle.py).
    "first_shift_needs_manager": (N_("first_shift_needs_manager",
                                     "This counter has no shift yet, and its first shift is opened by a manager."),
        N_("first_shift_needs_manager", "Ask a manager to sign in here and open the first shift.")),
    "shift_open_unseen": (N_("shift_open_unseen", "This counter's shift is open under another operator."),
        N_("shift_open_unseen", "Ask that operator or a manager to sign in here.")),
    "close_not_opener": (N_("close_not_opener",
                            "This shift was opened by another operator: only they or a manager can close it."),
        N_("close_not_opener", "Keep selling in it; to close it, switch to that operator (PIN) or ask a manager "
                               "to sign in here.")),
    "terminal_name_invalid": (N_("terminal_name_invalid",
                                 "This counter's terminal name cannot be used for shifts (1 to 32 letters, digits,"
                                 " _ or -)."),
        N_("terminal_name_invalid", "Ask a manager to correct the terminal name in Settings.")),
    "no_open_shift": (N_("no_open_shift", "No shift is open at this counter."),
        N_("no_open_shift", "Open a shift first.")),
    "close_unsettled": (N_("close_unsettled", "The shift cannot close: an attempt is still of unknown outcome."),
        N_("close_unsettled", "Check the network, then press Settle again.")),
    "close_offline": (N_("close_offline", "No connection to the payment server: the shift was not closed."),
        N_("close_offline", "Check the network, then close again.")),
    "note_too_long": (N_("note_too_long", "The note is too long (500 characters at most)."),
        N_("note_too_long", "Shorten the note.")),
    "cash_negative": (N_("cash_negative", "Cash in the drawer cannot be negative."),
        N_("cash_negative", "Type what is in the drawer: 0 if it is empty.")),
    "cash_empty": (N_("cash_empty", "Type the cash in the drawer."),
        N_("cash_empty", "Type 0 if the drawer is empty.")),
    "pieces_not_a_number": (N_("pieces_not_a_number", "A count of notes or coins is a whole number."),
        N_("pieces_not_a_number", "Type how many pieces, e.g. 12.")),
    # The connection and the session.
    # "offline" does not promise "nothing was charged": an earlier try of the same call may have
    # reached the server before the line dropped. Retry (same key) or Check settles it.
    "offline": (N_("offline", "No connection to the payment server."),
        N_("offline", "Check the network, then press Retry. Do not charge again.")),
    "outcome_unknown": (N_("outcome_unknown", "The answer was lost: the payment may or may not have gone through."),
        N_("outcome_unknown", "Do not charge again. Press Retry with the same code, or Check to settle it.")),
    # The same states for a refund: "do not charge again" would be the wrong warning there.
    "refund_offline": (N_("refund_offline", "No connection to the payment server."),
        N_("refund_offline", "Check the network, then press Retry. Do not refund again.")),
    "refund_outcome_unknown": (N_("refund_outcome_unknown",
                                  "The answer was lost: the refund may or may not have gone through."),
        N_("refund_outcome_unknown", "Do not refund again. Press Retry, or Check to settle it.")),
    "not_signed_in": (N_("not_signed_in", "You are not signed in, or the session ended."),
        N_("not_signed_in", "Sign in again, then press Retry.")),
    "unexpected": (N_("unexpected", "Something unexpected went wrong."),
        N_("unexpected", "Try again; if it keeps happening, call support.")),
    # Signing in at the counter.
    "invalid_credentials": (N_("invalid_credentials", "The email or password is wrong."),
        N_("invalid_credentials", "Check both and sign in again.")),
    "sign_in_refused": (N_("sign_in_refused", "Sign-in was refused for this account (not confirmed, or blocked)."),
        N_("sign_in_refused", "Call your manager.")),
    "not_an_operator": (N_("not_an_operator", "This account does not work at this shop."),
        N_("not_an_operator", "Check the merchant code in Settings, or ask your manager to add you.")),
    "sign_in_offline": (N_("sign_in_offline", "No connection to the server."),
        N_("sign_in_offline", "Check the network, then sign in again.")),
    "sign_in_no_answer": (N_("sign_in_no_answer", "The server did not answer in time."),
        N_("sign_in_no_answer", "Wait a moment, then sign in again.")),
    # Switching cashier by PIN at the counter (the same words for every operator listed: a
    # wrong PIN never says more than that).
    "pin_wrong": (N_("pin_wrong", "Wrong PIN."),
        N_("pin_wrong", "Type it again; after five wrong PINs the password is needed.")),
    "pin_locked": (N_("pin_locked", "Too many wrong PINs: this PIN is locked."),
        N_("pin_locked", "Sign in with your email and password, then set a new PIN.")),
    "pin_length": (N_("pin_length", "A PIN has 4 to 8 digits."),
        N_("pin_length", "Type 4 to 8 digits.")),
    "pin_digits": (N_("pin_digits", "A PIN is digits only."),
        N_("pin_digits", "Type 4 to 8 digits, no letters or spaces.")),
    "pin_mismatch": (N_("pin_mismatch", "The two PINs are not the same."),
        N_("pin_mismatch", "Type the new PIN twice, the same both times.")),
    "switch_needs_password": (N_("switch_needs_password", "This operator must sign in with the password again."),
        N_("switch_needs_password", "Choose \"Sign in with password\"; ask your manager if it is refused.")),
    # The sale service.
    "attempt_unsettled": (N_("attempt_unsettled", "A sale is still waiting for its outcome."),
        N_("attempt_unsettled", "Press Retry or Check on that sale before starting another.")),
    "already_started": (N_("already_started", "This sale was already sent."),
        N_("already_started", "Wait for its result; start a new sale for another charge.")),
    "code_gone": (N_("code_gone", "The payment code of this sale is no longer in memory (the app restarted)."),
        N_("code_gone", "Press Check to settle it; ring it up again if it was not charged.")),
    "not_pending": (N_("not_pending", "This sale is not waiting for an outcome."),
        N_("not_pending", "Nothing to retry.")),
    "voided": (N_("voided", "Not carried out: nothing was charged or refunded, and this attempt is closed for good."),
        N_("voided", "Ring it up again as a new sale (or a new refund).")),
    # What the cashier typed.
    "amount_empty": (N_("amount_empty", "Enter an amount."),
        N_("amount_empty", "Type the amount to charge.")),
    "amount_not_a_number": (N_("amount_not_a_number", "That is not an amount."),
        N_("amount_not_a_number", "Type digits, with at most two decimals, e.g. 12.50.")),
    "amount_not_finite": (N_("amount_not_finite", "That is not an amount."),
        N_("amount_not_finite", "Type digits, with at most two decimals, e.g. 12.50.")),
    "amount_zero": (N_("amount_zero", "The amount must be more than zero."),
        N_("amount_zero", "Type the amount to charge.")),
    "amount_negative": (N_("amount_negative", "The amount cannot be negative."),
        N_("amount_negative", "For money back, use Refund.")),
    "amount_too_many_decimals": (N_("amount_too_many_decimals", "At most two decimals (cents)."),
        N_("amount_too_many_decimals", "Correct the amount, e.g. 12.50.")),
    "amount_above_cap": (N_("amount_above_cap", "The amount is above the limit for one transaction."),
        N_("amount_above_cap", "Split the sale, or call your manager.")),
    # What was scanned.
    "empty": (N_("empty", "Nothing was scanned."),
        N_("empty", "Scan the member's payment code again.")),
    "malformed_payment_code": (N_("malformed_payment_code", "The payment code was not read completely."),
        N_("malformed_payment_code", "Scan it again, or ask the member to refresh it.")),
    "malformed_receipt_code": (N_("malformed_receipt_code", "The receipt code was not read completely."),
        N_("malformed_receipt_code", "Scan it again, or type the transaction id.")),
    "not_a_payment_code": (N_("not_a_payment_code",
                              "This is not a member payment code (a product barcode or another code?)."),
        N_("not_a_payment_code", "Ask the member to open the payment code in the member app.")),
    "not_a_receipt_code": (N_("not_a_receipt_code", "This is not a receipt code or a transaction id."),
        N_("not_a_receipt_code", "Scan the QR code on the receipt, or type the transaction id.")),
    "reason_too_long": (N_("reason_too_long", "The refund reason is too long (500 characters at most)."),
        N_("reason_too_long", "Shorten the reason.")),
    "receipt_code_for_payment": (N_("receipt_code_for_payment", "This is a receipt's code, not a payment code."),
        N_("receipt_code_for_payment", "To refund it, use Refund; to charge, scan the member's payment code.")),
    "payment_code_for_refund": (N_("payment_code_for_refund", "This is a payment code, not a receipt."),
        N_("payment_code_for_refund", "Scan the QR code on the receipt of the payment to refund.")),
}


def message_for(name: str, language: str = "en") -> Words:
    """The words for `name` in `language`; an unknown name gets the "unexpected" words and an
    unknown language falls back to English."""
    problem, next_step = CATALOG.get(name) or CATALOG["unexpected"]
    return Words(text(problem, language), text(next_step, language))


# The manager view: reads, the business day, files and settlements. A manager meets these away
# from the queue, so they name the day or the period (in the shop's time zone) and never repeat
# the server's own sentence (function names, ids, UTC instants). `{…}` fields are filled by
# `filled()`.
CATALOG.update({
    "mgr_no_answer": (N_("mgr_no_answer", "The server did not answer, so nothing could be read."),
        N_("mgr_no_answer", "Check the network and try again.")),
    "mgr_not_signed_in": (N_("mgr_not_signed_in", "You are not signed in any more (the session ended)."),
        N_("mgr_not_signed_in", "Sign in again, then try again.")),
    "mgr_forbidden": (N_("mgr_forbidden",
                         "Your account may not do this at this shop: it needs the manager or owner role."),
        N_("mgr_forbidden", "Sign in as a manager, or ask the owner to give you the role.")),
    "mgr_merchant_inactive": (N_("mgr_merchant_inactive",
                                 "This shop is not active on the payment system (suspended or closed)."),
        N_("mgr_merchant_inactive", "Call the payment platform's support.")),
    "mgr_refused": (N_("mgr_refused", "The server refused this request."),
        N_("mgr_refused", "Check what you chose and try again; if it keeps happening, call support.")),
    "day_in_future": (N_("day_in_future", "{day} has not begun yet in the shop's time zone (today there is {today})."),
        N_("day_in_future", "Choose {today} or an earlier day.")),
    "export_no_answer": (N_("export_no_answer", "The day's transactions could not be fetched, so no file was written."),
        N_("export_no_answer", "Check the network and export again.")),
    "file_denied": (N_("file_denied", "The file could not be saved to {path}: there is no permission to write there."),
        N_("file_denied", "Choose another folder (your Documents folder, for example) and save again.")),
    "file_no_folder": (N_("file_no_folder", "The file could not be saved to {path}: that folder does not exist."),
        N_("file_no_folder", "Choose an existing folder (your Documents folder, for example) and save again.")),
    "file_disk_full": (N_("file_disk_full", "The file could not be saved to {path}: the disk is full."),
        N_("file_disk_full", "Free some space, or choose another disk, and save again.")),
    "file_failed": (N_("file_failed", "The file could not be saved to {path}."),
        N_("file_failed", "Choose another folder (your Documents folder, for example) and save again.")),
    "settle_bad_period": (N_("settle_bad_period", "The period ends before it starts."),
        N_("settle_bad_period", "Choose a \"to\" day on or after the \"from\" day.")),
    "settle_running": (N_("settle_running",
                          "A settlement covers finished days only: {today} is not over yet in the shop's time zone."),
        N_("settle_running", "Choose days up to {yesterday}; today's running figures are on The day tab.")),
    "settle_overlap": (N_("settle_overlap", "These days overlap the settlement already made for {period}."),
        N_("settle_overlap", "Choose days outside it, or pick it in the list to see its figures.")),
    "settle_overlap_unnamed": (N_("settle_overlap_unnamed", "These days overlap a settlement already made."),
        N_("settle_overlap_unnamed", "Reload the list to see which, and choose days outside it.")),
    "settle_offline": (N_("settle_offline", "No connection to the server: no settlement was made."),
        N_("settle_offline", "Check the network, then press Generate again.")),
    "settle_no_answer": (N_("settle_no_answer",
                            "The server did not answer: the settlement may or may not have been made."),
        N_("settle_no_answer",
            "Press Generate again when the network is back: the same days give back the same settlement,"
            " never a second one.")),
    # A refund at the manager's screen: the payment words ("a sale", "pay another way") would mislead.
    "refund_attempt_unsettled": (N_("refund_attempt_unsettled",
                                    "A sale or refund on this till is still waiting for its outcome."),
        N_("refund_attempt_unsettled", "Press Retry or Check here to settle it before starting another refund.")),
    "refund_idempotency_conflict": (N_("refund_idempotency_conflict",
                                       "This refund can no longer go through: it was closed as not refunded."),
        N_("refund_idempotency_conflict", "Start the refund again.")),
    "refund_card_inactive": (N_("refund_card_inactive", "The card is closed: money cannot be returned to it."),
        N_("refund_card_inactive", "Nothing was refunded. Call the payment platform's support.")),
    "refund_not_found": (N_("refund_not_found", "No such payment was found at this shop."),
        N_("refund_not_found", "Check the receipt and look the payment up again.")),
})


def filled(name: str, language: str = "en", **values: object) -> Words:
    """`message_for(name, language)` with its `{field}`s filled from `values`."""
    words = message_for(name, language)
    return Words(words.problem.format(**values), words.next_step.format(**values))
