"""The money path in the database: a charge and a shared-card QR rotation, per call.

Baselines, measured in the same run on the same connection: a bare round trip (`select 1`),
and one bcrypt hash at the QR cost (4), which is the floor of any token check or issue.
"""

from __future__ import annotations

import json
import time
import uuid

import psycopg

from .table import Table


def _as(conn: psycopg.Connection, role: str, sub: uuid.UUID | None = None) -> None:
    claims = {"role": role} | ({"sub": str(sub)} if sub else {})
    conn.execute("select set_config('request.jwt.claims', %s, false), set_config('role', %s, false)",
                 (json.dumps(claims), role))


def _timed(fn, n: int) -> float:
    """Seconds per call, best of three rounds (the least disturbed by other work on the machine)."""
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        for i in range(n):
            fn(i)
        best = min(best, (time.perf_counter() - t) / n)
    return best


def run(table: Table, dsn: str, n: int = 200) -> None:
    N = n
    cashier = uuid.uuid4()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("insert into auth.users (id, aud, role, email, encrypted_password, email_confirmed_at)"
                     " values (%s, 'authenticated', 'authenticated', 'bench@example.test', '', now())", (cashier,))
        _as(conn, "service_role")
        conn.execute("select public.create_merchant('BENCH', 'Bench shop')")
        conn.execute("select public.add_merchant_user('BENCH', %s, 'cashier')", (cashier,))
        member = conn.execute(
            "select public.create_member_profile('Bench', p_default_card_type := 'prepaid')").fetchone()[0]
        card = conn.execute("select (public.list_member_cards(%s) ->> 'card_id')::uuid", (member,)).fetchone()[0]
        conn.execute("select public.recharge_card(%s, 100000, 'seed')", (card,))
        qr = conn.execute("select qr_plain from public.rotate_card_qr(%s, 86400, false)", (card,)).fetchone()[0]
        for i in range(N - 1):  # a pool of shared cards for the cron rotation
            conn.execute("select public.create_member_profile(%s, p_default_card_type := 'corporate')",
                         (f"Pool {i}",))

        roundtrip = _timed(lambda i: conn.execute("select 1").fetchone(), N)
        bcrypt4 = _timed(lambda i: conn.execute(
            "select extensions.crypt('x', extensions.gen_salt('bf', 4))").fetchone(), N)

        _as(conn, "authenticated", cashier)
        keys = iter(range(10**9))
        charge = _timed(lambda i: conn.execute(
            "select public.merchant_charge_by_qr('BENCH', %s, 1.00, %s)", (qr, f"k{next(keys)}")).fetchone(), N)

        _as(conn, "service_role")
        t = time.perf_counter()
        rotated = len(conn.execute("select * from public.cron_rotate_qr_tokens(300)").fetchall())
        rotate_per_card = (time.perf_counter() - t) / rotated

    cmd = "make bench (bench/money_path.py)"
    table.add("per call: round trip (select 1)", roundtrip * 1e3, "ms", command=cmd)
    table.add("per call: bcrypt at cost 4", bcrypt4 * 1e3, "ms", "round trip", roundtrip * 1e3, command=cmd)
    table.add("per call: charge by QR, one client, no fsync", charge * 1e3, "ms", "bcrypt cost 4", bcrypt4 * 1e3,
              command=cmd, note=f"{charge / roundtrip:.1f} x a round trip")
    table.add("per card: cron QR rotation", rotate_per_card * 1e3, "ms", "bcrypt cost 4", bcrypt4 * 1e3,
              command=cmd, note=f"{rotated} cards; card locks held for the whole run")
