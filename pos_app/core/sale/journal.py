"""The counter's durable journal: one row per money attempt (charge, refund, counter top-up),
written to disk before the first request so that a crash at any point leaves a row that the
next start can settle by its idempotency key.

SQLite in WAL mode with `synchronous=FULL`: a commit is on disk when the call returns, and a
killed process leaves either the whole transaction or none of it. The journal never stores a
payment code (its secret would then sit on the disk of a shared counter PC); recovery settles
an attempt by its key alone (`merchant_resolve_attempt`).

States: `sending` → `done` | `failed` | `pending` | `voided`; `pending` → `pending` | `done` |
`failed` | `voided`. `done`, `failed` and `voided` are final. `error_name` holds the error of a
`failed` attempt, and the last cause (offline, outcome_unknown, ...) of a `pending` one.

Cash movements (kind `cash`: pay-in, pay-out, drop, and the cash part of a split sale, named
by `movement_kind`) are journaled like money attempts, with their `shift_id`. A split sale
writes both of its parts under one `sale_group` in one transaction before the card part is
sent; its cash part waits in state `waiting` (→ `sending` | `failed` | `voided`) until the card
part is done, so a crash between the two leaves a row that says what is still owed."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

KINDS = ("charge", "refund", "topup", "cash")
MOVEMENT_KINDS = ("pay_in", "pay_out", "drop", "cash_sale")
STATES = ("waiting", "sending", "pending", "done", "failed", "voided")
UNFINISHED = ("waiting", "sending", "pending")
_NEXT = {"waiting": {"sending", "failed", "voided"},
         "sending": {"done", "failed", "pending", "voided"},
         "pending": {"pending", "done", "failed", "voided"}}

# Entry i (its statements) moves the file from version i to i + 1 (PRAGMA user_version).
# Add entries, never edit one: files in the field are already past it.
_MIGRATIONS: list[tuple[str, ...]] = [
    ("""
    create table attempt (
        key             text primary key,
        kind            text not null check (kind in ('charge', 'refund', 'topup')),
        merchant_code   text not null,
        terminal        text not null,
        operator        text not null,
        amount          text not null,   -- Decimal as text: never a float
        card_hint       text,            -- last four digits when known; never the payment code
        original_tx_id  text,            -- the payment a refund refers to
        reason          text,
        state           text not null check (state in ('sending', 'pending', 'done', 'failed', 'voided')),
        result_json     text,            -- the server's answer (done), or the void (voided)
        error_name      text,
        created_at      text not null,   -- ISO 8601 UTC, fixed width, so text order is time order
        updated_at      text not null
    )""",
     "create index attempt_unfinished on attempt (state, created_at) where state in ('sending', 'pending')",
     "create index attempt_by_update on attempt (state, updated_at)"),
    # Cash movements and split sales: SQLite cannot widen a check constraint, so the table is
    # rebuilt with the new kind, state and columns, and every row copied as it was.
    ("""
    create table attempt_v2 (
        key             text primary key,
        kind            text not null check (kind in ('charge', 'refund', 'topup', 'cash')),
        merchant_code   text not null,
        terminal        text not null,
        operator        text not null,
        amount          text not null,   -- Decimal as text: never a float
        card_hint       text,            -- last four digits when known; never the payment code
        original_tx_id  text,            -- the payment a refund refers to
        reason          text,
        state           text not null check (state in ('waiting', 'sending', 'pending', 'done', 'failed', 'voided')),
        result_json     text,            -- the server's answer (done), or the void (voided)
        error_name      text,
        created_at      text not null,   -- ISO 8601 UTC, fixed width, so text order is time order
        updated_at      text not null,
        movement_kind   text check (movement_kind in ('pay_in', 'pay_out', 'drop', 'cash_sale')),
        shift_id        text,            -- the shift a cash movement (or a sale) belongs to
        sale_group      text,            -- the parts of one split sale share it
        sale_amount     text,            -- a split sale's whole amount before discount (its receipt)
        check ((kind = 'cash') = (movement_kind is not null))
    )""",
     """insert into attempt_v2 (key, kind, merchant_code, terminal, operator, amount, card_hint, original_tx_id,
                               reason, state, result_json, error_name, created_at, updated_at)
        select key, kind, merchant_code, terminal, operator, amount, card_hint, original_tx_id,
               reason, state, result_json, error_name, created_at, updated_at from attempt""",
     "drop table attempt",
     "alter table attempt_v2 rename to attempt",
     "create index attempt_unfinished on attempt (state, created_at) where state in ('waiting', 'sending', 'pending')",
     "create index attempt_by_update on attempt (state, updated_at)",
     "create index attempt_by_group on attempt (sale_group) where sale_group is not null"),
    # What a split sale's card part takes from the card (its balance, to the cent), known before
    # it is sent: the charge itself is of the amount before discount, which the member never pays.
    ("alter table attempt add column card_paid text",),
]
SCHEMA_VERSION = len(_MIGRATIONS)


class JournalError(Exception):
    """The journal refused: unknown key, a state change the rules forbid, a secret in a field,
    or a file written by a newer version of the app."""


@dataclass(frozen=True)
class Attempt:
    """One row of the journal."""

    key: str
    kind: str
    merchant_code: str
    terminal: str
    operator: str
    amount: Decimal
    card_hint: str | None
    original_tx_id: str | None
    reason: str | None
    state: str
    result: dict[str, Any] | None
    error_name: str | None
    created_at: datetime
    updated_at: datetime
    movement_kind: str | None = None
    shift_id: str | None = None
    sale_group: str | None = None
    sale_amount: Decimal | None = None
    card_paid: Decimal | None = None  # a split sale's card part: what it takes from the card

    @property
    def unfinished(self) -> bool:
        return self.state in UNFINISHED


def utc_now() -> datetime:
    return datetime.now(UTC)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _no_secret(*values: object) -> None:
    # Defence in depth: whatever a caller passes, a payment code never reaches the disk.
    for value in values:
        if value is not None and "MPSQR1." in str(value):
            raise JournalError("refusing to store a payment code in the journal")


class Journal:
    """The journal file at `path` (created with its folder if missing). Safe to share between
    threads; each write is its own durable transaction."""

    def __init__(self, path: str | Path, clock: Callable[[], datetime] = utc_now):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._clock = clock
        self._lock = threading.Lock()
        # Autocommit mode: every transaction below is opened and committed explicitly.
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._db.execute("pragma busy_timeout = 5000")
        mode = self._db.execute("pragma journal_mode = wal").fetchone()[0]
        if mode != "wal":
            raise JournalError(f"the journal needs WAL mode, the file system gave {mode!r}")
        self._db.execute("pragma synchronous = full")
        self._migrate()

    def _migrate(self) -> None:
        with self._lock:
            version = self._db.execute("pragma user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise JournalError(f"journal {self.path} is version {version}; this app knows up to {SCHEMA_VERSION}")
            for number in range(version, SCHEMA_VERSION):
                self._db.execute("begin immediate")
                try:
                    for statement in _MIGRATIONS[number]:
                        self._db.execute(statement)
                    self._db.execute(f"pragma user_version = {number + 1}")
                    self._db.execute("commit")
                except BaseException:
                    self._db.execute("rollback")
                    raise

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writes ----------------------------------------------------------------------------

    def begin(self, *, key: str, kind: str, merchant_code: str, terminal: str, operator: str,
              amount: Decimal, card_hint: str | None = None, original_tx_id: str | None = None,
              reason: str | None = None, movement_kind: str | None = None, shift_id: str | None = None,
              sale_group: str | None = None, sale_amount: Decimal | None = None,
              card_paid: Decimal | None = None) -> Attempt:
        """Record a new attempt in state `sending`, on disk before this returns."""
        return self.begin_many([dict(key=key, kind=kind, merchant_code=merchant_code, terminal=terminal,
                                     operator=operator, amount=amount, card_hint=card_hint,
                                     original_tx_id=original_tx_id, reason=reason, movement_kind=movement_kind,
                                     shift_id=shift_id, sale_group=sale_group, sale_amount=sale_amount,
                                     card_paid=card_paid)])[0]

    def begin_many(self, rows: list[dict[str, Any]]) -> list[Attempt]:
        """Record several attempts in one durable transaction (the parts of a split sale): all
        or none are on disk when this returns. Each row holds `begin`'s arguments, and may name
        `state="waiting"` for a part that is sent only after the one before it is done."""
        now = _stamp(self._clock())
        values = [self._row_values(now, **row) for row in rows]
        with self._lock:
            self._db.execute("begin immediate")
            try:
                for row in values:
                    self._db.execute(
                        "insert into attempt (key, kind, merchant_code, terminal, operator, amount, card_hint,"
                        " original_tx_id, reason, state, created_at, updated_at, movement_kind, shift_id,"
                        " sale_group, sale_amount, card_paid)"
                        " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
                self._db.execute("commit")
            except sqlite3.IntegrityError as e:
                self._db.execute("rollback")
                raise JournalError(f"an attempt with one of these keys is already journaled: {e}") from e
            except BaseException:
                self._db.execute("rollback")
                raise
            return [self._get(row[0]) for row in values]

    @staticmethod
    def _row_values(now: str, *, key: str, kind: str, merchant_code: str, terminal: str, operator: str,
                    amount: Decimal, card_hint: str | None = None, original_tx_id: str | None = None,
                    reason: str | None = None, movement_kind: str | None = None, shift_id: str | None = None,
                    sale_group: str | None = None, sale_amount: Decimal | None = None,
                    card_paid: Decimal | None = None, state: str = "sending") -> tuple:
        if kind not in KINDS:
            raise JournalError(f"unknown kind {kind!r}")
        if (kind == "cash") != (movement_kind is not None) or (movement_kind and movement_kind not in MOVEMENT_KINDS):
            raise JournalError(f"a cash attempt names one movement kind of {MOVEMENT_KINDS}, others none")
        if state not in ("sending", "waiting"):
            raise JournalError(f"an attempt starts sending or waiting, not {state!r}")
        if not isinstance(amount, Decimal) or not amount.is_finite():
            raise JournalError(f"amount must be a finite Decimal, not {amount!r}")
        _no_secret(key, merchant_code, terminal, operator, card_hint, original_tx_id, reason, shift_id, sale_group)
        for name, value in (("sale_amount", sale_amount), ("card_paid", card_paid)):
            if value is not None and (not isinstance(value, Decimal) or not value.is_finite()):
                raise JournalError(f"{name} must be a finite Decimal, not {value!r}")
        return (key, kind, merchant_code, terminal, operator, str(amount), card_hint, original_tx_id, reason,
                state, now, now, movement_kind, shift_id, sale_group,
                None if sale_amount is None else str(sale_amount), None if card_paid is None else str(card_paid))

    def mark_sending(self, key: str) -> Attempt:
        """A waiting part is about to be sent (the part before it is done)."""
        return self._move(key, "sending", result=None, error_name=None)

    def mark_done(self, key: str, result: dict[str, Any]) -> Attempt:
        """The server committed the attempt; `result` is its answer (kept for the receipt)."""
        last4 = result.get("card_last4")
        return self._move(key, "done", result=result, error_name=None,
                          card_hint=str(last4) if last4 is not None else None)

    def mark_failed(self, key: str, error_name: str) -> Attempt:
        """The server refused the attempt: nothing moved, the key is finished with."""
        return self._move(key, "failed", result=None, error_name=error_name)

    def mark_pending(self, key: str, cause: str) -> Attempt:
        """The outcome is not known yet (`cause`: offline, outcome_unknown, ...); the key stays live."""
        return self._move(key, "pending", result=None, error_name=cause)

    def mark_voided(self, key: str, answer: dict[str, Any]) -> Attempt:
        """The server voided the key: nothing was and nothing can be charged under it."""
        return self._move(key, "voided", result=answer, error_name=None)

    def _move(self, key: str, state: str, *, result: dict[str, Any] | None, error_name: str | None,
              card_hint: str | None = None) -> Attempt:
        payload = None if result is None else _dump(result)
        _no_secret(payload, error_name, card_hint)
        now = _stamp(self._clock())
        with self._lock:
            self._db.execute("begin immediate")
            try:
                row = self._db.execute("select state from attempt where key = ?", (key,)).fetchone()
                if row is None:
                    raise JournalError(f"no attempt with key {key!r}")
                if state not in _NEXT.get(row[0], ()):
                    raise JournalError(f"attempt {key!r} cannot go from {row[0]} to {state}")
                self._db.execute(
                    "update attempt set state = ?, result_json = ?, error_name = ?,"
                    " card_hint = coalesce(?, card_hint), updated_at = ? where key = ?",
                    (state, payload, error_name, card_hint, now, key))
                self._db.execute("commit")
            except BaseException:
                self._db.execute("rollback")
                raise
            return self._get(key)

    # -- reads -----------------------------------------------------------------------------

    def get(self, key: str) -> Attempt | None:
        """The attempt with this key, or None."""
        with self._lock:
            return self._get(key)

    def unfinished(self, merchant_code: str | None = None) -> list[Attempt]:
        """Attempts still `waiting`, `sending` or `pending`, oldest first (what recovery must
        settle). The parts of a split sale come card first (same time: the group's order)."""
        return self._select("state in ('waiting', 'sending', 'pending')", merchant_code,
                            "created_at, case kind when 'cash' then 1 else 0 end", None)

    def group(self, sale_group: str) -> list[Attempt]:
        """The parts of one split sale, card part first."""
        with self._lock:
            rows = self._rows("select * from attempt where sale_group = ?"
                              " order by case kind when 'cash' then 1 else 0 end, key", [sale_group])
        return [_attempt(r) for r in rows]

    def done_in_shift(self, merchant_code: str, shift_id: str) -> list[Attempt]:
        """Finished attempts whose server answer names `shift_id`, oldest first (what a shift's
        close compares with the server's rows of the shift)."""
        with self._lock:
            rows = self._rows("select * from attempt where state = 'done' and merchant_code = ?"
                              " and json_extract(result_json, '$.shift_id') = ? order by created_at, key",
                              [merchant_code, str(shift_id)])
        return [_attempt(r) for r in rows]

    def _select(self, where: str, merchant_code: str | None, order: str, limit: int | None) -> list[Attempt]:
        sql, params = f"select * from attempt where {where}", []
        if merchant_code is not None:
            sql += " and merchant_code = ?"
            params.append(merchant_code)
        sql += f" order by {order}, key"
        if limit is not None:
            sql += " limit ?"
            params.append(int(limit))
        with self._lock:
            return [_attempt(r) for r in self._rows(sql, params)]

    def _get(self, key: str) -> Attempt | None:
        rows = self._rows("select * from attempt where key = ?", [key])
        return _attempt(rows[0]) if rows else None

    def _rows(self, sql: str, params: list[Any]) -> list[dict[str, Any]]:
        cursor = self._db.execute(sql, params)
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=False)) for row in cursor.fetchall()]


