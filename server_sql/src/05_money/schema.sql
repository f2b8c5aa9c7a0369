-- Money: every movement of a card's balance (transactions), the idempotency registry every
-- money call goes through, and the helpers that charge, refund and top up.

-- Types -------------------------------------------------------------------------------------

do $$
begin
  create type app.tx_kind as enum ('payment', 'refund', 'recharge');
exception when duplicate_object then null;
end $$;
-- Transactions ------------------------------------------------------------------------------
-- One row per money movement. `amount` is what moved the card's balance (paid for a payment,
-- the refund, the top-up), so: balance = Σ recharge − Σ payment + Σ refund, always.
create table if not exists app.transactions (
  id uuid primary key default gen_random_uuid(),
  kind app.tx_kind not null,
  card_id uuid not null references app.cards (id) on delete restrict,
  member_id uuid not null references app.member_profiles (id) on delete restrict,
  merchant_id uuid references app.merchants (id) on delete restrict,
  operator_user_id uuid,
  raw_amount numeric(14, 2) not null check (raw_amount > 0),
  discount_amount numeric(14, 2) not null default 0 check (discount_amount >= 0),
  amount numeric(14, 2) not null check (amount >= 0),
  balance_after numeric(14, 2) not null check (balance_after >= 0),
  points_delta bigint not null default 0,
  level_code text,
  original_tx_id uuid references app.transactions (id) on delete restrict,
  reason text check (length(reason) <= 500),
  tag jsonb not null default '{}'::jsonb,
  idempotency_key text,
  created_at timestamptz not null default app.now(),
  shift_id uuid,  -- the shift it was rung up in (contract §9); its foreign key: 08_shifts
  check (discount_amount <= raw_amount),
  check (kind = 'payment' or discount_amount = 0),
  check ((kind = 'refund') = (original_tx_id is not null)),
  check (kind <> 'payment' or merchant_id is not null)
);
select app.deploy_table_access('app.transactions', 'authenticated', 'service_role');
-- shift_id came with contract §9: a database installed by the first release gets it here.
select app.deploy_column('app.transactions', 'shift_id', 'shift_id uuid');
select app.deploy_index('app.transactions_shift_id_idx', $$create index if not exists transactions_shift_id_idx on app.transactions (shift_id) where shift_id is not null$$);
select app.deploy_index('app.transactions_merchant_created_idx', $$create index if not exists transactions_merchant_created_idx on app.transactions (merchant_id, created_at desc, id desc)$$);
select app.deploy_index('app.transactions_operator_created_idx', $$create index if not exists transactions_operator_created_idx on app.transactions (operator_user_id, created_at desc, id desc) where operator_user_id is not null$$);
select app.deploy_index('app.transactions_card_id_idx', $$create index if not exists transactions_card_id_idx on app.transactions (card_id, created_at desc)$$);
select app.deploy_index('app.transactions_member_id_idx', $$create index if not exists transactions_member_id_idx on app.transactions (member_id)$$);
select app.deploy_index('app.transactions_original_tx_id_idx', $$create index if not exists transactions_original_tx_id_idx on app.transactions (original_tx_id) where original_tx_id is not null$$);
-- merchant_resolve_attempt finds a money call by its key here once the registry has forgotten it.
select app.deploy_index('app.transactions_merchant_key_idx', $$create index if not exists transactions_merchant_key_idx on app.transactions (merchant_id, idempotency_key) where idempotency_key is not null$$);

-- Idempotency: one registry for every money-moving call. The key is scoped to the merchant
-- (charges, refunds, counter top-ups) or to the card (recharge_card) or to the member (a voucher's
-- initial load). The fingerprint is what must match for a replay; the result is what the first
-- call returned. Rows are written in the same transaction as the money, so a failed call leaves
-- nothing and its retry is judged afresh.
create table if not exists app.idempotency_registry (
  scope text not null check (scope in ('merchant', 'card', 'member')),
  scope_id uuid not null,
  idempotency_key text not null check (length(idempotency_key) between 1 and 128),
  operation text not null,
  fingerprint jsonb not null,
  result jsonb not null,
  tx_id uuid references app.transactions (id) on delete restrict,
  created_at timestamptz not null default app.now(),
  primary key (scope, scope_id, idempotency_key)
);
select app.deploy_table_access('app.idempotency_registry', 'service_role');
select app.deploy_index('app.idempotency_registry_created_at_idx', $$create index if not exists idempotency_registry_created_at_idx on app.idempotency_registry (created_at)$$);
select app.deploy_index('app.idempotency_registry_tx_id_idx', $$create index if not exists idempotency_registry_tx_id_idx on app.idempotency_registry (tx_id)$$);

