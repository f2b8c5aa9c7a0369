"""The promise, checked against the database: what the counters' journals say happened is
exactly what the money did. Every check returns a list of problems (empty when it holds), so a
failing run shows all that went wrong at once, with the seed.

Cash rows (journal kind `cash`: pay-ins, pay-outs, drops and a split sale's cash part) are held
against `app.cash_movements` the same way: one movement per done key, none for a failed or
voided one, of the journaled kind, amount and shift. A split sale (rows sharing a `sale_group`)
is checked as one sale: its cash part is done exactly when its card part is, the movement names
the sale, and the card part took what the journal says it would (`card_paid`). `tally` counts
what the journals did, by kind, for a check to compare with the shift's figures."""

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
# Into (+) or out of (−) the drawer, by movement kind.
_DRAWER = {"cash_sale": 1, "pay_in": 1, "pay_out": -1, "drop": -1}
_FINAL = ("done", "failed", "voided")


@dataclass(frozen=True)
class Row:
    """A journal row as the checks need it (read straight from the file, any state)."""

    journal: str
    key: str
    kind: str
    state: str
    amount: Decimal
    result: dict[str, Any] | None
    movement_kind: str | None = None  # kind cash: pay_in, pay_out, drop, cash_sale
    shift_id: str | None = None
    sale_group: str | None = None  # the parts of one split sale share it
    card_paid: Decimal | None = None  # a split sale's card part: what it takes from the card


# Columns of later journal versions, read when the file has them (older files: None).
_LATER = ("movement_kind", "shift_id", "sale_group", "card_paid")


def read_journals(paths: list[Path]) -> list[Row]:
    rows: list[Row] = []
    for path in paths:
        with sqlite3.connect(path) as db:
            have = {c for (_, c, *_rest) in db.execute("pragma table_info(attempt)")}
            later = ", ".join(c if c in have else f"null as {c}" for c in _LATER)
            for key, kind, state, amount, result, movement, shift, group, card_paid in db.execute(
                    f"select key, kind, state, amount, result_json, {later} from attempt order by created_at"):
                rows.append(Row(path.name, key, kind, state, Decimal(amount),
                                None if result is None else json.loads(result, parse_float=Decimal),
                                movement, shift, group, None if card_paid is None else Decimal(card_paid)))
    return rows


def tally(rows: list[Row]) -> dict[str, tuple[int, Decimal]]:
    """What the journals say was done: count and sum per kind (charge, topup, refund, and each
    movement kind of cash: cash_sale, pay_in, pay_out, drop), plus `split`, the split sales done
    in both parts. A charge counts what left the card (its answer's paid amount)."""
    counts: dict[str, tuple[int, Decimal]] = {}
    for r in rows:
        if r.state != "done":
            continue
        name = r.movement_kind if r.kind == "cash" else r.kind
        moved = r.amount if r.kind == "cash" else _money((r.result or {}).get(_MOVED[r.kind]))
        n, total = counts.get(name, (0, Decimal("0")))
        counts[name] = (n + 1, total + moved)
    done_groups = [g for g, parts in _groups(rows).items() if parts and all(p.state == "done" for p in parts)]
    if done_groups:
        counts["split"] = (len(done_groups), Decimal("0"))
    return counts


def drawer(rows: list[Row]) -> dict[str, Decimal]:
    """Per shift, the cash the journals moved into (+) or out of (−) its drawer apart from
    top-ups: the done cash rows."""
    moved: dict[str, Decimal] = {}
    for r in rows:
        if r.kind == "cash" and r.state == "done":
            moved[r.shift_id] = moved.get(r.shift_id, Decimal("0")) + _DRAWER[r.movement_kind] * r.amount
    return moved


