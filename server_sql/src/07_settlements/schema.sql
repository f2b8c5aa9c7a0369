-- Settlements and reports: what a merchant is owed for a period, and the totals a settlement
-- and a daily summary share (app.report_totals), so the two always agree.

-- Settlements -------------------------------------------------------------------------------
-- timezone: the zone the period was cut in (a merchant's zone may change later); source:
-- whether the scheduler or a person made it.
create table if not exists app.settlements (
  id uuid primary key default gen_random_uuid(),
  merchant_id uuid not null references app.merchants (id) on delete restrict,
  period_start timestamptz not null,
  period_end timestamptz not null,
  mode app.settlement_mode not null,
  currency text not null,
  payments_count integer not null default 0,
  payments_raw numeric(16, 2) not null default 0,
  payments_discount numeric(16, 2) not null default 0,
  payments_paid numeric(16, 2) not null default 0,
  refunds_count integer not null default 0,
  refunds_amount numeric(16, 2) not null default 0,
  topups_count integer not null default 0,
  topups_amount numeric(16, 2) not null default 0,
  net_amount numeric(16, 2) not null default 0,
  created_by uuid,
  created_at timestamptz not null default app.now(),
  timezone text,
  source text not null default 'manual' constraint settlements_source_check check (source in ('manual', 'scheduled')),
  check (period_end > period_start),
  unique (merchant_id, period_start, period_end)
);
select app.deploy_table_access('app.settlements', 'authenticated', 'service_role');
select app.deploy_index('app.settlements_merchant_period_idx', $$create index if not exists settlements_merchant_period_idx on app.settlements (merchant_id, period_start)$$);
-- timezone and source came after the first release: a database installed by it gets them here
-- (each helper does nothing when the table has them already).
select app.deploy_column('app.settlements', 'timezone', 'timezone text');
select app.deploy_column('app.settlements', 'source', $$source text not null default 'manual'$$);
select app.deploy_constraint('app.settlements', 'settlements_source_check', $$check (source in ('manual', 'scheduled'))$$);
select app.deploy_index('app.settlements_merchant_period_end_idx', $$create index if not exists settlements_merchant_period_end_idx on app.settlements (merchant_id, period_end)$$);

select app.deploy_policy('app.settlements', 'settlements_read_own', $$for select to authenticated
  using (merchant_id in (select app.my_managed_merchant_ids()))$$);

-- Totals of a merchant's transactions in [p_from, p_to): one row for the whole range
-- (grouping_set 'total', present even when nothing happened), one per operator and one per
-- local hour (0-23 in p_tz) that had any. p_operator limits it to one operator's rows. The
-- formulas live only here, so a settlement and a daily summary of the same day always agree:
-- counter top-ups (kind recharge at this merchant) are cash the merchant took for the platform,
-- hence net = paid - refunded - top-ups.
create or replace function app.report_totals(
  p_merchant_id uuid, p_from timestamptz, p_to timestamptz, p_tz text, p_operator uuid default null
) returns table (
  grouping_set text, operator_user_id uuid, local_hour integer,
  payments_count bigint, payments_raw numeric, payments_discount numeric, payments_paid numeric,
  refunds_count bigint, refunds_amount numeric, topups_count bigint, topups_amount numeric,
  net_amount numeric
)
language sql stable
set search_path = ''
as $$
  select case when grouping(t.operator_user_id) = 0 then 'operator'
              when grouping(t.local_hour) = 0 then 'hour'
              else 'total' end,
         t.operator_user_id,
         t.local_hour,
         count(*) filter (where t.kind = 'payment'),
         coalesce(sum(t.raw_amount) filter (where t.kind = 'payment'), 0)::numeric(16, 2),
         coalesce(sum(t.discount_amount) filter (where t.kind = 'payment'), 0)::numeric(16, 2),
         coalesce(sum(t.amount) filter (where t.kind = 'payment'), 0)::numeric(16, 2),
         count(*) filter (where t.kind = 'refund'),
         coalesce(sum(t.amount) filter (where t.kind = 'refund'), 0)::numeric(16, 2),
         count(*) filter (where t.kind = 'recharge'),
         coalesce(sum(t.amount) filter (where t.kind = 'recharge'), 0)::numeric(16, 2),
         (coalesce(sum(t.amount) filter (where t.kind = 'payment'), 0)
          - coalesce(sum(t.amount) filter (where t.kind = 'refund'), 0)
          - coalesce(sum(t.amount) filter (where t.kind = 'recharge'), 0))::numeric(16, 2)
  from (
    select x.kind, x.operator_user_id, x.raw_amount, x.discount_amount, x.amount,
           extract(hour from x.created_at at time zone p_tz)::integer as local_hour
    from app.transactions x
    where x.merchant_id = p_merchant_id
      and x.created_at >= p_from and x.created_at < p_to
      and (p_operator is null or x.operator_user_id = p_operator)
  ) t
  group by grouping sets ((), (t.operator_user_id), (t.local_hour))
$$;

-- A settlement as the API returns it. The local_* fields show the period in the time zone it
-- was cut in, for people reading it; created_by_email and created_by_name name the person who
-- generated it by hand (null for the scheduler and the platform), as a screen shows it.
create or replace function app.settlement_json(p_settlement_id uuid) returns jsonb
language sql stable
set search_path = ''
as $$
  select jsonb_build_object(
    'settlement_id', s.id, 'merchant_id', s.merchant_id, 'merchant_code', m.code,
    'mode', s.mode, 'currency', s.currency, 'timezone', coalesce(s.timezone, m.timezone),
    'period_start', s.period_start, 'period_end', s.period_end,
    'local_period_start', s.period_start at time zone coalesce(s.timezone, m.timezone),
    'local_period_end', s.period_end at time zone coalesce(s.timezone, m.timezone),
    'payments_count', s.payments_count, 'payments_raw', s.payments_raw,
    'payments_discount', s.payments_discount, 'payments_paid', s.payments_paid,
    'refunds_count', s.refunds_count, 'refunds_amount', s.refunds_amount,
    'topups_count', s.topups_count, 'topups_amount', s.topups_amount,
    'net_amount', s.net_amount, 'source', s.source, 'created_by', s.created_by,
    'created_at', s.created_at)
    || jsonb_build_object('created_by_email', u.email,
                          'created_by_name', nullif(btrim(u.raw_user_meta_data ->> 'display_name'), ''))
  from app.settlements s join app.merchants m on m.id = s.merchant_id
  left join auth.users u on u.id = s.created_by
  where s.id = p_settlement_id
$$;

-- Settlement work on one merchant is serialised (generate_settlement, run_due_settlements), so
-- the same-period and overlap checks cannot race.
create or replace function app.lock_settlements(p_merchant_id uuid) returns void
language sql volatile
set search_path = ''
as $$
  select app.advisory_xact_lock('settle:' || p_merchant_id::text)
$$;

-- Settle [p_start, p_end) for a merchant, or return the settlement of exactly that period if
-- there is one (replayed: true; figures as first recorded, not recomputed). The period must
-- have ended and may not overlap another settlement of the merchant. Refunds count in the
-- period they happened (netting), whichever period their payment was in.
create or replace function app.settle_period(
  p_merchant_id uuid, p_start timestamptz, p_end timestamptz, p_source text, p_merchant_role text
) returns jsonb
language plpgsql volatile
set search_path = ''
as $$
declare
  v_merchant app.merchants;
  v_existing app.settlements;
  v_tot record;
  v_id uuid;
begin
  if p_start is null or p_end is null or not isfinite(p_start) or not isfinite(p_end) then
    perform app.fail('invalid_argument', 'p_period_start and p_period_end must be finite timestamps');
  end if;
  if p_end <= p_start then
    perform app.fail('invalid_argument', 'p_period_end must be after p_period_start');
  end if;
  if p_end > app.now() then
    perform app.fail('invalid_argument',
      'a settlement covers a period that has ended; for today''s running figures use merchant_daily_summary');
  end if;
  perform app.lock_settlements(p_merchant_id);
  select s.* into v_existing from app.settlements s
   where s.merchant_id = p_merchant_id and s.period_start = p_start and s.period_end = p_end;
  if found then
    return app.settlement_json(v_existing.id) || jsonb_build_object('replayed', true);
  end if;
  select s.* into v_existing from app.settlements s
   where s.merchant_id = p_merchant_id and s.period_start < p_end and s.period_end > p_start
   order by s.period_start limit 1;
  if found then
    perform app.fail('invalid_argument', format(
      'the period overlaps settlement %s of this merchant, [%s, %s)',
      v_existing.id, v_existing.period_start, v_existing.period_end));
  end if;

  select m.* into v_merchant from app.merchants m where m.id = p_merchant_id;
  select r.* into v_tot from app.report_totals(p_merchant_id, p_start, p_end, v_merchant.timezone) r
   where r.grouping_set = 'total';
  insert into app.settlements (merchant_id, period_start, period_end, mode, currency, timezone,
                               payments_count, payments_raw, payments_discount, payments_paid,
                               refunds_count, refunds_amount, topups_count, topups_amount,
                               net_amount, source, created_by, created_at)
  values (p_merchant_id, p_start, p_end, v_merchant.settlement_mode, v_merchant.currency,
          v_merchant.timezone, v_tot.payments_count, v_tot.payments_raw, v_tot.payments_discount,
          v_tot.payments_paid, v_tot.refunds_count, v_tot.refunds_amount, v_tot.topups_count,
          v_tot.topups_amount, v_tot.net_amount, p_source, auth.uid(), app.now())
  returning id into v_id;
  perform app.audit('settlement.generate', 'settlement', v_id::text, p_merchant_id, p_merchant_role,
                    null, v_tot.net_amount,
                    jsonb_build_object('period_start', p_start, 'period_end', p_end,
                                       'mode', v_merchant.settlement_mode, 'source', p_source,
                                       'payments_paid', v_tot.payments_paid,
                                       'refunds_amount', v_tot.refunds_amount,
                                       'topups_amount', v_tot.topups_amount));
  return app.settlement_json(v_id) || jsonb_build_object('replayed', false);
end
$$;

-- Where a merchant's scheduled periods begin: t_plus_1 at local midnight of the day the
-- merchant was created, monthly at the start of that local month, realtime at its creation.
-- No transaction of a merchant can be older than the merchant.
create or replace function app.settlement_grid_start(p_mode app.settlement_mode, p_tz text, p_created_at timestamptz)
returns timestamptz
language sql stable
set search_path = ''
as $$
  select case p_mode
    when 't_plus_1' then pg_catalog.date_trunc('day', p_created_at at time zone p_tz) at time zone p_tz
    when 'monthly' then pg_catalog.date_trunc('month', p_created_at at time zone p_tz) at time zone p_tz
    else p_created_at
  end
$$;

-- The first period boundary after p_at: the next local midnight (t_plus_1), the next local
-- first of the month (monthly), or p_due itself (realtime: everything settleable so far).
create or replace function app.settlement_next_boundary(p_mode app.settlement_mode, p_tz text,
                                                        p_at timestamptz, p_due timestamptz)
returns timestamptz
language sql stable
set search_path = ''
as $$
  select case p_mode
    when 't_plus_1' then (pg_catalog.date_trunc('day', p_at at time zone p_tz) + interval '1 day') at time zone p_tz
    when 'monthly' then (pg_catalog.date_trunc('month', p_at at time zone p_tz) + interval '1 month') at time zone p_tz
    else p_due
  end
$$;

-- The earliest instant at or after p_from that no settlement of the merchant covers: p_from
-- itself or the end of some settlement. Gaps left before a settlement made by hand are found
-- and filled too, never overlapped.
create or replace function app.settlement_first_gap(p_merchant_id uuid, p_from timestamptz) returns timestamptz
language sql stable
set search_path = ''
as $$
  select min(c.at)
  from (select p_from as at
        union all
        select s.period_end from app.settlements s
         where s.merchant_id = p_merchant_id and s.period_end > p_from) c
  where not exists (select 1 from app.settlements s
                     where s.merchant_id = p_merchant_id
                       and s.period_start <= c.at and s.period_end > c.at)
$$;

-- Settle every period of one merchant that has ended by p_due (= now - grace), per its mode;
-- returns the settlements it made. A realtime merchant's idle stretch at the head is not
-- written down as an empty settlement on every run: it becomes part of the next period that
-- has a transaction.
create or replace function app.settle_due(p_merchant_id uuid, p_due timestamptz) returns setof jsonb
language plpgsql volatile
set search_path = ''
as $$
declare
  v_merchant app.merchants;
  v_cursor timestamptz;
  v_next_start timestamptz;
  v_end timestamptz;
begin
  perform app.lock_settlements(p_merchant_id);
  select m.* into v_merchant from app.merchants m where m.id = p_merchant_id;
  loop
    v_cursor := app.settlement_first_gap(
      p_merchant_id, app.settlement_grid_start(v_merchant.settlement_mode, v_merchant.timezone, v_merchant.created_at));
    select min(s.period_start) into v_next_start from app.settlements s
     where s.merchant_id = p_merchant_id and s.period_start > v_cursor;
    -- least() ignores a null: no later settlement means the grid alone decides.
    v_end := least(app.settlement_next_boundary(v_merchant.settlement_mode, v_merchant.timezone, v_cursor, p_due),
                   v_next_start);
    exit when v_end > p_due or v_end <= v_cursor;
    if v_merchant.settlement_mode = 'realtime' and v_end is distinct from v_next_start
       and not exists (select 1 from app.transactions t
                        where t.merchant_id = p_merchant_id
                          and t.created_at >= v_cursor and t.created_at < v_end) then
      exit;
    end if;
    return next app.settle_period(p_merchant_id, v_cursor, v_end, 'scheduled', null);
  end loop;
end
$$;

select app.deploy_private_functions();
