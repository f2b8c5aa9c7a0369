"""A busy year of data, then the reads a shop does on it, timed, with the plans they ran.

The generator is set-based SQL (one `insert ... select` per table, secondary indexes of the
transactions built after the load, referential triggers off for the load only: the rows are
consistent by construction): 200 merchants (sizes skewed: the largest takes ~7 % of the
payments, a supermarket's ~400 a day), 20,000 members with a card each, 2 million payments
spread over the last 365 days in the shops' opening hours, 2 % of them refunded (part or whole,
within 3 days; refunds carry no shift: a manager's, off the tills), and 200,000 counter top-ups;
three terminals a merchant, each with a shift a day (the payments and top-ups of that till and
day belong to it), closed with a Z number except today's, which are open.

Timed, as the platform (service role) on the largest merchant, each over several calls (the
median, so one disturbed call does not decide): `merchant_daily_summary` of a busy day,
`merchant_list_transactions` first page and a deep page (keyset cursor half a year back), and a
monthly `generate_settlement` (each call a different past month), and the close of today's
open shifts (`merchant_close_shift`, each call another till). The plans come from
auto_explain (nested statements, actual rows) and are reduced to the scans they used.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import psycopg

from mps_dev import cluster as pgcluster

from .table import Table

SETUP = """
set session_replication_role = replica;  -- no referential triggers for the load: consistent by construction
create temp table bench_ix as
  select indexrelid::regclass::text as name, pg_get_indexdef(indexrelid) as def
    from pg_index where indrelid = 'app.transactions'::regclass and not indisprimary;
do $$ declare r record; begin
  for r in select name from bench_ix loop execute 'drop index ' || r.name; end loop;
end $$;

insert into app.merchants (id, code, name, created_at)
  select gen_random_uuid(), 'Y' || lpad(i::text, 3, '0'), 'Busy shop ' || i, now() - interval '400 days'
    from generate_series(0, {merchants} - 1) i;
create unlogged table bench_m as
  select row_number() over (order by code) - 1 as i, id from app.merchants where code like 'Y%';
insert into auth.users (id, aud, role, email, encrypted_password, email_confirmed_at)
  select gen_random_uuid(), 'authenticated', 'authenticated', 'op' || i || '@busy.test', '', now()
    from generate_series(0, {merchants} * 3 - 1) i;
create unlogged table bench_op as
  select (row_number() over (order by email) - 1) as i, id from auth.users where email like '%@busy.test';
insert into app.merchant_users (merchant_id, user_id, role)
  select m.id, o.id, case when o.i % 3 = 0 then 'manager' else 'cashier' end::app.merchant_role
    from bench_op o join bench_m m on m.i = o.i / 3;
insert into app.member_profiles (id, name, level_code, created_at)
  select gen_random_uuid(), 'Member ' || i, 'base', now() - interval '400 days' from generate_series(1, {members}) i;
create unlogged table bench_mem as
  select row_number() over (order by id) - 1 as i, id from app.member_profiles where name like 'Member %';
insert into app.cards (id, card_type, balance, created_at)
  select gen_random_uuid(), 'prepaid', 500, now() - interval '400 days' from generate_series(1, {members});
create unlogged table bench_card as
  select row_number() over (order by id) - 1 as i, id from app.cards where created_at < now() - interval '399 days';
insert into app.card_bindings (card_id, member_id, role)
  select c.id, m.id, 'owner' from bench_card c join bench_mem m using (i);

-- The lookup tables by their row number, analysed: the joins below must hash, not loop.
create unique index on bench_m (i); create unique index on bench_op (i);
create unique index on bench_mem (i); create unique index on bench_card (i);
analyze bench_m; analyze bench_op; analyze bench_mem; analyze bench_card;

-- Three terminals a merchant, each with one shift a day 08:00-22:00 local (Asia/Shanghai: 00:00-14:00
-- UTC), opened by its cashier; the shifts of today are still open, the others closed with a Z number.
insert into app.terminals (merchant_id, code, name)
  select m.id, 'T' || t, 'Till ' || t from bench_m m, generate_series(0, 2) t;
create unlogged table bench_shift as
  select m.i as mi, substr(t.code, 2)::int as ti, d as day, gen_random_uuid() as id, t.id as terminal_id,
         m.id as merchant_id
    from app.terminals t join bench_m m on m.id = t.merchant_id, generate_series(0, 364) d;
