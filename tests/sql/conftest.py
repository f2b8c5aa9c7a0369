"""Fixtures for SQL tests: a rolled-back transaction per test and a small world builder."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

import psycopg
import pytest

from ..secrets_seen import remember
from .harness import Caller, Db

INVARIANT_SQL = "select * from app.card_balance_discrepancies()"


@pytest.fixture
def db(mps_dsn):
    """One transaction, rolled back at the end; the money invariant must hold inside it."""
    with psycopg.connect(mps_dsn) as conn:
        d = Db(conn)
        d.act_as(Caller("superuser"))
        yield d
        if conn.info.transaction_status == psycopg.pq.TransactionStatus.INERROR:
            conn.rollback()
        else:
            d.act_as(Caller("superuser"))
            bad = d.q(INVARIANT_SQL)
            conn.rollback()
            assert bad == [], f"balance invariant broken: {bad}"


@pytest.fixture
def committed_invariant(mps_dsn):
    """For tests that commit (concurrency): the invariant holds over the whole database after."""
    yield
    with psycopg.connect(mps_dsn, autocommit=True) as conn:
        bad = conn.execute(INVARIANT_SQL).fetchall()
    assert bad == [], f"balance invariant broken: {bad}"


@dataclass
class Operator:
    user_id: uuid.UUID
    email: str

    @property
    def caller(self) -> Caller:
        return Caller("authenticated", self.user_id, self.email)


@dataclass
class Merchant:
    id: uuid.UUID
    code: str
    owner: Operator
    manager: Operator
    cashier: Operator


@dataclass
class Member:
    id: uuid.UUID
    card_id: uuid.UUID


class World:
    """Builds merchants, operators, members and cards through the RPCs, as the platform would."""

    def __init__(self, db: Db):
        self.db = db

    def user(self, email: str | None = None) -> Operator:
        uid = uuid.uuid4()
        email = email or f"op-{uid.hex[:10]}@example.test"
        with self.db.superuser():
            self.db.q(
                "insert into auth.users (id, aud, role, email, encrypted_password, email_confirmed_at)"
                " values (%s, 'authenticated', 'authenticated', %s, '', now())",
                (uid, email),
            )
        return Operator(uid, email)

    def merchant(self, code: str | None = None, **kw) -> Merchant:
        code = code or f"M{uuid.uuid4().hex[:10].upper()}"
        with self.as_service():
            mid = self.db.call("create_merchant", p_code=code, p_name=kw.pop("name", f"Shop {code}"), **kw)
            ops = {}
            for role in ("owner", "manager", "cashier"):
                ops[role] = self.user()
                self.db.call("add_merchant_user", p_merchant_code=code, p_user_id=ops[role].user_id, p_role=role)
        return Merchant(mid, code, **ops)

    def member(self, card_type: str = "standard", balance: str | Decimal | None = None,
               name: str = "Alice", **kw) -> Member:
        with self.as_service():
            mid = self.db.call("create_member_profile", p_name=name, p_default_card_type=card_type, **kw)
            card = self.db.rows("list_member_cards", p_member_id=mid)[0]["list_member_cards"]["card_id"]
            card = uuid.UUID(card)
            if balance is not None and Decimal(str(balance)) > 0:
                self.db.call("recharge_card", p_card_id=card, p_amount=Decimal(str(balance)),
                             p_idempotency_key=f"seed-{uuid.uuid4()}")
        return Member(mid, card)

    def voucher(self, amount: str) -> Member:
        m = self.member()
        with self.as_service():
            card = self.db.call("issue_card", p_member_id=m.id, p_card_type="voucher",
                                p_initial_amount=Decimal(amount), p_idempotency_key=f"v-{uuid.uuid4()}")
        return Member(m.id, card)

    def qr(self, card_id: uuid.UUID, ttl: int = 300, single_use: bool = True) -> str:
        with self.as_service():
            return remember(self.db.rows("rotate_card_qr", p_card_id=card_id, p_ttl_seconds=ttl,
                                         p_single_use=single_use)[0]["qr_plain"])

    def balance(self, card_id: uuid.UUID) -> Decimal:
        with self.db.superuser():
            return self.db.one("select balance from app.cards where id = %s", (card_id,))

    def set_points(self, member_id: uuid.UUID, points: int) -> None:
        """Setup shortcut: give a member points (and the level they imply) directly."""
        with self.db.superuser():
            self.db.q("update app.member_profiles set points = %s, level_code = app.level_for_points(%s)"
                      " where id = %s", (points, points, member_id))

    def as_service(self):
        return _acting(self.db, Caller("service_role"))


class _acting:
    def __init__(self, db: Db, caller: Caller):
        self.db, self.caller = db, caller

    def __enter__(self):
        self.prev = self.db.caller
        self.db.act_as(self.caller)

    def __exit__(self, *exc):
        self.db.act_as(self.prev)


def acting(db: Db, caller: Caller):
    return _acting(db, caller)


@pytest.fixture
def world(db) -> World:
    return World(db)
