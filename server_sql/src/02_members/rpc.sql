-- Create a member, bind an external identity if given, and issue the default card with the
-- member as owner. Returns the member id.
create or replace function public.create_member_profile(
  p_name text,
  p_phone text default null,
  p_email text default null,
  p_binding_user_org text default null,
  p_binding_org_id text default null,
  p_default_card_type text default 'standard'
) returns uuid
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_member uuid;
  v_card uuid;
begin
  perform app.require_service();
  if p_name is null or length(btrim(p_name)) not between 1 and 200 then
    perform app.fail('invalid_argument', 'p_name must be 1 to 200 characters');
  end if;
  if p_phone is not null and p_phone !~ '^\+?[0-9][0-9 -]{4,31}$' then
    perform app.fail('invalid_argument', 'p_phone is not a phone number');
  end if;
  if p_email is not null and (p_email !~ '^[^@\s]+@[^@\s]+$' or length(p_email) > 320) then
    perform app.fail('invalid_argument', 'p_email is not an email address');
  end if;
  if p_phone is not null and exists (select 1 from app.member_profiles m where m.phone = p_phone) then
    perform app.fail('invalid_argument', 'another member already has this phone number');
  end if;
  if (p_binding_user_org is null) <> (p_binding_org_id is null) then
    perform app.fail('invalid_argument', 'p_binding_user_org and p_binding_org_id go together');
  end if;
  perform app.check_card_type(p_default_card_type);

  insert into app.member_profiles (name, phone, email, level_code)
  values (btrim(p_name), p_phone, p_email, app.level_for_points(0))
  returning id into v_member;
  perform app.audit('member.create', 'member', v_member::text);
  if p_binding_user_org is not null then
    perform app.bind_identity(v_member, p_binding_user_org, p_binding_org_id);
  end if;
  v_card := app.issue_card_for(v_member, p_default_card_type, null);
  return v_member;
end
$$;
select app.deploy_rpc_grant('public.create_member_profile(text, text, text, text, text, text)', 'service_role');
select app.deploy_comment('function', 'public.create_member_profile(text, text, text, text, text, text)',
  'Create a member with their default card (the member owns it), binding an external identity if given; returns the member id. Service role.');

-- Issue a new card to a member (the owner). A binding password, if given, guards the owner
-- binding of a shared card. A voucher is loaded once here with p_initial_amount (it cannot be
-- recharged later); any card type may be. A load moves money, so it needs an idempotency key
-- (scoped to the member); a replay returns the same card.
create or replace function public.issue_card(
  p_member_id uuid,
  p_card_type text default 'standard',
  p_binding_password text default null,
  p_initial_amount numeric default null,
  p_idempotency_key text default null
) returns uuid
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_card uuid;
  v_amount numeric;
  v_fp jsonb;
  v_replay jsonb;
begin
  perform app.require_service();
  perform app.check_card_type(p_card_type);
  if p_member_id is null or not exists (select 1 from app.member_profiles m where m.id = p_member_id) then
    perform app.fail('not_found', 'no such member');
  end if;
  if p_binding_password is not null and length(p_binding_password) not between 6 and 72 then
    perform app.fail('invalid_argument', 'a binding password must be 6 to 72 characters');
  end if;
  if p_initial_amount is not null then
    v_amount := app.check_amount(p_initial_amount);
    if p_idempotency_key is null then
      perform app.fail('invalid_argument', 'loading a card needs p_idempotency_key');
    end if;
  end if;
  if p_idempotency_key is not null then
    perform app.check_idempotency_key(p_idempotency_key);
    perform app.idempotency_lock('member', p_member_id, p_idempotency_key);
    v_fp := jsonb_build_object('card_type', p_card_type, 'amount', v_amount);
    v_replay := app.idempotency_replay('member', p_member_id, p_idempotency_key, 'issue_card', v_fp);
    if v_replay is not null then
      return (v_replay ->> 'card_id')::uuid;
    end if;
  end if;

  v_card := app.issue_card_for(p_member_id, p_card_type, p_binding_password);
  if v_amount is not null then
    perform app.lock_card(v_card);
    perform app.credit_card(v_card, v_amount, null, null, null, '{"source": "issue_card"}'::jsonb,
                            p_idempotency_key, true);
  end if;
  if p_idempotency_key is not null then
    perform app.idempotency_store('member', p_member_id, p_idempotency_key, 'issue_card', v_fp,
                                  jsonb_build_object('card_id', v_card), null);
  end if;
  return v_card;
end
$$;
select app.deploy_rpc_grant('public.issue_card(uuid, text, text, numeric, text)', 'service_role');
select app.deploy_comment('function', 'public.issue_card(uuid, text, text, numeric, text)',
  'Issue a new card to a member (its owner), optionally with a binding password and a one-time initial load; idempotent per member and key. Service role.');

