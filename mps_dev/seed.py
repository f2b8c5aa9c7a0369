"""`mps-dev seed-demo`: a merchant with its operators, members at every level, and some history.

Operators are Supabase Auth users made through the gateway's admin endpoint (as a platform
would). Everything else goes through the shipped RPCs over a direct database session, acting as
PostgREST would (transaction-local role and claims): the platform for member and card work, the
cashier and manager for charges and refunds. History over past days is written in ONE
transaction in which `app.now()` is replaced by a pinned clock for each moment and restored to
its original definition before COMMIT, so no other session ever sees the pinned clock.

Safe to run twice: each member is recognised by a `demo` external identity and seeded once;
operators and their roles are created or confirmed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, Any
from zoneinfo import ZoneInfo

import httpx
import psycopg
from psycopg import sql

from .project import Project

MERCHANT = "SHOP001"
MERCHANT_NAME = "Demo Coffee & Bakery"
TIMEZONE = "Asia/Shanghai"
OPERATORS = (  # role, email, demo password
    ("owner", "owner@shop001.demo", "owner-demo-2024"),
    ("manager", "manager@shop001.demo", "manager-demo-2024"),
    ("cashier", "cashier@shop001.demo", "cashier-demo-2024"),
)
CORPORATE_PASSWORD = "corp-demo-2024"
# The demo's counter (contract §9): registered, so the shop runs shifts and `make demo` opens on
# the "Open shift" screen. The POS's terminal name is this code.
TERMINAL_CODE = "DEMO-1"
TERMINAL_NAME = "Demo counter"


@dataclass(frozen=True)
class Member:
    key: str  # its `demo` external identity
    name: str
    phone: str
    top_up: str  # first recharge of the default card
    charges: tuple[str, ...]  # raw amounts charged over the past days, oldest first


MEMBERS = (
    Member("alice", "Alice Chen", "+8613800000001", "500.00", ("38.50", "52.00", "19.90")),
    Member("bob", "Bob Li", "+8613800000002", "2000.00", ("620.00", "455.50", "180.00")),
    Member("carol", "Carol Wang", "+8613800000003", "8000.00", ("5200.00", "760.00", "99.00")),
    Member("dave", "Dave Zhang", "+8613800000004", "30000.00", ("19000.00", "1500.00", "88.00")),
    Member("erin", "Erin Zhao", "+8613800000005", "300.00", ("25.00",)),
    Member("frank", "Frank Sun", "+8613800000006", "200.00", ("12.00",)),
)


class DemoSession:
    """One database transaction that calls RPCs as PostgREST would, under a movable clock."""

    def __init__(self, conn: psycopg.Connection, clock_sql: str):
        self.conn = conn
        self.clock_sql = clock_sql  # app.now()'s original definition, restored before COMMIT

    def as_platform(self) -> None:
        self.conn.execute("reset role")
        self.conn.execute("select set_config('request.jwt.claims', '', true)")

    def as_operator(self, user_id: str) -> None:
        self.conn.execute("reset role")
        claims = {"sub": user_id, "role": "authenticated", "aud": "authenticated"}
        self.conn.execute("select set_config('request.jwt.claims', %s, true)", (json.dumps(claims),))
        self.conn.execute("set local role authenticated")

    def at(self, moment: datetime) -> None:
        self.conn.execute("reset role")
        self.conn.execute(sql.SQL(
            "create or replace function app.now() returns timestamptz language sql stable "
            "set search_path = '' as $clock$ select {}::timestamptz $clock$").format(sql.Literal(moment)))

    def restore_clock(self) -> None:
        self.conn.execute("reset role")
        self.conn.execute(self.clock_sql)

    def call(self, sql: str, params: tuple = ()) -> Any:
        return self.conn.execute(sql, params).fetchone()[0]


def _clock_definition(conn: psycopg.Connection) -> str:
    return conn.execute("select pg_get_functiondef('app.now()'::regprocedure)").fetchone()[0]


def _operator_ids(proj: Project, conn: psycopg.Connection) -> dict[str, str]:
    headers = {"apikey": proj.service_role_key, "Authorization": f"Bearer {proj.service_role_key}"}
    ids = {}
    for role, email, password in OPERATORS:
        r = httpx.post(f"{proj.url}/auth/v1/admin/users", headers=headers, timeout=30,
                       json={"email": email, "password": password, "email_confirm": True,
                             "user_metadata": {"display_name": f"Demo {role}"}})
        if r.status_code == 200:
            ids[role] = r.json()["id"]
        elif r.status_code == 422 and r.json().get("error_code") == "email_exists":
            ids[role] = str(conn.execute("select id from auth.users where lower(email) = %s", (email,)).fetchone()[0])
        else:
            raise SystemExit(f"seed-demo: creating {email} failed with HTTP {r.status_code}")
    return ids


def _ensure_merchant(s: DemoSession, operators: dict[str, str]) -> None:
    s.as_platform()
    exists = s.conn.execute("select 1 from app.merchants where code = %s", (MERCHANT,)).fetchone()
    if not exists:
        s.call("select public.create_merchant(%s, %s, 't_plus_1', %s, 'CNY')", (MERCHANT, MERCHANT_NAME, TIMEZONE))
    for role, user_id in operators.items():
        s.call("select public.add_merchant_user(%s, %s, %s)", (MERCHANT, user_id, role))


def _charge(s: DemoSession, card: str, amount: str, key: str, cashier: str) -> str:
    s.as_platform()
    qr = s.call("select qr_plain from public.rotate_card_qr(%s, 300, true)", (card,))
    s.as_operator(cashier)
    tx = s.call("select public.merchant_charge_by_qr(%s, %s, %s, %s, %s)",
                (MERCHANT, qr, amount, key, json.dumps({"source": "seed-demo"})))
    return tx["tx_id"]


def _history(s: DemoSession, ops: dict[str, str], today: datetime) -> list[str]:
    """Seed every member: its card, top-up and charges on the days before today."""
    seeded = []
    days = [today - timedelta(days=d) for d in (5, 4, 3, 2, 1)]
    cards: dict[str, str] = {}
    members: dict[str, str] = {}
    for m in MEMBERS:
        s.as_platform()
        if s.call("select public.find_member_by_identity('demo', %s)", (m.key,)) is not None:
            continue
        s.at(days[0].replace(hour=9, minute=30))
        s.as_platform()
        members[m.key] = s.call("select public.create_member_profile(%s, %s, null, 'demo', %s, 'prepaid')",
                                (m.name, m.phone, m.key))
        card = s.call("select (public.list_member_cards(%s) ->> 'card_id')::uuid", (members[m.key],))
        cards[m.key] = card
        s.call("select public.recharge_card(%s, %s, %s)", (card, m.top_up, f"seed-{m.key}-topup"))
        for i, amount in enumerate(m.charges):
            s.at(days[1 + i % 4].replace(hour=10 + 3 * i, minute=15 + 7 * i))
            tx = _charge(s, card, amount, f"seed-{m.key}-charge-{i}", ops["cashier"])
            if m.key == "alice" and i == 1:  # a partial refund by the manager the same day
                s.as_operator(ops["manager"])
                s.call("select public.merchant_refund_tx(%s, %s, '10.00', %s, 'wrong item')",
                       (MERCHANT, tx, f"seed-{m.key}-refund-{i}"))
        seeded.append(m.key)

    if "erin" in seeded and "frank" in seeded:
        s.at(days[2].replace(hour=11))
        s.as_platform()
        corp = s.call("select public.issue_card(%s, 'corporate', %s, '3000.00', 'seed-erin-corporate')",
                      (members["erin"], CORPORATE_PASSWORD))
        s.call("select public.bind_card_member(%s, %s, 'member')", (corp, members["frank"]))
        s.at(days[3].replace(hour=12, minute=5))
        _charge(s, corp, "128.00", "seed-corporate-lunch", ops["cashier"])
        s.at(days[4].replace(hour=15, minute=40))
        s.as_platform()
        voucher = s.call("select public.issue_card(%s, 'voucher', null, '100.00', 'seed-erin-voucher')",
                         (members["erin"],))
        _charge(s, voucher, "30.00", "seed-voucher-cake", ops["cashier"])
    if "alice" in seeded:
        s.at(days[4].replace(hour=17))
        s.as_platform()
        qr = s.call("select qr_plain from public.rotate_card_qr(%s, 300, true)", (cards["alice"],))
        s.as_operator(ops["cashier"])
        s.call("select public.merchant_recharge_by_qr(%s, %s, '100.00', 'seed-alice-cash-topup')", (MERCHANT, qr))
    return seeded


def _today_sales(s: DemoSession, ops: dict[str, str]) -> None:
    """Two charges at the real current time, so today's summary is not empty."""
    for key, amount in (("bob", "23.50"), ("carol", "41.00")):
        s.as_platform()
        member = s.call("select (public.find_member_by_identity('demo', %s) ->> 'member_id')::uuid", (key,))
        card = s.call("select (public.list_member_cards(%s) ->> 'card_id')::uuid", (member,))
        _charge(s, card, amount, f"seed-{key}-today", ops["cashier"])


