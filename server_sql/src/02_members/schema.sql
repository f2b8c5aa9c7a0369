-- Members and cards: members (and the level table their level refers to), their provider
-- identities, cards and who is bound to them; the card helpers every money call uses. The
-- RPCs that earn points and change levels are in 06_points; the level table is here because
-- app.member_profiles references it.

-- Types -------------------------------------------------------------------------------------

do $$
begin
  create type app.card_type as enum ('standard', 'prepaid', 'corporate', 'voucher');
exception when duplicate_object then null;
end $$;
do $$
begin
  create type app.card_status as enum ('active', 'frozen', 'closed', 'expired');
exception when duplicate_object then null;
end $$;
do $$
begin
  create type app.binding_role as enum ('owner', 'admin', 'member', 'viewer');
exception when duplicate_object then null;
end $$;
-- Membership levels -------------------------------------------------------------------------
create table if not exists app.membership_levels (
  level_code text primary key check (level_code ~ '^[a-z][a-z0-9_]{0,31}$'),
  name text not null,
  min_points bigint not null check (min_points >= 0),
  max_points bigint check (max_points is null or max_points >= min_points),
  discount_rate numeric(5, 4) not null default 0 check (discount_rate >= 0 and discount_rate < 1),
  points_per_unit numeric(8, 4) not null default 1 check (points_per_unit >= 0),
  created_at timestamptz not null default app.now(),
  updated_at timestamptz not null default app.now(),
  unique (min_points)
);
select app.deploy_table_access('app.membership_levels', 'authenticated', 'service_role');
select app.deploy_policy('app.membership_levels', 'membership_levels_read', $$for select to authenticated
  using (true)$$);
select app.deploy_comment('column', 'app.membership_levels.points_per_unit',
  'Points earned per whole currency unit paid (after discount), rounded down.');

-- Seeded once; later edits (upsert_membership_level) are never overwritten by a re-run.
insert into app.membership_levels (level_code, name, min_points, max_points, discount_rate, points_per_unit) values
  ('base', 'Base', 0, 999, 0, 1),
  ('silver', 'Silver', 1000, 4999, 0.0200, 1),
  ('gold', 'Gold', 5000, 19999, 0.0500, 1.5),
  ('platinum', 'Platinum', 20000, null, 0.1000, 2)
on conflict (level_code) do nothing;

-- Members -------------------------------------------------------------------------------------
create table if not exists app.member_profiles (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(btrim(name)) between 1 and 200),
  phone text check (phone ~ '^\+?[0-9][0-9 -]{4,31}$'),
  email text check (email ~ '^[^@\s]+@[^@\s]+$' and length(email) <= 320),
  points bigint not null default 0 check (points >= 0),
  level_code text not null default 'base' references app.membership_levels (level_code) on update cascade on delete restrict,
  created_at timestamptz not null default app.now(),
  updated_at timestamptz not null default app.now()
);
select app.deploy_table_access('app.member_profiles', 'service_role');
select app.deploy_index('app.member_profiles_phone_key', $$create unique index if not exists member_profiles_phone_key on app.member_profiles (phone) where phone is not null$$);
select app.deploy_index('app.member_profiles_level_code_idx', $$create index if not exists member_profiles_level_code_idx on app.member_profiles (level_code)$$);

create table if not exists app.member_external_identities (
  id uuid primary key default gen_random_uuid(),
  member_id uuid not null references app.member_profiles (id) on delete cascade,
  provider text not null check (provider ~ '^[a-z][a-z0-9_]{0,31}$'),
  external_id text not null check (length(external_id) between 1 and 256),
  created_at timestamptz not null default app.now(),
  unique (provider, external_id)
);
select app.deploy_table_access('app.member_external_identities', 'service_role');
select app.deploy_index('app.member_external_identities_member_id_idx', $$create index if not exists member_external_identities_member_id_idx on app.member_external_identities (member_id)$$);

-- Cards -------------------------------------------------------------------------------------
create sequence if not exists app.card_no_seq start 10000001;
select app.deploy_grant('sequence', 'app.card_no_seq', '', array[]::text[], array['public', 'anon', 'authenticated', 'service_role']);

create table if not exists app.cards (
  id uuid primary key default gen_random_uuid(),
  -- A human-readable number for receipts and support (shown masked); the uuid stays the key.
  card_no text not null unique default ('8' || lpad(nextval('app.card_no_seq')::text, 11, '0')),
  card_type app.card_type not null,
  status app.card_status not null default 'active',
  balance numeric(14, 2) not null default 0 check (balance >= 0),
  binding_password_hash text check (binding_password_hash is null or binding_password_hash like '$2%'),
  expires_at timestamptz,
  created_at timestamptz not null default app.now(),
  updated_at timestamptz not null default app.now()
);
select app.deploy_table_access('app.cards', 'service_role');
select app.deploy_index('app.cards_type_status_idx', $$create index if not exists cards_type_status_idx on app.cards (card_type, status)$$);

create table if not exists app.card_bindings (
  card_id uuid not null references app.cards (id) on delete cascade,
  member_id uuid not null references app.member_profiles (id) on delete cascade,
  role app.binding_role not null,
  created_at timestamptz not null default app.now(),
  primary key (card_id, member_id)
);
select app.deploy_table_access('app.card_bindings', 'service_role');
-- Exactly one owner per card: at most one here, at least one kept by the RPCs.
select app.deploy_index('app.card_bindings_one_owner', $$create unique index if not exists card_bindings_one_owner on app.card_bindings (card_id) where role = 'owner'$$);
select app.deploy_index('app.card_bindings_member_id_idx', $$create index if not exists card_bindings_member_id_idx on app.card_bindings (member_id)$$);

