-- Register a counter of the merchant, or rename it (same code again). Manager or owner; the
-- platform. Registering the first terminal switches the merchant to shifts: from then on every
-- counter top-up names an open shift.
create or replace function public.merchant_register_terminal(
  p_merchant_code text,
  p_terminal_code text,
  p_name text
) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_ctx record;
  v_prev text;
  v_row app.terminals;
begin
  select * into v_ctx from app.merchant_context(p_merchant_code, 'manager');
  if p_terminal_code is null or p_terminal_code !~ '^[A-Za-z0-9_-]{1,32}$' then
    perform app.fail('invalid_argument', 'p_terminal_code must be 1 to 32 letters, digits, _ or -');
  end if;
  if p_name is null or length(btrim(p_name)) not between 1 and 200 then
    perform app.fail('invalid_argument', 'p_name must be 1 to 200 characters');
  end if;
  select t.name into v_prev from app.terminals t
   where t.merchant_id = v_ctx.merchant_id and t.code = p_terminal_code;
  insert into app.terminals (merchant_id, code, name)
  values (v_ctx.merchant_id, p_terminal_code, btrim(p_name))
  on conflict (merchant_id, code) do update set name = excluded.name, updated_at = app.now()
  returning * into v_row;
  perform app.audit(case when v_prev is null then 'terminal.register' else 'terminal.rename' end,
                    'terminal', v_row.id::text, v_ctx.merchant_id, v_ctx.merchant_role, null, null,
                    jsonb_build_object('terminal_code', p_terminal_code, 'name', v_row.name,
                                       'previous_name', v_prev));
  return jsonb_build_object('terminal_id', v_row.id, 'merchant_code', v_ctx.merchant_code,
                            'terminal_code', v_row.code, 'name', v_row.name,
                            'previous_name', v_prev, 'created_at', v_row.created_at,
                            'updated_at', v_row.updated_at);
end
$$;
select app.deploy_rpc_grant('public.merchant_register_terminal(text, text, text)', 'authenticated', 'service_role');
select app.deploy_comment('function', 'public.merchant_register_terminal(text, text, text)',
  'Register a counter of the merchant, or rename it; the first one switches the merchant to shifts. Manager, owner or service role.');

-- Open a shift on a terminal with the cash put in the drawer (0 allowed). Cashier or above.
-- At most one open shift per terminal (shift_conflict); the same key replays the first open.
create or replace function public.merchant_open_shift(
  p_merchant_code text,
  p_terminal_code text,
  p_opening_float numeric,
  p_idempotency_key text
) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_ctx record;
  v_float numeric;
  v_terminal app.terminals;
  v_fp jsonb;
  v_replay jsonb;
  v_open uuid;
  v_shift uuid;
  v_result jsonb;
begin
  select * into v_ctx from app.merchant_context(p_merchant_code, 'cashier');
  v_float := app.check_cash_amount(p_opening_float, 'the opening float');
  perform app.check_idempotency_key(p_idempotency_key);
  select t.* into v_terminal from app.terminals t
   where t.merchant_id = v_ctx.merchant_id and t.code = p_terminal_code;
  if not found then
    perform app.fail('not_found', format('no terminal %s at this merchant; a manager registers it first',
                                         coalesce(left(p_terminal_code, 40), 'null')));
  end if;

  perform app.idempotency_lock('merchant', v_ctx.merchant_id, p_idempotency_key);
  v_fp := jsonb_build_object('terminal_id', v_terminal.id, 'opening_float', v_float);
  v_replay := app.idempotency_replay('merchant', v_ctx.merchant_id, p_idempotency_key, 'open_shift', v_fp);
  if v_replay is not null then
    return v_replay;
  end if;

  -- One open at a time per terminal; the partial unique index backs this up.
  perform app.advisory_xact_lock('terminal:' || v_terminal.id::text);
  select s.id into v_open from app.shifts s where s.terminal_id = v_terminal.id and s.status = 'open';
  if v_open is not null then
    perform app.fail('shift_conflict', format(
      'terminal %s already has an open shift (%s); close it first', v_terminal.code, v_open));
  end if;
  insert into app.shifts (merchant_id, terminal_id, opened_by, opened_at, opening_float)
  values (v_ctx.merchant_id, v_terminal.id, v_ctx.user_id, app.now(), v_float)
  returning id into v_shift;

  v_result := app.shift_json(v_shift) || jsonb_build_object('operator_user_id', v_ctx.user_id, 'replayed', false);
  perform app.idempotency_store('merchant', v_ctx.merchant_id, p_idempotency_key, 'open_shift', v_fp,
                                v_result, null);
  perform app.audit('shift.open', 'shift', v_shift::text, v_ctx.merchant_id, v_ctx.merchant_role,
                    null, v_float,
                    jsonb_build_object('terminal_code', v_terminal.code, 'idempotency_key', p_idempotency_key));
  return v_result;
