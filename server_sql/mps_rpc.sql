-- GENERATED FILE: do not edit. Written by `python -m tools.build_sql` (`make sql`) from
-- server_sql/src/*/rpc.sql, one domain after the other in folder order; edit the sources
-- and regenerate (server_sql/README.md). A test fails when this file is stale.

-- ===========================================================================================
-- server_sql/src/01_setup/rpc.sql
-- ===========================================================================================
-- Member Payment System: the RPCs (schema public, exposed by PostgREST).
--
-- Apply after mps_schema.sql. Safe to re-run, also while the shop is selling: every function is
-- created or replaced (never dropped), and its grants and its comment (one short line, shown by
-- PostgREST and Supabase's dashboard) stated right under it with app.deploy_rpc_grant and
-- app.deploy_comment, which change the catalog only when they differ. Domain by domain, as the
-- schema (server_sql/README.md); an RPC may use helpers of any domain, since the whole schema
-- is applied before this file. Keep to the re-apply
-- conventions at the top of mps_schema.sql ("Deploying while selling"): a changed signature is
-- an app.deploy_drop_function('<old signature>') right before the new create or replace; no bare
-- drop, grant, revoke, alter or comment here. Each RPC is thin: check the caller, check the input, then do
-- the work with the helpers in schema app. All are SECURITY DEFINER with search_path = '' and
-- name everything with its schema. Errors: contract §4 (app.fail).
--
-- Who may call (contract §2): service_role = platform and member-app backend; authenticated =
-- merchant operators, limited by their role in app.merchant_users. anon calls nothing.

-- Deploys are serialized (the same lock as mps_schema.sql), and a statement that would still wait
-- on a lock fails the deploy after 2 s instead of holding the tills behind it.
select pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('mps.deploy', 0));
select pg_catalog.set_config('lock_timeout', '2s', true);

-- ===========================================================================================
-- server_sql/src/02_members/rpc.sql
-- ===========================================================================================
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

-- ===========================================================================================
-- server_sql/src/03_qr/rpc.sql
-- ===========================================================================================
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

-- ===========================================================================================
-- server_sql/src/04_merchants/rpc.sql
-- ===========================================================================================
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

-- ===========================================================================================
-- server_sql/src/05_money/rpc.sql
-- ===========================================================================================
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

-- ===========================================================================================
-- server_sql/src/06_points/rpc.sql
-- ===========================================================================================
-- Create or change a membership level. Service role only. All fields are set as given (an
-- upsert, not a patch). Rules: level_code is a short lower-case name; min_points >= 0;
-- max_points null (no upper end) or >= min_points; discount_rate in [0, 1) with at most 4
-- decimals; points_per_unit >= 0 with at most 4 decimals; a level starting at 0 points always
-- exists; ranges never overlap (gaps are allowed, see app.check_level_table). Then every
-- member's level is recomputed from their points. Returns the level and how many members moved.
create or replace function public.upsert_membership_level(
  p_level_code text,
  p_name text,
  p_min_points bigint,
  p_max_points bigint default null,
  p_discount_rate numeric default 0,
  p_points_per_unit numeric default 1
) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_before app.membership_levels;
  v_after app.membership_levels;
  v_moved integer;
begin
  perform app.require_service();
  if p_level_code is null or p_level_code !~ '^[a-z][a-z0-9_]{0,31}$' then
    perform app.fail('invalid_argument', 'p_level_code must be a short lower-case name such as gold');
  end if;
  if p_name is null or length(btrim(p_name)) not between 1 and 100 then
    perform app.fail('invalid_argument', 'p_name must be 1 to 100 characters');
  end if;
  if p_min_points is null or p_min_points < 0 then
    perform app.fail('invalid_argument', 'p_min_points must be 0 or more');
  end if;
  if p_max_points is not null and p_max_points < p_min_points then
    perform app.fail('invalid_argument', 'p_max_points must be null (no upper end) or at least p_min_points');
  end if;
  if p_discount_rate is null or p_discount_rate = 'NaN'::numeric or p_discount_rate < 0
     or p_discount_rate >= 1 or p_discount_rate <> round(p_discount_rate, 4) then
    perform app.fail('invalid_argument', 'p_discount_rate must be in [0, 1) with at most 4 decimals, e.g. 0.05 for 5 %');
  end if;
  if p_points_per_unit is null or p_points_per_unit = 'NaN'::numeric or p_points_per_unit < 0
     or p_points_per_unit >= 10000 or p_points_per_unit <> round(p_points_per_unit, 4) then
    perform app.fail('invalid_argument', 'p_points_per_unit must be in [0, 10000) with at most 4 decimals');
  end if;

  -- One level change at a time, so two concurrent edits cannot each pass the overlap check.
  perform app.advisory_xact_lock('levels');
  perform app.check_level_table(p_level_code, p_min_points, p_max_points);
  select l.* into v_before from app.membership_levels l where l.level_code = p_level_code;
  insert into app.membership_levels (level_code, name, min_points, max_points, discount_rate, points_per_unit)
  values (p_level_code, btrim(p_name), p_min_points, p_max_points, p_discount_rate, p_points_per_unit)
  on conflict (level_code) do update
     set name = excluded.name, min_points = excluded.min_points, max_points = excluded.max_points,
         discount_rate = excluded.discount_rate, points_per_unit = excluded.points_per_unit,
         updated_at = app.now()
  returning * into v_after;
  v_moved := app.recompute_member_levels();

  perform app.audit('level.upsert', 'membership_level', p_level_code, null, null, null, null,
                    jsonb_build_object('before', case when v_before.level_code is not null
                                                      then to_jsonb(v_before) - 'created_at' - 'updated_at' end,
                                       'after', to_jsonb(v_after) - 'created_at' - 'updated_at',
                                       'members_relevelled', v_moved));
  return to_jsonb(v_after) || jsonb_build_object('created', v_before.level_code is null,
                                                 'members_relevelled', v_moved);
end
$$;
select app.deploy_rpc_grant('public.upsert_membership_level(text, text, bigint, bigint, numeric, numeric)', 'service_role');
select app.deploy_comment('function', 'public.upsert_membership_level(text, text, bigint, bigint, numeric, numeric)',
  'Create or change a membership level, then recompute every member''s level; ranges may not overlap. Service role.');

-- ===========================================================================================
-- server_sql/src/07_settlements/rpc.sql
-- ===========================================================================================
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

-- ===========================================================================================
-- server_sql/src/08_shifts/rpc.sql
-- ===========================================================================================
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

-- ===========================================================================================
-- server_sql/src/09_jobs/rpc.sql
-- ===========================================================================================
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
