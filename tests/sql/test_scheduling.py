"""app.schedule_jobs: schedules the periodic jobs through pg_cron when it is there, and on
plain PostgreSQL changes nothing and says what an outside scheduler must call."""

import pytest

from .conftest import acting
from .harness import SERVICE

FAKE_CRON = """
create schema cron;
create table cron.fake_jobs (jobname text primary key, schedule text, command text);
create function cron.schedule(job_name text, schedule text, command text) returns bigint
language sql as $$
  insert into cron.fake_jobs values (job_name, schedule, command)
  on conflict (jobname) do update set schedule = excluded.schedule, command = excluded.command
  returning 1::bigint
$$;
"""


@pytest.fixture
def notices(db):
    seen = []
    db.conn.add_notice_handler(lambda n: seen.append(n.message_primary))
    return seen


def test_without_pg_cron_nothing_is_scheduled_and_a_notice_says_what_to_call(db, notices):
    with db.superuser():
        if db.one("select to_regprocedure('cron.schedule(text,text,text)') is not null"):
            pytest.skip("this server has pg_cron installed")
        jobs = db.q("select * from app.schedule_jobs()")
    assert [(j["job_name"], j["scheduled"]) for j in jobs] == [
        ("mps_run_due_settlements", False), ("mps_rotate_qr_tokens", False),
        ("mps_purge_idempotency_keys", False)]
    [notice] = notices
    assert "nothing was scheduled" in notice or "not enabled" in notice
    assert "select public.run_due_settlements()" in notice
    assert "select * from public.cron_rotate_qr_tokens(300)" in notice
    assert "select public.purge_idempotency_keys()" in notice


def test_with_pg_cron_every_job_is_scheduled_and_rescheduling_replaces_them(db, notices):
    with db.superuser():
        db.conn.execute(FAKE_CRON)
        jobs = db.q("select * from app.schedule_jobs()")
        assert all(j["scheduled"] for j in jobs) and notices == []
        db.q("select * from app.schedule_jobs('0 * * * *', null)")   # hourly; QR rotation left as is
        got = {r["jobname"]: (r["schedule"], r["command"]) for r in db.q("select * from cron.fake_jobs")}
    assert got == {
        "mps_run_due_settlements": ("0 * * * *", "select public.run_due_settlements()"),
        "mps_rotate_qr_tokens": ("*/5 * * * *", "select public.cron_rotate_qr_tokens(300)"),
        "mps_purge_idempotency_keys": ("17 3 * * *", "select public.purge_idempotency_keys()"),
    }


def test_the_scheduled_commands_run_as_the_platform(db):
    """pg_cron runs a job as the database owner, with no API role: the RPCs see the platform."""
    with db.superuser():
        db.conn.execute(FAKE_CRON)
        db.q("select * from app.schedule_jobs()")
        for command in db.q("select command from cron.fake_jobs"):
            db.q(command["command"])


def test_bad_arguments_and_api_roles(db):
    with db.superuser():
        with db.raises("MP013", "invalid_argument"):
            db.q("select * from app.schedule_jobs(p_qr_ttl_seconds := 0)")
        with db.raises("MP013", "invalid_argument"):
            db.q("select * from app.schedule_jobs(null)")
    with acting(db, SERVICE), db.raises("42501"):
        db.q("select * from app.schedule_jobs()")