end
$$;
select app.deploy_rpc_grant('public.merchant_open_shift(text, text, numeric, text)', 'authenticated', 'service_role');
select app.deploy_comment('function', 'public.merchant_open_shift(text, text, numeric, text)',
  'Open a shift on a terminal with its opening float; one open shift per terminal; idempotent per merchant and key. Cashier or above.');

-- Cash into or out of an open shift's drawer that is not a top-up: pay_in, pay_out (reason
-- required), drop to the safe (reason required), cash_sale (the cash part of a sale). Cashier or
-- above. Idempotent per merchant and key (fingerprint: shift, kind, amount). p_terminal_code,
-- when the counter passes its own, must be the shift's terminal (else shift_conflict).
create or replace function public.merchant_cash_movement(
  p_merchant_code text,
  p_shift_id uuid,
  p_kind text,
  p_amount numeric,
  p_idempotency_key text,
  p_reason text default null,
  p_tag jsonb default '{}'::jsonb,
  p_terminal_code text default null
) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_ctx record;
  v_amount numeric;
  v_tag jsonb;
  v_reason text := nullif(btrim(p_reason), '');
  v_shift app.shifts;
  v_fp jsonb;
  v_replay jsonb;
  v_id uuid;
  v_result jsonb;
begin
  select * into v_ctx from app.merchant_context(p_merchant_code, 'cashier');
  if coalesce(p_kind, '') not in ('pay_in', 'pay_out', 'drop', 'cash_sale') then
    perform app.fail('invalid_argument', 'p_kind must be pay_in, pay_out, drop or cash_sale');
  end if;
  v_amount := app.check_amount(p_amount);
  perform app.check_idempotency_key(p_idempotency_key);
  v_tag := app.check_tag(p_tag);
  if length(v_reason) > 500 then
    perform app.fail('invalid_argument', 'p_reason must be at most 500 characters');
  end if;
  if p_kind in ('pay_out', 'drop') and v_reason is null then
    perform app.fail('invalid_argument', format('a %s needs a reason (p_reason)', replace(p_kind, '_', '-')));
  end if;
  select s.* into v_shift from app.shifts s where s.id = p_shift_id;
  if not found then
    perform app.fail('not_found', 'no such shift');
  end if;
  if v_shift.merchant_id <> v_ctx.merchant_id then
    perform app.fail('shift_conflict', 'this shift belongs to another merchant');
  end if;
  perform app.check_shift_terminal(v_shift, p_terminal_code);

  perform app.idempotency_lock('merchant', v_ctx.merchant_id, p_idempotency_key);
  v_fp := jsonb_build_object('shift_id', p_shift_id, 'kind', p_kind, 'amount', v_amount);
  v_replay := app.idempotency_replay('merchant', v_ctx.merchant_id, p_idempotency_key, 'cash_movement', v_fp);
  if v_replay is not null then
    return v_replay;
  end if;
  perform app.shift_for_call(v_ctx.merchant_id, p_shift_id);  -- closed: shift_closed

  -- The insert trigger re-checks the shift under its row lock (a close may be under way).
  insert into app.cash_movements (shift_id, merchant_id, kind, amount, reason, tag, operator_user_id,
                                  idempotency_key, created_at)
  values (p_shift_id, v_ctx.merchant_id, p_kind, v_amount, v_reason, v_tag, v_ctx.user_id,
          p_idempotency_key, app.now())
  returning id into v_id;
  v_result := app.cash_movement_json(v_id)
              || jsonb_build_object('merchant_code', v_ctx.merchant_code, 'currency', v_ctx.currency,
                                    'terminal_code', (select t.code from app.terminals t where t.id = v_shift.terminal_id),
                                    'replayed', false);
  perform app.idempotency_store('merchant', v_ctx.merchant_id, p_idempotency_key, 'cash_movement', v_fp,
                                v_result, null);
  perform app.audit('cash.' || p_kind, 'cash_movement', v_id::text, v_ctx.merchant_id, v_ctx.merchant_role,
                    null, v_amount,
                    jsonb_build_object('shift_id', p_shift_id, 'reason', v_reason,
                                       'idempotency_key', p_idempotency_key));
  return v_result;
end
$$;
select app.deploy_rpc_grant('public.merchant_cash_movement(text, uuid, text, numeric, text, text, jsonb, text)', 'authenticated', 'service_role');
select app.deploy_comment('function', 'public.merchant_cash_movement(text, uuid, text, numeric, text, text, jsonb, text)',
  'Cash into or out of an open shift''s drawer (pay_in, pay_out, drop, cash_sale); idempotent per merchant and key. Cashier or above.');

