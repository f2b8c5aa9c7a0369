-- Shifts (contract §9, shop operations): terminals, shifts and the cash drawer. Added after the
-- first release, so it applies on a database that is selling, like every domain. A merchant
-- starts running shifts when a manager registers its first terminal; from then on every
-- counter top-up names an open shift. Operators read shifts and cash only through the RPCs
-- (which apply the cashier/manager rule), so these tables are read by service_role alone.

create table if not exists app.terminals (
  id uuid primary key default gen_random_uuid(),
  merchant_id uuid not null references app.merchants (id) on delete restrict,
  code text not null check (code ~ '^[A-Za-z0-9_-]{1,32}$'),
  name text not null check (length(btrim(name)) between 1 and 200),
  created_at timestamptz not null default app.now(),
  updated_at timestamptz not null default app.now(),
  unique (merchant_id, code)
);
select app.deploy_table_access('app.terminals', 'service_role');
select app.deploy_comment('table', 'app.terminals', 'One counter of a merchant; shifts, cash and its money calls are attributed to it.');

-- A shift: opened with a float, closed once with a count. The closing figures and the report
-- are written in the same statement that closes it, and a trigger keeps a closed shift as it is.
create table if not exists app.shifts (
  id uuid primary key default gen_random_uuid(),
  merchant_id uuid not null references app.merchants (id) on delete restrict,
  terminal_id uuid not null references app.terminals (id) on delete restrict,
  status text not null default 'open' check (status in ('open', 'closed')),
  opened_by uuid,
  opened_at timestamptz not null default app.now(),
  opening_float numeric(14, 2) not null check (opening_float >= 0),
  closed_by uuid,
  closed_at timestamptz,
  counted_cash numeric(14, 2) check (counted_cash >= 0),
  expected_cash numeric(14, 2),
  note text check (length(note) <= 500),
  z_number integer check (z_number >= 1),
  report jsonb,
  check ((status = 'closed') = (closed_at is not null)),
  check (status = 'open' or (counted_cash is not null and expected_cash is not null
                             and z_number is not null and report is not null))
);
select app.deploy_table_access('app.shifts', 'service_role');
-- At most one open shift per terminal; z numbers unique per merchant.
select app.deploy_index('app.shifts_one_open_per_terminal', $$create unique index if not exists shifts_one_open_per_terminal on app.shifts (terminal_id) where status = 'open'$$);
select app.deploy_index('app.shifts_merchant_z_number_key', $$create unique index if not exists shifts_merchant_z_number_key on app.shifts (merchant_id, z_number) where z_number is not null$$);
select app.deploy_index('app.shifts_terminal_opened_idx', $$create index if not exists shifts_terminal_opened_idx on app.shifts (terminal_id, opened_at desc)$$);
select app.deploy_index('app.shifts_merchant_opened_idx', $$create index if not exists shifts_merchant_opened_idx on app.shifts (merchant_id, opened_at desc)$$);
select app.deploy_index('app.shifts_opened_by_idx', $$create index if not exists shifts_opened_by_idx on app.shifts (opened_by, opened_at desc) where opened_by is not null$$);