-- One card: balance, type, status, and its owner's points and level.
create or replace function public.get_card_summary(p_card_id uuid) returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_summary jsonb;
begin
  perform app.require_service();
  v_summary := app.card_summary(p_card_id);
  if v_summary is null then
    perform app.fail('not_found', 'no such card');
  end if;
  return v_summary;
end
$$;
select app.deploy_rpc_grant('public.get_card_summary(uuid)', 'service_role');
select app.deploy_comment('function', 'public.get_card_summary(uuid)',
  'One card: balance, type, status, expiry, and its owner''s points and level. Service role.');

-- Every card a member is bound to, with the member's role on it.
create or replace function public.list_member_cards(p_member_id uuid) returns setof jsonb
language plpgsql stable security definer
set search_path = ''
as $$
begin
  perform app.require_service();
  if p_member_id is null or not exists (select 1 from app.member_profiles m where m.id = p_member_id) then
    perform app.fail('not_found', 'no such member');
  end if;
  return query
    select app.card_summary(b.card_id) || jsonb_build_object('binding_role', b.role)
      from app.card_bindings b
      join app.cards c on c.id = b.card_id
     where b.member_id = p_member_id
     order by c.created_at, c.card_no;
end
$$;
select app.deploy_rpc_grant('public.list_member_cards(uuid)', 'service_role');
select app.deploy_comment('function', 'public.list_member_cards(uuid)',
  'Every card a member is bound to, with the member''s role on each. Service role.');

-- Bind a member to a card with a role, or change their role (shared cards, contract §7).
-- Service role (the member-app backend). Roles: owner, admin, member, viewer.
-- * p_role = 'owner' hands the card over: p_binding_password must match the card's binding
--   password (else binding_password_invalid; a card issued without one cannot change owner).
--   The previous owner stays on the card as an admin, so nobody loses access by surprise; the
--   new owner may unbind them. From then on the card's points, level and discount are the new
--   owner's; points already earned stay with the member who earned them. p_new_binding_password
--   (optional, only with an owner change) replaces the password, since the previous owner knows it.
-- * Any other role: no password is needed or read. The owner's own binding cannot be turned into
--   another role (hand ownership to someone else first).
-- * p_acting_member_id (optional): the member on whose behalf the app asks. When given, they must
--   be the card's owner or an admin, and an admin manages every binding except the owner's (no
--   owner change, no change to the owner). When null, the platform itself decides.
-- Turning an admin or member into a viewer ends the card's live payment code: they may have seen
-- it, and a viewer cannot pay. Audited as card.bind, without any password.
create or replace function public.bind_card_member(
  p_card_id uuid,
  p_member_id uuid,
  p_role text,
  p_binding_password text default null,
  p_acting_member_id uuid default null,
  p_new_binding_password text default null
) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_card app.cards;
  v_prev app.binding_role;
  v_actor app.binding_role;
  v_owner uuid;
  v_prev_owner uuid;
  v_qr_revoked boolean := false;
