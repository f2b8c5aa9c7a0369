-- Replace a card's live payment code with a new one, returned in plain text this once.
-- p_member_id, when the member app passes it, must be a holder allowed to pay (not a viewer).
create or replace function public.rotate_card_qr(
  p_card_id uuid,
  p_ttl_seconds integer default 300,
  p_single_use boolean default true,
  p_member_id uuid default null
) returns table (card_id uuid, qr_plain text, expires_at timestamptz)
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_card app.cards;
  v_role app.binding_role;
  v_token record;
begin
  perform app.require_service();
  if p_ttl_seconds is null or p_ttl_seconds < 1 or p_ttl_seconds > 86400 then
    perform app.fail('invalid_argument', 'p_ttl_seconds must be between 1 and 86400');
  end if;
  if p_single_use is null then
    perform app.fail('invalid_argument', 'p_single_use must be true or false');
  end if;
  perform app.lock_card(p_card_id);
  v_card := app.card_for_use(p_card_id);
  if p_member_id is not null then
    select b.role into v_role from app.card_bindings b
     where b.card_id = p_card_id and b.member_id = p_member_id;
    if v_role is null then
      perform app.fail('forbidden', 'this member is not bound to the card');
    end if;
    if v_role = 'viewer' then
      perform app.fail('forbidden', 'a viewer of a card cannot pay with it');
    end if;
  end if;
  v_token := app.qr_issue(p_card_id, p_ttl_seconds, p_single_use);
  perform app.audit('qr.rotate', 'card', p_card_id::text, null, null, p_card_id, null,
                    jsonb_build_object('ttl_seconds', p_ttl_seconds, 'single_use', p_single_use,
                                       'member_id', p_member_id));
  card_id := p_card_id;
  qr_plain := v_token.qr_plain;
  expires_at := v_token.expires_at;
  return next;
end
$$;
select app.deploy_rpc_grant('public.rotate_card_qr(uuid, integer, boolean, uuid)', 'service_role');
select app.deploy_comment('function', 'public.rotate_card_qr(uuid, integer, boolean, uuid)',
  'Replace a card''s live payment code with a new one, returned in plain text this once. Service role.');

-- End a card's live payment code now. Returns whether there was one.
create or replace function public.revoke_card_qr(p_card_id uuid) returns boolean
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_revoked boolean;
begin
  perform app.require_service();
  if p_card_id is null or not exists (select 1 from app.cards c where c.id = p_card_id) then
    perform app.fail('not_found', 'no such card');
  end if;
  perform app.lock_card(p_card_id);
  v_revoked := app.qr_end(p_card_id, 'revoked');
  perform app.audit('qr.revoke', 'card', p_card_id::text, null, null, p_card_id, null,
                    jsonb_build_object('had_live_token', v_revoked));
  return v_revoked;
end
$$;
select app.deploy_rpc_grant('public.revoke_card_qr(uuid)', 'service_role');
select app.deploy_comment('function', 'public.revoke_card_qr(uuid)',
  'End a card''s live payment code now; returns whether there was one. Service role.');
