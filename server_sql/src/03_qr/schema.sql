-- QR: a card's rotating payment codes. Only bcrypt hashes of a code's secret are stored; the
-- plain code is returned once, to the caller that issued it.

-- QR tokens: `MPSQR1.<lookup_id>.<secret>`; only bcrypt hashes of the secret are stored.
create table if not exists app.card_qr_history (
  lookup_id text primary key check (lookup_id ~ '^[0-9a-f]{24}$'),
  card_id uuid not null references app.cards (id) on delete cascade,
  secret_hash text not null check (secret_hash like '$2%'),
  single_use boolean not null,
  issued_at timestamptz not null default app.now(),
  expires_at timestamptz not null,
  use_count integer not null default 0,
  last_used_at timestamptz,
  ended_at timestamptz,
  end_reason text check (end_reason in ('used', 'revoked', 'replaced'))
);
select app.deploy_table_access('app.card_qr_history', 'service_role');
select app.deploy_index('app.card_qr_history_card_id_idx', $$create index if not exists card_qr_history_card_id_idx on app.card_qr_history (card_id, issued_at desc)$$);

create table if not exists app.card_qr_state (
  card_id uuid primary key references app.cards (id) on delete cascade,
  lookup_id text not null unique references app.card_qr_history (lookup_id) on delete cascade,
  secret_hash text not null check (secret_hash like '$2%'),
  single_use boolean not null,
  issued_at timestamptz not null,
  expires_at timestamptz not null
);
select app.deploy_table_access('app.card_qr_state', 'service_role');
select app.deploy_comment('table', 'app.card_qr_state', 'The one live QR token of a card; a used, revoked or replaced token has no row here.');

-- QR helpers ------------------------------------------------------------------------------
-- Form: MPSQR1.<lookup_id: 24 hex>.<secret: 32 base64url chars = 192 random bits>.
create or replace function app.qr_prefix() returns text
language sql immutable
set search_path = ''
as $$ select 'MPSQR1' $$;

create or replace function app.qr_parse(p_plain text, out lookup_id text, out secret text)
language plpgsql immutable
set search_path = ''
as $$
begin
  -- A match without capture groups, then the fixed positions: PostgreSQL's regex engine
  -- backtracks through counted groups when it must capture (~100 us a call), not when it only
  -- matches (~2 us).
  if coalesce(p_plain, '') !~ '^MPSQR1\.[0-9a-f]{24}\.[A-Za-z0-9_-]{32}$' then
    perform app.fail('qr_invalid', 'this is not a member payment code; ask the member to show the payment QR');
  end if;
  lookup_id := substr(p_plain, 8, 24);  -- app.qr_live cuts it at the same place
  secret := substr(p_plain, 33, 32);
end
$$;

-- The card a token belongs to, after checking its secret. Says nothing of whether it is live.
create or replace function app.qr_resolve(p_plain text) returns uuid
language plpgsql stable
set search_path = ''
as $$
declare
  v_token record;
  v_hist app.card_qr_history;
begin
  v_token := app.qr_parse(p_plain);
  select h.* into v_hist from app.card_qr_history h where h.lookup_id = v_token.lookup_id;
  if not found or extensions.crypt(v_token.secret, v_hist.secret_hash) <> v_hist.secret_hash then
    perform app.fail('qr_invalid', 'this payment code is not recognised; ask the member to refresh it');
  end if;
  return v_hist.card_id;
end
$$;

-- Is this (resolved) token the card's live unused one, and not expired? qr_not_active, then
-- qr_expired, as contract §4 orders them. Shared by a charge (qr_consume) and merchant_preview_qr,
-- so a preview judges a code exactly as a charge would.
create or replace function app.qr_live(p_plain text, p_card_id uuid) returns app.card_qr_state
language plpgsql stable
set search_path = ''
as $$
declare
  -- Its lookup id, where app.qr_parse cuts it: every caller has resolved the token first
  -- (app.qr_resolve parsed and checked it), so it is not matched again (~8 us of regex a call).
  v_lookup_id text := substr(p_plain, 8, 24);
  v_state app.card_qr_state;
begin
  select s.* into v_state from app.card_qr_state s where s.card_id = p_card_id;
  if not found or v_state.lookup_id <> v_lookup_id then
    perform app.fail('qr_not_active', 'this payment code was already used or replaced; ask the member to refresh it');
  end if;
  if v_state.expires_at <= app.now() then
    perform app.fail('qr_expired', 'this payment code has expired; ask the member to refresh it');
  end if;
  return v_state;
end
$$;

-- Spend a token for a payment or top-up. The caller holds the card lock and has resolved the
-- token (secret checked); here: is it the live unused token, then has it expired.
-- merchant_charge_by_qr makes the same two writes inside its one write statement (the hot path):
-- keep them alike.
create or replace function app.qr_consume(p_plain text, p_card_id uuid) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  v_state app.card_qr_state;
  v_now timestamptz := app.now();
begin
  v_state := app.qr_live(p_plain, p_card_id);  -- the same judgement merchant_preview_qr makes
  update app.card_qr_history h
     set use_count = h.use_count + 1, last_used_at = v_now,
         ended_at = case when v_state.single_use then v_now end,
         end_reason = case when v_state.single_use then 'used' end
   where h.lookup_id = v_state.lookup_id;
  if v_state.single_use then
    delete from app.card_qr_state s where s.card_id = p_card_id;
  end if;
end
$$;

-- End the live token of a card, if any, recording why.
create or replace function app.qr_end(p_card_id uuid, p_reason text) returns boolean
language plpgsql volatile
set search_path = ''
as $$
declare
  v_lookup text;
begin
  delete from app.card_qr_state s where s.card_id = p_card_id returning s.lookup_id into v_lookup;
  if v_lookup is null then
    return false;
  end if;
  update app.card_qr_history h set ended_at = app.now(), end_reason = p_reason
   where h.lookup_id = v_lookup;
  return true;
end
$$;

-- Issue a new live token (replacing the old one) and return its plain text, once.
create or replace function app.qr_issue(p_card_id uuid, p_ttl_seconds integer, p_single_use boolean,
                                        out qr_plain text, out expires_at timestamptz)
language plpgsql volatile
set search_path = ''
as $$
declare
  v_lookup text := encode(extensions.gen_random_bytes(12), 'hex');
  v_secret text := translate(encode(extensions.gen_random_bytes(24), 'base64'), '+/', '-_');
  -- 192 random bits: bcrypt's work factor adds nothing, so the lowest cost keeps payments fast.
  v_hash text := extensions.crypt(v_secret, extensions.gen_salt('bf', 4));
  v_now timestamptz := app.now();
begin
  perform app.qr_end(p_card_id, 'replaced');
  expires_at := v_now + make_interval(secs => p_ttl_seconds);
  insert into app.card_qr_history (lookup_id, card_id, secret_hash, single_use, issued_at, expires_at)
  values (v_lookup, p_card_id, v_hash, p_single_use, v_now, expires_at);
  insert into app.card_qr_state (card_id, lookup_id, secret_hash, single_use, issued_at, expires_at)
  values (p_card_id, v_lookup, v_hash, p_single_use, v_now, expires_at);
  qr_plain := app.qr_prefix() || '.' || v_lookup || '.' || v_secret;
end
$$;

select app.deploy_private_functions();
