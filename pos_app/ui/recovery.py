"""At start (and when the line comes back), settle the sales the last run left open
(`SaleService.recover()`, on a worker) and say what happened to each: charged (its receipt is
in the list) or not charged (ring it up again)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from pos_app.core.messages import message_for
from pos_app.core.money import format_amount
from pos_app.core.sale.service import Outcome, SaleService
from pos_app.core.session.signin import problem_name

from .common.worker import run_in_background

Notice = tuple[str, dict[str, object]]  # a label key and its fields (callables take the language code)


def notice_for(outcome: Outcome, currency: str) -> Notice:
    """What to tell the cashier about one settled attempt."""
    amount = outcome.attempt.amount

    def money(code: str) -> str:
        return format_amount(amount, currency, code)

    if outcome.state == "done":
        return "main.recover_done", {"amount": money}
    if outcome.state == "voided":
        return "main.recover_voided", {"amount": money}
    cause = outcome.error or "outcome_unknown"
    return "main.recover_pending", {"amount": money, "words": lambda code: str(message_for(cause, code))}


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
        for outcome in outcomes:
            key, fields = notice_for(outcome, currency)
            notice(key, **fields)
    return show
