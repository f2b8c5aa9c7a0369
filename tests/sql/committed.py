"""Requests that commit, each on its own connection, as PostgREST sends them.

For tests about what persists: races, secrets at rest, re-running the shipped SQL.
"""

from __future__ import annotations

import json
import threading
import uuid

import psycopg
from psycopg.types.json import Jsonb


def call_as(conn: psycopg.Connection, role: str, sub: uuid.UUID | None, fn: str, kwargs: dict):
    claims = {"role": role} | ({"sub": str(sub)} if sub else {})
    names = ", ".join(f"{k} := %s" for k in kwargs)
    conn.execute("select set_config('request.jwt.claims', %s, true), set_config('role', %s, true)",
                 (json.dumps(claims), role))
    values = [Jsonb(v) if isinstance(v, (dict, list)) else v for v in kwargs.values()]
    row = conn.execute(f"select * from public.{fn}({names})", values).fetchone()
    conn.commit()
    return row[0] if len(row) == 1 else row


def request(dsn: str, role: str, sub: uuid.UUID | None, fn: str, **kwargs):
    """One PostgREST-style request: its own transaction, transaction-local role and claims."""
    with psycopg.connect(dsn) as conn:
        return call_as(conn, role, sub, fn, kwargs)


def race(dsn: str, n: int, work) -> list:
    """work(i) -> (role, sub, fn, kwargs), sent by n connections opened first and then released
    at the same instant; returns each result or exception."""
    conns = [psycopg.connect(dsn) for _ in range(n)]
    for c in conns:  # warm up: the first statement on a connection is the slow one
        c.execute("select 1")
        c.commit()
    barrier = threading.Barrier(n)
    out: list = [None] * n

    def run(i):
        role, sub, fn, kwargs = work(i)
        barrier.wait()
        try:
            out[i] = call_as(conns[i], role, sub, fn, kwargs)
        except Exception as e:  # noqa: BLE001 - collected and asserted on by the test
            conns[i].rollback()
            out[i] = e

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    for c in conns:
        c.close()
    return out


def make_user(dsn: str, email: str | None = None) -> uuid.UUID:
    uid = uuid.uuid4()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("insert into auth.users (id, aud, role, email, encrypted_password, email_confirmed_at)"
                     " values (%s, 'authenticated', 'authenticated', %s, '', now())",
                     (uid, email or f"user-{uid.hex[:10]}@example.test"))
    return uid


def make_shop(dsn: str, prefix: str, role: str = "cashier") -> tuple[str, uuid.UUID]:
    """A committed merchant with a unique code and one operator in `role`: (code, user id)."""
    code = f"{prefix}{uuid.uuid4().hex[:8].upper()}"
    operator = make_user(dsn)
    request(dsn, "service_role", None, "create_merchant", p_code=code, p_name=f"{prefix} shop")
    request(dsn, "service_role", None, "add_merchant_user", p_merchant_code=code, p_user_id=operator, p_role=role)
    return code, operator


def make_card(dsn: str, balance: str | None = None, name: str = "Member") -> uuid.UUID:
    """A committed member's default card, topped up to `balance` if given."""
    member = request(dsn, "service_role", None, "create_member_profile", p_name=name)
    card = uuid.UUID(request(dsn, "service_role", None, "list_member_cards", p_member_id=member)["card_id"])
    if balance is not None:
        request(dsn, "service_role", None, "recharge_card", p_card_id=card, p_amount=balance,
                p_idempotency_key=f"seed-{uuid.uuid4()}")
    return card
