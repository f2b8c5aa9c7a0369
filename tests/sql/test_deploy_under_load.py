"""Re-applying the shipped SQL while the shop is selling fails no call and makes none wait long.

Every deploy to Supabase and every `mps-dev up` re-applies `mps_schema.sql` and `mps_rpc.sql`
to a database whose counters are busy. Here counters (each on its own connection, one
transaction per request as PostgREST sends them) charge, refund and top up continuously while
both files are applied, each in one go as Supabase's SQL editor does, DEPLOYS times in a row.
"""

from __future__ import annotations

import threading
import time
import uuid
from decimal import Decimal

import psycopg
import pytest

from mps_dev import cluster

from ..secrets_seen import remember
from .committed import call_as, make_card, make_shop, make_user, request

pytestmark = pytest.mark.usefixtures("committed_invariant")

DEPLOYS = 6
COUNTERS = 4
# The longest a counter may wait for one call during a deploy. A deploy that takes a strong
# lock when nothing changed holds it for the whole file (seconds under load); this bound is what
# a cashier would call "it hung".
SLOWEST_CALL_S = 3.0


class Counter(threading.Thread):
    """One till: charge, then refund part of it (manager), then top up at the counter, again and
    again, on its own card; keeps what it was told so the books can be checked after."""

    def __init__(self, dsn: str, code: str, cashier: uuid.UUID, manager: uuid.UUID, stop: threading.Event):
        super().__init__(daemon=True)
        self.dsn, self.code, self.cashier, self.manager, self.stop = dsn, code, cashier, manager, stop
        self.card = make_card(dsn, Decimal("500"), name="Busy")
        self.qr = remember(request(dsn, "service_role", None, "rotate_card_qr", p_card_id=self.card,
                                   p_single_use=False, p_ttl_seconds=3600)[1])
        self.expected = Decimal("500.00")
        self.calls = 0
        self.failures: list[str] = []
        self.slowest = 0.0

    def _call(self, conn, role, sub, fn, **kw):
        t0 = time.monotonic()
        try:
            return call_as(conn, role, sub, fn, kw)
        except psycopg.Error as e:
            conn.rollback()
            self.failures.append(f"{fn}: {e.sqlstate} {e}")
            return None
        finally:
            self.calls += 1
            self.slowest = max(self.slowest, time.monotonic() - t0)

    def run(self) -> None:
        with psycopg.connect(self.dsn) as conn:
            i = 0
            while not self.stop.is_set():
                i += 1
                key = uuid.uuid4().hex
                paid = self._call(conn, "authenticated", self.cashier, "merchant_charge_by_qr",
                                  p_merchant_code=self.code, p_qr_plain=self.qr,
                                  p_raw_amount=Decimal("3.00"), p_idempotency_key=f"c-{key}")
                if paid is not None:
                    self.expected -= Decimal(str(paid["paid_amount"]))
                    back = self._call(conn, "authenticated", self.manager, "merchant_refund_tx",
                                      p_merchant_code=self.code, p_tx_id=uuid.UUID(paid["tx_id"]),
                                      p_refund_amount=Decimal("1.00"), p_idempotency_key=f"r-{key}")
                    if back is not None:
                        self.expected += Decimal(str(back["refund_amount"]))
                topped = self._call(conn, "authenticated", self.cashier, "merchant_recharge_by_qr",
                                    p_merchant_code=self.code, p_qr_plain=self.qr,
                                    p_amount=Decimal("2.00"), p_idempotency_key=f"t-{key}")
                if topped is not None:
                    self.expected += Decimal(str(topped["amount"]))


def ledger_balance(dsn: str, card: uuid.UUID) -> tuple[Decimal, Decimal]:
    """(stored balance, top-ups - payments + refunds from the ledger) of one card."""
    with psycopg.connect(dsn) as conn:
        return conn.execute("""
            select c.balance,
                   coalesce(sum(case t.kind when 'payment' then -t.amount else t.amount end), 0)
              from app.cards c left join app.transactions t on t.card_id = c.id
             where c.id = %s group by c.balance""", (card,)).fetchone()


def test_reapplying_both_files_while_counters_sell_fails_no_call_and_keeps_the_books(mps_dsn):
    code, cashier = make_shop(mps_dsn, "DEPLOY")
    manager = make_user(mps_dsn)
    request(mps_dsn, "service_role", None, "add_merchant_user", p_merchant_code=code,
            p_user_id=manager, p_role="manager")
    stop = threading.Event()
    counters = [Counter(mps_dsn, code, cashier, manager, stop) for _ in range(COUNTERS)]
    for c in counters:
        c.start()
    deploy_seconds = []
    try:
        time.sleep(0.5)  # the counters are selling before the first deploy starts
        for _ in range(DEPLOYS):
            t0 = time.monotonic()
            cluster.apply_sql_file(mps_dsn, cluster.SCHEMA_SQL)
            cluster.apply_sql_file(mps_dsn, cluster.RPC_SQL)
            deploy_seconds.append(time.monotonic() - t0)
            time.sleep(0.2)
    finally:
        stop.set()
        for c in counters:
            c.join(timeout=60)

    calls = sum(c.calls for c in counters)
    failures = [f for c in counters for f in c.failures]
    slowest = max(c.slowest for c in counters)
    print(f"\n{DEPLOYS} deploys ({min(deploy_seconds):.2f}-{max(deploy_seconds):.2f} s each), "
          f"{calls} calls, {len(failures)} failed, slowest call {slowest:.2f} s")
    assert not any(c.is_alive() for c in counters), "a counter is stuck"
    assert calls >= COUNTERS * DEPLOYS, "the counters hardly sold during the deploys"
    assert failures == [], failures[:5]
    assert slowest <= SLOWEST_CALL_S, f"a call waited {slowest:.2f} s during a deploy"
    for c in counters:
        stored, ledger = ledger_balance(mps_dsn, c.card)
        assert stored == ledger == c.expected, (c.card, stored, ledger, c.expected)