def run(proj: Project, out: IO[str]) -> None:
    with psycopg.connect(proj.db_dsn()) as conn:
        operators = _operator_ids(proj, conn)
        session = DemoSession(conn, _clock_definition(conn))
        today = datetime.now(ZoneInfo(TIMEZONE)).replace(second=0, microsecond=0)
        with conn.transaction():
            _ensure_merchant(session, operators)
            try:
                seeded = _history(session, operators, today)
            finally:
                session.restore_clock()
            if "bob" in seeded and "carol" in seeded:
                _today_sales(session, operators)
            # After the history: its counter top-ups were made before the shop ran shifts.
            session.as_platform()
            session.call("select public.merchant_register_terminal(%s, %s, %s)",
                         (MERCHANT, TERMINAL_CODE, TERMINAL_NAME))
        _report(conn, seeded, out)


def _report(conn: psycopg.Connection, seeded: list[str], out: IO[str]) -> None:
    print(f"Merchant {MERCHANT} ({MERCHANT_NAME}, {TIMEZONE}) — "
          + (f"seeded {len(seeded)} members" if seeded else "already seeded, nothing added"), file=out)
    print(f"Terminal {TERMINAL_CODE} ({TERMINAL_NAME}): open its shift with a float at the counter", file=out)
    print("Operators (Supabase Auth users; demo passwords):", file=out)
    for role, email, password in OPERATORS:
        print(f"  {role:<8} {email:<24} {password}", file=out)
    print("Members and cards:", file=out)
    for m in MEMBERS:
        row = conn.execute("select id, level_code, points from app.member_profiles where phone = %s",
                           (m.phone,)).fetchone()
        if row is None:
            continue
        cards = conn.execute(
            "select c.id, c.card_type, c.balance, b.role from app.card_bindings b join app.cards c on c.id = b.card_id "
            "where b.member_id = %s order by c.created_at", (row[0],)).fetchall()
        print(f"  {m.name:<11} {m.phone}  level {row[1]:<8} {row[2]:>6} points", file=out)
        for card_id, card_type, balance, role in cards:
            print(f"      {card_type:<9} {card_id}  balance {balance:>9}  ({role})", file=out)
    print(f"Shared corporate card: Erin (owner) and Frank (member); binding password {CORPORATE_PASSWORD}", file=out)
