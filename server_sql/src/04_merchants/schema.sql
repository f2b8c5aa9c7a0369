-- Merchants and operators: the shops, the Supabase Auth users who work there and their role,
-- and the check every merchant RPC starts with (app.merchant_context).

-- Types -------------------------------------------------------------------------------------

do $$
begin
  create type app.merchant_role as enum ('cashier', 'manager', 'owner');
exception when duplicate_object then null;
end $$;
do $$
begin
  create type app.merchant_status as enum ('active', 'suspended');
exception when duplicate_object then null;
end $$;
do $$
begin
  create type app.settlement_mode as enum ('realtime', 't_plus_1', 'monthly');
exception when duplicate_object then null;
end $$;

-- Merchants ---------------------------------------------------------------------------------
create table if not exists app.merchants (
  id uuid primary key default gen_random_uuid(),
  code text not null unique check (code ~ '^[A-Za-z0-9_-]{2,32}$'),
  name text not null check (length(btrim(name)) between 1 and 200),
  status app.merchant_status not null default 'active',
  settlement_mode app.settlement_mode not null default 't_plus_1',
  timezone text not null default 'Asia/Shanghai',
  currency text not null default 'CNY' check (currency ~ '^[A-Z]{3}$'),
  created_at timestamptz not null default app.now(),
  updated_at timestamptz not null default app.now()
);
select app.deploy_table_access('app.merchants', 'authenticated', 'service_role');

-- Operators are Supabase Auth users (auth.users.id); no FK, since shipped SQL never touches auth.
create table if not exists app.merchant_users (
  merchant_id uuid not null references app.merchants (id) on delete cascade,
  user_id uuid not null,
  role app.merchant_role not null,
  created_at timestamptz not null default app.now(),
  updated_at timestamptz not null default app.now(),
  primary key (merchant_id, user_id)
);
select app.deploy_table_access('app.merchant_users', 'authenticated', 'service_role');
select app.deploy_index('app.merchant_users_user_id_idx', $$create index if not exists merchant_users_user_id_idx on app.merchant_users (user_id)$$);

-- The merchants the signed-in operator belongs to. SECURITY DEFINER so that the policy on
-- merchant_users can use it without recursing into its own policy.
create or replace function app.my_merchant_ids() returns setof uuid
language sql stable security definer
set search_path = ''
as $$
  select mu.merchant_id from app.merchant_users mu where mu.user_id = auth.uid()
$$;
select app.deploy_rpc_grant('app.my_merchant_ids()', 'authenticated', 'service_role');

-- Merchant ids where the operator is a manager or owner (sees every transaction, settlements).
create or replace function app.my_managed_merchant_ids() returns setof uuid
language sql stable security definer
set search_path = ''
as $$
  select mu.merchant_id from app.merchant_users mu
  where mu.user_id = auth.uid() and mu.role in ('manager', 'owner')
$$;
select app.deploy_rpc_grant('app.my_managed_merchant_ids()', 'authenticated', 'service_role');

select app.deploy_policy('app.merchants', 'merchants_read_own', $$for select to authenticated
  using (id in (select app.my_merchant_ids()))$$);

select app.deploy_policy('app.merchant_users', 'merchant_users_read_own', $$for select to authenticated
  using (merchant_id in (select app.my_merchant_ids()))$$);

-- The merchant a call acts for, and the caller's role there; raises unless it is at least
-- p_min_role. The platform (service role) may act for any merchant.
-- Its OUT columns changed after the first release (migration step, convention 1).
select app.deploy_drop_function('app.merchant_context(text,app.merchant_role)',
  'merchant_id uuid, merchant_code text, merchant_name text, currency text, timezone text, settlement_mode app.settlement_mode, merchant_role text, user_id uuid');
create or replace function app.merchant_context(
  p_merchant_code text, p_min_role app.merchant_role,
  out merchant_id uuid, out merchant_code text, out merchant_name text, out currency text,
  out timezone text, out settlement_mode app.settlement_mode, out merchant_role text, out user_id uuid
)
language plpgsql stable
set search_path = ''
as $$
declare
  v_caller text := app.caller_role();
  v_uid uuid;
  v_merchant app.merchants;
  v_role app.merchant_role;
begin
  if v_caller = 'anon' then
    perform app.fail('forbidden', 'sign in as a merchant operator first');
  end if;
  if v_caller <> 'service_role' then
    v_uid := auth.uid();
  end if;
  -- The merchant and the caller's role there in one read (every merchant RPC starts here).
  select m.id, m.code, m.name, m.status, m.settlement_mode, m.timezone, m.currency, m.created_at,
         m.updated_at, mu.role
    into v_merchant.id, v_merchant.code, v_merchant.name, v_merchant.status, v_merchant.settlement_mode,
         v_merchant.timezone, v_merchant.currency, v_merchant.created_at, v_merchant.updated_at, v_role
    from app.merchants m
    left join app.merchant_users mu on mu.merchant_id = m.id and mu.user_id = v_uid
   where m.code = p_merchant_code;
  if not found then
    perform app.fail('merchant_inactive', format('no merchant has the code %s', coalesce(left(p_merchant_code, 40), 'null')));
  end if;
  if v_caller = 'service_role' then
    merchant_role := 'platform';
  else
    user_id := v_uid;
    if v_role is null then
      perform app.fail('forbidden', 'you are not an operator of this merchant');
    end if;
    if v_role < p_min_role then
      perform app.fail('forbidden', format('this needs the %s role; you are %s', p_min_role, v_role));
    end if;
    merchant_role := v_role::text;
  end if;
  if v_merchant.status <> 'active' then
    perform app.fail('merchant_inactive', format('merchant %s is %s', v_merchant.code, v_merchant.status));
  end if;
  merchant_id := v_merchant.id;
  merchant_code := v_merchant.code;
  merchant_name := v_merchant.name;
  currency := v_merchant.currency;
  timezone := v_merchant.timezone;
  settlement_mode := v_merchant.settlement_mode;
end
$$;

select app.deploy_private_functions();