def _dump(value: Any) -> str:
    """JSON with every Decimal written as a number of its exact digits, so that reading it back
    with `parse_float=Decimal` gives the same Decimals (the receipt's amounts) and never a float.
    An integral Decimal gets an `E0` exponent so it, too, reads back as a Decimal, not an int."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise JournalError(f"cannot journal the amount {value}")
        text = format(value, "f")
        return text if "." in text else text + "E0"
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(str(k), ensure_ascii=False)}:{_dump(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_dump(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _attempt(row: dict[str, Any]) -> Attempt:
    return Attempt(
        key=row["key"], kind=row["kind"], merchant_code=row["merchant_code"], terminal=row["terminal"],
        operator=row["operator"], amount=Decimal(row["amount"]), card_hint=row["card_hint"],
        original_tx_id=row["original_tx_id"], reason=row["reason"], state=row["state"],
        result=None if row["result_json"] is None else json.loads(row["result_json"], parse_float=Decimal),
        error_name=row["error_name"],
        created_at=datetime.strptime(row["created_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC),
        updated_at=datetime.strptime(row["updated_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC),
        movement_kind=row.get("movement_kind"), shift_id=row.get("shift_id"), sale_group=row.get("sale_group"),
        sale_amount=None if row.get("sale_amount") is None else Decimal(row["sale_amount"]),
        card_paid=None if row.get("card_paid") is None else Decimal(row["card_paid"]),
    )
