-- Member Payment System: schema (types, tables, indexes, RLS, internal helpers).
-- Domain by domain (server_sql/README.md): setup (this part: extensions, schemas, the deploy
-- kit, settings, audit, shared helpers), members and cards, QR, merchants and operators, money,
-- points and levels, settlements, shifts, jobs. Each holds its tables, helpers and grants.
--
-- Runs unchanged on a Supabase project (SQL editor) and on plain PostgreSQL 15+ after
-- server_sql/local/bootstrap.sql. Safe to re-run on a database that already holds members, cards
-- and money, also while it is selling: nothing is dropped or reset; new objects are created,
-- helpers are replaced, and nothing takes a lock a till would wait on when nothing changed. Every
-- statement keeps to the re-apply conventions below ("Deploying while selling").
-- Apply mps_rpc.sql after this file.

create extension if not exists pgcrypto with schema extensions;

create schema if not exists app;
create schema if not exists audit;

-- ===========================================================================================
-- Deploying while selling (docs/Architecture.md, "Deploying while selling")
-- ===========================================================================================
-- Both files are re-applied to a live database on every deploy (Supabase SQL editor: each
-- paste runs as ONE transaction, so every lock a statement takes is held until the file ends).
-- A re-apply must fail no payment and make none wait, so every statement of both files keeps
-- to these conventions (every domain of server_sql/src, and every one added later):
--   1. Functions: `create or replace function` only, never drop one that callers may be
--      running (a dropped function fails in-flight calls with XX000 "cache lookup failed").
--      A signature change (new parameter, changed OUT columns) is a migration step: call
--      `select app.deploy_drop_function('<old signature>')` right before the new
--      `create or replace function`; it retires the old overload only if it still exists (so a
--      re-apply does nothing): renamed into schema app_retired, not dropped, so calls running
--      it finish; a later deploy drops it. Say so in the comment above the function.
--   2. Grants: `select app.deploy_grant(...)` / `app.deploy_rpc_grant(...)`, never bare
--      grant/revoke: they compare the catalog first and change nothing when it already holds.
--   3. Anything that locks a table (RLS, policies, triggers, indexes, columns, constraints,
--      comments) goes through its deploy_* helper below, which checks the catalog first (a
--      policy or trigger by comparing it with the wanted one made on a probe table) and, when
--      there is something to do, runs the DDL through app.deploy_exec: a short lock_timeout
--      and a retry, so a busy table delays the deploy, never the tills.
--      `create table if not exists` and `create sequence if not exists` lock nothing when the
--      object exists and may be used as they are. Never `alter table` directly. A new column
--      on a busy table is nullable or has a constant default (no rewrite).
--   4. Lock order: a migration step that must lock several tables locks them all in ONE
--      app.deploy_exec call (`lock table a, b in ... mode; alter ...`), in the order the tables
--      are created in mps_schema.sql; the RPCs take the idempotency key's advisory lock, then
--      the card's, then rows. No step waits on one table while holding another a till needs.
--   5. Data: seed rows with `insert ... on conflict do nothing`; never update or delete live
--      rows from these files.
-- Deploys are serialized by an advisory lock, held until the end of each file's transaction.
select pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('mps.deploy', 0));
-- A safety net for any statement that still waits on a lock: fail the deploy, not the tills.
select pg_catalog.set_config('lock_timeout', '2s', true);

-- Run one DDL script (may hold several statements) under a short lock_timeout, retrying when
-- the lock is busy or a deadlock picked the deploy: each try is a subtransaction, so a failed
-- try releases what it took. Raises after p_attempts (the deploy fails, no till does).
create or replace function app.deploy_exec(p_sql text, p_attempts integer default 40) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  v_try integer := 0;
  v_old text := pg_catalog.current_setting('lock_timeout');
begin
  loop
    v_try := v_try + 1;
    begin
      perform pg_catalog.set_config('lock_timeout', '400ms', true);
      execute p_sql;
      perform pg_catalog.set_config('lock_timeout', v_old, true);
      return;
    exception when lock_not_available or deadlock_detected then
      if v_try >= p_attempts then
        raise;
      end if;
    end;
    perform pg_catalog.pg_sleep(least(0.05 * v_try, 0.5));
  end loop;
end
$$;