-- Idempotency -------------------------------------------------------------------------------
-- Same scope and key at the same moment: the second caller waits here until the first commits,
-- then finds its result in the registry.
create or replace function app.idempotency_lock(p_scope text, p_scope_id uuid, p_key text) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  v_taken boolean;
begin
  -- no executor (see app.advisory_xact_lock)
  v_taken := app.advisory_xact_lock('idem:' || p_scope || ':' || p_scope_id::text || ':' || p_key) is not null;
end
$$;

-- The original result (with replayed: true) when this key was used for the same request;
-- idempotency_conflict when it was used for another; null when it is new.
create or replace function app.idempotency_replay(
  p_scope text, p_scope_id uuid, p_key text, p_operation text, p_fingerprint jsonb
) returns jsonb
language plpgsql stable
set search_path = ''
as $$
declare
  v_row app.idempotency_registry;
begin
  select r.* into v_row from app.idempotency_registry r
   where r.scope = p_scope and r.scope_id = p_scope_id and r.idempotency_key = p_key;
  if not found then
    return null;
  end if;
  if v_row.operation = 'void' then
    perform app.fail('idempotency_conflict',
      'this attempt was voided after its outcome was unknown, and nothing was charged; start a new sale');
  end if;
  if v_row.operation <> p_operation or v_row.fingerprint <> p_fingerprint then
    perform app.fail('idempotency_conflict', format(
      'this idempotency key was already used for a different request (%s); use a new key for a new request',
      v_row.operation));
  end if;
  return v_row.result || jsonb_build_object('replayed', true);
end
$$;

create or replace function app.idempotency_store(
  p_scope text, p_scope_id uuid, p_key text, p_operation text, p_fingerprint jsonb,
  p_result jsonb, p_tx_id uuid
) returns void
language plpgsql volatile
set search_path = ''
as $$
begin
  insert into app.idempotency_registry (scope, scope_id, idempotency_key, operation, fingerprint, result, tx_id)
  values (p_scope, p_scope_id, p_key, p_operation, p_fingerprint, p_result, p_tx_id);
end
$$;

-- A cashier reads only the rows they rang up; managers and owners read the whole merchant.
select app.deploy_policy('app.transactions', 'transactions_read_own', $$for select to authenticated
  using (
    merchant_id in (select app.my_managed_merchant_ids())
    or (merchant_id in (select app.my_merchant_ids()) and operator_user_id = auth.uid())
  )$$);

-- Operations: cards whose balance disagrees with their transactions (should always be empty).
create or replace function app.card_balance_discrepancies()
returns table (card_id uuid, balance numeric, from_transactions numeric)
language sql stable
set search_path = ''
as $$
  select c.id, c.balance, coalesce(t.total, 0)
  from app.cards c
  left join (
    select x.card_id,
           sum(case x.kind when 'payment' then -x.amount else x.amount end) as total
    from app.transactions x group by x.card_id
  ) t on t.card_id = c.id
  where c.balance <> coalesce(t.total, 0)
$$;