begin
  perform app.require_service();
  if coalesce(p_role, '') <> all (enum_range(null::app.binding_role)::text[]) then
    perform app.fail('invalid_argument', 'p_role must be ' || app.or_list(enum_range(null::app.binding_role)::text[]));
  end if;
  if p_new_binding_password is not null then
    if p_role <> 'owner' then
      perform app.fail('invalid_argument', 'p_new_binding_password is only accepted with an owner change');
    end if;
    if length(p_new_binding_password) not between 6 and 72 then
      perform app.fail('invalid_argument', 'a binding password must be 6 to 72 characters');
    end if;
  end if;
  if p_card_id is null or not exists (select 1 from app.cards c where c.id = p_card_id) then
    perform app.fail('not_found', 'no such card');
  end if;
  if p_member_id is null or not exists (select 1 from app.member_profiles m where m.id = p_member_id) then
    perform app.fail('not_found', 'no such member');
  end if;

  -- The card lock serialises binding changes with each other and with payments on the card.
  perform app.lock_card(p_card_id);
  select c.* into v_card from app.cards c where c.id = p_card_id;
  if v_card.status = 'closed' then
    perform app.fail('card_inactive', 'the card is closed');
  end if;
  v_prev := app.card_role(p_card_id, p_member_id);
  v_owner := app.card_owner(p_card_id);
  if p_acting_member_id is not null then
    v_actor := app.card_role(p_card_id, p_acting_member_id);
    if v_actor is null or v_actor not in ('owner', 'admin') then
      perform app.fail('forbidden', 'only the card''s owner or an admin manages its bindings');
    end if;
    if v_actor = 'admin' and (p_role = 'owner' or v_prev = 'owner') then
      perform app.fail('forbidden', 'an admin manages every binding except the owner''s');
    end if;
  end if;

  if p_role = 'owner' then
    perform app.check_binding_password(p_card_id, p_binding_password);
    if v_prev is distinct from 'owner' then
      v_prev_owner := v_owner;
      -- Demote first: the partial unique index allows one owner row at a time.
      update app.card_bindings b set role = 'admin' where b.card_id = p_card_id and b.role = 'owner';
      insert into app.card_bindings (card_id, member_id, role) values (p_card_id, p_member_id, 'owner')
      on conflict (card_id, member_id) do update set role = 'owner';
    end if;
    if p_new_binding_password is not null then
      update app.cards c
         set binding_password_hash = extensions.crypt(p_new_binding_password, extensions.gen_salt('bf', 10)),
             updated_at = app.now()
       where c.id = p_card_id;
    end if;
  else
    if v_prev = 'owner' then
      perform app.fail('invalid_argument', 'the owner''s binding changes only by handing ownership to another member');
    end if;
    insert into app.card_bindings (card_id, member_id, role) values (p_card_id, p_member_id, p_role::app.binding_role)
    on conflict (card_id, member_id) do update set role = excluded.role;
    if p_role = 'viewer' and v_prev in ('admin', 'member') then
      v_qr_revoked := app.qr_end(p_card_id, 'revoked');
    end if;
  end if;

  perform app.audit('card.bind', 'card_binding', p_card_id::text || ':' || p_member_id::text, null, null,
                    p_card_id, null,
                    jsonb_build_object('member_id', p_member_id, 'role', p_role, 'previous_role', v_prev,
                                       'previous_owner_member_id', v_prev_owner,
                                       'acting_member_id', p_acting_member_id,
                                       'binding_password_changed', p_new_binding_password is not null,
                                       'qr_revoked', v_qr_revoked));
  return jsonb_build_object('card_id', p_card_id, 'member_id', p_member_id, 'role', p_role,
                            'previous_role', v_prev, 'owner_member_id', app.card_owner(p_card_id),
                            'previous_owner_member_id', v_prev_owner,
                            'binding_password_changed', p_new_binding_password is not null,
                            'qr_revoked', v_qr_revoked);
end
$$;
select app.deploy_rpc_grant('public.bind_card_member(uuid, uuid, text, text, uuid, text)', 'service_role');
select app.deploy_comment('function', 'public.bind_card_member(uuid, uuid, text, text, uuid, text)',
  'Bind a member to a card as owner, admin, member or viewer, or change their role; an owner change needs the binding password. Service role.');

-- Remove a member from a card. Service role (the member-app backend). The owner cannot be
-- unbound (hand ownership to another member with bind_card_member first). p_acting_member_id
-- (optional): when given, it must be the member themselves (leaving the card), the owner, or an
-- admin; when null, the platform decides. Removing a holder who could pay (admin or member) ends
-- the card's live payment code, since they may still have it on screen; the remaining holders
-- get a new one from rotate_card_qr or the next cron_rotate_qr_tokens. Audited as card.unbind.
create or replace function public.unbind_card_member(
  p_card_id uuid,
  p_member_id uuid,
  p_acting_member_id uuid default null
) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_role app.binding_role;
  v_actor app.binding_role;
  v_qr_revoked boolean := false;
begin
  perform app.require_service();
  if p_card_id is null or not exists (select 1 from app.cards c where c.id = p_card_id) then
    perform app.fail('not_found', 'no such card');
  end if;
  perform app.lock_card(p_card_id);
  v_role := app.card_role(p_card_id, p_member_id);
  if v_role is null then
    perform app.fail('not_found', 'this member is not bound to the card');
  end if;
  if v_role = 'owner' then
    perform app.fail('invalid_argument', 'the owner cannot be unbound; hand ownership to another member first');
  end if;
  if p_acting_member_id is not null and p_acting_member_id <> p_member_id then
    v_actor := app.card_role(p_card_id, p_acting_member_id);
    if v_actor is null or v_actor not in ('owner', 'admin') then
      perform app.fail('forbidden', 'only the card''s owner or an admin removes other holders');
    end if;
  end if;

  delete from app.card_bindings b where b.card_id = p_card_id and b.member_id = p_member_id;
  if v_role in ('admin', 'member') then
    v_qr_revoked := app.qr_end(p_card_id, 'revoked');
  end if;
  perform app.audit('card.unbind', 'card_binding', p_card_id::text || ':' || p_member_id::text, null, null,
                    p_card_id, null,
                    jsonb_build_object('member_id', p_member_id, 'role', v_role,
                                       'acting_member_id', p_acting_member_id, 'qr_revoked', v_qr_revoked));
  return jsonb_build_object('card_id', p_card_id, 'member_id', p_member_id, 'removed_role', v_role,
                            'qr_revoked', v_qr_revoked);