-- Grant exactly p_privileges (comma-separated: 'select', 'execute', 'usage'; '' for none) on one
-- object to each role of p_to, and nothing to the roles of p_from that are not in p_to; compares
-- the object's ACL first and touches nothing when it already holds. p_kind: table, sequence,
-- function (p_object a signature), schema.
create or replace function app.deploy_grant(p_kind text, p_object text, p_privileges text,
                                            p_to text[], p_from text[]) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  v_acl pg_catalog.aclitem[];
  v_privs text[] := array(select upper(btrim(x)) from pg_catalog.regexp_split_to_table(p_privileges, ',') x
                          where btrim(x) <> '');
  v_roles text[] := p_to || p_from;
  v_have text[];
  v_want text[];
begin
  case p_kind
    when 'table', 'sequence' then
      select coalesce(c.relacl, pg_catalog.acldefault(case p_kind when 'table' then 'r' else 's' end::"char", c.relowner))
        into v_acl from pg_catalog.pg_class c where c.oid = p_object::regclass;
    when 'function' then
      select coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner))
        into v_acl from pg_catalog.pg_proc p where p.oid = p_object::regprocedure;
    when 'schema' then
      select coalesce(n.nspacl, pg_catalog.acldefault('n', n.nspowner))
        into v_acl from pg_catalog.pg_namespace n where n.nspname = p_object;
    else
      raise exception 'deploy_grant: unknown kind %', p_kind;
  end case;
  select coalesce(array_agg(distinct g.name || ':' || a.privilege_type order by g.name || ':' || a.privilege_type), '{}') into v_have
    from pg_catalog.aclexplode(v_acl) a
    cross join lateral (select case a.grantee when 0 then 'public'
                                 else (select r.rolname::text from pg_catalog.pg_roles r where r.oid = a.grantee) end as name) g
   where g.name = any(p_from) or (g.name = any(p_to) and a.privilege_type = any(v_privs));
  select coalesce(array_agg(distinct r || ':' || x order by r || ':' || x), '{}') into v_want
    from unnest(p_to) r cross join unnest(v_privs) x;
  if v_have = v_want then
    return;
  end if;
  perform app.deploy_exec(
    format('revoke all on %s %s from %s;', p_kind, p_object, array_to_string(p_from, ', '))
    || case when cardinality(v_privs) > 0 and cardinality(p_to) > 0
            then format('grant %s on %s %s to %s;', p_privileges, p_kind, p_object, array_to_string(p_to, ', '))
            else '' end);
end
$$;

-- An RPC's grants: execute for the roles named, for no other API role.
create or replace function app.deploy_rpc_grant(p_signature text, variadic p_to text[]) returns void
language sql volatile
set search_path = ''
as $$
  select app.deploy_grant('function', p_signature, 'execute', p_to, array['public', 'anon', 'authenticated'])
$$;

-- Retire an old overload (a migration step: see convention 1) only if it exists; with
-- p_unless_outputs, only if its OUT/TABLE columns ('name type, ...') are not already those.
-- Retiring is not dropping: the function keeps its oid and its catalog row, renamed into schema
-- app_retired (no API role may use it), so a call still running it when the deploy commits
-- finishes normally (a dropped one fails it with XX000 "cache lookup failed"), while every new
-- call finds the new definition by name. app.deploy_purge_retired drops it on a later deploy.
create or replace function app.deploy_drop_function(p_signature text, p_unless_outputs text default null)
returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  v_oid pg_catalog.oid := pg_catalog.to_regprocedure(p_signature);
  v_outputs text;
  v_name text;
begin
  if v_oid is null then
    return;
  end if;
  if p_unless_outputs is not null then
    select string_agg(u.n || ' ' || pg_catalog.format_type(u.t, null), ', ' order by u.i) into v_outputs
      from pg_catalog.pg_proc p,
           unnest(p.proargnames, p.proallargtypes, p.proargmodes) with ordinality u(n, t, m, i)
     where p.oid = v_oid and u.m in ('o', 'b', 't');
    if v_outputs = p_unless_outputs then
      return;
    end if;
  end if;
  create schema if not exists app_retired;
  revoke all on schema app_retired from public;
  select p.proname || '_r' || p.oid::text into v_name from pg_catalog.pg_proc p where p.oid = v_oid;
  perform app.deploy_exec(format('alter function %s rename to %I', v_oid::regprocedure, v_name));
  perform app.deploy_exec(format('alter function %s set schema app_retired', v_oid::regprocedure));
  perform app.deploy_exec(format('revoke all on function %s from public, anon, authenticated, service_role',
                                 v_oid::regprocedure));
  execute format('comment on function %s is %L', v_oid::regprocedure,
                 'retired ' || pg_catalog.clock_timestamp()::text || ' from ' || p_signature);
