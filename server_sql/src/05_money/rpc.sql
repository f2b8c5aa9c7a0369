-- Charge a member's card by its payment code. Cashier or above. Idempotent per merchant and key.
-- p_shift_id (contract §9): the terminal's open shift the sale belongs to, if any.
-- Migration step (convention 1, a signature change for contract §9): the first release's
-- five-argument overload is dropped right before its successor is created, in the same
-- transaction, so PostgREST never sees two candidates (PGRST203); a re-apply does nothing.
select app.deploy_drop_function('public.merchant_charge_by_qr(text, text, numeric, text, jsonb)');
create or replace function public.merchant_charge_by_qr(
  p_merchant_code text,
  p_qr_plain text,
  p_raw_amount numeric,
  p_idempotency_key text,
  p_tag jsonb default '{}'::jsonb,
  p_shift_id uuid default null
) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_caller text := app.caller_role();
  v_uid uuid;
  v_read record;
  v_ctx record;
  v_amount numeric;
  v_tag jsonb := p_tag;
  v_token record;
  v_card_id uuid;
  v_fp jsonb;
  v_replay jsonb;
  v_use record;
  v_checked boolean;
  v_discount numeric;
  v_paid numeric;
  v_points bigint;
  v_tx uuid := gen_random_uuid();
  v_now timestamptz := app.now();
  v_result jsonb;
  v_locked boolean;