create index on bench_shift (mi, ti, day);
insert into app.shifts (id, merchant_id, terminal_id, status, opened_by, opened_at, opening_float, closed_by,
                        closed_at, counted_cash, expected_cash, z_number, report)
  select s.id, s.merchant_id, s.terminal_id, case when s.day = 0 then 'open' else 'closed' end, o.id,
         date_trunc('day', now()) - interval '1 day' * s.day - interval '1 minute', 200,
         case when s.day > 0 then o.id end,
         case when s.day > 0
              then date_trunc('day', now()) - interval '1 day' * s.day + interval '14 hours 1 minute' end,
         case when s.day > 0 then 200 end, case when s.day > 0 then 200 end,
         case when s.day > 0 then row_number() over (partition by s.mi order by s.day desc, s.ti) end,
         case when s.day > 0 then '{{}}'::jsonb end
    from bench_shift s join bench_op o on o.i = s.mi * 3 + s.ti;
insert into app.shift_z_counters (merchant_id, last_z_number, last_closed_at)
  select merchant_id, max(z_number), max(closed_at) from app.shifts where z_number is not null group by merchant_id;
analyze bench_shift;

"""

# Payments and top-ups, loaded by two connections at once (each `insert ... select` runs on one
# core): each takes the numbers g in [{lo}, {hi}) of both series.
LOAD = """
set session_replication_role = replica;
-- Payments: merchant skewed (i = floor(n * u^2)), at a terminal's shift, 08:00-22:00 local, any day.
insert into app.transactions (id, kind, card_id, member_id, merchant_id, operator_user_id, raw_amount,
                              discount_amount, amount, balance_after, points_delta, level_code,
                              idempotency_key, created_at, shift_id)
  select gen_random_uuid(), 'payment', c.id, mem.id, m.id, o.id, a.amt, 0, a.amt, 100, floor(a.amt)::bigint,
         'base', 'gen-' || g, date_trunc('day', now()) - interval '1 day' * a.day + interval '1 hour' * a.hour, s.id
    from generate_series({pay_lo}, {pay_hi} - 1) g
    cross join lateral (select g as g_, floor({merchants} * random() ^ 2)::int as mi,
                               floor(random() * {members})::int as ci,
                               (1 + floor(random() * 30000) / 100)::numeric(14, 2) as amt,
                               floor(random() * 365)::int as day, 14 * random() as hour) a
    join bench_m m on m.i = a.mi
    join bench_card c on c.i = a.ci
    join bench_mem mem on mem.i = a.ci
    join bench_op o on o.i = a.mi * 3 + (g % 3)
    join bench_shift s on s.mi = a.mi and s.ti = g % 3 and s.day = a.day;
insert into app.transactions (id, kind, card_id, member_id, merchant_id, operator_user_id, raw_amount,
                              amount, balance_after, idempotency_key, created_at, shift_id)
  select gen_random_uuid(), 'recharge', c.id, mem.id, m.id, o.id, a.amt, a.amt, 600, 'gent-' || g,
         date_trunc('day', now()) - interval '1 day' * a.day + interval '1 hour' * a.hour, s.id
    from generate_series({top_lo}, {top_hi} - 1) g
    cross join lateral (select g as g_, floor({merchants} * random() ^ 2)::int as mi,
                               floor(random() * {members})::int as ci,
                               (50 * (1 + floor(random() * 10)))::numeric(14, 2) as amt,
                               floor(random() * 365)::int as day, 14 * random() as hour) a
    join bench_m m on m.i = a.mi
    join bench_card c on c.i = a.ci
    join bench_mem mem on mem.i = a.ci
    join bench_op o on o.i = a.mi * 3 + (g % 3)
    join bench_shift s on s.mi = a.mi and s.ti = g % 3 and s.day = a.day;
"""

FINISH = """
set session_replication_role = replica;
delete from app.transactions where created_at > now();  -- today's opening hours not yet reached

insert into app.transactions (id, kind, card_id, member_id, merchant_id, operator_user_id, raw_amount,
                              amount, balance_after, original_tx_id, reason, idempotency_key, created_at)
  select gen_random_uuid(), 'refund', p.card_id, p.member_id, p.merchant_id, p.operator_user_id,
         r.amt, r.amt, 100, p.id, 'returned', 'genr-' || p.id,
         least(p.created_at + interval '1 hour' * floor(random() * 72), now() - interval '1 minute')
    from app.transactions p
    cross join lateral (select case when random() < 0.5 then p.amount
                                    else greatest(0.01, round(p.amount * random()::numeric, 2)) end as amt) r
   where p.kind = 'payment' and p.idempotency_key like 'gen-%' and random() < {refund_share};