-- The last z number handed out per merchant. Closing takes this row's lock, so closes of one
-- merchant are numbered in the order they commit, and a close that rolls back gives its number
-- back with it (a sequence would leave a gap). last_closed_at keeps closed_at in z order too
-- (app.now() is a transaction's start, and two closes can start in the other order).
create table if not exists app.shift_z_counters (
  merchant_id uuid primary key references app.merchants (id) on delete restrict,
  last_z_number integer not null default 0 check (last_z_number >= 0),
  last_closed_at timestamptz
);
select app.deploy_table_access('app.shift_z_counters', 'service_role');

-- Cash into or out of a drawer that is not a top-up: pay-ins, pay-outs, drops to the safe, and
-- the cash part of a split sale. Append-only.
create table if not exists app.cash_movements (
  id uuid primary key default gen_random_uuid(),
  shift_id uuid not null references app.shifts (id) on delete restrict,
  merchant_id uuid not null references app.merchants (id) on delete restrict,
  kind text not null check (kind in ('pay_in', 'pay_out', 'drop', 'cash_sale')),
  amount numeric(14, 2) not null check (amount > 0),
  reason text check (length(reason) <= 500),
  tag jsonb not null default '{}'::jsonb,
  operator_user_id uuid,
  idempotency_key text,
  created_at timestamptz not null default app.now(),
  check (kind not in ('pay_out', 'drop') or length(btrim(coalesce(reason, ''))) > 0)
);
select app.deploy_table_access('app.cash_movements', 'service_role');
select app.deploy_index('app.cash_movements_shift_idx', $$create index if not exists cash_movements_shift_idx on app.cash_movements (shift_id, created_at)$$);
select app.deploy_index('app.cash_movements_merchant_idx', $$create index if not exists cash_movements_merchant_idx on app.cash_movements (merchant_id, created_at desc)$$);
-- merchant_resolve_attempt looks a movement up by its key once the registry has forgotten it.
select app.deploy_index('app.cash_movements_merchant_key_idx', $$create index if not exists cash_movements_merchant_key_idx on app.cash_movements (merchant_id, idempotency_key) where idempotency_key is not null$$);

-- Money calls made from a terminal name their shift (a counter top-up always does): the
-- column is app.transactions' own (05_money); its foreign key comes here, after app.shifts.
select app.deploy_constraint('app.transactions', 'transactions_shift_id_fkey',
                             'foreign key (shift_id) references app.shifts (id) on delete restrict');

-- A closed shift is final: nothing changes it, nothing joins it. A row joining a shift takes
-- the shift's advisory lock shared, then reads its status: a close holds that lock exclusively
-- from before it reads the shift until it commits, so the joiner waits for a close in progress
-- and then sees it closed (the read is a statement after the lock, with a snapshot of its own);
-- a close waits in turn for the rows already joining. So a movement racing a close is either in
-- the report or refused, never lost. (It used to read the shift row FOR SHARE: a tuple lock, so
-- a WAL record and a dirtied page on every sale; the advisory lock is memory only.)
create or replace function app.shift_guard_row() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_status text;
  v_taken boolean;
begin
  if tg_op = 'INSERT' then
    if new.shift_id is null then
      return new;
    end if;
    v_taken := app.advisory_xact_lock_shared('shift:' || new.shift_id::text) is not null;
    select s.status into v_status from app.shifts s where s.id = new.shift_id;
    if v_status = 'closed' then
      perform app.fail('shift_closed', format('shift %s is closed; open a new shift', new.shift_id));
    end if;
    return new;
  end if;
  -- UPDATE or DELETE of a row that belongs to a shift: only while that shift is open, and
  -- never for a cash movement (append-only).
  if old.shift_id is not null then
    select s.status into v_status from app.shifts s where s.id = old.shift_id for share;
    if v_status = 'closed' then
      perform app.fail('shift_closed', format('shift %s is closed and final', old.shift_id));
    end if;
  end if;
  if tg_table_name = 'cash_movements' then
    perform app.fail('forbidden', 'cash movements are append-only');
  end if;
  return case tg_op when 'DELETE' then old else new end;
end
$$;

create or replace function app.shift_guard_final() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if old.status = 'closed' then
    perform app.fail('shift_closed', format('shift %s is closed and final', old.id));
  end if;
  if tg_op = 'DELETE' then
    perform app.fail('forbidden', 'shifts are never deleted');
  end if;
  if new.id <> old.id or new.merchant_id <> old.merchant_id or new.terminal_id <> old.terminal_id
     or new.opened_at <> old.opened_at or new.opening_float <> old.opening_float
     or new.opened_by is distinct from old.opened_by then
    perform app.fail('forbidden', 'an open shift''s opening is fixed');
  end if;
  return new;
end
$$;

select app.deploy_trigger('app.shifts', 'shifts_final', 'before update or delete',
                          'for each row execute function app.shift_guard_final()');
select app.deploy_trigger('app.cash_movements', 'cash_movements_in_open_shift', 'before insert or update or delete',
                          'for each row execute function app.shift_guard_row()');
-- On transactions the function returns at once for a row that names no shift. (No WHEN clause:
-- app.deploy_trigger compares triggers with pg_get_expr, which cannot render a qual on NEW/OLD.)
select app.deploy_trigger('app.transactions', 'transactions_in_open_shift', 'before insert or update or delete',
                          'for each row execute function app.shift_guard_row()');

-- The shift a money call names: of this merchant (else shift_conflict), open (else
-- shift_closed). The insert trigger checks "open" again under the row lock.
create or replace function app.shift_for_call(p_merchant_id uuid, p_shift_id uuid) returns app.shifts
language plpgsql stable
set search_path = ''
as $$
declare
  v_shift app.shifts;
begin
  select s.* into v_shift from app.shifts s where s.id = p_shift_id;
  if not found then
    perform app.fail('not_found', 'no such shift');
  end if;
  if v_shift.merchant_id <> p_merchant_id then
    perform app.fail('shift_conflict', 'this shift belongs to another merchant');
  end if;
  if v_shift.status = 'closed' then
    perform app.fail('shift_closed', format('shift %s is closed; open a new shift', p_shift_id));
  end if;
  return v_shift;
end
$$;

-- A counter that names its terminal along with a shift (p_terminal_code) is told when the
-- shift is another terminal's: shift_conflict, before anything is written.
create or replace function app.check_shift_terminal(p_shift app.shifts, p_terminal_code text) returns void
language plpgsql stable
set search_path = ''
as $$
begin
  if p_terminal_code is not null and not exists (
       select 1 from app.terminals t where t.id = p_shift.terminal_id and t.code = p_terminal_code) then
    perform app.fail('shift_conflict', format('this shift belongs to another terminal than %s', left(p_terminal_code, 40)));
  end if;
end
$$;

-- A counter top-up takes cash into a drawer: once the merchant runs shifts (has a terminal),
-- it must name an open shift of the merchant. Returns the shift id to record (null otherwise).
create or replace function app.shift_for_topup(p_merchant_id uuid, p_shift_id uuid) returns uuid
language plpgsql stable
set search_path = ''
as $$
begin
  if p_shift_id is not null then
    return (app.shift_for_call(p_merchant_id, p_shift_id)).id;
  end if;
  if exists (select 1 from app.terminals t where t.merchant_id = p_merchant_id) then
    perform app.fail('invalid_argument',
      'this shop runs shifts: a counter top-up takes cash into a drawer, so pass p_shift_id of the terminal''s open shift');
  end if;
  return null;
end
$$;

-- An amount of cash counted or put in a drawer: like app.check_amount, except that 0 is allowed.
create or replace function app.check_cash_amount(p_amount numeric, p_what text) returns numeric
language plpgsql stable
set search_path = ''
as $$
begin
  if p_amount = 0 then
    return 0.00;
  end if;
  if p_amount < 0 then
    perform app.fail('invalid_amount', format('%s cannot be negative', p_what));
  end if;
  return app.check_amount(p_amount);
end
$$;

-- A shift's figures, computed from its rows: what the X read-out shows for an open shift and
-- what the close writes down for good. expected_cash = opening_float + cash top-ups + cash
-- sales + pay-ins - pay-outs - drops (refunds go back to the card, never out of the drawer).
-- p_operator: only that operator's rows (their part of the shift, app.shift_json_for); null: all.
create or replace function app.shift_figures(p_shift_id uuid, p_operator uuid) returns jsonb
language sql stable
set search_path = ''
as $$
  with s as (select * from app.shifts where id = p_shift_id),
  tx as (
    select t.kind, t.operator_user_id, t.raw_amount, t.discount_amount, t.amount
      from app.transactions t
     where t.shift_id = p_shift_id and (p_operator is null or t.operator_user_id = p_operator)
  ),
  mv as (
    select m.kind, m.operator_user_id, m.amount
      from app.cash_movements m
     where m.shift_id = p_shift_id and (p_operator is null or m.operator_user_id = p_operator)
  ),
  ops as (
    select operator_user_id from tx union select operator_user_id from mv
  ),
  per_op as (
    select o.operator_user_id,
           jsonb_build_object(
             'operator_user_id', o.operator_user_id,
             'email', (select u.email from auth.users u where u.id = o.operator_user_id),
             'payments_count', (select count(*) from tx where tx.kind = 'payment' and tx.operator_user_id is not distinct from o.operator_user_id),
             'payments_paid', (select coalesce(sum(tx.amount), 0) from tx where tx.kind = 'payment' and tx.operator_user_id is not distinct from o.operator_user_id)::numeric(16, 2),
             'refunds_count', (select count(*) from tx where tx.kind = 'refund' and tx.operator_user_id is not distinct from o.operator_user_id),
             'refunds_amount', (select coalesce(sum(tx.amount), 0) from tx where tx.kind = 'refund' and tx.operator_user_id is not distinct from o.operator_user_id)::numeric(16, 2),
             'topups_count', (select count(*) from tx where tx.kind = 'recharge' and tx.operator_user_id is not distinct from o.operator_user_id),
             'topups_amount', (select coalesce(sum(tx.amount), 0) from tx where tx.kind = 'recharge' and tx.operator_user_id is not distinct from o.operator_user_id)::numeric(16, 2),
             'cash_movements_count', (select count(*) from mv where mv.operator_user_id is not distinct from o.operator_user_id),
             'cash_in', (select coalesce(sum(mv.amount), 0) from mv where mv.kind in ('pay_in', 'cash_sale') and mv.operator_user_id is not distinct from o.operator_user_id)::numeric(16, 2),
             'cash_out', (select coalesce(sum(mv.amount), 0) from mv where mv.kind in ('pay_out', 'drop') and mv.operator_user_id is not distinct from o.operator_user_id)::numeric(16, 2)
           ) as figures
      from ops o
  ),
  k as (
    select count(*) filter (where tx.kind = 'payment') as payments_count,
           coalesce(sum(tx.raw_amount) filter (where tx.kind = 'payment'), 0) as payments_raw,
           coalesce(sum(tx.discount_amount) filter (where tx.kind = 'payment'), 0) as payments_discount,
           coalesce(sum(tx.amount) filter (where tx.kind = 'payment'), 0) as payments_paid,
           count(*) filter (where tx.kind = 'refund') as refunds_count,
           coalesce(sum(tx.amount) filter (where tx.kind = 'refund'), 0) as refunds_amount,
           count(*) filter (where tx.kind = 'recharge') as topups_count,
           coalesce(sum(tx.amount) filter (where tx.kind = 'recharge'), 0) as topups_amount
      from tx
  ),
  c as (
    select count(*) filter (where mv.kind = 'pay_in') as pay_ins_count,
           coalesce(sum(mv.amount) filter (where mv.kind = 'pay_in'), 0) as pay_ins_amount,
           count(*) filter (where mv.kind = 'pay_out') as pay_outs_count,
           coalesce(sum(mv.amount) filter (where mv.kind = 'pay_out'), 0) as pay_outs_amount,
           count(*) filter (where mv.kind = 'drop') as drops_count,
           coalesce(sum(mv.amount) filter (where mv.kind = 'drop'), 0) as drops_amount,
           count(*) filter (where mv.kind = 'cash_sale') as cash_sales_count,
           coalesce(sum(mv.amount) filter (where mv.kind = 'cash_sale'), 0) as cash_sales_amount
      from mv
  )
  select jsonb_build_object(
    'opening_float', s.opening_float,
    'payments_count', k.payments_count, 'payments_raw', k.payments_raw::numeric(16, 2),
    'payments_discount', k.payments_discount::numeric(16, 2), 'payments_paid', k.payments_paid::numeric(16, 2),
    'refunds_count', k.refunds_count, 'refunds_amount', k.refunds_amount::numeric(16, 2),
    'topups_count', k.topups_count, 'topups_amount', k.topups_amount::numeric(16, 2),
    'pay_ins_count', c.pay_ins_count, 'pay_ins_amount', c.pay_ins_amount::numeric(16, 2),
    'pay_outs_count', c.pay_outs_count, 'pay_outs_amount', c.pay_outs_amount::numeric(16, 2),
    'drops_count', c.drops_count, 'drops_amount', c.drops_amount::numeric(16, 2),
    'cash_sales_count', c.cash_sales_count, 'cash_sales_amount', c.cash_sales_amount::numeric(16, 2),
    'expected_cash', (s.opening_float + k.topups_amount + c.cash_sales_amount + c.pay_ins_amount
                      - c.pay_outs_amount - c.drops_amount)::numeric(16, 2),
    'by_operator', coalesce((select jsonb_agg(p.figures order by p.figures ->> 'email', p.operator_user_id) from per_op p), '[]'::jsonb))
  from s, k, c
$$;

-- The whole shift's figures (every operator's rows).
create or replace function app.shift_figures(p_shift_id uuid) returns jsonb
language sql stable
set search_path = ''
as $$
  select app.shift_figures(p_shift_id, null)