-- Put money on a card (a top-up, or a card's initial load). The caller holds the card lock
-- and the idempotency key lock. Vouchers are loaded once at issue and never topped up.
-- p_shift_id: the open shift whose drawer took the cash (a counter top-up), else null.
create or replace function app.credit_card_at(
  p_card_id uuid, p_amount numeric, p_merchant_id uuid, p_operator uuid, p_merchant_role text,
  p_tag jsonb, p_idempotency_key text, p_initial_load boolean, p_shift_id uuid
) returns jsonb
language plpgsql volatile
set search_path = ''
as $$
declare
  v_card app.cards := app.card_for_use(p_card_id);
  v_owner uuid := app.card_owner(p_card_id);
  v_tx uuid := gen_random_uuid();
  v_now timestamptz := app.now();
begin
  if v_card.card_type = 'voucher' and not p_initial_load then
    perform app.fail('card_inactive', 'a voucher cannot be recharged');
  end if;
  update app.cards c set balance = c.balance + p_amount, updated_at = v_now
   where c.id = p_card_id returning * into v_card;
  insert into app.transactions (id, kind, card_id, member_id, merchant_id, operator_user_id,
                                raw_amount, amount, balance_after, tag, idempotency_key, created_at, shift_id)
  values (v_tx, 'recharge', p_card_id, v_owner, p_merchant_id, p_operator,
          p_amount, p_amount, v_card.balance, coalesce(p_tag, '{}'::jsonb), p_idempotency_key, v_now, p_shift_id);
  perform app.audit('tx.recharge', 'transaction', v_tx::text, p_merchant_id, p_merchant_role,
                    p_card_id, p_amount,
                    jsonb_build_object('balance_after', v_card.balance, 'initial_load', p_initial_load,
                                       'idempotency_key', p_idempotency_key));
  return jsonb_build_object(
    'tx_id', v_tx, 'kind', 'recharge', 'card_id', p_card_id, 'card_last4', right(v_card.card_no, 4),
    'card_type', v_card.card_type, 'member_id', v_owner, 'operator_user_id', p_operator,
    'amount', p_amount, 'balance_after', v_card.balance, 'shift_id', p_shift_id,
    'created_at', v_now, 'replayed', false);
end
$$;

-- The same without a shift (loads and platform top-ups; kept for callers of the first release).
create or replace function app.credit_card(
  p_card_id uuid, p_amount numeric, p_merchant_id uuid, p_operator uuid, p_merchant_role text,
  p_tag jsonb, p_idempotency_key text, p_initial_load boolean default false
) returns jsonb
language sql volatile
set search_path = ''
as $$
  select app.credit_card_at(p_card_id, p_amount, p_merchant_id, p_operator, p_merchant_role,
                            p_tag, p_idempotency_key, p_initial_load, null)
$$;

-- A transaction as the POS shows it; a payment also lists its refunds and what is left.
create or replace function app.tx_json(p_tx_id uuid) returns jsonb
language sql stable
set search_path = ''
as $$
  select jsonb_build_object(
    'tx_id', t.id, 'kind', t.kind, 'card_id', t.card_id, 'card_last4', right(c.card_no, 4),
    'card_type', c.card_type, 'member_id', t.member_id, 'operator_user_id', t.operator_user_id,
    'raw_amount', t.raw_amount, 'discount_amount', t.discount_amount,
    'paid_amount', case when t.kind = 'payment' then t.amount end,
    'amount', t.amount, 'balance_after', t.balance_after, 'points_delta', t.points_delta,
    'level_code', t.level_code, 'original_tx_id', t.original_tx_id, 'reason', t.reason,
    'tag', t.tag, 'created_at', t.created_at)
  || case when t.kind = 'payment' then jsonb_build_object(
       'refunds', coalesce(r.refunds, '[]'::jsonb),
       'refunded_total', coalesce(r.total, 0),
       'refundable_remaining', t.amount - coalesce(r.total, 0))
     else '{}'::jsonb end
  from app.transactions t
  join app.cards c on c.id = t.card_id
  left join lateral (
    select sum(x.amount) as total,
           jsonb_agg(jsonb_build_object('refund_tx_id', x.id, 'refund_amount', x.amount,
                                        'reason', x.reason, 'points_reversed', -x.points_delta,
                                        'operator_user_id', x.operator_user_id,
                                        'created_at', x.created_at)
                     order by x.created_at, x.id) as refunds
    from app.transactions x where x.original_tx_id = t.id
  ) r on true
  where t.id = p_tx_id
$$;

-- A masked member name for the counter: the first character and a fixed mask (so not even the
-- name's length is shown). Never the phone or email.
create or replace function app.mask_name(p_name text) returns text
language sql immutable
set search_path = ''
as $$ select left(btrim(p_name), 1) || '**' $$;

select app.deploy_private_functions();