def test_a_reapply_takes_no_lock_a_till_would_wait_on_and_changes_no_acl_policy_or_trigger(mps_dsn):
    """Deterministic half of the above: both files re-applied in one open transaction hold no lock
    on any table beyond what a reader or writer holds (nothing was to change), and write no
    catalog row a concurrent call reads (grants, RLS, policies, triggers, comments, indexes)."""
    catalog = """select (select xmin::text from pg_class where oid = c.oid), c.relacl::text, c.relrowsecurity,
                        (select array_agg(p.xmin::text order by p.oid) from pg_policy p where p.polrelid = c.oid),
                        (select array_agg(t.xmin::text order by t.oid) from pg_trigger t where t.tgrelid = c.oid)
                   from pg_class c join pg_namespace n on n.oid = c.relnamespace
                  where n.nspname in ('app', 'audit') order by c.oid"""
    acls = "select p.oid, p.xmin::text, p.proacl::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace" \
           " where n.nspname in ('app', 'audit', 'public') order by p.oid"
    with psycopg.connect(mps_dsn, autocommit=True) as conn:
        before = conn.execute(catalog).fetchall(), [r[2] for r in conn.execute(acls)]
    with psycopg.connect(mps_dsn) as conn:  # one transaction, as the SQL editor runs a paste
        for path in (cluster.SCHEMA_SQL, cluster.RPC_SQL):
            conn.execute(path.read_text(encoding="utf-8"))  # type: ignore[arg-type]
        strong = conn.execute("""
            select l.relation::regclass::text, l.mode from pg_locks l
              join pg_class c on c.oid = l.relation join pg_namespace n on n.oid = c.relnamespace
             where l.pid = pg_backend_pid() and n.nspname in ('app', 'audit')
               and l.mode not in ('AccessShareLock', 'RowShareLock', 'RowExclusiveLock')""").fetchall()
        conn.commit()
    with psycopg.connect(mps_dsn, autocommit=True) as conn:
        after = conn.execute(catalog).fetchall(), [r[2] for r in conn.execute(acls)]
    assert strong == []
    assert after == before


SIGNATURE_CHANGES = 20


def _retire_and_recreate(dsn: str, signature: str) -> None:
    """A signature-change migration as the files run it, in one transaction: the old overload
    retired (app.deploy_drop_function), the new definition created (here: the same one again)."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        definition = conn.execute("select pg_get_functiondef(%s::regprocedure)", (signature,)).fetchone()[0]
        conn.execute(f"select app.deploy_drop_function('{signature}');\n{definition};")  # type: ignore[arg-type]


def purge_retired_now(dsn: str) -> None:
    """Age every retired function past the purge delay and purge (nothing runs them any more)."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        for (sig,) in conn.execute("select p.oid::regprocedure::text from pg_proc p join pg_namespace n"
                                   " on n.oid = p.pronamespace where n.nspname = 'app_retired'").fetchall():
            conn.execute(f"comment on function {sig} is 'retired 2000-01-01 00:00:00+00 from {sig}'")
        conn.execute("select app.deploy_purge_retired()")


def test_a_signature_change_while_counters_sell_fails_no_call(mps_dsn):
    """Changing a function's signature replaces it by a new one: calls still running the old one
    when the deploy commits must finish (a dropped function fails them with XX000)."""
    code, cashier = make_shop(mps_dsn, "SIGN")
    manager = make_user(mps_dsn)
    request(mps_dsn, "service_role", None, "add_merchant_user", p_merchant_code=code,
            p_user_id=manager, p_role="manager")
    stop = threading.Event()
    counters = [Counter(mps_dsn, code, cashier, manager, stop) for _ in range(COUNTERS)]
    for c in counters:
        c.start()
    try:
        time.sleep(0.3)
        for _ in range(SIGNATURE_CHANGES):
            # Every RPC calls this helper; it returns a record, checked against its catalog row
            # when it returns, which is where a dropped function fails the running call.
            _retire_and_recreate(mps_dsn, "app.merchant_context(text,app.merchant_role)")
            time.sleep(0.1)
    finally:
        stop.set()
        for c in counters:
            c.join(timeout=60)
    failures = [f for c in counters for f in c.failures]
    print(f"\n{SIGNATURE_CHANGES} signature changes, {sum(c.calls for c in counters)} calls, {len(failures)} failed")
    assert failures == [], failures[:3]
    for c in counters:
        stored, ledger = ledger_balance(mps_dsn, c.card)
        assert stored == ledger == c.expected
    purge_retired_now(mps_dsn)
    with psycopg.connect(mps_dsn, autocommit=True) as conn:
        assert conn.execute("select count(*) from pg_proc p join pg_namespace n on n.oid = p.pronamespace"
                            " where n.nspname = 'app_retired'").fetchone()[0] == 0
