"""Acting as PostgREST does: one transaction, a transaction-local role and JWT claims.

Each test gets a `Db` wrapping one open transaction that is rolled back at the end. Calls run in
savepoints, so a test can assert on an error and carry on, as a client would on its next request.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row


@dataclass
class Caller:
    role: str  # anon | authenticated | service_role | superuser
    user_id: uuid.UUID | None = None
    email: str | None = None

    def claims(self) -> dict[str, Any] | None:
        if self.role == "superuser":
            return None
        c: dict[str, Any] = {"role": self.role}
        if self.user_id:
            c.update(sub=str(self.user_id), aud="authenticated", email=self.email)
        return c


SERVICE = Caller("service_role")
ANON = Caller("anon")
SUPERUSER = Caller("superuser")


class Db:
    def __init__(self, conn: psycopg.Connection):
        self.conn = conn
        self.caller = SUPERUSER

    # -- who is calling -------------------------------------------------------------------------

    def act_as(self, caller: Caller) -> None:
        """Set role and claims transaction-locally, as PostgREST does for every request."""
        self.conn.execute("reset role")
        claims = caller.claims()
        self.conn.execute(
            "select set_config('request.jwt.claims', %s, true)",
            (json.dumps(claims) if claims else "",),
        )
        if caller.role != "superuser":
            self.conn.execute("select set_config('role', %s, true)", (caller.role,))
        self.caller = caller

    def as_service(self) -> None:
        self.act_as(SERVICE)

    def as_anon(self) -> None:
        self.act_as(ANON)

    def as_user(self, user_id: uuid.UUID, email: str | None = None) -> None:
        self.act_as(Caller("authenticated", user_id, email))

    @contextlib.contextmanager
    def superuser(self):
        """Setup or inspection with full rights, then back to whoever was calling."""
        prev = self.caller
        self.act_as(SUPERUSER)
        try:
            yield self
        finally:
            self.act_as(prev)

    # -- calling RPCs ---------------------------------------------------------------------------

    def _args(self, kwargs: dict[str, Any]) -> tuple[sql.Composable, list[Any]]:
        parts, values = [], []
        for k, v in kwargs.items():
            if isinstance(v, (dict, list)):
                parts.append(sql.SQL("{} := %s::jsonb").format(sql.Identifier(k)))
                values.append(json.dumps(v))
            else:
                parts.append(sql.SQL("{} := %s").format(sql.Identifier(k)))
                values.append(v)
        return sql.SQL(", ").join(parts), values

    def call(self, fn: str, **kwargs: Any) -> Any:
        """`select public.fn(k := v, ...)`: the scalar, object or void result."""
        args, values = self._args(kwargs)
        q = sql.SQL("select public.{}({}) as r").format(sql.Identifier(fn), args)
        with self.conn.transaction():
            return self.conn.execute(q, values).fetchone()[0]

    def rows(self, fn: str, **kwargs: Any) -> list[dict[str, Any]]:
        """`select * from public.fn(...)`: for set-returning RPCs."""
        args, values = self._args(kwargs)
        q = sql.SQL("select * from public.{}({})").format(sql.Identifier(fn), args)
        with self.conn.transaction(), self.conn.cursor(row_factory=dict_row) as cur:
            return cur.execute(q, values).fetchall()

    def q(self, query: str, params: Any = None) -> list[dict[str, Any]]:
        with self.conn.transaction(), self.conn.cursor(row_factory=dict_row) as cur:
            cur.execute(query, params)
            return cur.fetchall() if cur.description else []

    def one(self, query: str, params: Any = None) -> Any:
        rows = self.q(query, params)
        assert len(rows) == 1, rows
        return next(iter(rows[0].values()))

    @contextlib.contextmanager
    def raises(self, sqlstate: str, name: str | None = None):
        """Assert the block fails with this SQLSTATE and (for MP codes) this message name."""
        try:
            yield
        except psycopg.Error as e:
            assert e.sqlstate == sqlstate, f"expected {sqlstate} {name}, got {e.sqlstate}: {e}"
            if name:
                assert str(e.diag.message_primary).startswith(name + ": "), e.diag.message_primary
            return
        raise AssertionError(f"expected {sqlstate} {name or ''}, nothing was raised")

    # -- the clock ------------------------------------------------------------------------------

    def set_clock(self, at: datetime) -> None:
        """Pin app.now() for the rest of this transaction (rolled back with it)."""
        with self.superuser():
            self.conn.execute(
                sql.SQL(
                    "create or replace function app.now() returns timestamptz "
                    "language sql stable as $$ select {}::timestamptz $$"
                ).format(sql.Literal(at.isoformat()))
            )
        self._clock = at

    def advance_clock(self, seconds: float) -> datetime:
        base = getattr(self, "_clock", None)
        if base is None:
            with self.superuser():
                base = self.one("select app.now()")
        self.set_clock(base + timedelta(seconds=seconds))
        return self._clock


def money(x: Any) -> Decimal:
    return Decimal(str(x)).quantize(Decimal("0.01"))