def _groups(rows: list[Row]) -> dict[str, list[Row]]:
    groups: dict[str, list[Row]] = {}
    for r in rows:
        if r.sale_group is not None:
            groups.setdefault(r.sale_group, []).append(r)
    return groups


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
        shifts = sorted({r.shift_id for r in rows if r.kind == "cash" and r.shift_id is not None})
        movements = db.execute(
            "select id::text, kind, shift_id::text, amount, idempotency_key, tag from app.cash_movements"
            " where shift_id::text = any(%s) or idempotency_key = any(%s)",
            (shifts, [r.key for r in rows if r.kind == "cash"])).fetchall()
    found: list[str] = []
    by_key: dict[str | None, list[tuple]] = {}
    for tx in txs:
        by_key.setdefault(tx[5], []).append(tx)
    twice = [k for k, n in Tally(tx[5] for tx in txs).items() if k is not None and n > 1]
    found += [f"key {k} moved money {len(by_key[k])} times" for k in twice]
    known = {r.key for r in rows}
    found += [f"transaction {tx[0]} ({tx[1]} {tx[4]}, key {tx[5]}) is in no journal"
              for tx in txs if tx[5] not in known and tx[5] not in outside_keys]
    found += _cash_problems([r for r in rows if r.kind == "cash"], movements, voids, known | outside_keys)
    found += _split_problems(rows, by_key)
    moved: dict[str, Decimal] = dict.fromkeys(initial, Decimal("0"))
    for r in rows:
        if r.kind == "cash":
            continue  # no card money: checked against the drawer's movements above
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


def _cash_problems(rows: list[Row], movements: list[tuple], voids: set[str], known: set[str]) -> list[str]:
    """The journals' cash rows against the drawers' movements, as `problems` does for money."""
    found: list[str] = []
    by_key: dict[str | None, list[tuple]] = {}
    for m in movements:
        by_key.setdefault(m[4], []).append(m)
    found += [f"key {k} moved cash {len(ms)} times" for k, ms in by_key.items() if k is not None and len(ms) > 1]
    found += [f"cash movement {m[0]} ({m[1]} {m[3]}, key {m[4]}) is in no journal"
              for m in movements if m[4] not in known]
    for r in rows:
        mine = by_key.get(r.key, [])
        name = f"{r.journal}: cash {r.movement_kind} {r.key}"
        if r.state not in _FINAL:
            found.append(f"{name} left {r.state}")
        elif r.state != "done":
            found += [f"{name} is {r.state} but moved cash ({m[0]})" for m in mine]
            # A cash part voided at the counter was never sent, so no key is voided on the server.
            if r.state == "voided" and r.key not in voids and not (r.sale_group and (r.result or {}).get("card_part")):
                found.append(f"{r.journal}: {r.key} is voided in the journal, not on the server")
        elif len(mine) != 1:
            found.append(f"{name} is done but has {len(mine)} movements")
        else:
            found += [f"{name} {w}" for w in _cash_matches(r, mine[0])]
    return found


def _cash_matches(r: Row, movement: tuple) -> list[str]:
    movement_id, kind, shift_id, amount, _key, tag = movement
    result = r.result or {}
    wrong = []
    if kind != r.movement_kind:
        wrong.append(f"is a {kind} on the server")
    if amount != r.amount:
        wrong.append(f"was asked {r.amount} and the drawer moved {amount}")
    if str(result.get("movement_id")) != movement_id:
        wrong.append(f"journaled movement {result.get('movement_id')}, the server's is {movement_id}")
    if r.shift_id is not None and shift_id != r.shift_id:
        wrong.append(f"journaled in shift {r.shift_id}, the server's is {shift_id}")
    if r.sale_group is not None and (tag or {}).get("sale_group") != r.sale_group:
        wrong.append(f"is of sale {r.sale_group}, the server's movement names {(tag or {}).get('sale_group')}")
    return wrong


def _split_problems(rows: list[Row], txs_by_key: dict[str | None, list[tuple]]) -> list[str]:
    """Each split sale as one sale: both parts, the cash part done exactly when the card part is
    (never a lost cash part, never cash for a card part not charged), the card taking what was
    journaled for it."""
    found: list[str] = []
    for group, parts in _groups(rows).items():
        card = [p for p in parts if p.kind == "charge"]
        cash = [p for p in parts if p.kind == "cash"]
        if len(card) != 1 or len(cash) != 1 or cash[0].movement_kind != "cash_sale":
            found.append(f"split sale {group} has {len(card)} card and {len(cash)} cash parts")
            continue
        card_part, cash_part = card[0], cash[0]
        if card_part.state in _FINAL and cash_part.state in _FINAL and \
                (card_part.state == "done") != (cash_part.state == "done"):
            found.append(f"split sale {group}: card part {card_part.state}, cash part {cash_part.state}")
        took = txs_by_key.get(card_part.key, [])
        if card_part.state == "done" and card_part.card_paid is not None and len(took) == 1 \
                and took[0][4] != card_part.card_paid:
            found.append(f"split sale {group}: the card part took {took[0][4]}, the journal said {card_part.card_paid}")
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
