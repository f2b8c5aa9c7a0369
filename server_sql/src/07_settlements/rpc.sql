-- One business day of a merchant, cut at midnight in the merchant's time zone: [period_start,
-- period_end), 23 or 25 hours long on a daylight-saving change. p_day defaults to today there;
-- a day after today is invalid_argument. Managers, owners and the platform get the whole
-- merchant (scope 'merchant'); a cashier may call it too and gets their own shift only (scope
-- 'own': every figure counts only the rows they rang up).
-- Returns totals (payments: count, raw, discount, paid; refunds: count, amount; counter
-- top-ups: count, amount; net = paid - refunded - top-ups, as a settlement counts it), the same
-- per operator (by_cashier, only operators with rows; operator_user_id null = rung up by the
-- platform) and per local hour (by_hour, always 24 entries, 0-23; on the autumn change the
-- repeated hour's rows fall in one entry). Refunds count on the day they happened.
create or replace function public.merchant_daily_summary(
  p_merchant_code text,
  p_day date default null
) returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_ctx record;
  v_today date;
  v_day date;
  v_start timestamptz;
  v_end timestamptz;
  v_only uuid;
  v_zero jsonb := jsonb_build_object(
    'payments_count', 0, 'payments_raw', 0.00, 'payments_discount', 0.00, 'payments_paid', 0.00,
    'refunds_count', 0, 'refunds_amount', 0.00, 'topups_count', 0, 'topups_amount', 0.00,
    'net_amount', 0.00);
  v_result jsonb;
begin
  select * into v_ctx from app.merchant_context(p_merchant_code, 'cashier');
  v_today := (app.now() at time zone v_ctx.timezone)::date;
  v_day := coalesce(p_day, v_today);
  if not isfinite(v_day) or v_day > v_today then
    perform app.fail('invalid_argument', format('p_day must be a day up to today (%s) in the merchant''s time zone', v_today));
  end if;
  v_start := v_day::timestamp at time zone v_ctx.timezone;
  v_end := (v_day + 1)::timestamp at time zone v_ctx.timezone;
  if v_ctx.merchant_role = 'cashier' then
    v_only := v_ctx.user_id;
  end if;

  with r as (
    select t.*, to_jsonb(t) - array['grouping_set', 'operator_user_id', 'local_hour'] as figures
      from app.report_totals(v_ctx.merchant_id, v_start, v_end, v_ctx.timezone, v_only) t
  )
  select jsonb_build_object(
    'merchant_code', v_ctx.merchant_code, 'merchant_name', v_ctx.merchant_name,
    'currency', v_ctx.currency, 'timezone', v_ctx.timezone, 'day', v_day,
    'period_start', v_start, 'period_end', v_end,
    'scope', case when v_only is null then 'merchant' else 'own' end,
    'role', v_ctx.merchant_role, 'generated_at', app.now(),
    'totals', (select r.figures from r where r.grouping_set = 'total'),
    'by_cashier', coalesce((
      select jsonb_agg(jsonb_build_object('operator_user_id', r.operator_user_id,
                                          'role', mu.role, 'email', u.email) || r.figures
                       order by r.figures -> 'payments_paid' desc, r.operator_user_id)
        from r
        left join app.merchant_users mu
          on mu.merchant_id = v_ctx.merchant_id and mu.user_id = r.operator_user_id
        left join auth.users u on u.id = r.operator_user_id
       where r.grouping_set = 'operator'), '[]'::jsonb),
    'by_hour', (
      select jsonb_agg(jsonb_build_object('hour', h.hour) || coalesce(r.figures, v_zero) order by h.hour)
        from pg_catalog.generate_series(0, 23) as h(hour)
        left join r on r.grouping_set = 'hour' and r.local_hour = h.hour))
  into v_result;
  return v_result;
end
$$;
select app.deploy_rpc_grant('public.merchant_daily_summary(text, date)', 'authenticated', 'service_role');
select app.deploy_comment('function', 'public.merchant_daily_summary(text, date)',
  'One local business day of a merchant: totals, per operator and per hour. Cashier or above (a cashier gets their own rows only).');

-- Settle one period [p_period_start, p_period_end) of a merchant (contract §8). The platform
-- (service role) for any merchant, also a suspended one (its last periods still need paying
-- out); a manager or owner for their own active merchant. The period must have ended, may be
-- any length and need not fall on local midnights (the scheduler's do); the same period again
-- returns the same settlement with replayed: true; overlapping another settlement of the
-- merchant is invalid_argument; an empty period gives a zero settlement.
create or replace function public.generate_settlement(
  p_merchant_code text,
  p_period_start timestamptz,
  p_period_end timestamptz
) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_ctx record;
  v_merchant_id uuid;
  v_role text;
begin
  if app.caller_role() = 'service_role' then
    select m.id into v_merchant_id from app.merchants m where m.code = p_merchant_code;
    if v_merchant_id is null then
      perform app.fail('merchant_inactive', format('no merchant has the code %s', coalesce(left(p_merchant_code, 40), 'null')));
    end if;
    v_role := 'platform';
  else
    select * into v_ctx from app.merchant_context(p_merchant_code, 'manager');
    v_merchant_id := v_ctx.merchant_id;
    v_role := v_ctx.merchant_role;
  end if;
  return app.settle_period(v_merchant_id, p_period_start, p_period_end, 'manual', v_role);
end
$$;
select app.deploy_rpc_grant('public.generate_settlement(text, timestamptz, timestamptz)', 'authenticated', 'service_role');
select app.deploy_comment('function', 'public.generate_settlement(text, timestamptz, timestamptz)',
  'Settle one ended period of a merchant; the same period again returns the same settlement. Manager, owner or service role.');

-- The scheduler's job (service role; pg_cron or any outside scheduler, every few minutes):
-- for every active merchant, settle each period that is due, oldest first, per the merchant's
-- mode, cut in its time zone:
--   t_plus_1  one settlement per local day [00:00, next 00:00);
--   monthly   one per local calendar month [1st 00:00, next 1st 00:00);
--   realtime  everything up to the run: each run settles [end of the last settlement, due
--             moment), skipping a run that would hold no transaction.
-- A period is due once it ended settlement_grace_seconds ago (app.settings, default 300), so
-- that a charge started just before the boundary has committed. The first period starts at
-- the merchant's creation (its local day or month for t_plus_1 / monthly). Periods already
-- settled by hand are skipped, and gaps before them filled without overlapping them. Returns
-- the settlements it made; a merchant whose run fails is returned with `error` (and audited)
-- without holding back the others, and is retried on the next run.
create or replace function public.run_due_settlements()
returns table (merchant_code text, settlement_id uuid, period_start timestamptz,
               period_end timestamptz, net_amount numeric, error text)
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_due timestamptz;
  v_merchant record;
  v_made jsonb[];
  v_s jsonb;
begin
  perform app.require_service();
  v_due := app.now() - make_interval(secs => coalesce(app.setting_numeric('settlement_grace_seconds'), 300));
  for v_merchant in
    select m.id, m.code from app.merchants m where m.status = 'active' order by m.code
  loop
    begin
      v_made := array(select d from app.settle_due(v_merchant.id, v_due) d);
    exception when others then
      merchant_code := v_merchant.code;
      settlement_id := null; period_start := null; period_end := null; net_amount := null;
      error := sqlerrm;
      perform app.audit('settlement.run_failed', 'merchant', v_merchant.id::text, v_merchant.id,
                        null, null, null, jsonb_build_object('sqlstate', sqlstate, 'error', sqlerrm));
      return next;
      continue;
    end;
    foreach v_s in array v_made loop
      merchant_code := v_merchant.code;
      settlement_id := (v_s ->> 'settlement_id')::uuid;
      period_start := (v_s ->> 'period_start')::timestamptz;
      period_end := (v_s ->> 'period_end')::timestamptz;
      net_amount := (v_s ->> 'net_amount')::numeric;
      error := null;
      return next;
    end loop;
  end loop;
end
$$;
select app.deploy_rpc_grant('public.run_due_settlements()', 'service_role');
select app.deploy_comment('function', 'public.run_due_settlements()',
  'The scheduler''s job: settle every due period of every active merchant, per its mode and time zone. Service role.');

-- A merchant's settlements, newest period first: the POS's settlement screen. Manager, owner
-- or the platform. Optional [p_from, p_to) keeps those whose period starts in it; p_limit 1 to
-- 500, default 50; page on with p_before_period_start (the last row's period_start).
create or replace function public.merchant_list_settlements(
  p_merchant_code text,
  p_from timestamptz default null,
  p_to timestamptz default null,
  p_limit integer default 50,
  p_before_period_start timestamptz default null
) returns setof jsonb
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_ctx record;
  v_limit integer := coalesce(p_limit, 50);
begin
  select * into v_ctx from app.merchant_context(p_merchant_code, 'manager');
  if v_limit < 1 or v_limit > 500 then
    perform app.fail('invalid_argument', 'p_limit must be between 1 and 500');
  end if;
  if p_from is not null and p_to is not null and p_to <= p_from then
    perform app.fail('invalid_argument', 'p_to must be after p_from');
  end if;
  return query
    select app.settlement_json(s.id)
      from app.settlements s
     where s.merchant_id = v_ctx.merchant_id
       and (p_from is null or s.period_start >= p_from)
       and (p_to is null or s.period_start < p_to)
       and (p_before_period_start is null or s.period_start < p_before_period_start)
     order by s.period_start desc
     limit v_limit;
end
$$;
select app.deploy_rpc_grant('public.merchant_list_settlements(text, timestamptz, timestamptz, integer, timestamptz)', 'authenticated', 'service_role');
select app.deploy_comment('function', 'public.merchant_list_settlements(text, timestamptz, timestamptz, integer, timestamptz)',
  'A merchant''s settlements, newest period first, one page at a time. Manager, owner or service role.');