begin
  -- The hot path of the whole system (docs/Architecture.md, "Scaling"). Each check reads what it
  -- needs in as few statements as it can and tests the case where all is well inline; anything
  -- else is handed to the helper that other RPCs use (app.merchant_context, app.check_amount,
  -- app.qr_resolve, app.shift_for_call, app.qr_live, app.card_for_use), which judges it and raises
  -- the contract's error in the contract's order. So the errors have one wording, and a helper
  -- with its search_path pinned (a GUC switch, ~2-10 us a call) runs only when a call fails.

  -- 1. Merchant, the caller's role there, the two limits and the named shift: one read.
  if v_caller = 'authenticated' then
    v_uid := auth.uid();
  end if;
  select m.id as merchant_id, m.code as merchant_code, m.currency, mu.role::text as merchant_role,
         v_uid as user_id, m.status = 'active' and mu.role >= 'cashier' as serves,
         s.merchant_id as shift_merchant_id, s.status as shift_status,
         -- The limits as set; a missing one is null, and its helper (with its default) judges.
         (select (x.value #>> '{}')::numeric from app.settings x where x.key = 'max_transaction_amount') as amount_cap,
         (select (x.value #>> '{}')::numeric from app.settings x where x.key = 'max_tag_bytes') as tag_cap
    into v_read
    from app.merchants m
    left join app.merchant_users mu on mu.merchant_id = m.id and mu.user_id = v_uid
    left join app.shifts s on s.id = p_shift_id
   where m.code = p_merchant_code;
  if found and v_uid is not null and v_read.serves then
    v_ctx := v_read;
  else
    v_ctx := app.merchant_context(p_merchant_code, 'cashier');  -- raises, or serves the platform
  end if;
  -- 2. The arguments (app.check_amount, app.check_idempotency_key, app.check_tag).
  if coalesce(p_raw_amount > 0 and p_raw_amount <= v_read.amount_cap and p_raw_amount = round(p_raw_amount, 2),
              false) then
    v_amount := p_raw_amount;
  else
    v_amount := app.check_amount(p_raw_amount);
  end if;
  if not coalesce(p_idempotency_key <> '' and length(p_idempotency_key) <= 128
                  and p_idempotency_key !~ '[[:cntrl:]]', false) then
    v_checked := app.check_idempotency_key(p_idempotency_key) is not null;
  end if;
  if not coalesce(jsonb_typeof(p_tag) = 'object' and octet_length(p_tag::text) <= v_read.tag_cap, false) then
    v_tag := app.check_tag(p_tag);
  end if;
  -- 3. The payment code's secret (app.qr_parse cuts the token at the same places). No regex
  -- here: a token of the right length and frame whose lookup id is a stored one and whose secret
  -- matches that row's bcrypt hash can only be the token that was issued; anything else finds no
  -- row or no match, and app.qr_resolve says why.
  select h.card_id, extensions.crypt(substr(p_qr_plain, 33, 32), h.secret_hash) = h.secret_hash as genuine
    into v_token
    from app.card_qr_history h
   where h.lookup_id = substr(p_qr_plain, 8, 24)
     and length(p_qr_plain) = 64 and left(p_qr_plain, 7) = 'MPSQR1.' and substr(p_qr_plain, 32, 1) = '.';
  if v_token.genuine then
    v_card_id := v_token.card_id;
  else
    v_card_id := app.qr_resolve(p_qr_plain);
  end if;

  -- 4. The key: a replay answers as the first call did.
  v_locked := app.idempotency_lock('merchant', v_ctx.merchant_id, p_idempotency_key) is not null;
  v_fp := jsonb_build_object('card_id', v_card_id, 'amount', v_amount);
  v_replay := app.idempotency_replay('merchant', v_ctx.merchant_id, p_idempotency_key, 'charge', v_fp);
  if v_replay is not null then
    return v_replay;
  end if;
  -- 5. The shift, as read in step 1 (the insert's trigger checks "open" again under the shift's lock).
  if p_shift_id is not null
     and (v_read.shift_status is distinct from 'open' or v_read.shift_merchant_id <> v_ctx.merchant_id) then
    v_checked := app.shift_for_call(v_ctx.merchant_id, p_shift_id) is not null;
  end if;

  -- 6. Under the card's lock: the code is its live one and not expired, the card may pay, and
  -- its owner's level: one read.
  v_locked := app.lock_card(v_card_id) is not null;
  select st.lookup_id is not distinct from substr(p_qr_plain, 8, 24) and st.expires_at > v_now as live,
         c.status = 'active' and (c.expires_at is null or c.expires_at > v_now) as usable,
         st.lookup_id, st.single_use, c.balance, b.member_id, l.level_code, l.discount_rate, l.points_per_unit
    into v_use
    from app.cards c
    left join app.card_qr_state st on st.card_id = c.id
    left join app.card_bindings b on b.card_id = c.id and b.role = 'owner'
    left join app.member_profiles mp on mp.id = b.member_id
    left join app.membership_levels l on l.level_code = mp.level_code
   where c.id = v_card_id;
  if not coalesce(v_use.live and v_use.usable, false) then
    -- qr_not_active, qr_expired, then not_found or card_inactive, in this order
    v_checked := app.qr_live(p_qr_plain, v_card_id) is not null;
    v_checked := app.card_for_use(v_card_id) is not null;
  end if;

  -- Half-up to the cent (numeric round is half away from zero; amounts are positive).
  v_discount := round(v_amount * v_use.discount_rate, 2);
  v_paid := v_amount - v_discount;
  if v_use.balance < v_paid then
    -- app.fail's MP002 with the figures as JSON in DETAIL too: the counter tells the member what
    -- the card still holds (match on fields, never on the sentence; docs/supabase_rpc.md).
    raise exception using errcode = 'MP002',
      message = format('insufficient_balance: the card balance %s is less than %s', v_use.balance, v_paid),
      detail = jsonb_build_object('balance', v_use.balance, 'amount_due', v_paid)::text;
  end if;
  v_points := floor(v_paid * v_use.points_per_unit)::bigint;

  -- 7. Every row of the charge in one statement: the card, the code's use (as app.qr_consume
  -- records it), the transaction, the points (as app.apply_points does them: a ledger row when
  -- points move, the member's level following the points as app.level_for_points finds it), the
  -- registry row carrying the answer, the audit event (the columns app.audit fills). Foreign keys
  -- are checked at its end, when every row is in. Keep it in step with those helpers.
  with card as (
    update app.cards c set balance = c.balance - v_paid, updated_at = v_now
     where c.id = v_card_id
    returning c.balance, c.card_no, c.card_type
  ), code_used as (
    update app.card_qr_history h
       set use_count = h.use_count + 1, last_used_at = v_now,
           ended_at = case when v_use.single_use then v_now end,
           end_reason = case when v_use.single_use then 'used' end
     where h.lookup_id = v_use.lookup_id
  ), code_spent as (
    delete from app.card_qr_state s where s.card_id = v_card_id and v_use.single_use
  ), tx as (
    insert into app.transactions (id, kind, card_id, member_id, merchant_id, operator_user_id,
                                  raw_amount, discount_amount, amount, balance_after, points_delta,
                                  level_code, tag, idempotency_key, created_at, shift_id)
    select v_tx, 'payment', v_card_id, v_use.member_id, v_ctx.merchant_id, v_ctx.user_id,
           v_amount, v_discount, v_paid, card.balance, v_points,
           v_use.level_code, v_tag, p_idempotency_key, v_now, p_shift_id
      from card
    returning id
  ), ledger as (
    insert into app.point_ledger (member_id, card_id, tx_id, delta, reason, created_at)
    select v_use.member_id, v_card_id, tx.id, v_points, 'payment', v_now from tx where v_points <> 0
  ), member as (
    update app.member_profiles m
       set points = greatest(m.points + v_points, 0),
           level_code = coalesce((select l.level_code from app.membership_levels l
                                   where l.min_points <= greatest(m.points + v_points, 0)
                                   order by l.min_points desc limit 1), m.level_code),
           updated_at = v_now
     where m.id = v_use.member_id
    returning m.level_code
  ), answer as (
    select card.balance, jsonb_build_object(
      'tx_id', v_tx, 'kind', 'payment', 'merchant_code', v_ctx.merchant_code,
      'currency', v_ctx.currency, 'card_id', v_card_id, 'card_last4', right(card.card_no, 4),
      'card_type', card.card_type, 'member_id', v_use.member_id, 'operator_user_id', v_ctx.user_id,
      'raw_amount', v_amount, 'discount_rate', v_use.discount_rate,
      'discount_amount', v_discount, 'paid_amount', v_paid, 'balance_after', card.balance,
      'points_earned', v_points, 'level_code', member.level_code, 'shift_id', p_shift_id,
      'created_at', v_now, 'replayed', false) as result
      from card, member
  ), registry as (
    insert into app.idempotency_registry (scope, scope_id, idempotency_key, operation, fingerprint, result,
                                          tx_id, created_at)
    select 'merchant', v_ctx.merchant_id, p_idempotency_key, 'charge', v_fp, answer.result, tx.id, v_now
      from answer, tx
  ), audit as (
    insert into audit.event_log (occurred_at, actor_user_id, actor_role, merchant_role, action, entity_type,
                                 entity_id, merchant_id, card_id, amount, details)
    select v_now, auth.uid(), v_caller, v_ctx.merchant_role, 'tx.payment', 'transaction',
           v_tx::text, v_ctx.merchant_id, v_card_id, v_paid,
           jsonb_build_object('raw_amount', v_amount, 'discount_amount', v_discount,
                              'balance_after', answer.balance, 'points', v_points,
                              'idempotency_key', p_idempotency_key)
      from answer
  )
  select answer.result into v_result from answer;
  return v_result;
end
$$;
select app.deploy_rpc_grant('public.merchant_charge_by_qr(text, text, numeric, text, jsonb, uuid)', 'authenticated', 'service_role');
select app.deploy_comment('function', 'public.merchant_charge_by_qr(text, text, numeric, text, jsonb, uuid)',
  'Charge a member''s card by its payment code, with the level discount and points; idempotent per merchant and key. Cashier or above.');

-- Refund all or part of a payment of this merchant. Manager or owner. Idempotent per merchant
-- and key; many partial refunds per payment until its paid amount is used up.
-- p_shift_id (contract §9): the open shift of the terminal it is made from, if any; the money
-- goes back to the card, never out of the drawer. Migration step as for merchant_charge_by_qr.
select app.deploy_drop_function('public.merchant_refund_tx(text, uuid, numeric, text, text, jsonb)');
create or replace function public.merchant_refund_tx(
  p_merchant_code text,
  p_tx_id uuid,
  p_refund_amount numeric,
  p_idempotency_key text,
  p_reason text default null,
  p_tag jsonb default '{}'::jsonb,
  p_shift_id uuid default null
) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_ctx record;
  v_amount numeric;
  v_tag jsonb;
  v_orig app.transactions;
  v_fp jsonb;
  v_replay jsonb;
  v_card app.cards;
  v_refunded numeric;
  v_reversed bigint;
  v_reverse_total bigint;
  v_points bigint;
  v_window numeric := coalesce(app.setting_numeric('refund_window_days'), 180);
  v_tx uuid := gen_random_uuid();
  v_now timestamptz := app.now();
  v_new_level text;
  v_result jsonb;
begin
  select * into v_ctx from app.merchant_context(p_merchant_code, 'manager');
  v_amount := app.check_amount(p_refund_amount);
  perform app.check_idempotency_key(p_idempotency_key);
  v_tag := app.check_tag(p_tag);
  if p_reason is not null and length(p_reason) > 500 then
    perform app.fail('invalid_argument', 'p_reason must be at most 500 characters');
  end if;
  select t.* into v_orig from app.transactions t where t.id = p_tx_id;
  if not found then
    perform app.fail('not_found', 'no such transaction');
  end if;
  if v_orig.kind <> 'payment' or v_orig.merchant_id is distinct from v_ctx.merchant_id then
    perform app.fail('tx_not_refundable', 'only a payment taken by this merchant can be refunded');
  end if;

  perform app.idempotency_lock('merchant', v_ctx.merchant_id, p_idempotency_key);
  v_fp := jsonb_build_object('tx_id', p_tx_id, 'amount', v_amount);
  v_replay := app.idempotency_replay('merchant', v_ctx.merchant_id, p_idempotency_key, 'refund', v_fp);
  if v_replay is not null then
    return v_replay;
  end if;
  if v_orig.created_at < v_now - make_interval(days => v_window::integer) then
    perform app.fail('tx_not_refundable', format('payments older than %s days cannot be refunded', v_window));
  end if;
  if p_shift_id is not null then
    perform app.shift_for_call(v_ctx.merchant_id, p_shift_id);
  end if;

  perform app.lock_card(v_orig.card_id);
  select coalesce(sum(r.amount), 0), coalesce(sum(-r.points_delta), 0) into v_refunded, v_reversed
    from app.transactions r where r.original_tx_id = p_tx_id;
  if v_refunded + v_amount > v_orig.amount then
    perform app.fail('refund_exceeds_paid', format('only %s of this payment is left to refund', v_orig.amount - v_refunded));
  end if;
  select c.* into v_card from app.cards c where c.id = v_orig.card_id;
  if v_card.status = 'closed' then
    perform app.fail('card_inactive', 'the card is closed; money cannot be returned to it');
  end if;

  -- Points come back in proportion, computed on the running total so that the partial refunds
  -- of a payment reverse exactly what it earned once it is fully refunded.
  v_reverse_total := case when v_refunded + v_amount = v_orig.amount then v_orig.points_delta
                          else floor(v_orig.points_delta * (v_refunded + v_amount) / v_orig.amount)::bigint end;
  v_points := v_reverse_total - v_reversed;

  update app.cards c set balance = c.balance + v_amount, updated_at = v_now
   where c.id = v_card.id returning * into v_card;
  insert into app.transactions (id, kind, card_id, member_id, merchant_id, operator_user_id,
                                raw_amount, discount_amount, amount, balance_after, points_delta,
                                level_code, original_tx_id, reason, tag, idempotency_key, created_at, shift_id)
  values (v_tx, 'refund', v_card.id, v_orig.member_id, v_ctx.merchant_id, v_ctx.user_id,
          v_amount, 0, v_amount, v_card.balance, -v_points,
          v_orig.level_code, p_tx_id, p_reason, v_tag, p_idempotency_key, v_now, p_shift_id);
  v_new_level := app.apply_points(v_orig.member_id, v_card.id, v_tx, -v_points, 'refund');

  v_result := jsonb_build_object(
    'refund_tx_id', v_tx, 'original_tx_id', p_tx_id, 'merchant_code', v_ctx.merchant_code,
    'currency', v_ctx.currency, 'card_id', v_card.id, 'card_last4', right(v_card.card_no, 4),
    'member_id', v_orig.member_id, 'operator_user_id', v_ctx.user_id,
    'refund_amount', v_amount, 'refunded_total', v_refunded + v_amount,
    'refundable_remaining', v_orig.amount - v_refunded - v_amount,
    'balance_after', v_card.balance, 'points_reversed', v_points, 'level_code', v_new_level,
    'reason', p_reason, 'shift_id', p_shift_id, 'created_at', v_now, 'replayed', false);
  perform app.idempotency_store('merchant', v_ctx.merchant_id, p_idempotency_key, 'refund', v_fp, v_result, v_tx);
  perform app.audit('tx.refund', 'transaction', v_tx::text, v_ctx.merchant_id, v_ctx.merchant_role,
                    v_card.id, v_amount,
                    jsonb_build_object('original_tx_id', p_tx_id, 'balance_after', v_card.balance,
                                       'points_reversed', v_points, 'reason', p_reason,
                                       'idempotency_key', p_idempotency_key));
  return v_result;
end
$$;
select app.deploy_rpc_grant('public.merchant_refund_tx(text, uuid, numeric, text, text, jsonb, uuid)', 'authenticated', 'service_role');
select app.deploy_comment('function', 'public.merchant_refund_tx(text, uuid, numeric, text, text, jsonb, uuid)',
  'Refund all or part of a payment of this merchant back to the card; idempotent per merchant and key. Manager or owner.');

-- Cash top-up at the counter: the member shows the payment code, the cashier takes cash.
-- Cashier or above. Spends a single-use code like a payment does.
-- p_shift_id (contract §9): the open shift whose drawer takes the cash; required once the
-- merchant runs shifts (has a terminal). Migration step as for merchant_charge_by_qr.
select app.deploy_drop_function('public.merchant_recharge_by_qr(text, text, numeric, text, jsonb)');
create or replace function public.merchant_recharge_by_qr(
  p_merchant_code text,
  p_qr_plain text,
  p_amount numeric,
  p_idempotency_key text,
  p_tag jsonb default '{}'::jsonb,
  p_shift_id uuid default null
) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_ctx record;
  v_amount numeric;
  v_tag jsonb;
  v_card_id uuid;
  v_fp jsonb;
  v_replay jsonb;
  v_result jsonb;
  v_shift uuid;
begin
  select * into v_ctx from app.merchant_context(p_merchant_code, 'cashier');
  v_amount := app.check_amount(p_amount);
  perform app.check_idempotency_key(p_idempotency_key);
  v_tag := app.check_tag(p_tag);
  v_card_id := app.qr_resolve(p_qr_plain);

  perform app.idempotency_lock('merchant', v_ctx.merchant_id, p_idempotency_key);
  v_fp := jsonb_build_object('card_id', v_card_id, 'amount', v_amount);
  v_replay := app.idempotency_replay('merchant', v_ctx.merchant_id, p_idempotency_key, 'recharge', v_fp);
  if v_replay is not null then
    return v_replay;
  end if;
  v_shift := app.shift_for_topup(v_ctx.merchant_id, p_shift_id);

  perform app.lock_card(v_card_id);
  perform app.qr_consume(p_qr_plain, v_card_id);
  v_result := app.credit_card_at(v_card_id, v_amount, v_ctx.merchant_id, v_ctx.user_id,
                                 v_ctx.merchant_role, v_tag, p_idempotency_key, false, v_shift)
              || jsonb_build_object('merchant_code', v_ctx.merchant_code, 'currency', v_ctx.currency);
  perform app.idempotency_store('merchant', v_ctx.merchant_id, p_idempotency_key, 'recharge', v_fp,
                                v_result, (v_result ->> 'tx_id')::uuid);
  return v_result;
end
$$;
select app.deploy_rpc_grant('public.merchant_recharge_by_qr(text, text, numeric, text, jsonb, uuid)', 'authenticated', 'service_role');
select app.deploy_comment('function', 'public.merchant_recharge_by_qr(text, text, numeric, text, jsonb, uuid)',
  'Cash top-up at the counter by the member''s payment code; idempotent per merchant and key. Cashier or above.');

-- Top up a card from the member app (paid through the platform). Service role. Idempotent per
-- card and key.
create or replace function public.recharge_card(
  p_card_id uuid,
  p_amount numeric,
  p_idempotency_key text,
  p_tag jsonb default '{}'::jsonb
) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_amount numeric;
  v_tag jsonb;
  v_fp jsonb;
  v_replay jsonb;
  v_result jsonb;
begin
  perform app.require_service();
  v_amount := app.check_amount(p_amount);
  perform app.check_idempotency_key(p_idempotency_key);
  v_tag := app.check_tag(p_tag);
  if p_card_id is null or not exists (select 1 from app.cards c where c.id = p_card_id) then
    perform app.fail('not_found', 'no such card');
  end if;

  perform app.idempotency_lock('card', p_card_id, p_idempotency_key);
  v_fp := jsonb_build_object('amount', v_amount);
  v_replay := app.idempotency_replay('card', p_card_id, p_idempotency_key, 'recharge', v_fp);
  if v_replay is not null then
    return v_replay;
  end if;

  perform app.lock_card(p_card_id);
  v_result := app.credit_card(p_card_id, v_amount, null, null, null, v_tag, p_idempotency_key);
  perform app.idempotency_store('card', p_card_id, p_idempotency_key, 'recharge', v_fp, v_result,
                                (v_result ->> 'tx_id')::uuid);
  return v_result;
end
$$;
select app.deploy_rpc_grant('public.recharge_card(uuid, numeric, text, jsonb)', 'service_role');
select app.deploy_comment('function', 'public.recharge_card(uuid, numeric, text, jsonb)',
  'Top up a card paid through the platform (member app); idempotent per card and key. Service role.');

-- Settle an attempt whose outcome the POS does not know (a timeout, a lost connection, a crash
-- before the answer was saved): a charge, refund or counter top-up of this merchant made with
-- p_idempotency_key. If it committed, its original result (outcome 'succeeded'). If not, the
-- key is voided (outcome 'voided'): the request, should it still arrive late, can no longer move
-- money (it fails with idempotency_conflict), so the cashier may safely start a new sale. Waits
-- for a call with the same key that is still running. Final and repeatable: asking again gives
-- the same answer. Cashier or above. This is how payment-code flows close an order of unknown
-- state (Alipay trade.cancel, WeChat Pay reverse), and it lets the POS journal keep no QR token.
-- A cashier settles only their own attempts: a key whose money another operator moved is
-- refused (forbidden, nothing of it told), after waiting for it like any running call, so a
-- cashier can neither read another operator's charge nor void it while it runs. Managers,
-- owners and the platform settle any key of the merchant. A voided key tells nothing either way.
create or replace function public.merchant_resolve_attempt(
  p_merchant_code text,
  p_idempotency_key text
) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_ctx record;
  v_row app.idempotency_registry;
  v_tx app.transactions;
  -- Scalars, not app.cash_movements%rowtype: that table comes later in the build (08_shifts).
  v_move_id uuid;
  v_move_operator uuid;
  v_move_shift uuid;
  v_result jsonb;
begin
  select * into v_ctx from app.merchant_context(p_merchant_code, 'cashier');
  perform app.check_idempotency_key(p_idempotency_key);
  perform app.idempotency_lock('merchant', v_ctx.merchant_id, p_idempotency_key);
  select r.* into v_row from app.idempotency_registry r
   where r.scope = 'merchant' and r.scope_id = v_ctx.merchant_id and r.idempotency_key = p_idempotency_key;
  if found then
    if v_row.operation = 'void' then
      return v_row.result || jsonb_build_object('replayed', true);
    end if;
    -- Whose attempt: the operator of its transaction; a call that moved no card money (a shift,
    -- a cash movement) names its operator in its result.
    if v_ctx.merchant_role = 'cashier' and coalesce(
         (select t.operator_user_id::text from app.transactions t where t.id = v_row.tx_id),
         v_row.result ->> 'operator_user_id') is distinct from v_ctx.user_id::text then
      perform app.fail('forbidden', 'a cashier settles only the attempts they made; ask a manager');
    end if;
    return jsonb_build_object('outcome', 'succeeded', 'operation', v_row.operation,
                              'idempotency_key', p_idempotency_key,
                              'result', v_row.result || jsonb_build_object('replayed', true),
                              'replayed', true);
  end if;
  -- The registry forgets keys after the retention (purge_idempotency_keys); the ledger never
  -- does. A counter back after a long time must not be told "voided" for money that moved.
  select t.* into v_tx from app.transactions t
   where t.merchant_id = v_ctx.merchant_id and t.idempotency_key = p_idempotency_key
   order by t.created_at desc limit 1;
  if found then
    if v_ctx.merchant_role = 'cashier' and v_tx.operator_user_id is distinct from v_ctx.user_id then
      perform app.fail('forbidden', 'a cashier settles only the attempts they made; ask a manager');
    end if;
    return jsonb_build_object(
      'outcome', 'succeeded',
      'operation', case v_tx.kind when 'payment' then 'charge' else v_tx.kind::text end,
      'idempotency_key', p_idempotency_key,
      'result', app.tx_json(v_tx.id) || jsonb_build_object('replayed', true, 'from_ledger', true),
      'replayed', true);
  end if;
  -- The drawer keeps its keys too (contract §9): a cash movement (a pay-out, the cash part of a
  -- split sale) answered as merchant_cash_movement answered it. Shifts keep no key of their
  -- own (their open and close keys live in the registry and the audit trail only).
  select c.id, c.operator_user_id, c.shift_id into v_move_id, v_move_operator, v_move_shift
    from app.cash_movements c
   where c.merchant_id = v_ctx.merchant_id and c.idempotency_key = p_idempotency_key
   order by c.created_at desc limit 1;
  if found then
    if v_ctx.merchant_role = 'cashier' and v_move_operator is distinct from v_ctx.user_id then
      perform app.fail('forbidden', 'a cashier settles only the attempts they made; ask a manager');
    end if;
    return jsonb_build_object(
      'outcome', 'succeeded', 'operation', 'cash_movement', 'idempotency_key', p_idempotency_key,
      'result', app.cash_movement_json(v_move_id)
                || jsonb_build_object('merchant_code', v_ctx.merchant_code, 'currency', v_ctx.currency,
                                      'terminal_code', (select t.code from app.shifts s
                                                          join app.terminals t on t.id = s.terminal_id
                                                         where s.id = v_move_shift),
                                      'replayed', true, 'from_ledger', true),
      'replayed', true);
  end if;
  v_result := jsonb_build_object('outcome', 'voided', 'idempotency_key', p_idempotency_key,
                                 'voided_at', app.now(), 'replayed', false);
  perform app.idempotency_store('merchant', v_ctx.merchant_id, p_idempotency_key, 'void', '{}'::jsonb,
                                v_result - 'replayed', null);
  perform app.audit('attempt.void', 'idempotency_key', null, v_ctx.merchant_id, v_ctx.merchant_role,
                    null, null, jsonb_build_object('idempotency_key', p_idempotency_key));
  return v_result;
end
$$;
select app.deploy_rpc_grant('public.merchant_resolve_attempt(text, text)', 'authenticated', 'service_role');
select app.deploy_comment('function', 'public.merchant_resolve_attempt(text, text)',
  'Settle a charge, refund, top-up or cash movement of unknown outcome by its key: its result if it committed, else the key is voided. Cashier (own attempts) or above.');

-- One transaction of this merchant, with its refunds and what is still refundable (for a
-- payment). A cashier may read only the transactions they rang up.
create or replace function public.merchant_get_tx(p_merchant_code text, p_tx_id uuid) returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_ctx record;
  v_tx app.transactions;
begin
  select * into v_ctx from app.merchant_context(p_merchant_code, 'cashier');
  select t.* into v_tx from app.transactions t where t.id = p_tx_id;
  if not found or v_tx.merchant_id is distinct from v_ctx.merchant_id then
    perform app.fail('not_found', 'no such transaction at this merchant');
  end if;
  if v_ctx.merchant_role = 'cashier' and v_tx.operator_user_id is distinct from v_ctx.user_id then
    perform app.fail('forbidden', 'a cashier sees only the transactions they rang up');
  end if;
  return app.tx_json(v_tx.id) || jsonb_build_object('merchant_code', v_ctx.merchant_code,
                                                    'merchant_name', v_ctx.merchant_name,
                                                    'currency', v_ctx.currency);
end
$$;
select app.deploy_rpc_grant('public.merchant_get_tx(text, uuid)', 'authenticated', 'service_role');
select app.deploy_comment('function', 'public.merchant_get_tx(text, uuid)',
  'One transaction of this merchant, with its refunds and what is still refundable. Cashier (own rows) or above.');

-- The merchant's transactions, newest first, one page at a time. Cashier or above; a cashier
-- only ever gets the rows they rang up, whatever filters they pass (a filter for another
-- operator then finds nothing). Managers, owners and the platform see the whole merchant.
--
-- Paging is keyset, not offset, so a page never skips or repeats a row while new sales come
-- in: pass the last row's created_at and tx_id as p_before_created_at and p_before_id (both
-- or neither) to get the next page; fewer than p_limit rows means there are no more. Rows are
-- ordered by (created_at, tx_id) descending: several rows can share a created_at.
-- p_from / p_to: the half-open range [p_from, p_to), either end optional. p_kind: payment,
-- refund or recharge (counter top-up). p_limit: 1 to 500, default 50.
-- p_shift_id: only the rows made in that shift (contract §9), so a counter's close can compare
-- its journal with the server's rows of the shift, page by page.
-- Payments carry refunded_total and refundable_remaining; refunds carry original_tx_id.
-- Migration step (convention 1): the eight-argument overload is retired right before its
-- successor with p_shift_id is created, so PostgREST never sees two candidates.
select app.deploy_drop_function('public.merchant_list_transactions(text, timestamptz, timestamptz, integer, timestamptz, uuid, uuid, text)');
create or replace function public.merchant_list_transactions(
  p_merchant_code text,
  p_from timestamptz default null,
  p_to timestamptz default null,
  p_limit integer default 50,
  p_before_created_at timestamptz default null,
  p_before_id uuid default null,
  p_operator_user_id uuid default null,
  p_kind text default null,
  p_shift_id uuid default null
) returns table (
  tx_id uuid, kind text, created_at timestamptz, card_id uuid, card_last4 text, card_type text,
  member_id uuid, operator_user_id uuid, raw_amount numeric, discount_amount numeric,
  paid_amount numeric, amount numeric, refunded_total numeric, refundable_remaining numeric,
  original_tx_id uuid, reason text, level_code text, points_delta bigint, tag jsonb
)
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_ctx record;
  v_only uuid;
  v_limit integer := coalesce(p_limit, 50);
begin
  select * into v_ctx from app.merchant_context(p_merchant_code, 'cashier');
  if v_limit < 1 or v_limit > 500 then
    perform app.fail('invalid_argument', 'p_limit must be between 1 and 500');
  end if;
  if (p_before_created_at is null) <> (p_before_id is null) then
    perform app.fail('invalid_argument', 'p_before_created_at and p_before_id go together (the last row of the previous page)');
  end if;
  if p_from is not null and p_to is not null and p_to <= p_from then
    perform app.fail('invalid_argument', 'p_to must be after p_from');
  end if;
  if p_kind is not null and p_kind <> all (enum_range(null::app.tx_kind)::text[]) then
    perform app.fail('invalid_argument', 'p_kind must be ' || app.or_list(enum_range(null::app.tx_kind)::text[]));
  end if;
  if v_ctx.merchant_role = 'cashier' then
    v_only := v_ctx.user_id;
  end if;

  return query
    select t.id, t.kind::text, t.created_at, t.card_id, right(c.card_no, 4), c.card_type::text,
           t.member_id, t.operator_user_id, t.raw_amount, t.discount_amount,
           case when t.kind = 'payment' then t.amount end, t.amount,
           case when t.kind = 'payment' then coalesce(r.total, 0)::numeric(14, 2) end,
           case when t.kind = 'payment' then (t.amount - coalesce(r.total, 0))::numeric(14, 2) end,
           t.original_tx_id, t.reason, t.level_code, t.points_delta, t.tag
      from app.transactions t
      join app.cards c on c.id = t.card_id
      left join lateral (
        select sum(x.amount) as total from app.transactions x
         where x.original_tx_id = t.id and t.kind = 'payment'
      ) r on true
     where t.merchant_id = v_ctx.merchant_id
       and (v_only is null or t.operator_user_id = v_only)
       and (p_operator_user_id is null or t.operator_user_id = p_operator_user_id)
       and (p_kind is null or t.kind = p_kind::app.tx_kind)
       and (p_shift_id is null or t.shift_id = p_shift_id)
       and (p_from is null or t.created_at >= p_from)
       and (p_to is null or t.created_at < p_to)
       and (p_before_created_at is null or (t.created_at, t.id) < (p_before_created_at, p_before_id))
     order by t.created_at desc, t.id desc
     limit v_limit;
end
$$;
select app.deploy_rpc_grant('public.merchant_list_transactions(text, timestamptz, timestamptz, integer, timestamptz, uuid, uuid, text, uuid)', 'authenticated', 'service_role');
select app.deploy_comment('function', 'public.merchant_list_transactions(text, timestamptz, timestamptz, integer, timestamptz, uuid, uuid, text, uuid)',
  'The merchant''s transactions, newest first, one keyset page at a time, with optional filters. Cashier (own rows) or above.');

-- Who is paying, before the charge: the card behind a payment code, judged exactly as a charge
-- judges it (same checks, same order: qr_invalid, qr_not_active, qr_expired, then the card), but
-- nothing is spent (a single-use code still pays afterwards) and no money row is written.
-- Cashier or above. Shows a masked name, never the phone or email. Audited (qr.preview).
create or replace function public.merchant_preview_qr(p_merchant_code text, p_qr_plain text) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_ctx record;
  v_card_id uuid;
  v_state app.card_qr_state;
  v_card app.cards;
  v_member app.member_profiles;
  v_level app.membership_levels;
begin
  select * into v_ctx from app.merchant_context(p_merchant_code, 'cashier');
  v_card_id := app.qr_resolve(p_qr_plain);
  v_state := app.qr_live(p_qr_plain, v_card_id);
  v_card := app.card_for_use(v_card_id);
  select m.* into v_member from app.member_profiles m where m.id = app.card_owner(v_card_id);
  select l.* into v_level from app.membership_levels l where l.level_code = v_member.level_code;
  perform app.audit('qr.preview', 'card', v_card_id::text, v_ctx.merchant_id, v_ctx.merchant_role,
                    v_card_id, null, '{}'::jsonb);
  return jsonb_build_object(
    'card_last4', right(v_card.card_no, 4), 'card_type', v_card.card_type,
    'member_display', app.mask_name(v_member.name), 'level_code', v_member.level_code,
    'level_name', v_level.name, 'discount_rate', v_level.discount_rate,
    'balance', v_card.balance, 'points', v_member.points, 'currency', v_ctx.currency,
    'qr_single_use', v_state.single_use, 'qr_expires_at', v_state.expires_at);
end
$$;
select app.deploy_rpc_grant('public.merchant_preview_qr(text, text)', 'authenticated', 'service_role');
select app.deploy_comment('function', 'public.merchant_preview_qr(text, text)',
  'Who is paying: the card behind a payment code, judged as a charge would, with a masked name; spends nothing. Cashier or above.');