end
$$;

-- Drop the functions retired by earlier deploys once no transaction that could still be running
-- one is left: retired more than ten minutes ago (far longer than any API request may run) and
-- before every transaction now open that this role can see began.
create or replace function app.deploy_purge_retired() returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  f record;
  v_oldest timestamptz := (select min(a.xact_start) from pg_catalog.pg_stat_activity a
                            where a.xact_start is not null and a.pid <> pg_catalog.pg_backend_pid());
begin
  for f in
    select p.oid::regprocedure as sig,
           substring(pg_catalog.obj_description(p.oid, 'pg_proc') from '^retired (.*) from ')::timestamptz as retired_at
      from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
     where n.nspname = 'app_retired'
  loop
    if f.retired_at < pg_catalog.clock_timestamp() - interval '10 minutes'
       and (v_oldest is null or f.retired_at < v_oldest) then
      perform app.deploy_exec(format('drop function %s', f.sig));
    end if;
  end loop;
end
$$;

-- Enable row level security on a table unless it already is.
create or replace function app.deploy_enable_rls(p_table regclass) returns void
language plpgsql volatile
set search_path = ''
as $$
begin
  if not (select c.relrowsecurity from pg_catalog.pg_class c where c.oid = p_table) then
    perform app.deploy_exec(format('alter table %s enable row level security', p_table));
  end if;
end
$$;

-- A scratch copy of a table's columns (a new temporary table, which no till uses), on which a
-- policy or trigger definition is rendered by PostgreSQL itself to compare with the real one.
create or replace function app.deploy_probe(p_table regclass) returns regclass
language plpgsql volatile
set search_path = ''
as $$
begin
  drop table if exists pg_temp.mps_deploy_probe;
  execute format('create temporary table mps_deploy_probe (like %s)', p_table);
  return 'pg_temp.mps_deploy_probe'::regclass;
end
$$;

-- Create or change a policy: p_definition is what follows `create policy <name> on <table>`.
-- The wanted policy is made on a probe and compared with the real one as PostgreSQL renders
-- both (command, roles, USING, WITH CHECK): an equal policy is left alone, whoever made it; one
-- that differs (or was edited by hand) is dropped and created again through deploy_exec.
create or replace function app.deploy_policy(p_table regclass, p_name text, p_definition text) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  v_oid pg_catalog.oid;
  v_probe regclass;
  v_same boolean := false;
begin
  select p.oid into v_oid from pg_catalog.pg_policy p where p.polrelid = p_table and p.polname = p_name;
  if v_oid is not null then
    v_probe := app.deploy_probe(p_table);
    execute format('create policy probe on %s %s', v_probe, p_definition);
    select a.polcmd = b.polcmd and a.polpermissive = b.polpermissive
           and array(select unnest(a.polroles) order by 1) = array(select unnest(b.polroles) order by 1)
           and pg_catalog.pg_get_expr(a.polqual, a.polrelid) is not distinct from pg_catalog.pg_get_expr(b.polqual, b.polrelid)
           and pg_catalog.pg_get_expr(a.polwithcheck, a.polrelid) is not distinct from pg_catalog.pg_get_expr(b.polwithcheck, b.polrelid)
      into v_same
      from pg_catalog.pg_policy a, pg_catalog.pg_policy b
     where a.oid = v_oid and b.polrelid = v_probe and b.polname = 'probe';
    execute format('drop table %s', v_probe);
  end if;
  if not v_same then
    perform app.deploy_exec(format('drop policy if exists %I on %s; create policy %I on %s %s',
                                   p_name, p_table, p_name, p_table, p_definition));
  end if;
end
$$;

-- Create or change a trigger: `create trigger <p_name> <p_when> on <p_table> <p_action>`, e.g.
-- p_when 'before update or delete', p_action 'for each row execute function f()'. Compared on
-- a probe like a policy (timing and events, function, arguments, columns, WHEN, enabled).
create or replace function app.deploy_trigger(p_table regclass, p_name text, p_when text, p_action text) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  v_oid pg_catalog.oid;
  v_probe regclass;
  v_same boolean := false;