$$;

-- Who opened and closed a shift on which terminal: what any operator who may see the shift sees.
create or replace function app.shift_identity(p_shift_id uuid) returns jsonb
language sql stable
set search_path = ''
as $$
  select jsonb_build_object(
    'shift_id', s.id, 'merchant_code', m.code, 'currency', m.currency,
    'terminal_code', t.code, 'terminal_name', t.name, 'status', s.status,
    'opened_by', s.opened_by, 'opened_by_email', (select u.email from auth.users u where u.id = s.opened_by),
    'opened_at', s.opened_at, 'opening_float', s.opening_float,
    'closed_by', s.closed_by, 'closed_at', s.closed_at, 'z_number', s.z_number)
  from app.shifts s
  join app.merchants m on m.id = s.merchant_id
  join app.terminals t on t.id = s.terminal_id
  where s.id = p_shift_id
$$;

-- A shift as the API returns it: who opened and closed it on which terminal, and its figures
-- (live while open: the X read-out; as written at the close once closed, unchanged forever).
create or replace function app.shift_json(p_shift_id uuid) returns jsonb
language sql stable
set search_path = ''
as $$
  select app.shift_identity(s.id)
      || jsonb_build_object('counted_cash', s.counted_cash, 'note', s.note)
      || case when s.status = 'closed' then s.report
              else app.shift_figures(s.id) || jsonb_build_object('generated_at', app.now()) end
  from app.shifts s
  where s.id = p_shift_id
