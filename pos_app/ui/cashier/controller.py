"""What the cashier screen does, apart from how it looks: scans arm the sale, Charge and
Top-up are checked on the UI thread and run on a worker, outcomes become a receipt, words or
the pending panel, and today's list is loaded. A scan also looks up who is paying (`PayerWatch`),
which offers a split (card + cash) when the balance is short; cash movements (pay-in, pay-out,
drop) run here too, each with its slip. The view only connects these signals to widgets.

Every SaleService call but `prepare_*` (which must answer at once) runs through
`run_in_background`, with whatever else it needs from the journal read on that same worker.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from pos_app.core.api.errors import ApiError
from pos_app.core.day.business_day import day_start
from pos_app.core.messages import message_for
from pos_app.core.money import AmountError, format_amount, from_api, parse_amount
from pos_app.core.receipt import model as receipts
from pos_app.core.sale.checkout import Checkout
from pos_app.core.sale.service import Outcome, Prepared, SaleRefused, SaleService
from pos_app.ui import recovery
from pos_app.ui.common.worker import run_in_background
from pos_app.ui.i18n import Language

from . import text  # noqa: F401 - registers the labels
from .payer_watch import PayerWatch, PreviewQr

ListTransactions = Callable[..., list[dict[str, Any]]]
GetTx = Callable[[str], dict[str, Any]]


def _reason(error: BaseException) -> str:
    """A `messages` name for an exception from a worker."""
    if isinstance(error, SaleRefused):
        return error.reason
    if isinstance(error, ApiError):
        return "not_signed_in" if error.needs_sign_in else error.name
    return "unexpected"


class CashierController(QObject):
    notice = Signal(str, str)  # severity (ok, info, warn, error), words in the current language
    armed = Signal(str)  # the armed code's non-secret hint; "" when none
    can_start = Signal(bool)  # Charge / Top-up may be pressed
    # amount, cause (a messages name), Retry possible, and for a part of a split sale the line
    # that names the sale and both parts (`_split_line`), else None
    pending = Signal(str, str, bool, object)
    pending_busy = Signal(bool)
    settled = Signal()  # the pending sale is settled
    receipt = Signal(object)  # a core.receipt.Receipt to show
    sale_done = Signal()  # a charge or top-up went through: clear the amount
    today_rows = Signal(list)
    # The sale as the member follows it on the customer display (ui/customer_display_feed.py):
    # only the sale sent from this screen, never a reprint or a sale recovered after a restart.
    sale_sent = Signal(str, object)  # kind (charge, topup), the amount (Decimal) on its way
    sale_finished = Signal(str, object)  # kind, the server's answer for it (a dict)
    sale_refused = Signal()  # it did not go through (refused, voided, failed)
    payer = Signal(object)  # a payer_watch.Payer (who is paying, balance after, split offer) or None
    cash_done = Signal()  # a pay-in, pay-out or drop went through (its slip is shown)

    def __init__(self, sales: SaleService, language: Language, counter: receipts.ReceiptHeader,
                 list_transactions: ListTransactions | None = None, get_tx: GetTx | None = None,
                 preview_qr: PreviewQr | None = None):
        super().__init__()
        self.sales = sales
        self.language = language
        self.counter = counter
        self._list = list_transactions
        self._get_tx = get_tx
        self.checkout = Checkout()
        self.payer_watch = PayerWatch(preview_qr, sales.counter.cap, self)
        self.payer_watch.payer.connect(self.payer.emit)
        self.payer_watch.failed.connect(self._preview_failed)
        self._notice: tuple[str, Callable[[], str]] | None = None
        language.changed.connect(self._renotice)

    # -- words -----------------------------------------------------------------------------

    def _say(self, severity: str, render: Callable[[], str]) -> None:
        self._notice = (severity, render)
        self.notice.emit(severity, render())

    def _say_message(self, severity: str, name: str) -> None:
        self._say(severity, lambda: str(message_for(name, self.language.code)))

    def _renotice(self, _code: str) -> None:
        if self._notice is not None:
            self.notice.emit(self._notice[0], self._notice[1]())

    def clear_notice(self) -> None:
        self._notice = None
        self.notice.emit("info", "")

    def _money(self, amount) -> str:
        return format_amount(amount, self.counter.currency, self.language.code)

    # -- scanning --------------------------------------------------------------------------

    def scan(self, raw: str) -> None:
        """A code from the scanner, the camera or the code field. It only arms the sale: a scan
        never starts a charge, so a second scan cannot start a second one."""
        verdict = self.checkout.scan(raw)
        if verdict.armed:
            self.armed.emit(verdict.hint)
            self.clear_notice()
            self.payer_watch.looking(self.checkout.armed.plain)
        else:
            self._say_message("error", verdict.refusal)

    def disarm(self) -> None:
        self.checkout.disarm()
        self.payer_watch.forget()
        self.armed.emit("")

    def amount_typed(self, typed: str) -> None:
        """The amount field changed: the balance after and the split offer follow it."""
        self.payer_watch.amount_typed(typed)

    def _preview_failed(self, error: BaseException) -> None:
        # Said like a charge's refusal (expired, not active...), unless a sale is under way:
        # its own outcome is what the cashier must read then.
        if not self.checkout.busy and self.checkout.pending_key is None:
            self._say_message("error", _reason(error))

    # -- charge and top-up -----------------------------------------------------------------

    def charge(self, amount: str) -> None:
        self._start("charge", amount)

    def topup(self, amount: str) -> None:
        self._start("topup", amount)

    def _start(self, kind: str, amount: str) -> None:
        if not self.checkout.can_start:
            return  # the button is disabled already; a queued second click lands here
        prepare = self.sales.prepare_charge if kind == "charge" else self.sales.prepare_topup
        try:
            prepared = prepare(amount, self.checkout.armed or "")
        except SaleRefused as e:
            self._refused(e)
            return
        self._set_busy(True)
        self.sale_sent.emit(kind, prepared.amount)
        self._say("info", lambda: self.language.t("cashier.sending"))
        self._work(lambda: self._with_retry(self.sales.run(prepared)), self._outcome)

    def charge_split(self, amount: str) -> None:
        """Card for what the balance covers, the rest in cash: one sale (split.py's rule)."""
        payer = self.payer_watch.current
        if not self.checkout.can_start or payer is None or payer.split is None:
            return
        try:
            if parse_amount(amount, self.sales.counter.cap) != payer.split.amount:
                return  # the offer is for another amount; the view shows the new offer at once
        except AmountError as e:
            self._say_message("error", f"amount_{e.reason}")
            return
        try:
            prepared = self.sales.prepare_split(self.checkout.armed or "", payer.split)
        except SaleRefused as e:
            self._refused(e)
            return
        self._set_busy(True)
        self.sale_sent.emit("charge", payer.split.amount)
        self._say("info", lambda: self.language.t("cashier.sending"))
        self._work(lambda: self._with_retry(self.sales.run_split(prepared)), self._outcome)

    # -- cash movements --------------------------------------------------------------------

    def prepare_cash(self, kind: str, amount: str, reason: str) -> Prepared | str:
        """A checked pay-in, pay-out or drop, or the `messages` name of why not."""
        try:
            return self.sales.prepare_cash(kind, amount, reason)
        except SaleRefused as e:
            return e.reason

    def run_cash(self, prepared: Prepared) -> None:
        if self.checkout.busy:
            return
        self._set_busy(True)
        self._say("info", lambda: self.language.t("cashier.sending"))
        self._work(lambda: self._with_retry(self.sales.run(prepared)), self._outcome)

    def retry(self) -> None:
        key = self.checkout.pending_key
        if key is None or self.checkout.busy:
            return
        self._set_busy(True)
        self._work(lambda: self._with_retry(self.sales.retry(key)), self._outcome)

    def check(self) -> None:
        key = self.checkout.pending_key
        if key is None or self.checkout.busy:
            return
        self._set_busy(True)
        self._work(lambda: self._with_retry(self.sales.check(key)), self._outcome)

    def _with_retry(self, outcome: Outcome) -> tuple[Outcome, bool, list | None]:
        # Worker thread: whether Retry can resend, and a pending split sale's parts, are journal
        # reads, kept off the UI thread.
        pending = outcome.state == "pending"
        return outcome, pending and self.sales.can_retry(outcome.key), self._parts_if_split(outcome.attempt, pending)

    def _parts_if_split(self, attempt, pending: bool) -> list | None:
        return self.sales.journal.group(attempt.sale_group) if pending and attempt.sale_group else None

    def _split_line(self, attempt, parts: list | None) -> dict[str, str] | None:
        """What the pending panel says of a part of a split sale: the sale, and the card part as
        the member pays it (the card's balance), not the charge before discount."""
        card = next((p for p in parts or () if p.kind == "charge"), None)
        cash = next((p for p in parts or () if p.kind == "cash"), None)
        if card is None or cash is None or card.sale_amount is None:
            return None
        if attempt.kind == "charge":
            if card.card_paid is None:  # journaled by a version that did not keep it
                return None
            return {"key": "cashier.pending_split_card", "sale": self._money(card.sale_amount),
                    "card": self._money(card.card_paid), "cash": self._money(cash.amount)}
        paid = (card.result or {}).get("paid_amount")
        took = from_api(paid) if paid is not None else card.card_paid
        if took is None:
            return None
        return {"key": "cashier.pending_split_cash", "sale": self._money(card.sale_amount),
                "card": self._money(took), "cash": self._money(cash.amount)}

    def _work(self, fn: Callable[[], Any], on_done: Callable[[Any], None]) -> None:
        run_in_background(fn, on_done=on_done, on_failed=self._failed)

    def _set_busy(self, busy: bool) -> None:
        self.checkout.busy = busy
        self.can_start.emit(self.checkout.can_start)
        self.pending_busy.emit(busy)

    def _outcome(self, got: tuple[Outcome, bool, list | None]) -> None:
        outcome, can_retry, parts = got
        was_pending = self.checkout.pending_key
        self.checkout.settle(outcome)
        self._set_busy(False)
        if outcome.state == "pending":
            self.pending.emit(self._money(outcome.attempt.amount), outcome.error or "outcome_unknown", can_retry,
                              self._split_line(outcome.attempt, parts))
            self.clear_notice()  # the pending panel says it, with its buttons
            return
        if was_pending == outcome.key:
            self.settled.emit()
        if outcome.attempt.kind != "cash" or outcome.attempt.sale_group is not None:
            self.armed.emit("")  # a sale spends the code; a pay-out leaves it armed
            self.payer_watch.forget()
            if outcome.state != "done":
                self.sale_refused.emit()  # the member's screen: a pay-out is not their sale
        if outcome.state == "done":
            self._done(outcome)
        elif outcome.state == "voided":
            self._say_message("warn", "voided")
        elif outcome.error == "insufficient_balance" and outcome.available is not None:
            available = outcome.available  # what the member can still pay with this card
            self._say("error", lambda: "{} {}".format(message_for("insufficient_balance", self.language.code),
                                                      self.language.t("cashier.balance_left",
                                                                      amount=self._money(available))))
        else:
            self._say_message("error", outcome.error or "unexpected")

    def _done(self, outcome: Outcome) -> None:
        attempt = outcome.attempt
        if attempt.sale_group is not None:
            self._split_done(outcome)
            return
        kind = attempt.kind
        self.receipt.emit(receipts.from_result(kind, outcome.result, self.counter))
        if kind == "cash":
            self._say("ok", lambda: self.language.t(f"cashier.done_{attempt.movement_kind}",
                                                    amount=self._money(attempt.amount)))
            self.cash_done.emit()
            return
        amount = attempt.amount if kind != "charge" else outcome.result.get("paid_amount", attempt.amount)
        key = "cashier.done_topup" if kind == "topup" else "cashier.done_charge"
        self._say("ok", lambda: self.language.t(key, amount=self._money(from_api(amount))))
        self.sale_done.emit()
        self.sale_finished.emit(kind, dict(outcome.result))
        self.refresh_today()

    def _split_done(self, outcome: Outcome) -> None:
        """One part of a split sale is done: with both done, the one receipt of the sale."""
        group = outcome.attempt.sale_group
        self._work(lambda: self.sales.journal.group(group), self._split_settled)

    def _split_settled(self, parts: list) -> None:
        card = next((p for p in parts if p.kind == "charge"), None)
        cash = next((p for p in parts if p.kind == "cash"), None)
        if card is None or cash is None or card.state != "done":
            return
        if cash.state == "done":
            self.receipt.emit(receipts.from_split(card.result, cash.result, card.sale_amount, self.counter))
            self._say("ok", lambda: self.language.t(
                "cashier.done_split", card=self._money(from_api(card.result["paid_amount"])),
                cash=self._money(cash.amount)))
            self.sale_done.emit()
            self.sale_finished.emit("split", {"card": card.result, "cash": cash.amount, "amount": card.sale_amount})
            self.refresh_today()
            return
        self.receipt.emit(receipts.from_result("charge", card.result, self.counter))
        if cash.unfinished:  # the cash part is owed: it waits in the pending panel for Retry or Check
            self._show_unsettled((cash, True, parts))
        why = cash.error_name or "outcome_unknown"
        self._say("error", lambda: self.language.t(
            "cashier.split_cash_missing", cash=self._money(cash.amount),
            reason=str(message_for(why, self.language.code))))

    def _refused(self, error: SaleRefused) -> None:
        self._say_message("error", error.reason)
        key = error.key
        if error.reason == "attempt_unsettled" and key:
            # Another attempt (from before a restart, or another screen) blocks this counter:
            # bring it into the pending panel, where Retry or Check can settle it.
            self._work(lambda: self._unsettled(key), self._show_unsettled)
        elif error.reason == "not_pending" and key and key == self.checkout.pending_key:
            # Retry or Check on a sale that something else settled meanwhile (the recovery when
            # the line came back, the close's reconciliation): the panel lets go of it.
            self._work(lambda: self._final_row(key), self._settled_elsewhere)

    def _final_row(self, key: str):
        # Worker thread: the journal's row and its sale's parts.
        attempt = self.sales.journal.get(key)
        group = attempt.sale_group if attempt is not None else None
        return attempt, self.sales.journal.group(group) if group else None

    def _settled_elsewhere(self, got) -> None:
        attempt, parts = got
        if attempt is None or attempt.unfinished or self.checkout.pending_key != attempt.key:
            return
        self._release(Outcome(attempt, attempt.error_name), parts)

    def _release_if_held(self, outcome: Outcome) -> None:
        held, cash = self.checkout.pending_key, outcome.cash_part
        if held is None or held not in (outcome.key, cash.key if cash is not None else None):
            return
        if cash is None:
            self._release(outcome, None)
        elif cash.attempt.unfinished:
            if cash.key != held:
                self._release(outcome, [cash.attempt])  # the card part is settled: hold its cash part
        else:
            self._release(cash if cash.key == held else outcome, None)

    def _release(self, outcome: Outcome, parts: list | None) -> None:
        """The sale the pending panel holds was settled by another path: free the counter, or
        hold the split sale's cash part when that is what is still owed."""
        owed = next((p for p in parts or () if p.kind == "cash" and p.unfinished), None)
        if outcome.attempt.kind == "charge" and outcome.state == "done" and owed is not None:
            self._work(lambda: self._unsettled(owed.key), self._show_unsettled)
            return
        self.checkout.settle(outcome)
        self.settled.emit()
        self.can_start.emit(self.checkout.can_start)
        self.armed.emit("")  # the code was spent, or the sale is over: a fresh one for the next
        self.payer_watch.forget()

    def _unsettled(self, key: str):
        # Worker thread: the journal's row, whether Retry can resend it, and its sale's parts.
        attempt = self.sales.journal.get(key)
        pending = attempt is not None and attempt.unfinished
        return attempt, self.sales.can_retry(key), self._parts_if_split(attempt, pending) if pending else None

    def _show_unsettled(self, got) -> None:
        attempt, can_retry, parts = got
        if attempt is None or not attempt.unfinished:
            return
        self.checkout.pending_key = attempt.key
        self.can_start.emit(False)
        self.pending.emit(self._money(attempt.amount), attempt.error_name or "outcome_unknown", can_retry,
                          self._split_line(attempt, parts))

    def _failed(self, error: BaseException) -> None:
        self._set_busy(False)
        self.sale_refused.emit()
        if isinstance(error, SaleRefused):
            self._refused(error)
        else:
            self._say_message("error", _reason(error))

    # -- after a restart -------------------------------------------------------------------

    def recover(self) -> None:
        """Settle what an earlier run left unsettled (at start, and when the network is back)."""
        self._work(self.sales.recover, self.show_recovered)

    def show_recovered(self, outcomes: list[Outcome]) -> None:
        """Show what `SaleService.recover()` came to: each settled sale in words (the last
        charged one's receipt), and a sale still unknown in the pending panel."""
        for outcome in outcomes:
            if outcome.state == "pending":
                self._work(lambda o=outcome: self._with_retry(o), self._outcome)
                return  # recover() stopped at the first it could not settle
            self._release_if_held(outcome)  # the line came back: the sale on hold may be settled
            if outcome.state == "done" and outcome.attempt.sale_group is not None:
                self._split_done(outcome)
            elif outcome.state == "done":
                self.receipt.emit(receipts.from_result(outcome.attempt.kind, outcome.result, self.counter))
            state = outcome.state
            if not recovery.is_sale(outcome.attempt):  # told as what it was, as the window's notice does
                told = recovery.notice_for(outcome, self.counter.currency)
                self._say("ok" if state == "done" else "warn", lambda n=told: self.language.t_fields(*n))
                continue
            self._say("ok" if state == "done" else "warn", lambda s=state: self.language.t(
                "cashier.recovered", state=self.language.t(f"cashier.state.{s}")))
        self.refresh_today()

    # -- today -----------------------------------------------------------------------------

    def refresh_today(self) -> None:
        if self._list is None:
            return
        since = day_start(self.counter.timezone)
        run_in_background(lambda: self._list(since=since), on_done=self.today_rows.emit,
                          on_failed=self._today_failed)

    def _today_failed(self, error: BaseException) -> None:
        self._say("error", lambda: self.language.t(
            "cashier.today_failed", reason=str(message_for(_reason(error), self.language.code))))

    def reprint(self, tx_id: str) -> None:
        """Show a past receipt again, marked as a copy (merchant_get_tx)."""
        if self._get_tx is None:
            return
        self._work(lambda: receipts.from_tx(self._get_tx(tx_id), self.counter), self.receipt.emit)