begin
  select t.oid into v_oid from pg_catalog.pg_trigger t where t.tgrelid = p_table and t.tgname = p_name;
  if v_oid is not null then
    v_probe := app.deploy_probe(p_table);
    execute format('create trigger probe %s on %s %s', p_when, v_probe, p_action);
    select a.tgtype = b.tgtype and a.tgfoid = b.tgfoid and a.tgargs = b.tgargs and a.tgenabled = b.tgenabled
           and a.tgattr::text = b.tgattr::text
           and pg_catalog.pg_get_expr(a.tgqual, a.tgrelid) is not distinct from pg_catalog.pg_get_expr(b.tgqual, b.tgrelid)
      into v_same
      from pg_catalog.pg_trigger a, pg_catalog.pg_trigger b
     where a.oid = v_oid and b.tgrelid = v_probe and b.tgname = 'probe';
    execute format('drop table %s', v_probe);
  end if;
  if not v_same then
    perform app.deploy_exec(format('drop trigger if exists %I on %s; create trigger %I %s on %s %s',
                                   p_name, p_table, p_name, p_when, p_table, p_action));
  end if;
end
$$;

-- Create an index unless one of that name exists (`create index if not exists` locks the table
-- before it looks). A changed index gets a new name (and the old one a deploy_exec'd drop).
create or replace function app.deploy_index(p_name text, p_create text) returns void
language plpgsql volatile
set search_path = ''
as $$
begin
  if pg_catalog.to_regclass(p_name) is null then
    perform app.deploy_exec(p_create);
  end if;
end
$$;

-- Add a column (p_definition: 'name type ...') unless the table has it.
create or replace function app.deploy_column(p_table regclass, p_column text, p_definition text) returns void
language plpgsql volatile
set search_path = ''
as $$
begin
  if not exists (select 1 from pg_catalog.pg_attribute a
                  where a.attrelid = p_table and a.attname = p_column and not a.attisdropped) then
    perform app.deploy_exec(format('alter table %s add column if not exists %s', p_table, p_definition));
  end if;
end
$$;

-- Add a table constraint (p_definition: what follows `add constraint <name>`) unless it exists.
create or replace function app.deploy_constraint(p_table regclass, p_name text, p_definition text) returns void
language plpgsql volatile
set search_path = ''
as $$
begin
  if not exists (select 1 from pg_catalog.pg_constraint c where c.conrelid = p_table and c.conname = p_name) then
    perform app.deploy_exec(format('alter table %s add constraint %I %s', p_table, p_name, p_definition));
  end if;
end
$$;

-- Set a comment unless it already reads so. p_kind: table, column ('schema.table.column'),
-- function (a signature).
create or replace function app.deploy_comment(p_kind text, p_object text, p_comment text) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  v_now text;
begin
  v_now := case p_kind
    when 'table' then pg_catalog.obj_description(p_object::regclass, 'pg_class')
    when 'column' then pg_catalog.col_description(
      pg_catalog.regexp_replace(p_object, '\.[^.]+$', '')::regclass,
      (select a.attnum from pg_catalog.pg_attribute a
        where a.attrelid = pg_catalog.regexp_replace(p_object, '\.[^.]+$', '')::regclass
          and a.attname = pg_catalog.regexp_replace(p_object, '^.*\.', '')))
    when 'function' then pg_catalog.obj_description(p_object::regprocedure, 'pg_proc')
  end;
  if v_now is distinct from p_comment then
    perform app.deploy_exec(format('comment on %s %s is %L', p_kind, p_object, p_comment));
  end if;
end
$$;

-- A table's API access, stated right under its `create table`: select for p_readers (API
-- roles; operators read only what the table's policies let them), no write for any API role,
-- none on its identity sequences, row level security on, and the `service_read` policy
-- (service_role has BYPASSRLS; the policy states its read access explicitly and gives every
-- table a policy, since Supabase's linter flags RLS-enabled tables with none). The RPCs run as
-- the tables' owner, which RLS does not restrict. Each step compares the catalog first.
create or replace function app.deploy_table_access(p_table regclass, variadic p_readers text[]) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  v_all text[] := array['public', 'anon', 'authenticated', 'service_role'];
  v_seq regclass;
begin
  perform app.deploy_grant('table', p_table::text, 'select', p_readers, v_all);
  for v_seq in
    select d.objid::regclass from pg_catalog.pg_depend d
     where d.refclassid = 'pg_catalog.pg_class'::regclass and d.refobjid = p_table
       and d.classid = 'pg_catalog.pg_class'::regclass and d.deptype in ('a', 'i')
       and (select c.relkind from pg_catalog.pg_class c where c.oid = d.objid) = 'S'
  loop
    perform app.deploy_grant('sequence', v_seq::text, '', array[]::text[], v_all);
  end loop;
  perform app.deploy_enable_rls(p_table);
  perform app.deploy_policy(p_table, 'service_read', 'for select to service_role using (true)');
end
$$;

-- Helpers are internal: no API role may execute a function of schema app, except the two the
-- policies call (app.my_merchant_ids, app.my_managed_merchant_ids, granted where they are made).
-- Called at the end of each domain's schema part, for the helpers it made; a helper that neither
-- anon nor authenticated may execute (so not PUBLIC either) is already private and skipped.
create or replace function app.deploy_private_functions() returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  f record;
begin
  for f in
    select p.oid::pg_catalog.regprocedure as sig
    from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'app' and p.proname not in ('my_merchant_ids', 'my_managed_merchant_ids')
      and (pg_catalog.has_function_privilege('anon', p.oid, 'execute')
           or pg_catalog.has_function_privilege('authenticated', p.oid, 'execute'))
  loop
    perform app.deploy_grant('function', f.sig::text, '', array[]::text[], array['public', 'anon', 'authenticated']);
  end loop;
end
$$;

-- Functions retired by earlier deploys, once nothing can be running them.
select app.deploy_purge_retired();

-- Nobody reaches these schemas through the API; the RPCs in `public` are the only door.
select app.deploy_grant('schema', 'app', 'usage', array['authenticated', 'service_role'],  -- RLS-guarded reads only
                        array['public', 'anon', 'authenticated']);
select app.deploy_grant('schema', 'audit', 'usage', array['service_role'], array['public', 'anon', 'authenticated']);

-- The clock --------------------------------------------------------------------------------
-- Every business timestamp comes from app.now(), so that tests can pin the clock inside their
-- own transaction (create or replace, rolled back) instead of sleeping. In production it is
-- exactly now(): the transaction's start time, from the database server's clock.
--
-- Why plpgsql for one-line helpers like this one: a `language sql` function that pins its
-- search_path is never inlined, and PostgreSQL 15 parses and plans its body again at every call
-- from a new statement; plpgsql keeps its plans for the session. A charge calls a dozen such
-- helpers, and their planning was a tenth of its time (docs/Architecture.md, "Scaling").
create or replace function app.now() returns timestamptz
language plpgsql stable
set search_path = ''
as $$ begin return pg_catalog.now(); end $$;

-- Settings ----------------------------------------------------------------------------------
create table if not exists app.settings (
  key text primary key,
  value jsonb not null,
  description text not null default '',
  updated_at timestamptz not null default app.now()
);
select app.deploy_comment('table', 'app.settings', 'Operator-tunable limits; read by the RPCs, changed by SQL only.');
select app.deploy_table_access('app.settings', 'service_role');

-- Every setting, with its default; seeded once, so an operator's value survives a re-apply.
-- settlement_grace_seconds: a transaction's created_at is its start time, so a charge begun at
-- 23:59:59.9 may commit a moment after midnight; settling only once every such straggler has
-- committed keeps it in its period.
insert into app.settings (key, value, description) values
  ('max_transaction_amount', '100000.00', 'Largest amount one payment, refund or top-up may move.'),
  ('refund_window_days', '180', 'A payment older than this many days cannot be refunded.'),
  ('idempotency_retention_days', '35', 'Idempotency keys are kept at least this long (minimum 30).'),
  ('max_tag_bytes', '4096', 'Largest p_tag accepted, as JSON text.'),
  ('settlement_grace_seconds', '300', 'run_due_settlements settles a period only this many seconds after it ends.')
on conflict (key) do nothing;

-- Audit -------------------------------------------------------------------------------------
create table if not exists audit.event_log (
  id bigint generated always as identity primary key,
  occurred_at timestamptz not null default app.now(),
  actor_user_id uuid,
  actor_role text not null,
  merchant_role text,
  action text not null,
  entity_type text not null,
  entity_id text,
  merchant_id uuid,
  card_id uuid,
  amount numeric(14, 2),
  details jsonb not null default '{}'::jsonb
);
-- An auditor reads the log by entity (what happened to this transaction, card, shift) and by
-- time (a merchant's or an action's events of a period: the time range, then the filter). No
-- code reads it. Every charge, refund and top-up writes an event, so each btree entry is paid on
-- the hot path: time is a BRIN index, which an append-only log suits (occurred_at follows the
-- rows' order) and which costs next to nothing per insert. The first release's btrees on
-- occurred_at and on (merchant_id, occurred_at) are dropped (docs/Architecture.md, "Scaling").
select app.deploy_index('audit.event_log_entity_idx', $$create index if not exists event_log_entity_idx on audit.event_log (entity_type, entity_id)$$);
select app.deploy_index('audit.event_log_occurred_at_brin', $$create index if not exists event_log_occurred_at_brin on audit.event_log using brin (occurred_at)$$);
select app.deploy_exec('drop index if exists audit.' || i) from unnest(array['event_log_occurred_at_idx', 'event_log_merchant_id_idx']) i
 where pg_catalog.to_regclass('audit.' || i) is not null;
select app.deploy_table_access('audit.event_log', 'service_role');

-- Append-only, even for the table's owner: rows are never updated or deleted.
create or replace function audit.reject_change() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception using errcode = '42501', message = 'forbidden: audit.event_log is append-only';
end
$$;
select app.deploy_grant('function', 'audit.reject_change()', '', array[]::text[], array['public', 'anon', 'authenticated']);

select app.deploy_trigger('audit.event_log', 'event_log_append_only', 'before update or delete',
                          'for each row execute function audit.reject_change()');
select app.deploy_trigger('audit.event_log', 'event_log_no_truncate', 'before truncate',
                          'for each statement execute function audit.reject_change()');

-- Errors are API: a stable SQLSTATE and a message that starts with the error's name.
create or replace function app.fail(p_name text, p_message text) returns void
language plpgsql
set search_path = ''
as $$
declare
  v_code text := case p_name
    when 'invalid_amount' then 'MP001'
    when 'insufficient_balance' then 'MP002'
    when 'qr_invalid' then 'MP003'
    when 'qr_expired' then 'MP004'
    when 'qr_not_active' then 'MP005'
    when 'idempotency_conflict' then 'MP006'
    when 'refund_exceeds_paid' then 'MP007'
    when 'tx_not_refundable' then 'MP008'
    when 'card_inactive' then 'MP009'
    when 'merchant_inactive' then 'MP010'
    when 'binding_password_invalid' then 'MP011'
    when 'not_found' then 'MP012'
    when 'invalid_argument' then 'MP013'
    when 'shift_conflict' then 'MP014'  -- contract §9
    when 'shift_closed' then 'MP015'    -- contract §9
    when 'forbidden' then '42501'
  end;
begin
  if v_code is null then
    raise exception 'app.fail: unknown error name %', p_name;
  end if;
  raise exception using errcode = v_code, message = p_name || ': ' || p_message;
end
$$;

-- "a, b or c": the values an argument may take, as an error message lists them (with
-- enum_range, so that a message never restates an enum by hand).
create or replace function app.or_list(p_values text[]) returns text
language sql immutable
set search_path = ''
as $$
  select case when pg_catalog.cardinality(p_values) < 2 then pg_catalog.array_to_string(p_values, '')
    else pg_catalog.array_to_string(p_values[1:pg_catalog.cardinality(p_values) - 1], ', ')
         || ' or ' || p_values[pg_catalog.cardinality(p_values)] end
$$;

create or replace function app.setting_numeric(p_key text) returns numeric
language plpgsql stable
set search_path = ''
as $$ begin return (select (s.value #>> '{}')::numeric from app.settings s where s.key = p_key); end $$;

-- Who is calling. The transaction-local `role` that PostgREST sets is authoritative (claims
-- alone could be forged by a direct session); a direct database session with no API role
-- (psql as postgres, Supabase's SQL editor, pg_cron) acts as the platform.
create or replace function app.caller_role() returns text
language plpgsql stable
set search_path = ''
as $$
begin
  return case
    when current_setting('role') in ('anon', 'authenticated', 'service_role') then current_setting('role')
    when session_user::text = 'authenticator' then 'anon'
    else 'service_role'
  end;
end
$$;

create or replace function app.require_service() returns void
language plpgsql stable
set search_path = ''
as $$
begin
  if app.caller_role() <> 'service_role' then
    perform app.fail('forbidden', 'this operation is for the platform (service role) only');
  end if;
end
$$;

-- Input checks ------------------------------------------------------------------------------
create or replace function app.check_amount(p_amount numeric) returns numeric
language plpgsql stable
set search_path = ''
as $$
declare
  v_cap numeric := coalesce(app.setting_numeric('max_transaction_amount'), 100000.00);
begin
  if p_amount is null then
    perform app.fail('invalid_amount', 'an amount is required');
  end if;
  if p_amount = 'NaN'::numeric or p_amount = 'Infinity'::numeric or p_amount = '-Infinity'::numeric then
    perform app.fail('invalid_amount', 'the amount must be a finite number');
  end if;
  if p_amount <= 0 then
    perform app.fail('invalid_amount', 'the amount must be greater than zero');
  end if;
  if p_amount <> round(p_amount, 2) then
    perform app.fail('invalid_amount', 'the amount has more than two decimal places');
  end if;
  if p_amount > v_cap then
    perform app.fail('invalid_amount', format('the amount exceeds the per-transaction limit of %s', v_cap));
  end if;
  return round(p_amount, 2);
end
$$;

create or replace function app.check_idempotency_key(p_key text) returns text
language plpgsql immutable
set search_path = ''
as $$
begin
  if p_key is null or length(p_key) < 1 or length(p_key) > 128 then
    perform app.fail('invalid_argument', 'p_idempotency_key must be 1 to 128 characters');
  end if;
  if p_key ~ '[[:cntrl:]]' then
    perform app.fail('invalid_argument', 'p_idempotency_key must not contain control characters');
  end if;
  return p_key;
end
$$;

create or replace function app.check_tag(p_tag jsonb) returns jsonb
language plpgsql stable
set search_path = ''
as $$
declare
  v_max integer := coalesce(app.setting_numeric('max_tag_bytes'), 4096)::integer;
begin
  if p_tag is null or p_tag = 'null'::jsonb then
    return '{}'::jsonb;
  end if;
  if jsonb_typeof(p_tag) <> 'object' then
    perform app.fail('invalid_argument', 'p_tag must be a JSON object');
  end if;
  if octet_length(p_tag::text) > v_max then
    perform app.fail('invalid_argument', format('p_tag is larger than %s bytes', v_max));
  end if;
  return p_tag;
end
$$;

-- Locks -------------------------------------------------------------------------------------
-- Every advisory lock of the project goes through here, in one namespace ('mps.<kind>:<id>'),
-- so that locks of different kinds cannot collide by construction. Transaction-scoped: released
-- at commit or rollback, never leaked by a client that goes away.
create or replace function app.advisory_xact_lock(p_key text) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  v_taken boolean;
begin
  -- An assignment rather than PERFORM: plpgsql evaluates a plain expression without starting an
  -- executor (PERFORM runs a query). Every money call takes two of these locks.
  v_taken := pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('mps.' || p_key, 0)) is not null;
end
$$;

-- The same lock taken shared: many holders at once, none while someone holds it exclusively
-- (a shift's rows take it shared to join it; its close takes it exclusively).
create or replace function app.advisory_xact_lock_shared(p_key text) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  v_taken boolean;
begin
  v_taken := pg_catalog.pg_advisory_xact_lock_shared(pg_catalog.hashtextextended('mps.' || p_key, 0)) is not null;
end
$$;

-- The audit helper -----------------------------------------------------------------------------
create or replace function app.audit(
  p_action text, p_entity_type text, p_entity_id text,
  p_merchant_id uuid default null, p_merchant_role text default null,
  p_card_id uuid default null, p_amount numeric default null, p_details jsonb default '{}'::jsonb
) returns void
language plpgsql volatile
set search_path = ''
as $$
begin
  insert into audit.event_log (actor_user_id, actor_role, merchant_role, action, entity_type,
                               entity_id, merchant_id, card_id, amount, details)
  values (auth.uid(), app.caller_role(), p_merchant_role, p_action, p_entity_type,
          p_entity_id, p_merchant_id, p_card_id, p_amount, coalesce(p_details, '{}'::jsonb));
end
$$;

select app.deploy_private_functions();
