"""The promise, checked against the database: what the counters' journals say happened is
exactly what the money did. Every check returns a list of problems (empty when it holds), so a
failing run shows all that went wrong at once, with the seed."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter as Tally
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg

# What each journal kind becomes on the server, and where its answer keeps the ids and amounts.
_TX_KIND = {"charge": "payment", "topup": "recharge", "refund": "refund"}
_TX_ID = {"charge": "tx_id", "topup": "tx_id", "refund": "refund_tx_id"}
_MOVED = {"charge": "paid_amount", "topup": "amount", "refund": "refund_amount"}
_SIGN = {"charge": -1, "topup": 1, "refund": 1}


@dataclass(frozen=True)
class Row:
    """A journal row as the checks need it (read straight from the file, any state)."""

    journal: str
    key: str
    kind: str
    state: str
    amount: Decimal
    result: dict[str, Any] | None


def read_journals(paths: list[Path]) -> list[Row]:
    rows: list[Row] = []
    for path in paths:
        with sqlite3.connect(path) as db:
            for key, kind, state, amount, result in db.execute(
                    "select key, kind, state, amount, result_json from attempt order by created_at"):
                rows.append(Row(path.name, key, kind, state, Decimal(amount),
                                None if result is None else json.loads(result, parse_float=Decimal)))
    return rows


def problems(dsn: str, rows: list[Row], initial: dict[str, Decimal], outside_keys: set[str]) -> list[str]:
    """Every way the journals `rows` and the database disagree, for the cards in `initial`
    (card id → balance before the run). `outside_keys`: keys of money moved by the test's own
    set-up (service top-ups), which no journal knows."""
    with psycopg.connect(dsn) as db:
        txs = db.execute("select id::text, kind::text, card_id::text, raw_amount, amount, idempotency_key"
                         " from app.transactions where card_id::text = any(%s)", (list(initial),)).fetchall()
        balances = dict(db.execute("select id::text, balance from app.cards where id::text = any(%s)",
                                   (list(initial),)).fetchall())
        off = db.execute("select card_id::text, balance, from_transactions from app.card_balance_discrepancies()"
                         " where card_id::text = any(%s)", (list(initial),)).fetchall()
        voids = {k for (k,) in db.execute("select idempotency_key from app.idempotency_registry"
                                          " where operation = 'void' and idempotency_key = any(%s)",
                                          ([r.key for r in rows],)).fetchall()}
    found: list[str] = []
    by_key: dict[str | None, list[tuple]] = {}
    for tx in txs:
        by_key.setdefault(tx[5], []).append(tx)
    twice = [k for k, n in Tally(tx[5] for tx in txs).items() if k is not None and n > 1]
    found += [f"key {k} moved money {len(by_key[k])} times" for k in twice]
    known = {r.key for r in rows}
    found += [f"transaction {tx[0]} ({tx[1]} {tx[4]}, key {tx[5]}) is in no journal"
              for tx in txs if tx[5] not in known and tx[5] not in outside_keys]
    moved: dict[str, Decimal] = dict.fromkeys(initial, Decimal("0"))
    for r in rows:
        mine = by_key.get(r.key, [])
        if r.state not in ("done", "failed", "voided"):
            found.append(f"{r.journal}: {r.kind} {r.key} left {r.state}")
        elif r.state != "done":
            found += [f"{r.journal}: {r.kind} {r.key} is {r.state} but moved money ({tx[0]})" for tx in mine]
            if r.state == "voided" and r.key not in voids:
                found.append(f"{r.journal}: {r.key} is voided in the journal, not on the server")
        elif len(mine) != 1:
            found.append(f"{r.journal}: {r.kind} {r.key} is done but has {len(mine)} transactions")
        else:
            found += _done_matches(r, mine[0])
            # What the journal says moved (its copy of the server's answer), per card.
            card = str((r.result or {}).get("card_id"))
            moved[card] = moved.get(card, Decimal("0")) + _SIGN[r.kind] * _money(r.result.get(_MOVED[r.kind]))
    found += [f"card {c}: balance {b} but its transactions sum to {t}" for c, b, t in off]
    found += [f"card {c}: balance {balances[c]}, but it began at {initial[c]} and the journals moved {moved[c]}"
              for c in initial if balances[c] != initial[c] + moved[c]]
    return found


def _done_matches(r: Row, tx: tuple) -> list[str]:
    tx_id, kind, card_id, raw_amount, amount, _ = tx
    result = r.result or {}
    wrong = []
    if kind != _TX_KIND[r.kind]:
        wrong.append(f"is a {kind} on the server")
    if raw_amount != r.amount:
        wrong.append(f"was asked {r.amount} and the server took {raw_amount}")
    if str(result.get(_TX_ID[r.kind])) != tx_id:
        wrong.append(f"journaled tx {result.get(_TX_ID[r.kind])}, the server's is {tx_id}")
    if _money(result.get(_MOVED[r.kind])) != amount:
        wrong.append(f"journaled {result.get(_MOVED[r.kind])} moved, the server moved {amount}")
    if str(result.get("card_id")) != card_id:
        wrong.append(f"journaled card {result.get('card_id')}, the server's is {card_id}")
    return [f"{r.journal}: {r.kind} {r.key} {w}" for w in wrong]


def _money(value: Any) -> Decimal:
    # A missing amount counts as nothing moved: the balance check then names the card.
    return Decimal("0") if value is None else Decimal(str(value))