do $$ declare r record; begin
  for r in select def from bench_ix loop execute r.def; end loop;
end $$;
set session_replication_role = origin;
drop table bench_m, bench_op, bench_mem, bench_card, bench_shift;
analyze app.transactions; analyze app.shifts; analyze app.terminals; analyze app.cards; analyze app.merchants;
analyze app.merchant_users;
analyze app.member_profiles; analyze app.card_bindings; analyze auth.users;
"""

SIZES = {"full": dict(merchants=200, members=20000, payments=2_000_000, topups=200_000, refund_share=0.02)}


def _service(conn) -> None:
    conn.execute("select set_config('request.jwt.claims', %s, false), set_config('role', 'service_role', false)",
                 (json.dumps({"role": "service_role"}),))


def _scans(log_text: str) -> list[str]:
    """The scan nodes auto_explain logged, e.g. 'Index Scan using transactions_merchant_created_idx'."""
    found = re.findall(r"((?:Parallel )?(?:Index Only Scan|Index Scan|Bitmap Index Scan|Seq Scan|Bitmap Heap Scan)"
                       r"(?: Backward)?(?: using \w+)? on [\w.]+)", log_text)
    out: list[str] = []
    for s in found:
        if s not in out:
            out.append(s)
    return out


def _load_on_two_connections(dsn: str, p: dict) -> None:
    """The payments and top-ups, half of each series on each of two connections at once."""
    def half(k: int) -> dict:
        pay, top = p["payments"], p["topups"]  # half k of 1..n is [1 + n*k/2, 1 + n*(k+1)/2)
        return dict(p, pay_lo=1 + pay * k // 2, pay_hi=1 + pay * (k + 1) // 2,
                    top_lo=1 + top * k // 2, top_hi=1 + top * (k + 1) // 2)

    def load(k: int) -> None:
        with psycopg.connect(dsn, autocommit=True) as c:
            c.execute(LOAD.format(**half(k)))

    with ThreadPoolExecutor(2) as pool:
        for done in [pool.submit(load, k) for k in (0, 1)]:
            done.result()


def run(table: Table, scale: float = 1.0, calls: int = 7) -> None:
    p = dict(SIZES["full"])
    for k in ("members", "payments", "topups"):
        p[k] = max(100, int(p[k] * scale))
    p["merchants"] = max(4, int(p["merchants"] * min(1.0, scale * 10)))
    with pgcluster.temporary_cluster("mps-bench-year-", settings={"max_wal_size": "4GB", "work_mem": "64MB",
                                                                   "maintenance_work_mem": "256MB"}) as cl:
        dsn = pgcluster.create_database(cl, "bench")
        pgcluster.install_mps(dsn)
        t0 = time.perf_counter()
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(SETUP.format(**p))
            _load_on_two_connections(dsn, p)
            conn.execute(FINISH.format(**p))
            gen_s = time.perf_counter() - t0
            n_tx = conn.execute("select count(*) from app.transactions").fetchone()[0]
            n_shifts = conn.execute("select count(*) from app.shifts").fetchone()[0]
            top = conn.execute("select m.code, m.id from app.merchants m"
                               " join app.transactions t on t.merchant_id = m.id"
                               " group by m.code, m.id order by count(*) desc limit 1").fetchone()
        timings, plans = _timed_reads(cl, dsn, top[0], top[1], calls)

    cmd = "make bench (bench/busy_year.py)"
    table.add(f"busy year: generate {n_tx:,} transactions", gen_s, "s", goal="value <= 60" if scale >= 1 else "",
              command=cmd, note=f"{p['merchants']} merchants, {p['members']} members, {n_shifts:,} shifts")
    goals = {"merchant_daily_summary (busiest day)": 20, "merchant_list_transactions, first page": 10,
             "merchant_list_transactions, deep page": 10, "generate_settlement, one month": 500,
             "merchant_close_shift, a day's till": 50}
    for name, limit in goals.items():
        table.add(f"busy year: {name}", timings[name], "ms", goal=f"value <= {limit}", command=cmd,
                  note="; ".join(plans[name]) or "no scan logged")


def _timed_reads(cl, dsn: str, code: str, merchant_id, calls: int) -> tuple[dict[str, float], dict[str, list[str]]]:
    timings: dict[str, float] = {}
    plans: dict[str, list[str]] = {}
    with psycopg.connect(dsn, autocommit=True) as conn:
        day = conn.execute("select (created_at at time zone 'Asia/Shanghai')::date from app.transactions"
                           " where merchant_id = %s group by 1 order by count(*) desc limit 1",
                           (merchant_id,)).fetchone()[0]
        mid = conn.execute("select created_at, id from app.transactions where merchant_id = %s"
                           " order by created_at desc, id desc offset (select count(*) / 2 from app.transactions"
                           " where merchant_id = %s) limit 1", (merchant_id, merchant_id)).fetchone()
        months = [r[0] for r in conn.execute(
            "select generate_series(date_trunc('month', now() at time zone 'Asia/Shanghai') - interval '11 months',"
            " date_trunc('month', now() at time zone 'Asia/Shanghai') - interval '1 month',"
            " interval '1 month')").fetchall()]
        shifts = [r[0] for r in conn.execute(
            "select s.id from app.shifts s join app.terminals t on t.id = s.terminal_id where s.merchant_id = %s"
            " and s.status = 'open' order by t.code", (merchant_id,)).fetchall()]
        terminal = conn.execute("select code from app.terminals where merchant_id = %s order by code limit 1",
                                (merchant_id,)).fetchone()[0]
        _service(conn)
        reads = {
            "merchant_daily_summary (busiest day)": ("select public.merchant_daily_summary(%s, %s)",
                                                     lambda i: (code, day)),
            "merchant_list_transactions, first page": (
                "select count(*) from public.merchant_list_transactions(%s)", lambda i: (code,)),
            "merchant_list_transactions, deep page": (
                "select count(*) from public.merchant_list_transactions(%s, p_before_created_at := %s,"
                " p_before_id := %s)",
                lambda i: (code, mid[0], mid[1])),
            "generate_settlement, one month": (
                "select public.generate_settlement(%s, (%s::timestamp at time zone 'Asia/Shanghai'),"
                " ((%s::timestamp + interval '1 month') at time zone 'Asia/Shanghai'))",
                lambda i: (code, months[i % len(months)], months[i % len(months)])),
            "merchant_close_shift, a day's till": (
                "select public.merchant_close_shift(%s, %s, 200, %s)", lambda i: (code, shifts[i], f"close-{i}")),
        }
        for name, (sql, args) in reads.items():
            once = name.startswith(("generate_settlement", "merchant_close_shift"))  # each call changes data
            n = min(calls, len(months) - 1) if name.startswith("generate_settlement") else calls
            n = len(shifts) if name.startswith("merchant_close_shift") else n
            if not once:
                conn.execute(sql, args(n))  # warm the cache
            xs = []
            for i in range(n):
                t = time.perf_counter()
                conn.execute(sql, args(i)).fetchall()
                xs.append((time.perf_counter() - t) * 1e3)
            timings[name] = statistics.median(xs)
    # The plans, in a separate session with auto_explain, so its logging is not in the timings.
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("load 'auto_explain'")
        conn.execute("set auto_explain.log_min_duration = 0")
        conn.execute("set auto_explain.log_nested_statements = on")
        conn.execute("set auto_explain.log_analyze = on")
        _service(conn)
        for name, (sql, args) in reads.items():
            size = cl.log_file.stat().st_size
            i = len(months) - 1 if name.startswith("generate_settlement") else 0
            if name.startswith("merchant_close_shift"):  # a fresh shift on the first till, closed at once
                opened = conn.execute("select public.merchant_open_shift(%s, %s, 200, 'plan-open') ->> 'shift_id'",
                                      (code, terminal)).fetchone()[0]
                sql = "select public.merchant_close_shift(%s, %s, 200, %s)"
                args = lambda i, opened=opened: (code, opened, "plan-close")  # noqa: E731 - as the table's entries
            if name.startswith("generate_settlement"):
                conn.execute("reset role")
                conn.execute("delete from app.settlements where merchant_id = %s and period_start ="
                             " (%s::timestamp at time zone 'Asia/Shanghai')", (merchant_id, months[i]))
                _service(conn)
            conn.execute(sql, args(i)).fetchall()
            time.sleep(0.2)  # the log collector writes asynchronously
            with open(cl.log_file, encoding="utf-8", errors="replace") as f:
                f.seek(size)
                plans[name] = _scans(f.read())
    return timings, plans