-- Per-card serialisation of every balance change.
create or replace function app.lock_card(p_card_id uuid) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  v_taken boolean;
begin
  v_taken := app.advisory_xact_lock('card:' || p_card_id::text) is not null;  -- no executor (see advisory_xact_lock)
end
$$;

-- Card helpers ------------------------------------------------------------------------------
create or replace function app.card_owner(p_card_id uuid) returns uuid
language plpgsql stable
set search_path = ''
as $$
begin
  return (select b.member_id from app.card_bindings b where b.card_id = p_card_id and b.role = 'owner');
end
$$;

create or replace function app.card_summary(p_card_id uuid) returns jsonb
language sql stable
set search_path = ''
as $$
  select jsonb_build_object(
    'card_id', c.id, 'card_no', c.card_no, 'card_type', c.card_type, 'status', c.status,
    'balance', c.balance, 'points', m.points, 'level_code', m.level_code,
    'owner_member_id', m.id, 'expires_at', c.expires_at, 'created_at', c.created_at)
  from app.cards c
  left join app.card_bindings b on b.card_id = c.id and b.role = 'owner'
  left join app.member_profiles m on m.id = b.member_id
  where c.id = p_card_id
$$;

create or replace function app.check_card_type(p_card_type text) returns app.card_type
language plpgsql stable
set search_path = ''
as $$
begin
  if coalesce(p_card_type, '') <> all (enum_range(null::app.card_type)::text[]) then
    perform app.fail('invalid_argument', 'card type must be ' || app.or_list(enum_range(null::app.card_type)::text[]));
  end if;
  return p_card_type::app.card_type;
end
$$;

-- A card that may move money now: it exists, is active and has not passed its expiry date.
create or replace function app.card_for_use(p_card_id uuid) returns app.cards
language plpgsql stable
set search_path = ''
as $$
declare
  v_card app.cards;
begin
  select c.* into v_card from app.cards c where c.id = p_card_id;
  if not found then
    perform app.fail('not_found', 'no such card');
  end if;
  if v_card.status <> 'active' then
    perform app.fail('card_inactive', format('the card is %s', v_card.status));
  end if;
  if v_card.expires_at is not null and v_card.expires_at <= app.now() then
    perform app.fail('card_inactive', 'the card has expired');
  end if;
  return v_card;
end
$$;

-- Bind a provider identity (WeChat openid, Alipay user id, ...) to a member. Binding the same
-- identity to the same member again changes nothing; to another member is refused.
create or replace function app.bind_identity(p_member_id uuid, p_provider text, p_external_id text) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
  v_provider text := lower(btrim(coalesce(p_provider, '')));
  v_row app.member_external_identities;
begin
  if v_provider !~ '^[a-z][a-z0-9_]{0,31}$' then
    perform app.fail('invalid_argument', 'the provider must be a short lower-case name such as wechat');
  end if;
  if p_external_id is null or length(p_external_id) not between 1 and 256 then
    perform app.fail('invalid_argument', 'the external id must be 1 to 256 characters');
  end if;
  select i.* into v_row from app.member_external_identities i
   where i.provider = v_provider and i.external_id = p_external_id;
  if found then
    if v_row.member_id <> p_member_id then
      perform app.fail('invalid_argument', format('this %s identity is already bound to another member', v_provider));
    end if;
    return v_row.id;
  end if;
  insert into app.member_external_identities (member_id, provider, external_id)
  values (p_member_id, v_provider, p_external_id)
  returning * into v_row;
  perform app.audit('member.bind_identity', 'member', p_member_id::text, null, null, null, null,
                    jsonb_build_object('provider', v_provider));
  return v_row.id;
end
$$;

-- Create a card with p_member_id as its owner. A binding password is kept only as a bcrypt
-- hash at cost 10: it is chosen by a person, so the work factor matters.
create or replace function app.issue_card_for(p_member_id uuid, p_card_type text, p_binding_password text) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
  v_card uuid;
begin
  insert into app.cards (card_type, binding_password_hash)
  values (app.check_card_type(p_card_type),
          case when p_binding_password is not null
               then extensions.crypt(p_binding_password, extensions.gen_salt('bf', 10)) end)
  returning id into v_card;
  insert into app.card_bindings (card_id, member_id, role) values (v_card, p_member_id, 'owner');
  perform app.audit('card.issue', 'card', v_card::text, null, null, v_card, null,
                    jsonb_build_object('card_type', p_card_type, 'member_id', p_member_id,
                                       'has_binding_password', p_binding_password is not null));
  return v_card;
end
$$;

-- The role a member holds on a card, or null when not bound.
create or replace function app.card_role(p_card_id uuid, p_member_id uuid) returns app.binding_role
language sql stable
set search_path = ''
as $$ select b.role from app.card_bindings b where b.card_id = p_card_id and b.member_id = p_member_id $$;

-- The owner binding is guarded by the card's binding password. A card issued without one has
-- nothing to prove ownership with, so its ownership cannot be handed over: a missing password,
-- a wrong one, and a card without one all fail alike (no hint which).
create or replace function app.check_binding_password(p_card_id uuid, p_password text) returns void
language plpgsql stable
set search_path = ''
as $$
declare
  v_hash text;
begin
  select c.binding_password_hash into v_hash from app.cards c where c.id = p_card_id;
  if p_password is null or v_hash is null or extensions.crypt(p_password, v_hash) <> v_hash then
    perform app.fail('binding_password_invalid', 'the binding password of this card is wrong or missing');
  end if;
end
$$;

select app.deploy_private_functions();