-- Close a shift with the counted cash: the Z report, final. The cashier who opened it, a
-- manager or owner; the platform. z_number: 1, 2, 3 ... per merchant in the order closes commit,
-- without gaps (one counter row per merchant, locked by the close). Idempotent per merchant and
-- key (fingerprint: shift, counted cash; the note is not compared). p_terminal_code as for
-- merchant_cash_movement.
create or replace function public.merchant_close_shift(
  p_merchant_code text,
  p_shift_id uuid,
  p_counted_cash numeric,
  p_idempotency_key text,
  p_note text default null,
  p_terminal_code text default null
) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_ctx record;
  v_counted numeric;
  v_note text := nullif(btrim(p_note), '');
  v_shift app.shifts;
  v_fp jsonb;
  v_replay jsonb;
  v_z integer;
  v_now timestamptz := app.now();
  v_figures jsonb;
  v_expected numeric;
  v_result jsonb;
  v_taken boolean;
begin
  select * into v_ctx from app.merchant_context(p_merchant_code, 'cashier');
  v_counted := app.check_cash_amount(p_counted_cash, 'the counted cash');
  perform app.check_idempotency_key(p_idempotency_key);
  if length(v_note) > 500 then
    perform app.fail('invalid_argument', 'p_note must be at most 500 characters');
  end if;
  select s.* into v_shift from app.shifts s where s.id = p_shift_id;
  if not found then
    perform app.fail('not_found', 'no such shift');
  end if;
  if v_shift.merchant_id <> v_ctx.merchant_id then
    perform app.fail('shift_conflict', 'this shift belongs to another merchant');
  end if;
  perform app.check_shift_terminal(v_shift, p_terminal_code);
  if v_ctx.merchant_role = 'cashier' and v_shift.opened_by is distinct from v_ctx.user_id then
    perform app.fail('forbidden', 'a shift is closed by the cashier who opened it, or by a manager');
  end if;

  perform app.idempotency_lock('merchant', v_ctx.merchant_id, p_idempotency_key);
  v_fp := jsonb_build_object('shift_id', p_shift_id, 'counted_cash', v_counted);
  v_replay := app.idempotency_replay('merchant', v_ctx.merchant_id, p_idempotency_key, 'close_shift', v_fp);
  if v_replay is not null then
    return v_replay;
  end if;

  -- The shift's lock, exclusively: waits for the money calls and movements joining the shift
  -- right now (they hold it shared, app.shift_guard_row) and keeps new ones out until we commit;
  -- then they find it closed. The read after it has a snapshot of its own, so it sees every row
  -- that joined; FOR UPDATE serialises two closes of the same shift.
  v_taken := app.advisory_xact_lock('shift:' || p_shift_id::text) is not null;
  select s.* into v_shift from app.shifts s where s.id = p_shift_id for update;
  if v_shift.status = 'closed' then
    perform app.fail('shift_closed', format('shift %s is already closed (Z %s)', p_shift_id, v_shift.z_number));
  end if;
  insert into app.shift_z_counters as c (merchant_id, last_z_number, last_closed_at)
  values (v_ctx.merchant_id, 1, v_now)
  on conflict (merchant_id) do update
    set last_z_number = c.last_z_number + 1,
        last_closed_at = greatest(c.last_closed_at, excluded.last_closed_at)
  returning c.last_z_number, c.last_closed_at into v_z, v_now;

  v_figures := app.shift_figures(p_shift_id);
  v_expected := (v_figures ->> 'expected_cash')::numeric;
  v_figures := v_figures || jsonb_build_object(
    'z_number', v_z, 'closed_at', v_now, 'closed_by', v_ctx.user_id,
    'closed_by_email', (select u.email from auth.users u where u.id = v_ctx.user_id),
    'counted_cash', v_counted, 'difference', (v_counted - v_expected)::numeric(16, 2), 'note', v_note);
  update app.shifts s
     set status = 'closed', closed_by = v_ctx.user_id, closed_at = v_now, counted_cash = v_counted,
         expected_cash = v_expected, note = v_note, z_number = v_z, report = v_figures
   where s.id = p_shift_id;

  v_result := app.shift_json(p_shift_id) || jsonb_build_object('operator_user_id', v_ctx.user_id, 'replayed', false);
  perform app.idempotency_store('merchant', v_ctx.merchant_id, p_idempotency_key, 'close_shift', v_fp,
                                v_result, null);
  perform app.audit('shift.close', 'shift', p_shift_id::text, v_ctx.merchant_id, v_ctx.merchant_role,
                    null, v_counted,
                    jsonb_build_object('z_number', v_z, 'expected_cash', v_expected,
                                       'difference', v_counted - v_expected,
                                       'idempotency_key', p_idempotency_key));
  return v_result;
