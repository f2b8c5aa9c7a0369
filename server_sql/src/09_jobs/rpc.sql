-- Forget idempotency keys older than the retention (setting idempotency_retention_days, never
-- less than 30 days, as the contract promises). Returns how many were removed. Service role;
-- run it daily from the scheduler. A retry older than the retention is treated as a new request.
create or replace function public.purge_idempotency_keys() returns integer
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_days integer := greatest(coalesce(app.setting_numeric('idempotency_retention_days'), 35), 30)::integer;
  v_count integer;
begin
  perform app.require_service();
  delete from app.idempotency_registry r where r.created_at < app.now() - make_interval(days => v_days);
  get diagnostics v_count = row_count;
  if v_count > 0 then
    perform app.audit('idempotency.purge', 'idempotency_registry', null, null, null, null, null,
                      jsonb_build_object('removed', v_count, 'retention_days', v_days));
  end if;
  return v_count;
end
$$;
select app.deploy_rpc_grant('public.purge_idempotency_keys()', 'service_role');
select app.deploy_comment('function', 'public.purge_idempotency_keys()',
  'Forget idempotency keys older than the retention (at least 30 days); returns how many. Service role, daily.');

-- The scheduled rotation of shared-card payment codes (contract §6). Service role, called by
-- an outside scheduler every few minutes (pg_cron could run it, but the plain tokens it returns
-- must reach the holders' apps, which only the calling job can do). For every active, unexpired
-- prepaid and corporate card, whatever its number of holders: replace the live token with a
-- multi-use one (all holders show the same code at once) valid p_ttl_seconds (1 to 86400). The
-- previous token stops working at once (qr_not_active). Cards are locked one by one in card-id
-- order, so two overlapping runs cannot deadlock. The card locks are transaction-scoped: a
-- payment on a card this run already rotated waits until the whole run commits (about a
-- millisecond per card at bcrypt cost 4), so schedule it off-peak or keep pools modest. Returns one row per rotated card: the plain token, shown this once and never
-- stored, and payer_member_ids, the holders the job may show it to (owner, admin, member; never
-- a viewer). Audited: one qr.rotate per card (source cron) and one qr.cron_rotate for the run.
create or replace function public.cron_rotate_qr_tokens(
  p_ttl_seconds integer default 300
) returns table (card_id uuid, qr_plain text, expires_at timestamptz, payer_member_ids uuid[])
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_card record;
  v_token record;
  v_now timestamptz := app.now();
  v_count integer := 0;
begin
  perform app.require_service();
  if p_ttl_seconds is null or p_ttl_seconds < 1 or p_ttl_seconds > 86400 then
    perform app.fail('invalid_argument', 'p_ttl_seconds must be between 1 and 86400');
  end if;
  for v_card in
    select c.id from app.cards c
     where c.card_type in ('prepaid', 'corporate') and c.status = 'active'
       and (c.expires_at is null or c.expires_at > v_now)
     order by c.id
  loop
    perform app.lock_card(v_card.id);
    -- Frozen or closed between the scan and the lock: leave it alone.
    continue when not exists (select 1 from app.cards c where c.id = v_card.id and c.status = 'active');
    v_token := app.qr_issue(v_card.id, p_ttl_seconds, false);
    perform app.audit('qr.rotate', 'card', v_card.id::text, null, null, v_card.id, null,
                      jsonb_build_object('ttl_seconds', p_ttl_seconds, 'single_use', false, 'source', 'cron'));
    v_count := v_count + 1;
    card_id := v_card.id;
    qr_plain := v_token.qr_plain;
    expires_at := v_token.expires_at;
    payer_member_ids := array(select b.member_id from app.card_bindings b
                               where b.card_id = v_card.id and b.role <> 'viewer'
                               order by b.role, b.created_at, b.member_id);
    return next;
  end loop;
  perform app.audit('qr.cron_rotate', 'job', 'cron_rotate_qr_tokens', null, null, null, null,
                    jsonb_build_object('ttl_seconds', p_ttl_seconds, 'cards_rotated', v_count));
end
$$;
select app.deploy_rpc_grant('public.cron_rotate_qr_tokens(integer)', 'service_role');
select app.deploy_comment('function', 'public.cron_rotate_qr_tokens(integer)',
  'Scheduled rotation of shared cards'' payment codes: one new multi-use code per card, returned once with who may see it. Service role.');
