"""The deploy_* helpers both SQL files are built on (docs/Architecture.md, "Deploying while
selling"): they change what differs, leave alone what holds, and wait for a busy table without
making its readers and writers queue behind them."""

from __future__ import annotations

import threading
import time
import uuid

import psycopg
import pytest


@pytest.fixture
def scratch(mps_dsn):
    """A committed schema of our own with one table, dropped after (request it before `db`, so
    that the test's transaction has ended by then)."""
    schema = f"deploy_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(mps_dsn, autocommit=True) as conn:
        conn.execute(f"create schema {schema}")
        conn.execute(f"create table {schema}.t (id int primary key, merchant_id uuid)")
    yield schema
    with psycopg.connect(mps_dsn, autocommit=True) as conn:
        conn.execute("set lock_timeout = '10s'")
        conn.execute(f"drop schema {schema} cascade")


def test_a_hand_edited_policy_trigger_or_grant_is_put_back_and_an_intact_one_is_left_alone(db):
    with db.superuser():
        xmin = "select xmin::text from pg_policy where polname = 'transactions_read_own'"
        before = db.one(xmin)
        db.q("select app.deploy_policy('app.transactions', 'transactions_read_own', $$for select to authenticated"
             " using (merchant_id in (select app.my_managed_merchant_ids())"
             " or (merchant_id in (select app.my_merchant_ids()) and operator_user_id = auth.uid()))$$)")
        assert db.one(xmin) == before  # the shipped definition, as shipped: untouched

        db.q("alter policy transactions_read_own on app.transactions using (true)")
        db.q("alter table audit.event_log disable trigger event_log_append_only")
        db.q("grant insert on app.cards to authenticated")
        db.q("select app.deploy_policy('app.transactions', 'transactions_read_own', $$for select to authenticated"
             " using (merchant_id in (select app.my_managed_merchant_ids())"
             " or (merchant_id in (select app.my_merchant_ids()) and operator_user_id = auth.uid()))$$)")
        db.q("select app.deploy_trigger('audit.event_log', 'event_log_append_only', 'before update or delete',"
             " 'for each row execute function audit.reject_change()')")
        db.q("select app.deploy_grant('table', 'app.cards', 'select', array['service_role'],"
             " array['public', 'anon', 'authenticated', 'service_role'])")
        qual = db.one("select qual from pg_policies where policyname = 'transactions_read_own'")
        assert "my_managed_merchant_ids" in qual
        assert db.one("select tgenabled from pg_trigger where tgname = 'event_log_append_only'") == "O"
        assert db.one("select has_table_privilege('authenticated', 'app.cards', 'insert')") is False
        assert db.one("select has_table_privilege('service_role', 'app.cards', 'select')") is True


def test_column_constraint_index_and_comment_are_added_once(scratch, db):
    t = f"{scratch}.t"
    with db.superuser():
        for _ in range(2):
            db.q(f"select app.deploy_column('{t}', 'note', 'note text')")
            db.q(f"select app.deploy_constraint('{t}', 't_note_len', 'check (length(note) < 10)')")
            db.q(f"select app.deploy_index('{scratch}.t_note_idx', 'create index t_note_idx on {t} (note)')")
            db.q(f"select app.deploy_comment('column', '{t}.note', 'A note.')")
            db.q(f"select app.deploy_comment('table', '{t}', 'Scratch.')")
        assert db.one(f"select count(*) from pg_attribute where attrelid = '{t}'::regclass and attname = 'note'") == 1
        assert db.one(f"select count(*) from pg_constraint"
                      f" where conrelid = '{t}'::regclass and conname = 't_note_len'") == 1
        assert db.one(f"select to_regclass('{scratch}.t_note_idx') is not null") is True
        assert db.one(f"select col_description('{t}'::regclass, 3)") == "A note."
        assert db.one(f"select obj_description('{t}'::regclass, 'pg_class')") == "Scratch."


def test_an_old_overload_is_retired_once_and_a_current_one_kept_and_purged_later(scratch, db):
    retired = ("select count(*) from pg_proc p join pg_namespace n on n.oid = p.pronamespace"
               " where n.nspname = 'app_retired' and p.proname like 'f\\_r%%'")
    with db.superuser():
        db.q(f"create function {scratch}.f(a int) returns int language sql as 'select a'")
        db.q(f"create function {scratch}.g(a int, out b int, out c text) language sql as 'select a, null::text'")
        db.q(f"select app.deploy_drop_function('{scratch}.f(integer)')")
        db.q(f"select app.deploy_drop_function('{scratch}.f(integer)')")  # gone already: nothing to do
        assert db.one(f"select to_regprocedure('{scratch}.f(integer)')") is None
        assert db.one(retired) == 1  # kept, out of the way, for calls still running it
        assert db.one("select has_schema_privilege('authenticated', 'app_retired', 'usage')") is False
        db.q(f"select app.deploy_drop_function('{scratch}.g(integer)', 'b integer, c text')")
        assert db.one(f"select to_regprocedure('{scratch}.g(integer)') is not null") is True
        db.q(f"select app.deploy_drop_function('{scratch}.g(integer)', 'b integer, c text, d date')")
        assert db.one(f"select to_regprocedure('{scratch}.g(integer)')") is None

        db.q("select app.deploy_purge_retired()")
        assert db.one(retired) == 1  # retired just now: a call may still run it
        sig = db.one("select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace"
                     " where n.nspname = 'app_retired' and p.proname like 'f\\_r%%'")
        db.q(f"comment on function {sig} is 'retired 2000-01-01 00:00:00+00 from {scratch}.f(integer)'")
        db.q("select app.deploy_purge_retired()")
        assert db.one(retired) == 0


def test_ddl_on_a_busy_table_retries_and_its_users_do_not_queue_behind_it(mps_dsn, scratch):
    t = f"{scratch}.t"
    busy = psycopg.connect(mps_dsn)
    busy.execute(f"select * from {t}")  # a long transaction holding the table (a slow report)
    release = threading.Timer(1.5, busy.commit)
    release.start()
    waits = []

    def reader():  # a till reading the table while the deploy waits for it
        with psycopg.connect(mps_dsn, autocommit=True) as conn:
            for _ in range(10):
                t0 = time.monotonic()
                conn.execute(f"insert into {t} (id) values (%s) on conflict do nothing", (len(waits),))
                waits.append(time.monotonic() - t0)
                time.sleep(0.1)

    r = threading.Thread(target=reader)
    with psycopg.connect(mps_dsn, autocommit=True) as deploy:
        time.sleep(0.1)
        r.start()
        t0 = time.monotonic()
        deploy.execute(f"select app.deploy_exec('alter table {t} add column late int')")
        took = time.monotonic() - t0
    r.join()
    release.join()
    busy.close()
    assert took >= 1.2, "the deploy did not wait for the busy table"
    assert max(waits) < 1.0, f"a till queued behind the deploy for {max(waits):.2f} s"
    with psycopg.connect(mps_dsn, autocommit=True) as conn:
        assert conn.execute(f"select count(*) from pg_attribute where attrelid = '{t}'::regclass"
                            " and attname = 'late'").fetchone()[0] == 1
        busy = psycopg.connect(mps_dsn)
        busy.execute(f"select * from {t}")
        with pytest.raises(psycopg.errors.LockNotAvailable):  # still busy after every try: the deploy fails
            conn.execute(f"select app.deploy_exec('alter table {t} add column never int', 2)")
        busy.close()
