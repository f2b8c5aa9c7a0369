-- Create a merchant. Returns its id. Service role only.
create or replace function public.create_merchant(
  p_code text,
  p_name text,
  p_settlement_mode text default 't_plus_1',
  p_timezone text default 'Asia/Shanghai',
  p_currency text default 'CNY'
) returns uuid
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_id uuid;
begin
  perform app.require_service();
  if p_code is null or p_code !~ '^[A-Za-z0-9_-]{2,32}$' then
    perform app.fail('invalid_argument', 'p_code must be 2 to 32 letters, digits, _ or -');
  end if;
  if p_name is null or length(btrim(p_name)) not between 1 and 200 then
    perform app.fail('invalid_argument', 'p_name must be 1 to 200 characters');
  end if;
  if coalesce(p_settlement_mode, '') <> all (enum_range(null::app.settlement_mode)::text[]) then
    perform app.fail('invalid_argument', 'p_settlement_mode must be ' || app.or_list(enum_range(null::app.settlement_mode)::text[]));
  end if;
  if coalesce(p_currency, '') !~ '^[A-Z]{3}$' then
    perform app.fail('invalid_argument', 'p_currency must be an ISO 4217 code such as CNY');
  end if;
  begin
    perform pg_catalog.now() at time zone p_timezone;
  exception when others then
    perform app.fail('invalid_argument', format('unknown time zone %s', coalesce(left(p_timezone, 64), 'null')));
  end;
  if p_timezone is null then
    perform app.fail('invalid_argument', 'p_timezone is required');
  end if;
  if exists (select 1 from app.merchants m where m.code = p_code) then
    perform app.fail('invalid_argument', format('a merchant with code %s already exists', p_code));
  end if;
  insert into app.merchants (code, name, settlement_mode, timezone, currency)
  values (p_code, btrim(p_name), p_settlement_mode::app.settlement_mode, p_timezone, p_currency)
  returning id into v_id;
  perform app.audit('merchant.create', 'merchant', v_id::text, v_id, null, null, null,
                    jsonb_build_object('code', p_code, 'settlement_mode', p_settlement_mode,
                                       'timezone', p_timezone, 'currency', p_currency));
  return v_id;
end
$$;
select app.deploy_rpc_grant('public.create_merchant(text, text, text, text, text)', 'service_role');
select app.deploy_comment('function', 'public.create_merchant(text, text, text, text, text)',
  'Create a merchant (code, name, settlement mode, time zone, currency); returns its id. Service role.');

-- Give a Supabase Auth user a role at a merchant, or change it. Service role, or the merchant's
-- owner. A merchant always keeps at least one owner.
create or replace function public.add_merchant_user(
  p_merchant_code text,
  p_user_id uuid,
  p_role text
) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_ctx record;
  v_prev app.merchant_role;
begin
  select * into v_ctx from app.merchant_context(p_merchant_code, 'owner');
  if coalesce(p_role, '') <> all (enum_range(null::app.merchant_role)::text[]) then
    perform app.fail('invalid_argument', 'p_role must be ' || app.or_list(enum_range(null::app.merchant_role)::text[]));
  end if;
  if p_user_id is null or not exists (select 1 from auth.users u where u.id = p_user_id) then
    perform app.fail('not_found', 'no such user; create the operator in Supabase Auth first');
  end if;
  -- Serialise role changes of one merchant so the last-owner check cannot race.
  perform app.advisory_xact_lock('merchant_users:' || v_ctx.merchant_id::text);
  select mu.role into v_prev from app.merchant_users mu
   where mu.merchant_id = v_ctx.merchant_id and mu.user_id = p_user_id;
  if v_prev = 'owner' and p_role <> 'owner' and (
       select count(*) from app.merchant_users mu
        where mu.merchant_id = v_ctx.merchant_id and mu.role = 'owner') = 1 then
    perform app.fail('invalid_argument', 'a merchant must keep at least one owner');
  end if;
  insert into app.merchant_users (merchant_id, user_id, role)
  values (v_ctx.merchant_id, p_user_id, p_role::app.merchant_role)
  on conflict (merchant_id, user_id) do update set role = excluded.role, updated_at = app.now();
  perform app.audit('merchant_user.set_role', 'merchant_user', p_user_id::text, v_ctx.merchant_id,
                    v_ctx.merchant_role, null, null,
                    jsonb_build_object('role', p_role, 'previous_role', v_prev));
  return jsonb_build_object('merchant_code', v_ctx.merchant_code, 'user_id', p_user_id,
                            'role', p_role, 'previous_role', v_prev);