$$;

-- A cash movement as the API returns it.
create or replace function app.cash_movement_json(p_movement_id uuid) returns jsonb
language sql stable
set search_path = ''
as $$
  select jsonb_build_object(
    'movement_id', c.id, 'shift_id', c.shift_id, 'kind', c.kind, 'amount', c.amount,
    'reason', c.reason, 'tag', c.tag, 'operator_user_id', c.operator_user_id,
    'created_at', c.created_at)
  from app.cash_movements c where c.id = p_movement_id
$$;

-- How much of a shift the caller sees (contract §9 "a cashier sees their own shifts; a manager
-- all", extended for the handover, docs/supabase_rpc.md):
-- 'whole': managers, owners, the platform, and the cashier who opened it (they count the drawer
--   and close it, and the Z they print lists every operator);
-- 'operator': another cashier of the merchant, in any open shift (a cashier taking over a counter
--   finds its shift and sells into it) or a shift they rang anything up in: its identity and
--   their own part, never another operator's figures nor the drawer's;
-- null: nothing (a closed shift of someone else they never worked in).
-- Did this operator ring anything up in the shift (a money call or a cash movement)?
create or replace function app.shift_worked_in(p_user uuid, p_shift_id uuid) returns boolean
language sql stable
set search_path = ''
as $$
  select exists (select 1 from app.transactions t where t.shift_id = p_shift_id and t.operator_user_id = p_user)
      or exists (select 1 from app.cash_movements c where c.shift_id = p_shift_id and c.operator_user_id = p_user)
$$;

create or replace function app.shift_view(p_ctx_role text, p_user uuid, p_shift app.shifts) returns text
language sql stable
set search_path = ''
as $$
  select case
    when p_ctx_role <> 'cashier' or p_shift.opened_by = p_user then 'whole'
    when p_shift.status = 'open' or app.shift_worked_in(p_user, p_shift.id) then 'operator'
  end
$$;

-- May the caller read this shift at all (app.shift_view)?
create or replace function app.shift_readable(p_ctx_role text, p_user uuid, p_shift app.shifts) returns boolean
language sql stable
set search_path = ''
as $$
  select app.shift_view(p_ctx_role, p_user, p_shift) is not null
$$;

-- A shift as this caller may read it (app.shift_view): the whole shift, or its identity and the
-- caller's own part, marked scope = 'own' (as merchant_daily_summary's), whose totals and by_operator are the caller's
-- rows only and whose drawer figures (expected, counted, difference) are null. Null: unreadable.
create or replace function app.shift_json_for(p_ctx_role text, p_user uuid, p_shift_id uuid) returns jsonb
language sql stable
set search_path = ''
as $$
  select case app.shift_view(p_ctx_role, p_user, s)
    when 'whole' then app.shift_json(s.id)
    when 'operator' then
      app.shift_identity(s.id)
      || app.shift_figures(s.id, p_user)
      || jsonb_build_object('scope', 'own', 'expected_cash', null, 'counted_cash', null,
                            'difference', null, 'note', null)
      || case when s.status = 'open' then jsonb_build_object('generated_at', app.now()) else '{}'::jsonb end
  end
  from app.shifts s
  where s.id = p_shift_id
$$;

select app.deploy_private_functions();