end
$$;
select app.deploy_rpc_grant('public.unbind_card_member(uuid, uuid, uuid)', 'service_role');
select app.deploy_comment('function', 'public.unbind_card_member(uuid, uuid, uuid)',
  'Remove a member from a card (never its owner); ends the live payment code when a payer leaves. Service role.');

-- Bind a provider identity (wechat, alipay, line, ...) to a member. Service role. An identity
-- belongs to one member per provider: binding it again to the same member changes nothing and
-- returns the same row; to another member fails with invalid_argument. A member may hold several
-- providers. The provider is stored lower-case and trimmed. Audited as member.bind_identity
-- (provider only, not the external id).
create or replace function public.bind_external_identity(
  p_member_id uuid,
  p_provider text,
  p_external_id text
) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_id uuid;
begin
  perform app.require_service();
  if p_member_id is null or not exists (select 1 from app.member_profiles m where m.id = p_member_id) then
    perform app.fail('not_found', 'no such member');
  end if;
  begin
    v_id := app.bind_identity(p_member_id, p_provider, p_external_id);
  exception when unique_violation then
    -- Two concurrent first bindings of one identity: the loser sees the unique index.
    perform app.fail('invalid_argument', 'this identity is already bound to another member');
  end;
  return (select jsonb_build_object('identity_id', i.id, 'member_id', i.member_id, 'provider', i.provider,
                                    'external_id', i.external_id, 'created_at', i.created_at)
            from app.member_external_identities i where i.id = v_id);
end
$$;
select app.deploy_rpc_grant('public.bind_external_identity(uuid, text, text)', 'service_role');
select app.deploy_comment('function', 'public.bind_external_identity(uuid, text, text)',
  'Bind a provider identity (wechat, alipay, ...) to a member; again to the same member changes nothing. Service role.');

-- Find the member an identity is bound to (sign-in with WeChat, Alipay, ...). Service role.
-- Returns the member (id, name, points, level) or null when the identity is not bound: an
-- unknown identity is the normal start of a sign-up, not an error.
create or replace function public.find_member_by_identity(
  p_provider text,
  p_external_id text
) returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
begin
  perform app.require_service();
  if p_provider is null or p_external_id is null then
    perform app.fail('invalid_argument', 'p_provider and p_external_id are required');
  end if;
  return (select jsonb_build_object('member_id', m.id, 'name', m.name, 'phone', m.phone, 'email', m.email,
                                    'points', m.points, 'level_code', m.level_code,
                                    'provider', i.provider, 'external_id', i.external_id,
                                    'bound_at', i.created_at)
            from app.member_external_identities i
            join app.member_profiles m on m.id = i.member_id
           where i.provider = lower(btrim(p_provider)) and i.external_id = p_external_id);
end
$$;
select app.deploy_rpc_grant('public.find_member_by_identity(text, text)', 'service_role');
select app.deploy_comment('function', 'public.find_member_by_identity(text, text)',
  'The member a provider identity is bound to, or null when it is not bound. Service role.');

-- Set or change a card's binding password (it guards the owner binding). Platform only. A card
-- that has one needs the old one (binding_password_invalid); a card without one takes
-- p_old_password null (anything else is binding_password_invalid too: it cannot match). The new
-- one is 6 to 72 characters, kept only as a bcrypt hash at cost 10.
create or replace function public.set_card_binding_password(
  p_card_id uuid,
  p_old_password text,
  p_new_password text
) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_hash text;
begin
  perform app.require_service();
  if p_card_id is null or not exists (select 1 from app.cards c where c.id = p_card_id) then
    perform app.fail('not_found', 'no such card');
  end if;
  if p_new_password is null or length(p_new_password) not between 6 and 72 then
    perform app.fail('invalid_argument', 'a binding password must be 6 to 72 characters');
  end if;
  perform app.lock_card(p_card_id);
  select c.binding_password_hash into v_hash from app.cards c where c.id = p_card_id;
  if v_hash is not null then
    perform app.check_binding_password(p_card_id, p_old_password);
  elsif p_old_password is not null then
    perform app.fail('binding_password_invalid', 'this card has no binding password yet; pass no old password');
  end if;
  update app.cards c
     set binding_password_hash = extensions.crypt(p_new_password, extensions.gen_salt('bf', 10)),
         updated_at = app.now()
   where c.id = p_card_id;
  perform app.audit('card.set_binding_password', 'card', p_card_id::text, null, null, p_card_id, null,
                    jsonb_build_object('had_password', v_hash is not null));
  return jsonb_build_object('card_id', p_card_id, 'had_password', v_hash is not null,
                            'changed_at', app.now());
end
$$;
select app.deploy_rpc_grant('public.set_card_binding_password(uuid, text, text)', 'service_role');
select app.deploy_comment('function', 'public.set_card_binding_password(uuid, text, text)',
  'Set or change a card''s binding password (the old one required when it has one); stored only as a bcrypt hash. Service role.');