end
$$;
select app.deploy_rpc_grant('public.add_merchant_user(text, uuid, text)', 'authenticated', 'service_role');
select app.deploy_comment('function', 'public.add_merchant_user(text, uuid, text)',
  'Give a Supabase Auth user a role (cashier, manager, owner) at a merchant, or change it; a merchant keeps at least one owner. Owner or service role.');

-- Who am I at this merchant: role, and the merchant's name, currency and timezone.
-- runs_shifts: the merchant has registered a terminal (contract §9), so its counters sell only
-- in an open shift; a cashier can read this, though not the list of terminals.
create or replace function public.merchant_session_info(p_merchant_code text) returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_ctx record;
  v_now timestamptz := app.now();
begin
  select * into v_ctx from app.merchant_context(p_merchant_code, 'cashier');
  return jsonb_build_object(
    'merchant_code', v_ctx.merchant_code, 'merchant_name', v_ctx.merchant_name,
    'currency', v_ctx.currency, 'timezone', v_ctx.timezone,
    'settlement_mode', v_ctx.settlement_mode, 'role', v_ctx.merchant_role,
    'user_id', v_ctx.user_id, 'email', auth.jwt() ->> 'email',
    'business_day', (v_now at time zone v_ctx.timezone)::date, 'server_time', v_now,
    'runs_shifts', exists (select 1 from app.terminals t where t.merchant_id = v_ctx.merchant_id));
end
$$;
select app.deploy_rpc_grant('public.merchant_session_info(text)', 'authenticated', 'service_role');
select app.deploy_comment('function', 'public.merchant_session_info(text)',
  'The caller''s role at a merchant, and the merchant''s name, currency and time zone. Cashier or above.');

-- Take an operator off a merchant. Owner; the platform. The last owner cannot be removed
-- (invalid_argument). Every RPC reads app.merchant_users on each call, so the removed
-- operator's next call is forbidden whatever token it still holds.
create or replace function public.remove_merchant_user(p_merchant_code text, p_user_id uuid) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_ctx record;
  v_prev app.merchant_role;
begin
  select * into v_ctx from app.merchant_context(p_merchant_code, 'owner');
  perform app.advisory_xact_lock('merchant_users:' || v_ctx.merchant_id::text);
  select mu.role into v_prev from app.merchant_users mu
   where mu.merchant_id = v_ctx.merchant_id and mu.user_id = p_user_id;
  if v_prev is null then
    perform app.fail('not_found', 'this user is not an operator of this merchant');
  end if;
  if v_prev = 'owner' and (select count(*) from app.merchant_users mu
                            where mu.merchant_id = v_ctx.merchant_id and mu.role = 'owner') = 1 then
    perform app.fail('invalid_argument', 'a merchant must keep at least one owner');
  end if;
  delete from app.merchant_users mu where mu.merchant_id = v_ctx.merchant_id and mu.user_id = p_user_id;
  perform app.audit('merchant_user.remove', 'merchant_user', p_user_id::text, v_ctx.merchant_id,
                    v_ctx.merchant_role, null, null, jsonb_build_object('previous_role', v_prev));
  return jsonb_build_object('merchant_code', v_ctx.merchant_code, 'user_id', p_user_id,
                            'previous_role', v_prev, 'removed', true);
end
$$;
select app.deploy_rpc_grant('public.remove_merchant_user(text, uuid)', 'authenticated', 'service_role');
select app.deploy_comment('function', 'public.remove_merchant_user(text, uuid)',
  'Take an operator off a merchant (never its last owner); their next call is forbidden. Owner or service role.');