end
$$;
select app.deploy_rpc_grant('public.merchant_close_shift(text, uuid, numeric, text, text, text)', 'authenticated', 'service_role');
select app.deploy_comment('function', 'public.merchant_close_shift(text, uuid, numeric, text, text, text)',
  'Close a shift with the counted cash: the final Z report, numbered per merchant without gaps; idempotent per merchant and key. Its cashier, a manager, owner or service role.');

-- One shift: while open, its running figures (the X read-out, generated_at says when); once
-- closed, the Z report exactly as the close wrote it. Cashier or above: a cashier who did not
-- open it gets its identity and their own part only (app.shift_view), in any open shift of the
-- merchant (the handover: B sells into the shift A opened) or a shift they worked in.
create or replace function public.merchant_get_shift(p_merchant_code text, p_shift_id uuid) returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_ctx record;
  v_shift app.shifts;
begin
  select * into v_ctx from app.merchant_context(p_merchant_code, 'cashier');
  select s.* into v_shift from app.shifts s where s.id = p_shift_id;
  if not found then
    perform app.fail('not_found', 'no such shift');
  end if;
  if v_shift.merchant_id <> v_ctx.merchant_id then
    perform app.fail('shift_conflict', 'this shift belongs to another merchant');
  end if;
  if not app.shift_readable(v_ctx.merchant_role, v_ctx.user_id, v_shift) then
    perform app.fail('forbidden', 'a cashier sees only their own shifts and the open ones');
  end if;
  return app.shift_json_for(v_ctx.merchant_role, v_ctx.user_id, p_shift_id);
end
$$;
select app.deploy_rpc_grant('public.merchant_get_shift(text, uuid)', 'authenticated', 'service_role');
select app.deploy_comment('function', 'public.merchant_get_shift(text, uuid)',
  'One shift: running figures while open (X), the Z once closed. Cashier (another''s shift: identity and own part) or above.');

-- The merchant's shifts that were open at some moment of [p_from, p_to) (either end optional),
-- newest opening first, optionally of one terminal. Managers, owners and the platform get every
-- one, whole. A cashier gets the shifts they opened (whole) and those they worked in (their own
-- part, app.shift_view); with p_terminal_code also that terminal's open shift (their own part):
-- so a cashier signing in at a counter finds the shift a colleague opened there. p_limit 1 to 500.
create or replace function public.merchant_list_shifts(
  p_merchant_code text,
  p_from timestamptz default null,
  p_to timestamptz default null,
  p_terminal_code text default null,
  p_limit integer default 100
) returns setof jsonb
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_ctx record;
  v_terminal uuid;
  v_limit integer := coalesce(p_limit, 100);
begin
  select * into v_ctx from app.merchant_context(p_merchant_code, 'cashier');
  if v_limit < 1 or v_limit > 500 then
    perform app.fail('invalid_argument', 'p_limit must be between 1 and 500');
  end if;
  if p_from is not null and p_to is not null and p_to <= p_from then
    perform app.fail('invalid_argument', 'p_to must be after p_from');
  end if;
  if p_terminal_code is not null then
    select t.id into v_terminal from app.terminals t
     where t.merchant_id = v_ctx.merchant_id and t.code = p_terminal_code;
    if v_terminal is null then
      perform app.fail('not_found', format('no terminal %s at this merchant', left(p_terminal_code, 40)));
    end if;
  end if;
  return query
    select app.shift_json_for(v_ctx.merchant_role, v_ctx.user_id, s.id)
      from app.shifts s
     where s.merchant_id = v_ctx.merchant_id
       and (v_terminal is null or s.terminal_id = v_terminal)
       and (p_to is null or s.opened_at < p_to)
       and (p_from is null or s.closed_at is null or s.closed_at >= p_from)
       and app.shift_readable(v_ctx.merchant_role, v_ctx.user_id, s)
       -- A cashier's list keeps to their own shifts (opened, worked in); naming the terminal
       -- also finds its open shift, whoever opened it (the counter's look-up at sign-in).
       and (v_terminal is not null or v_ctx.merchant_role <> 'cashier' or s.opened_by = v_ctx.user_id
            or app.shift_worked_in(v_ctx.user_id, s.id))
     order by s.opened_at desc, s.id desc
     limit v_limit;
end
$$;
select app.deploy_rpc_grant('public.merchant_list_shifts(text, timestamptz, timestamptz, text, integer)', 'authenticated', 'service_role');
select app.deploy_comment('function', 'public.merchant_list_shifts(text, timestamptz, timestamptz, text, integer)',
  'Shifts open at some moment of a range, newest first, optionally of one terminal. Cashier (own; with the terminal its open shift, as own part) or above.');
