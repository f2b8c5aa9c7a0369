-- Test-only functions for the gateway tests, installed in the gateway's own database.
create schema if not exists gwtest;
grant usage on schema gwtest to anon, authenticated, service_role;
create table if not exists gwtest.notes (id bigserial primary key, note text not null);

create or replace function public.t_add(a integer, b integer default 10) returns integer
language sql immutable as $$ select a + b $$;

create or replace function public.t_ambiguous(a integer) returns text language sql immutable as $$ select 'int' $$;
create or replace function public.t_ambiguous(a text) returns text language sql immutable as $$ select 'text' $$;

create or replace function public.t_object() returns jsonb
language sql stable as $$ select '{"amount": 12.50, "nested": {"ok": true}, "none": null}'::jsonb $$;

create or replace function public.t_out(out amount numeric, out label text)
language sql stable as $$ select 7.10, 'seven' $$;

create or replace function public.t_rows(n integer) returns table (i integer, amount numeric)
language sql stable as $$ select g, g * 1.25 from generate_series(1, n) g $$;

create or replace function public.t_null() returns text language sql stable as $$ select null::text $$;

create or replace function public.t_types(p_num numeric, p_ts timestamptz, p_tag jsonb default '{}')
returns jsonb language sql immutable
as $$ select jsonb_build_object('num', p_num, 'tag', p_tag, 'year', extract(year from p_ts at time zone 'UTC')) $$;

create or replace function public.t_note(p_note text) returns void
language sql volatile security definer set search_path = ''
as $$ insert into gwtest.notes (note) values (p_note) $$;

create or replace function public.t_note_rows(p_note text, p_n integer) returns setof bigint
language sql volatile security definer set search_path = ''
as $$ insert into gwtest.notes (note) select p_note from generate_series(1, p_n) returning id $$;

create or replace function public.t_fail_business() returns void
language plpgsql as $$
begin
  raise exception using errcode = 'MP002', message = 'insufficient_balance: the card holds 3.00, the charge needs 5.00',
    detail = 'card 42', hint = 'top up first';
end $$;

create or replace function public.t_raise(p_code text) returns void
language plpgsql as $$
begin
  raise exception using errcode = p_code, message = 'raised ' || p_code;
end $$;

create or replace function public.t_whoami() returns jsonb
language sql stable as $$
  select jsonb_build_object(
    'current_user', current_user,
    'role_claim', auth.role(),
    'uid', auth.uid(),
    'claims', auth.jwt(),
    'method', current_setting('request.method', true),
    'path', current_setting('request.path', true),
    'x_test', (current_setting('request.headers', true)::jsonb ->> 'x-test'),
    'statement_timeout', current_setting('statement_timeout'),
    'search_path', current_setting('search_path'),
    'read_only', current_setting('transaction_read_only'),
    'isolation', current_setting('transaction_isolation'))
$$;

create or replace function public.t_whoami_volatile() returns jsonb
language sql volatile as $$ select public.t_whoami() $$;

create or replace function public.t_service_only() returns text language sql stable as $$ select 'ok' $$;
revoke all on function public.t_service_only() from public, anon, authenticated;
grant execute on function public.t_service_only() to service_role;

create or replace function public.t_unnamed(jsonb) returns jsonb language sql immutable as $$ select $1 $$;

-- Rows to shape (select=, filters, order, limit/offset, counts): a null tag on odd ids.
create or replace function public.t_items(n integer default 5)
returns table (id integer, name text, price numeric, tag text)
language sql stable as $$
  select g, 'Item-' || g, g * 1.5, case when g % 2 = 0 then 'even' end from generate_series(1, n) g
$$;
