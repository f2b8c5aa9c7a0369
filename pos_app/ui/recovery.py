"""At start (and when the line comes back), settle the sales the last run left open
(`SaleService.recover()`, on a worker) and say what happened to each: charged (its receipt is
in the list) or not charged (ring it up again). A split sale is told as one sale with both
of its parts; a top-up, a refund, a pay-in, a pay-out or a cash drop as what it was."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

from PySide6.QtCore import QObject, Signal

from pos_app.core.messages import message_for
from pos_app.core.money import format_amount, from_api
from pos_app.core.sale.service import Outcome, SaleService
from pos_app.core.session.signin import problem_name

from .common.worker import run_in_background

Notice = tuple[str, dict[str, object]]  # a label key and its fields (callables take the language code)

# Attempts told in words of their own (main.recover_<kind>_<done|voided|pending>, shell_text.py):
# "ring it up again" would send the cashier to sell what was a pay-out.
_NOT_A_SALE = ("topup", "refund", "pay_in", "pay_out", "drop")


def _what(attempt) -> str:
    """charge, topup, refund, or the cash movement's own kind (pay_in, pay_out, drop, cash_sale)."""
    return attempt.movement_kind if attempt.kind == "cash" else attempt.kind


def is_sale(attempt) -> bool:
    """A charge or a part of a split sale: what "ring it up again" is said of."""
    return attempt.sale_group is not None or _what(attempt) not in _NOT_A_SALE


def notice_for(outcome: Outcome, currency: str) -> Notice:
    """What to tell the cashier about one settled attempt."""
    attempt = outcome.attempt

    def money(amount: Decimal) -> Callable[[str], str]:
        return lambda code: format_amount(amount, currency, code)

    def words(cause: str) -> Callable[[str], str]:
        return lambda code: str(message_for(cause, code))

    if attempt.sale_group is not None:
        return _split_notice(outcome, money, words)
    amount = money(attempt.amount)
    if not is_sale(attempt):  # a top-up, a refund or cash in or out of the drawer is no sale to ring up
        state = outcome.state if outcome.state in ("done", "voided") else "pending"
        fields: dict[str, object] = {"amount": amount}
        if state == "pending":
            fields["words"] = words(outcome.error or "outcome_unknown")
        return f"main.recover_{_what(attempt)}_{state}", fields
    if outcome.state == "done":
        return "main.recover_done", {"amount": amount}
    if outcome.state == "voided":
        return "main.recover_voided", {"amount": amount}
    return "main.recover_pending", {"amount": amount, "words": words(outcome.error or "outcome_unknown")}


def _split_notice(outcome: Outcome, money, words) -> Notice:
    """A split sale is one sale to the cashier: both parts are named, the card part as the member
    paid it (the server's paid amount, not the charge before discount)."""
    attempt = outcome.attempt
    sale = money(attempt.sale_amount if attempt.sale_amount is not None else attempt.amount)
    if attempt.kind == "cash":  # the card part was done before the restart; this is what was owed
        if outcome.state == "done":
            return "main.recover_split_cash_done", {"sale": sale, "cash": money(attempt.amount)}
        return "main.recover_split_cash_open", {"sale": sale, "cash": money(attempt.amount),
                                                "words": words(outcome.error or "outcome_unknown")}
    cash = outcome.cash_part
    if outcome.state == "pending" or cash is None:
        return "main.recover_split_pending", {"sale": sale, "words": words(outcome.error or "outcome_unknown")}
    if outcome.state != "done":
        return "main.recover_split_voided", {"sale": sale}
    card = money(from_api(outcome.result.get("paid_amount", attempt.amount)))
    if cash.state == "done":
        return "main.recover_split_done", {"sale": sale, "card": card, "cash": money(cash.attempt.amount)}
    return "main.recover_split_card_only", {"sale": sale, "card": card, "cash": money(cash.attempt.amount),
                                            "words": words(cash.error or "outcome_unknown")}


class Recovery(QObject):
    """`settled(list[Outcome])` after each run with something to report; `failed(name)` when
    the run itself broke (a `messages` name)."""

    settled = Signal(list)
    failed = Signal(str)

    def __init__(self, sale: SaleService, parent: QObject | None = None):
        super().__init__(parent)
        self._sale = sale
        self._running = False

    def run(self) -> None:
        if self._running:  # the line flapping must not start two settlements at once
            return
        self._running = True
        run_in_background(self._sale.recover, on_done=self._done, on_failed=self._failed)

    @property
    def running(self) -> bool:
        return self._running

    def _done(self, outcomes: list[Outcome]) -> None:
        self._running = False
        if outcomes:
            self.settled.emit(outcomes)

    def _failed(self, error: BaseException) -> None:
        self._running = False
        self.failed.emit(problem_name(error))


def on_each(notice: Callable[..., None], currency: str) -> Callable[[list[Outcome]], None]:
    """A slot that adds one notice per settled outcome."""
    def show(outcomes: list[Outcome]) -> None:
        for outcome in _one_per_sale(outcomes):
            key, fields = notice_for(outcome, currency)
            notice(key, **fields)
    return show


def _one_per_sale(outcomes: list[Outcome]) -> list[Outcome]:
    """A split sale's cash part that `recover()` tried again after its card part (the line went
    down in between) is told within its sale, as the later try left it: one notice a sale."""
    told: dict[str, int] = {}  # a cash part's key -> where its sale is in the list
    kept: list[Outcome] = []
    for outcome in outcomes:
        at = told.get(outcome.key)
        if at is not None:
            kept[at] = replace(kept[at], cash_part=outcome)
            continue
        if outcome.cash_part is not None:
            told[outcome.cash_part.key] = len(kept)
        kept.append(outcome)
    return kept
