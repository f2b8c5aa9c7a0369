"""A shift's close reconciles the counter with the server before anything is closed (issue 8,
"Closing reconciles"):

1. every attempt of this merchant still unsettled in the journal (a sale, refund, top-up or cash
   movement of unknown outcome) is settled by its key, the existing resolve path
   (`SaleService.check`); what it settled is listed; while any stays unsettled the shift must
   not close (offline: nothing can be settled, so nothing is sent);
2. the journal's finished charges, refunds and top-ups of the shift (rows whose server answer
   names the shift) are compared with the server's transactions of the shift, page by page. A
   row on one side only is a defect to report: it is shown, never hidden.

A cashier's reads show only their own rows, so a cashier's comparison is made on the rows they
rang up (`operator`); a manager's covers everyone's at this counter."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from ..money import from_api
from ..sale.journal import Attempt, Journal
from ..sale.service import Outcome, SaleRefused, SaleService

COMPARED = ("charge", "refund", "topup")
# The server's names for the journal's kinds.
SERVER_KIND = {"payment": "charge", "refund": "refund", "recharge": "topup"}
PAGE = 200
# Causes after which asking again about the next attempt is pointless: nothing gets through.
_NO_LINE = {"offline", "not_signed_in"}


@dataclass(frozen=True)
class Settling:
    """What step 1 came to: `settled` the outcomes (done or voided) it reached, `stuck` the
    attempts still unsettled and `cause` why (a `messages` name)."""

    settled: list[Outcome] = field(default_factory=list)
    stuck: list[Attempt] = field(default_factory=list)
    cause: str | None = None


def settle_unsettled(sales: SaleService, *, wait: float = 5.0, sleep: Callable[[float], None] = time.sleep) -> Settling:
    """Settle each unsettled attempt of this merchant by its key, oldest first. An attempt
    whose call is running right now (a Retry, the start-up recovery) is waited for, up to `wait`
    seconds, and listed with what that call came to."""
    settled: list[Outcome] = []
    stuck: list[Attempt] = []
    cause: str | None = None
    for row in sales.unsettled():
        if cause in _NO_LINE:
            stuck.append(row)
            continue
        outcome = _check_or_wait(sales, row, wait, sleep)
        if outcome is None:
            stuck.append(sales.journal.get(row.key) or row)
            cause = cause or "attempt_unsettled"
            continue
        if outcome.state == "pending":
            stuck.append(outcome.attempt)
            cause = outcome.error or "outcome_unknown"
        else:
            settled.append(outcome)
    return Settling(settled, stuck, cause)


def _check_or_wait(sales: SaleService, row: Attempt, wait: float, sleep: Callable[[float], None]) -> Outcome | None:
    waited = 0.0
    while True:
        try:
            return sales.check(row.key)
        except SaleRefused:
            now = sales.journal.get(row.key)
            if now is not None and not now.unfinished:
                return Outcome(now, now.error_name)  # settled by the call that was running
            if waited >= wait:
                return None
            sleep(0.1)
            waited += 0.1


@dataclass(frozen=True)
class Line:
    """One transaction as one side knows it."""

    tx_id: str
    kind: str  # charge, refund, topup
    amount: Decimal
    at: datetime | str | None


@dataclass(frozen=True)
class Comparison:
    matched: int
    only_in_journal: list[Line]
    only_on_server: list[Line]

    @property
    def agrees(self) -> bool:
        return not self.only_in_journal and not self.only_on_server


def journal_lines(journal: Journal, merchant_code: str, shift_id: str, operator: str | None = None) -> list[Line]:
    """The journal's finished charges, refunds and top-ups of the shift (of `operator` only,
    when given)."""
    lines = []
    for row in journal.done_in_shift(merchant_code, shift_id):
        if row.kind not in COMPARED or (operator is not None and row.operator != operator):
            continue
        result = row.result or {}
        tx_id = result.get("refund_tx_id") if row.kind == "refund" else result.get("tx_id")
        paid = result.get("paid_amount") if row.kind == "charge" else None
        lines.append(Line(str(tx_id or result.get("tx_id") or row.key), row.kind,
                          from_api(paid) if paid is not None else row.amount, row.created_at))
    return lines


def server_lines(list_transactions: Callable[..., list[dict[str, Any]]], shift_id: str, page: int = PAGE) -> list[Line]:
    """Every transaction of the shift on the server, all pages."""
    lines: list[Line] = []
    before: tuple[str, str] | None = None
    while True:
        rows = list_transactions(shift_id=shift_id, limit=page, before=before)
        lines += [Line(str(r["tx_id"]), SERVER_KIND.get(r["kind"], r["kind"]), from_api(r["amount"]),
                       r.get("created_at")) for r in rows]
        if len(rows) < page:
            return lines
        before = (rows[-1]["created_at"], rows[-1]["tx_id"])


def compare(journal: list[Line], server: list[Line]) -> Comparison:
    """Which transactions only one side knows (by transaction id)."""
    theirs = {line.tx_id for line in server}
    ours = {line.tx_id for line in journal}
    return Comparison(matched=len(ours & theirs),
                      only_in_journal=[line for line in journal if line.tx_id not in theirs],
                      only_on_server=[line for line in server if line.tx_id not in ours])


@dataclass(frozen=True)
class Reconciliation:
    """Both steps. `comparison` is None when step 1 left something unsettled (then the ledger
    cannot be compared yet, and the shift must not close)."""

    settling: Settling
    comparison: Comparison | None

    @property
    def may_close(self) -> bool:
        return not self.settling.stuck and self.comparison is not None


def reconcile(sales: SaleService, list_transactions: Callable[..., list[dict[str, Any]]], shift_id: str, *,
              own_rows_only: bool) -> Reconciliation:
    """Step 1, then (when nothing stays unsettled) step 2. Worker thread: it calls the server."""
    settling = settle_unsettled(sales)
    if settling.stuck:
        return Reconciliation(settling, None)
    operator = sales.counter.operator if own_rows_only else None
    ours = journal_lines(sales.journal, sales.counter.merchant_code, shift_id, operator)
    return Reconciliation(settling, compare(ours, server_lines(list_transactions, shift_id)))
