-- GENERATED FILE: do not edit. Written by `python -m tools.build_sql` (`make sql`) from
-- server_sql/src/*/schema.sql, one domain after the other in folder order; edit the sources
-- and regenerate (server_sql/README.md). A test fails when this file is stale.

-- ===========================================================================================
-- server_sql/src/01_setup/schema.sql
-- ===========================================================================================
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

-- ===========================================================================================
-- server_sql/src/02_members/schema.sql
-- ===========================================================================================
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

-- ===========================================================================================
-- server_sql/src/03_qr/schema.sql
-- ===========================================================================================
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

-- ===========================================================================================
-- server_sql/src/04_merchants/schema.sql
-- ===========================================================================================
-- Merchants and operators: the shops, the Supabase Auth users who work there and their role,
-- and the check every merchant RPC starts with (app.merchant_context).

-- Types -------------------------------------------------------------------------------------

do $$
begin
  create type app.merchant_role as enum ('cashier', 'manager', 'owner');
exception when duplicate_object then null;
end $$;
do $$
begin
  create type app.merchant_status as enum ('active', 'suspended');
exception when duplicate_object then null;
end $$;
do $$
begin
  create type app.settlement_mode as enum ('realtime', 't_plus_1', 'monthly');
exception when duplicate_object then null;
end $$;

-- Merchants ---------------------------------------------------------------------------------
create table if not exists app.merchants (
  id uuid primary key default gen_random_uuid(),
  code text not null unique check (code ~ '^[A-Za-z0-9_-]{2,32}$'),
  name text not null check (length(btrim(name)) between 1 and 200),
  status app.merchant_status not null default 'active',
  settlement_mode app.settlement_mode not null default 't_plus_1',
  timezone text not null default 'Asia/Shanghai',
  currency text not null default 'CNY' check (currency ~ '^[A-Z]{3}$'),
  created_at timestamptz not null default app.now(),
  updated_at timestamptz not null default app.now()
);
select app.deploy_table_access('app.merchants', 'authenticated', 'service_role');

-- Operators are Supabase Auth users (auth.users.id); no FK, since shipped SQL never touches auth.
create table if not exists app.merchant_users (
  merchant_id uuid not null references app.merchants (id) on delete cascade,
  user_id uuid not null,
  role app.merchant_role not null,
  created_at timestamptz not null default app.now(),
  updated_at timestamptz not null default app.now(),
  primary key (merchant_id, user_id)
);
select app.deploy_table_access('app.merchant_users', 'authenticated', 'service_role');
select app.deploy_index('app.merchant_users_user_id_idx', $$create index if not exists merchant_users_user_id_idx on app.merchant_users (user_id)$$);

-- The merchants the signed-in operator belongs to. SECURITY DEFINER so that the policy on
-- merchant_users can use it without recursing into its own policy.
create or replace function app.my_merchant_ids() returns setof uuid
language sql stable security definer
set search_path = ''
as $$
  select mu.merchant_id from app.merchant_users mu where mu.user_id = auth.uid()
$$;
select app.deploy_rpc_grant('app.my_merchant_ids()', 'authenticated', 'service_role');

-- Merchant ids where the operator is a manager or owner (sees every transaction, settlements).
create or replace function app.my_managed_merchant_ids() returns setof uuid
language sql stable security definer
set search_path = ''
as $$
  select mu.merchant_id from app.merchant_users mu
  where mu.user_id = auth.uid() and mu.role in ('manager', 'owner')
$$;
select app.deploy_rpc_grant('app.my_managed_merchant_ids()', 'authenticated', 'service_role');

select app.deploy_policy('app.merchants', 'merchants_read_own', $$for select to authenticated
  using (id in (select app.my_merchant_ids()))$$);

select app.deploy_policy('app.merchant_users', 'merchant_users_read_own', $$for select to authenticated
  using (merchant_id in (select app.my_merchant_ids()))$$);

-- The merchant a call acts for, and the caller's role there; raises unless it is at least
-- p_min_role. The platform (service role) may act for any merchant.
-- Its OUT columns changed after the first release (migration step, convention 1).
select app.deploy_drop_function('app.merchant_context(text,app.merchant_role)',
  'merchant_id uuid, merchant_code text, merchant_name text, currency text, timezone text, settlement_mode app.settlement_mode, merchant_role text, user_id uuid');
create or replace function app.merchant_context(
  p_merchant_code text, p_min_role app.merchant_role,
  out merchant_id uuid, out merchant_code text, out merchant_name text, out currency text,
  out timezone text, out settlement_mode app.settlement_mode, out merchant_role text, out user_id uuid
)
language plpgsql stable
set search_path = ''
as $$
declare
  v_caller text := app.caller_role();
  v_uid uuid;
  v_merchant app.merchants;
  v_role app.merchant_role;
begin
  if v_caller = 'anon' then
    perform app.fail('forbidden', 'sign in as a merchant operator first');
  end if;
  if v_caller <> 'service_role' then
    v_uid := auth.uid();
  end if;
  -- The merchant and the caller's role there in one read (every merchant RPC starts here).
  select m.id, m.code, m.name, m.status, m.settlement_mode, m.timezone, m.currency, m.created_at,
         m.updated_at, mu.role
    into v_merchant.id, v_merchant.code, v_merchant.name, v_merchant.status, v_merchant.settlement_mode,
         v_merchant.timezone, v_merchant.currency, v_merchant.created_at, v_merchant.updated_at, v_role
    from app.merchants m
    left join app.merchant_users mu on mu.merchant_id = m.id and mu.user_id = v_uid
   where m.code = p_merchant_code;
  if not found then
    perform app.fail('merchant_inactive', format('no merchant has the code %s', coalesce(left(p_merchant_code, 40), 'null')));
  end if;
  if v_caller = 'service_role' then
    merchant_role := 'platform';
  else
    user_id := v_uid;
    if v_role is null then
      perform app.fail('forbidden', 'you are not an operator of this merchant');
    end if;
    if v_role < p_min_role then
      perform app.fail('forbidden', format('this needs the %s role; you are %s', p_min_role, v_role));
    end if;
    merchant_role := v_role::text;
  end if;
  if v_merchant.status <> 'active' then
    perform app.fail('merchant_inactive', format('merchant %s is %s', v_merchant.code, v_merchant.status));
  end if;
  merchant_id := v_merchant.id;
  merchant_code := v_merchant.code;
  merchant_name := v_merchant.name;
  currency := v_merchant.currency;
  timezone := v_merchant.timezone;
  settlement_mode := v_merchant.settlement_mode;
end
$$;

select app.deploy_private_functions();

-- ===========================================================================================
-- server_sql/src/05_money/schema.sql
-- ===========================================================================================
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

-- ===========================================================================================
-- server_sql/src/06_points/schema.sql
-- ===========================================================================================
-- Points and levels: the ledger of points members earn, and the rules that move a member's
-- level with their points (the level table itself is in 02_members).

create table if not exists app.point_ledger (
  id bigint generated always as identity primary key,
  member_id uuid not null references app.member_profiles (id) on delete cascade,
  card_id uuid references app.cards (id) on delete set null,
  tx_id uuid references app.transactions (id) on delete restrict,
  delta bigint not null check (delta <> 0),
  reason text not null,
  created_at timestamptz not null default app.now()
);
select app.deploy_table_access('app.point_ledger', 'service_role');
select app.deploy_index('app.point_ledger_member_id_idx', $$create index if not exists point_ledger_member_id_idx on app.point_ledger (member_id, created_at desc)$$);
select app.deploy_index('app.point_ledger_card_id_idx', $$create index if not exists point_ledger_card_id_idx on app.point_ledger (card_id)$$);
select app.deploy_index('app.point_ledger_tx_id_idx', $$create index if not exists point_ledger_tx_id_idx on app.point_ledger (tx_id)$$);

-- Point and level helpers ---------------------------------------------------------------------
create or replace function app.level_for_points(p_points bigint) returns text
language plpgsql stable
set search_path = ''
as $$
begin
  return (select l.level_code from app.membership_levels l
           where l.min_points <= greatest(p_points, 0)
           order by l.min_points desc limit 1);
end
$$;

-- Add (or take back) points for a member and move the level to follow them. Returns the level.
-- merchant_charge_by_qr does the same inside its one write statement (the hot path): keep them alike.
create or replace function app.apply_points(p_member_id uuid, p_card_id uuid, p_tx_id uuid,
                                            p_delta bigint, p_reason text) returns text
language plpgsql volatile
set search_path = ''
as $$
declare
  v_level text;
begin
  if p_delta <> 0 then
    insert into app.point_ledger (member_id, card_id, tx_id, delta, reason)
    values (p_member_id, p_card_id, p_tx_id, p_delta, p_reason);
  end if;
  update app.member_profiles m
     set points = greatest(m.points + p_delta, 0),
         level_code = coalesce(app.level_for_points(greatest(m.points + p_delta, 0)), m.level_code),
         updated_at = app.now()
   where m.id = p_member_id
  returning m.level_code into v_level;
  return v_level;
end
$$;

-- Refuse a level table that would break the level rules, before anything is written: a level
-- starting at 0 points must exist (every member has a level), and no two levels' point ranges
-- [min_points, max_points] (max null = no upper end) may overlap. Gaps are allowed, so that a
-- boundary can be moved one row at a time; a member in a gap keeps the highest level whose
-- min_points they have reached (app.level_for_points).
create or replace function app.check_level_table(p_level_code text, p_min_points bigint, p_max_points bigint)
returns void
language plpgsql stable
set search_path = ''
as $$
declare
  v_clash text;
begin
  with proposed as (
    select l.level_code, l.min_points, l.max_points
      from app.membership_levels l where l.level_code <> p_level_code
    union all
    select p_level_code, p_min_points, p_max_points
  )
  select b.level_code into v_clash
    from proposed a join proposed b on b.level_code <> a.level_code
   where a.level_code = p_level_code
     and a.min_points <= coalesce(b.max_points, 9223372036854775807)
     and b.min_points <= coalesce(a.max_points, 9223372036854775807)
   order by b.min_points limit 1;
  if v_clash is not null then
    perform app.fail('invalid_argument', format(
      'the points range of %s would overlap level %s; narrow that level first', p_level_code, v_clash));
  end if;
  if not exists (select 1 from app.membership_levels l where l.min_points = 0 and l.level_code <> p_level_code)
     and p_min_points <> 0 then
    perform app.fail('invalid_argument', 'a level starting at 0 points must always exist');
  end if;
end
$$;

-- After the level table changed: every member's level follows their points again. Returns how
-- many members moved. One statement, so members are re-levelled all at once or not at all.
create or replace function app.recompute_member_levels() returns integer
language plpgsql volatile
set search_path = ''
as $$
declare
  v_moved integer;
begin
  update app.member_profiles m
     set level_code = app.level_for_points(m.points), updated_at = app.now()
   where m.level_code is distinct from app.level_for_points(m.points);
  get diagnostics v_moved = row_count;
  return v_moved;
end
$$;

select app.deploy_private_functions();

-- ===========================================================================================
-- server_sql/src/07_settlements/schema.sql
-- ===========================================================================================
-- Settlements and reports: what a merchant is owed for a period, and the totals a settlement
-- and a daily summary share (app.report_totals), so the two always agree.

-- Settlements -------------------------------------------------------------------------------
-- timezone: the zone the period was cut in (a merchant's zone may change later); source:
-- whether the scheduler or a person made it.
create table if not exists app.settlements (
  id uuid primary key default gen_random_uuid(),
  merchant_id uuid not null references app.merchants (id) on delete restrict,
  period_start timestamptz not null,
  period_end timestamptz not null,
  mode app.settlement_mode not null,
  currency text not null,
  payments_count integer not null default 0,
  payments_raw numeric(16, 2) not null default 0,
  payments_discount numeric(16, 2) not null default 0,
  payments_paid numeric(16, 2) not null default 0,
  refunds_count integer not null default 0,
  refunds_amount numeric(16, 2) not null default 0,
  topups_count integer not null default 0,
  topups_amount numeric(16, 2) not null default 0,
  net_amount numeric(16, 2) not null default 0,
  created_by uuid,
  created_at timestamptz not null default app.now(),
  timezone text,
  source text not null default 'manual' constraint settlements_source_check check (source in ('manual', 'scheduled')),
  check (period_end > period_start),
  unique (merchant_id, period_start, period_end)
);
select app.deploy_table_access('app.settlements', 'authenticated', 'service_role');
select app.deploy_index('app.settlements_merchant_period_idx', $$create index if not exists settlements_merchant_period_idx on app.settlements (merchant_id, period_start)$$);
-- timezone and source came after the first release: a database installed by it gets them here
-- (each helper does nothing when the table has them already).
select app.deploy_column('app.settlements', 'timezone', 'timezone text');
select app.deploy_column('app.settlements', 'source', $$source text not null default 'manual'$$);
select app.deploy_constraint('app.settlements', 'settlements_source_check', $$check (source in ('manual', 'scheduled'))$$);
select app.deploy_index('app.settlements_merchant_period_end_idx', $$create index if not exists settlements_merchant_period_end_idx on app.settlements (merchant_id, period_end)$$);

select app.deploy_policy('app.settlements', 'settlements_read_own', $$for select to authenticated
  using (merchant_id in (select app.my_managed_merchant_ids()))$$);

-- Totals of a merchant's transactions in [p_from, p_to): one row for the whole range
-- (grouping_set 'total', present even when nothing happened), one per operator and one per
-- local hour (0-23 in p_tz) that had any. p_operator limits it to one operator's rows. The
-- formulas live only here, so a settlement and a daily summary of the same day always agree:
-- counter top-ups (kind recharge at this merchant) are cash the merchant took for the platform,
-- hence net = paid - refunded - top-ups.
create or replace function app.report_totals(
  p_merchant_id uuid, p_from timestamptz, p_to timestamptz, p_tz text, p_operator uuid default null
) returns table (
  grouping_set text, operator_user_id uuid, local_hour integer,
  payments_count bigint, payments_raw numeric, payments_discount numeric, payments_paid numeric,
  refunds_count bigint, refunds_amount numeric, topups_count bigint, topups_amount numeric,
  net_amount numeric
)
language sql stable
set search_path = ''
as $$
  select case when grouping(t.operator_user_id) = 0 then 'operator'
              when grouping(t.local_hour) = 0 then 'hour'
              else 'total' end,
         t.operator_user_id,
         t.local_hour,
         count(*) filter (where t.kind = 'payment'),
         coalesce(sum(t.raw_amount) filter (where t.kind = 'payment'), 0)::numeric(16, 2),
         coalesce(sum(t.discount_amount) filter (where t.kind = 'payment'), 0)::numeric(16, 2),
         coalesce(sum(t.amount) filter (where t.kind = 'payment'), 0)::numeric(16, 2),
         count(*) filter (where t.kind = 'refund'),
         coalesce(sum(t.amount) filter (where t.kind = 'refund'), 0)::numeric(16, 2),
         count(*) filter (where t.kind = 'recharge'),
         coalesce(sum(t.amount) filter (where t.kind = 'recharge'), 0)::numeric(16, 2),
         (coalesce(sum(t.amount) filter (where t.kind = 'payment'), 0)
          - coalesce(sum(t.amount) filter (where t.kind = 'refund'), 0)
          - coalesce(sum(t.amount) filter (where t.kind = 'recharge'), 0))::numeric(16, 2)
  from (
    select x.kind, x.operator_user_id, x.raw_amount, x.discount_amount, x.amount,
           extract(hour from x.created_at at time zone p_tz)::integer as local_hour
    from app.transactions x
    where x.merchant_id = p_merchant_id
      and x.created_at >= p_from and x.created_at < p_to
      and (p_operator is null or x.operator_user_id = p_operator)
  ) t
  group by grouping sets ((), (t.operator_user_id), (t.local_hour))
$$;

-- A settlement as the API returns it. The local_* fields show the period in the time zone it
-- was cut in, for people reading it; created_by_email and created_by_name name the person who
-- generated it by hand (null for the scheduler and the platform), as a screen shows it.
create or replace function app.settlement_json(p_settlement_id uuid) returns jsonb
language sql stable
set search_path = ''
as $$
  select jsonb_build_object(
    'settlement_id', s.id, 'merchant_id', s.merchant_id, 'merchant_code', m.code,
    'mode', s.mode, 'currency', s.currency, 'timezone', coalesce(s.timezone, m.timezone),
    'period_start', s.period_start, 'period_end', s.period_end,
    'local_period_start', s.period_start at time zone coalesce(s.timezone, m.timezone),
    'local_period_end', s.period_end at time zone coalesce(s.timezone, m.timezone),
    'payments_count', s.payments_count, 'payments_raw', s.payments_raw,
    'payments_discount', s.payments_discount, 'payments_paid', s.payments_paid,
    'refunds_count', s.refunds_count, 'refunds_amount', s.refunds_amount,
    'topups_count', s.topups_count, 'topups_amount', s.topups_amount,
    'net_amount', s.net_amount, 'source', s.source, 'created_by', s.created_by,
    'created_at', s.created_at)
    || jsonb_build_object('created_by_email', u.email,
                          'created_by_name', nullif(btrim(u.raw_user_meta_data ->> 'display_name'), ''))
  from app.settlements s join app.merchants m on m.id = s.merchant_id
  left join auth.users u on u.id = s.created_by
  where s.id = p_settlement_id
$$;

-- Settlement work on one merchant is serialised (generate_settlement, run_due_settlements), so
-- the same-period and overlap checks cannot race.
create or replace function app.lock_settlements(p_merchant_id uuid) returns void
language sql volatile
set search_path = ''
as $$
  select app.advisory_xact_lock('settle:' || p_merchant_id::text)
$$;

-- Settle [p_start, p_end) for a merchant, or return the settlement of exactly that period if
-- there is one (replayed: true; figures as first recorded, not recomputed). The period must
-- have ended and may not overlap another settlement of the merchant. Refunds count in the
-- period they happened (netting), whichever period their payment was in.
create or replace function app.settle_period(
  p_merchant_id uuid, p_start timestamptz, p_end timestamptz, p_source text, p_merchant_role text
) returns jsonb
language plpgsql volatile
set search_path = ''
as $$
declare
  v_merchant app.merchants;
  v_existing app.settlements;
  v_tot record;
  v_id uuid;
begin
  if p_start is null or p_end is null or not isfinite(p_start) or not isfinite(p_end) then
    perform app.fail('invalid_argument', 'p_period_start and p_period_end must be finite timestamps');
  end if;
  if p_end <= p_start then
    perform app.fail('invalid_argument', 'p_period_end must be after p_period_start');
  end if;
  if p_end > app.now() then
    perform app.fail('invalid_argument',
      'a settlement covers a period that has ended; for today''s running figures use merchant_daily_summary');
  end if;
  perform app.lock_settlements(p_merchant_id);
  select s.* into v_existing from app.settlements s
   where s.merchant_id = p_merchant_id and s.period_start = p_start and s.period_end = p_end;
  if found then
    return app.settlement_json(v_existing.id) || jsonb_build_object('replayed', true);
  end if;
  select s.* into v_existing from app.settlements s
   where s.merchant_id = p_merchant_id and s.period_start < p_end and s.period_end > p_start
   order by s.period_start limit 1;
  if found then
    perform app.fail('invalid_argument', format(
      'the period overlaps settlement %s of this merchant, [%s, %s)',
      v_existing.id, v_existing.period_start, v_existing.period_end));
  end if;

  select m.* into v_merchant from app.merchants m where m.id = p_merchant_id;
  select r.* into v_tot from app.report_totals(p_merchant_id, p_start, p_end, v_merchant.timezone) r
   where r.grouping_set = 'total';
  insert into app.settlements (merchant_id, period_start, period_end, mode, currency, timezone,
                               payments_count, payments_raw, payments_discount, payments_paid,
                               refunds_count, refunds_amount, topups_count, topups_amount,
                               net_amount, source, created_by, created_at)
  values (p_merchant_id, p_start, p_end, v_merchant.settlement_mode, v_merchant.currency,
          v_merchant.timezone, v_tot.payments_count, v_tot.payments_raw, v_tot.payments_discount,
          v_tot.payments_paid, v_tot.refunds_count, v_tot.refunds_amount, v_tot.topups_count,
          v_tot.topups_amount, v_tot.net_amount, p_source, auth.uid(), app.now())
  returning id into v_id;
  perform app.audit('settlement.generate', 'settlement', v_id::text, p_merchant_id, p_merchant_role,
                    null, v_tot.net_amount,
                    jsonb_build_object('period_start', p_start, 'period_end', p_end,
                                       'mode', v_merchant.settlement_mode, 'source', p_source,
                                       'payments_paid', v_tot.payments_paid,
                                       'refunds_amount', v_tot.refunds_amount,
                                       'topups_amount', v_tot.topups_amount));
  return app.settlement_json(v_id) || jsonb_build_object('replayed', false);
end
$$;

-- Where a merchant's scheduled periods begin: t_plus_1 at local midnight of the day the
-- merchant was created, monthly at the start of that local month, realtime at its creation.
-- No transaction of a merchant can be older than the merchant.
create or replace function app.settlement_grid_start(p_mode app.settlement_mode, p_tz text, p_created_at timestamptz)
returns timestamptz
language sql stable
set search_path = ''
as $$
  select case p_mode
    when 't_plus_1' then pg_catalog.date_trunc('day', p_created_at at time zone p_tz) at time zone p_tz
    when 'monthly' then pg_catalog.date_trunc('month', p_created_at at time zone p_tz) at time zone p_tz
    else p_created_at
  end
$$;

-- The first period boundary after p_at: the next local midnight (t_plus_1), the next local
-- first of the month (monthly), or p_due itself (realtime: everything settleable so far).
create or replace function app.settlement_next_boundary(p_mode app.settlement_mode, p_tz text,
                                                        p_at timestamptz, p_due timestamptz)
returns timestamptz
language sql stable
set search_path = ''
as $$
  select case p_mode
    when 't_plus_1' then (pg_catalog.date_trunc('day', p_at at time zone p_tz) + interval '1 day') at time zone p_tz
    when 'monthly' then (pg_catalog.date_trunc('month', p_at at time zone p_tz) + interval '1 month') at time zone p_tz
    else p_due
  end
$$;

-- The earliest instant at or after p_from that no settlement of the merchant covers: p_from
-- itself or the end of some settlement. Gaps left before a settlement made by hand are found
-- and filled too, never overlapped.
create or replace function app.settlement_first_gap(p_merchant_id uuid, p_from timestamptz) returns timestamptz
language sql stable
set search_path = ''
as $$
  select min(c.at)
  from (select p_from as at
        union all
        select s.period_end from app.settlements s
         where s.merchant_id = p_merchant_id and s.period_end > p_from) c
  where not exists (select 1 from app.settlements s
                     where s.merchant_id = p_merchant_id
                       and s.period_start <= c.at and s.period_end > c.at)
$$;

-- Settle every period of one merchant that has ended by p_due (= now - grace), per its mode;
-- returns the settlements it made. A realtime merchant's idle stretch at the head is not
-- written down as an empty settlement on every run: it becomes part of the next period that
-- has a transaction.
create or replace function app.settle_due(p_merchant_id uuid, p_due timestamptz) returns setof jsonb
language plpgsql volatile
set search_path = ''
as $$
declare
  v_merchant app.merchants;
  v_cursor timestamptz;
  v_next_start timestamptz;
  v_end timestamptz;
begin
  perform app.lock_settlements(p_merchant_id);
  select m.* into v_merchant from app.merchants m where m.id = p_merchant_id;
  loop
    v_cursor := app.settlement_first_gap(
      p_merchant_id, app.settlement_grid_start(v_merchant.settlement_mode, v_merchant.timezone, v_merchant.created_at));
    select min(s.period_start) into v_next_start from app.settlements s
     where s.merchant_id = p_merchant_id and s.period_start > v_cursor;
    -- least() ignores a null: no later settlement means the grid alone decides.
    v_end := least(app.settlement_next_boundary(v_merchant.settlement_mode, v_merchant.timezone, v_cursor, p_due),
                   v_next_start);
    exit when v_end > p_due or v_end <= v_cursor;
    if v_merchant.settlement_mode = 'realtime' and v_end is distinct from v_next_start
       and not exists (select 1 from app.transactions t
                        where t.merchant_id = p_merchant_id
                          and t.created_at >= v_cursor and t.created_at < v_end) then
      exit;
    end if;
    return next app.settle_period(p_merchant_id, v_cursor, v_end, 'scheduled', null);
  end loop;
end
$$;

select app.deploy_private_functions();

-- ===========================================================================================
-- server_sql/src/08_shifts/schema.sql
-- ===========================================================================================
-- Shifts (contract §9, shop operations): terminals, shifts and the cash drawer. Added after the
-- first release, so it applies on a database that is selling, like every domain. A merchant
-- starts running shifts when a manager registers its first terminal; from then on every
-- counter top-up names an open shift. Operators read shifts and cash only through the RPCs
-- (which apply the cashier/manager rule), so these tables are read by service_role alone.

create table if not exists app.terminals (
  id uuid primary key default gen_random_uuid(),
  merchant_id uuid not null references app.merchants (id) on delete restrict,
  code text not null check (code ~ '^[A-Za-z0-9_-]{1,32}$'),
  name text not null check (length(btrim(name)) between 1 and 200),
  created_at timestamptz not null default app.now(),
  updated_at timestamptz not null default app.now(),
  unique (merchant_id, code)
);
select app.deploy_table_access('app.terminals', 'service_role');
select app.deploy_comment('table', 'app.terminals', 'One counter of a merchant; shifts, cash and its money calls are attributed to it.');

-- A shift: opened with a float, closed once with a count. The closing figures and the report
-- are written in the same statement that closes it, and a trigger keeps a closed shift as it is.
create table if not exists app.shifts (
  id uuid primary key default gen_random_uuid(),
  merchant_id uuid not null references app.merchants (id) on delete restrict,
  terminal_id uuid not null references app.terminals (id) on delete restrict,
  status text not null default 'open' check (status in ('open', 'closed')),
  opened_by uuid,
  opened_at timestamptz not null default app.now(),
  opening_float numeric(14, 2) not null check (opening_float >= 0),
  closed_by uuid,
  closed_at timestamptz,
  counted_cash numeric(14, 2) check (counted_cash >= 0),
  expected_cash numeric(14, 2),
  note text check (length(note) <= 500),
  z_number integer check (z_number >= 1),
  report jsonb,
  check ((status = 'closed') = (closed_at is not null)),
  check (status = 'open' or (counted_cash is not null and expected_cash is not null
                             and z_number is not null and report is not null))
);
select app.deploy_table_access('app.shifts', 'service_role');
-- At most one open shift per terminal; z numbers unique per merchant.
select app.deploy_index('app.shifts_one_open_per_terminal', $$create unique index if not exists shifts_one_open_per_terminal on app.shifts (terminal_id) where status = 'open'$$);
select app.deploy_index('app.shifts_merchant_z_number_key', $$create unique index if not exists shifts_merchant_z_number_key on app.shifts (merchant_id, z_number) where z_number is not null$$);
select app.deploy_index('app.shifts_terminal_opened_idx', $$create index if not exists shifts_terminal_opened_idx on app.shifts (terminal_id, opened_at desc)$$);
select app.deploy_index('app.shifts_merchant_opened_idx', $$create index if not exists shifts_merchant_opened_idx on app.shifts (merchant_id, opened_at desc)$$);
select app.deploy_index('app.shifts_opened_by_idx', $$create index if not exists shifts_opened_by_idx on app.shifts (opened_by, opened_at desc) where opened_by is not null$$);

-- The last z number handed out per merchant. Closing takes this row's lock, so closes of one
-- merchant are numbered in the order they commit, and a close that rolls back gives its number
-- back with it (a sequence would leave a gap). last_closed_at keeps closed_at in z order too
-- (app.now() is a transaction's start, and two closes can start in the other order).
create table if not exists app.shift_z_counters (
  merchant_id uuid primary key references app.merchants (id) on delete restrict,
  last_z_number integer not null default 0 check (last_z_number >= 0),
  last_closed_at timestamptz
);
select app.deploy_table_access('app.shift_z_counters', 'service_role');

-- Cash into or out of a drawer that is not a top-up: pay-ins, pay-outs, drops to the safe, and
-- the cash part of a split sale. Append-only.
create table if not exists app.cash_movements (
  id uuid primary key default gen_random_uuid(),
  shift_id uuid not null references app.shifts (id) on delete restrict,
  merchant_id uuid not null references app.merchants (id) on delete restrict,
  kind text not null check (kind in ('pay_in', 'pay_out', 'drop', 'cash_sale')),
  amount numeric(14, 2) not null check (amount > 0),
  reason text check (length(reason) <= 500),
  tag jsonb not null default '{}'::jsonb,
  operator_user_id uuid,
  idempotency_key text,
  created_at timestamptz not null default app.now(),
  check (kind not in ('pay_out', 'drop') or length(btrim(coalesce(reason, ''))) > 0)
);
select app.deploy_table_access('app.cash_movements', 'service_role');
select app.deploy_index('app.cash_movements_shift_idx', $$create index if not exists cash_movements_shift_idx on app.cash_movements (shift_id, created_at)$$);
select app.deploy_index('app.cash_movements_merchant_idx', $$create index if not exists cash_movements_merchant_idx on app.cash_movements (merchant_id, created_at desc)$$);
-- merchant_resolve_attempt looks a movement up by its key once the registry has forgotten it.
select app.deploy_index('app.cash_movements_merchant_key_idx', $$create index if not exists cash_movements_merchant_key_idx on app.cash_movements (merchant_id, idempotency_key) where idempotency_key is not null$$);

-- Money calls made from a terminal name their shift (a counter top-up always does): the
-- column is app.transactions' own (05_money); its foreign key comes here, after app.shifts.
select app.deploy_constraint('app.transactions', 'transactions_shift_id_fkey',
                             'foreign key (shift_id) references app.shifts (id) on delete restrict');

-- A closed shift is final: nothing changes it, nothing joins it. A row joining a shift takes
-- the shift's advisory lock shared, then reads its status: a close holds that lock exclusively
-- from before it reads the shift until it commits, so the joiner waits for a close in progress
-- and then sees it closed (the read is a statement after the lock, with a snapshot of its own);
-- a close waits in turn for the rows already joining. So a movement racing a close is either in
-- the report or refused, never lost. (It used to read the shift row FOR SHARE: a tuple lock, so
-- a WAL record and a dirtied page on every sale; the advisory lock is memory only.)
create or replace function app.shift_guard_row() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_status text;
  v_taken boolean;
begin
  if tg_op = 'INSERT' then
    if new.shift_id is null then
      return new;
    end if;
    v_taken := app.advisory_xact_lock_shared('shift:' || new.shift_id::text) is not null;
    select s.status into v_status from app.shifts s where s.id = new.shift_id;
    if v_status = 'closed' then
      perform app.fail('shift_closed', format('shift %s is closed; open a new shift', new.shift_id));
    end if;
    return new;
  end if;
  -- UPDATE or DELETE of a row that belongs to a shift: only while that shift is open, and
  -- never for a cash movement (append-only).
  if old.shift_id is not null then
    select s.status into v_status from app.shifts s where s.id = old.shift_id for share;
    if v_status = 'closed' then
      perform app.fail('shift_closed', format('shift %s is closed and final', old.shift_id));
    end if;
  end if;
  if tg_table_name = 'cash_movements' then
    perform app.fail('forbidden', 'cash movements are append-only');
  end if;
  return case tg_op when 'DELETE' then old else new end;
end
$$;

create or replace function app.shift_guard_final() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if old.status = 'closed' then
    perform app.fail('shift_closed', format('shift %s is closed and final', old.id));
  end if;
  if tg_op = 'DELETE' then
    perform app.fail('forbidden', 'shifts are never deleted');
  end if;
  if new.id <> old.id or new.merchant_id <> old.merchant_id or new.terminal_id <> old.terminal_id
     or new.opened_at <> old.opened_at or new.opening_float <> old.opening_float
     or new.opened_by is distinct from old.opened_by then
    perform app.fail('forbidden', 'an open shift''s opening is fixed');
  end if;
  return new;
end
$$;

select app.deploy_trigger('app.shifts', 'shifts_final', 'before update or delete',
                          'for each row execute function app.shift_guard_final()');
select app.deploy_trigger('app.cash_movements', 'cash_movements_in_open_shift', 'before insert or update or delete',
                          'for each row execute function app.shift_guard_row()');
-- On transactions the function returns at once for a row that names no shift. (No WHEN clause:
-- app.deploy_trigger compares triggers with pg_get_expr, which cannot render a qual on NEW/OLD.)
select app.deploy_trigger('app.transactions', 'transactions_in_open_shift', 'before insert or update or delete',
                          'for each row execute function app.shift_guard_row()');

-- The shift a money call names: of this merchant (else shift_conflict), open (else
-- shift_closed). The insert trigger checks "open" again under the row lock.
create or replace function app.shift_for_call(p_merchant_id uuid, p_shift_id uuid) returns app.shifts
language plpgsql stable
set search_path = ''
as $$
declare
  v_shift app.shifts;
begin
  select s.* into v_shift from app.shifts s where s.id = p_shift_id;
  if not found then
    perform app.fail('not_found', 'no such shift');
  end if;
  if v_shift.merchant_id <> p_merchant_id then
    perform app.fail('shift_conflict', 'this shift belongs to another merchant');
  end if;
  if v_shift.status = 'closed' then
    perform app.fail('shift_closed', format('shift %s is closed; open a new shift', p_shift_id));
  end if;
  return v_shift;
end
$$;

-- A counter that names its terminal along with a shift (p_terminal_code) is told when the
-- shift is another terminal's: shift_conflict, before anything is written.
create or replace function app.check_shift_terminal(p_shift app.shifts, p_terminal_code text) returns void
language plpgsql stable
set search_path = ''
as $$
begin
  if p_terminal_code is not null and not exists (
       select 1 from app.terminals t where t.id = p_shift.terminal_id and t.code = p_terminal_code) then
    perform app.fail('shift_conflict', format('this shift belongs to another terminal than %s', left(p_terminal_code, 40)));
  end if;
end
$$;

-- A counter top-up takes cash into a drawer: once the merchant runs shifts (has a terminal),
-- it must name an open shift of the merchant. Returns the shift id to record (null otherwise).
create or replace function app.shift_for_topup(p_merchant_id uuid, p_shift_id uuid) returns uuid
language plpgsql stable
set search_path = ''
as $$
begin
  if p_shift_id is not null then
    return (app.shift_for_call(p_merchant_id, p_shift_id)).id;
  end if;
  if exists (select 1 from app.terminals t where t.merchant_id = p_merchant_id) then
    perform app.fail('invalid_argument',
      'this shop runs shifts: a counter top-up takes cash into a drawer, so pass p_shift_id of the terminal''s open shift');
  end if;
  return null;
end
$$;

-- An amount of cash counted or put in a drawer: like app.check_amount, except that 0 is allowed.
create or replace function app.check_cash_amount(p_amount numeric, p_what text) returns numeric
language plpgsql stable
set search_path = ''
as $$
begin
  if p_amount = 0 then
    return 0.00;
  end if;
  if p_amount < 0 then
    perform app.fail('invalid_amount', format('%s cannot be negative', p_what));
  end if;
  return app.check_amount(p_amount);
end
$$;

-- A shift's figures, computed from its rows: what the X read-out shows for an open shift and
-- what the close writes down for good. expected_cash = opening_float + cash top-ups + cash
-- sales + pay-ins - pay-outs - drops (refunds go back to the card, never out of the drawer).
-- p_operator: only that operator's rows (their part of the shift, app.shift_json_for); null: all.
create or replace function app.shift_figures(p_shift_id uuid, p_operator uuid) returns jsonb
language sql stable
set search_path = ''
as $$
  with s as (select * from app.shifts where id = p_shift_id),
  tx as (
    select t.kind, t.operator_user_id, t.raw_amount, t.discount_amount, t.amount
      from app.transactions t
     where t.shift_id = p_shift_id and (p_operator is null or t.operator_user_id = p_operator)
  ),
  mv as (
    select m.kind, m.operator_user_id, m.amount
      from app.cash_movements m
     where m.shift_id = p_shift_id and (p_operator is null or m.operator_user_id = p_operator)
  ),
  ops as (
    select operator_user_id from tx union select operator_user_id from mv
  ),
  per_op as (
    select o.operator_user_id,
           jsonb_build_object(
             'operator_user_id', o.operator_user_id,
             'email', (select u.email from auth.users u where u.id = o.operator_user_id),
             'payments_count', (select count(*) from tx where tx.kind = 'payment' and tx.operator_user_id is not distinct from o.operator_user_id),
             'payments_paid', (select coalesce(sum(tx.amount), 0) from tx where tx.kind = 'payment' and tx.operator_user_id is not distinct from o.operator_user_id)::numeric(16, 2),
             'refunds_count', (select count(*) from tx where tx.kind = 'refund' and tx.operator_user_id is not distinct from o.operator_user_id),
             'refunds_amount', (select coalesce(sum(tx.amount), 0) from tx where tx.kind = 'refund' and tx.operator_user_id is not distinct from o.operator_user_id)::numeric(16, 2),
             'topups_count', (select count(*) from tx where tx.kind = 'recharge' and tx.operator_user_id is not distinct from o.operator_user_id),
             'topups_amount', (select coalesce(sum(tx.amount), 0) from tx where tx.kind = 'recharge' and tx.operator_user_id is not distinct from o.operator_user_id)::numeric(16, 2),
             'cash_movements_count', (select count(*) from mv where mv.operator_user_id is not distinct from o.operator_user_id),
             'cash_in', (select coalesce(sum(mv.amount), 0) from mv where mv.kind in ('pay_in', 'cash_sale') and mv.operator_user_id is not distinct from o.operator_user_id)::numeric(16, 2),
             'cash_out', (select coalesce(sum(mv.amount), 0) from mv where mv.kind in ('pay_out', 'drop') and mv.operator_user_id is not distinct from o.operator_user_id)::numeric(16, 2)
           ) as figures
      from ops o
  ),
  k as (
    select count(*) filter (where tx.kind = 'payment') as payments_count,
           coalesce(sum(tx.raw_amount) filter (where tx.kind = 'payment'), 0) as payments_raw,
           coalesce(sum(tx.discount_amount) filter (where tx.kind = 'payment'), 0) as payments_discount,
           coalesce(sum(tx.amount) filter (where tx.kind = 'payment'), 0) as payments_paid,
           count(*) filter (where tx.kind = 'refund') as refunds_count,
           coalesce(sum(tx.amount) filter (where tx.kind = 'refund'), 0) as refunds_amount,
           count(*) filter (where tx.kind = 'recharge') as topups_count,
           coalesce(sum(tx.amount) filter (where tx.kind = 'recharge'), 0) as topups_amount
      from tx
  ),
  c as (
    select count(*) filter (where mv.kind = 'pay_in') as pay_ins_count,
           coalesce(sum(mv.amount) filter (where mv.kind = 'pay_in'), 0) as pay_ins_amount,
           count(*) filter (where mv.kind = 'pay_out') as pay_outs_count,
           coalesce(sum(mv.amount) filter (where mv.kind = 'pay_out'), 0) as pay_outs_amount,
           count(*) filter (where mv.kind = 'drop') as drops_count,
           coalesce(sum(mv.amount) filter (where mv.kind = 'drop'), 0) as drops_amount,
           count(*) filter (where mv.kind = 'cash_sale') as cash_sales_count,
           coalesce(sum(mv.amount) filter (where mv.kind = 'cash_sale'), 0) as cash_sales_amount
      from mv
  )
  select jsonb_build_object(
    'opening_float', s.opening_float,
    'payments_count', k.payments_count, 'payments_raw', k.payments_raw::numeric(16, 2),
    'payments_discount', k.payments_discount::numeric(16, 2), 'payments_paid', k.payments_paid::numeric(16, 2),
    'refunds_count', k.refunds_count, 'refunds_amount', k.refunds_amount::numeric(16, 2),
    'topups_count', k.topups_count, 'topups_amount', k.topups_amount::numeric(16, 2),
    'pay_ins_count', c.pay_ins_count, 'pay_ins_amount', c.pay_ins_amount::numeric(16, 2),
    'pay_outs_count', c.pay_outs_count, 'pay_outs_amount', c.pay_outs_amount::numeric(16, 2),
    'drops_count', c.drops_count, 'drops_amount', c.drops_amount::numeric(16, 2),
    'cash_sales_count', c.cash_sales_count, 'cash_sales_amount', c.cash_sales_amount::numeric(16, 2),
    'expected_cash', (s.opening_float + k.topups_amount + c.cash_sales_amount + c.pay_ins_amount
                      - c.pay_outs_amount - c.drops_amount)::numeric(16, 2),
    'by_operator', coalesce((select jsonb_agg(p.figures order by p.figures ->> 'email', p.operator_user_id) from per_op p), '[]'::jsonb))
  from s, k, c
$$;

-- The whole shift's figures (every operator's rows).
create or replace function app.shift_figures(p_shift_id uuid) returns jsonb
language sql stable
set search_path = ''
as $$
  select app.shift_figures(p_shift_id, null)
$$;

-- Who opened and closed a shift on which terminal: what any operator who may see the shift sees.
create or replace function app.shift_identity(p_shift_id uuid) returns jsonb
language sql stable
set search_path = ''
as $$
  select jsonb_build_object(
    'shift_id', s.id, 'merchant_code', m.code, 'currency', m.currency,
    'terminal_code', t.code, 'terminal_name', t.name, 'status', s.status,
    'opened_by', s.opened_by, 'opened_by_email', (select u.email from auth.users u where u.id = s.opened_by),
    'opened_at', s.opened_at, 'opening_float', s.opening_float,
    'closed_by', s.closed_by, 'closed_at', s.closed_at, 'z_number', s.z_number)
  from app.shifts s
  join app.merchants m on m.id = s.merchant_id
  join app.terminals t on t.id = s.terminal_id
  where s.id = p_shift_id
$$;

-- A shift as the API returns it: who opened and closed it on which terminal, and its figures
-- (live while open: the X read-out; as written at the close once closed, unchanged forever).
create or replace function app.shift_json(p_shift_id uuid) returns jsonb
language sql stable
set search_path = ''
as $$
  select app.shift_identity(s.id)
      || jsonb_build_object('counted_cash', s.counted_cash, 'note', s.note)
      || case when s.status = 'closed' then s.report
              else app.shift_figures(s.id) || jsonb_build_object('generated_at', app.now()) end
  from app.shifts s
  where s.id = p_shift_id
$$;

-- A cash movement as the API returns it.
create or replace function app.cash_movement_json(p_movement_id uuid) returns jsonb
language sql stable
set search_path = ''
as $$
  select jsonb_build_object(
    'movement_id', c.id, 'shift_id', c.shift_id, 'kind', c.kind, 'amount', c.amount,
    'reason', c.reason, 'tag', c.tag, 'operator_user_id', c.operator_user_id,
    'created_at', c.created_at)
  from app.cash_movements c where c.id = p_movement_id
$$;

-- How much of a shift the caller sees (contract §9 "a cashier sees their own shifts; a manager
-- all", extended for the handover, docs/supabase_rpc.md):
-- 'whole': managers, owners, the platform, and the cashier who opened it (they count the drawer
--   and close it, and the Z they print lists every operator);
-- 'operator': another cashier of the merchant, in any open shift (a cashier taking over a counter
--   finds its shift and sells into it) or a shift they rang anything up in: its identity and
--   their own part, never another operator's figures nor the drawer's;
-- null: nothing (a closed shift of someone else they never worked in).
-- Did this operator ring anything up in the shift (a money call or a cash movement)?
create or replace function app.shift_worked_in(p_user uuid, p_shift_id uuid) returns boolean
language sql stable
set search_path = ''
as $$
  select exists (select 1 from app.transactions t where t.shift_id = p_shift_id and t.operator_user_id = p_user)
      or exists (select 1 from app.cash_movements c where c.shift_id = p_shift_id and c.operator_user_id = p_user)
$$;

create or replace function app.shift_view(p_ctx_role text, p_user uuid, p_shift app.shifts) returns text
language sql stable
set search_path = ''
as $$
  select case
    when p_ctx_role <> 'cashier' or p_shift.opened_by = p_user then 'whole'
    when p_shift.status = 'open' or app.shift_worked_in(p_user, p_shift.id) then 'operator'
  end
$$;

-- May the caller read this shift at all (app.shift_view)?
create or replace function app.shift_readable(p_ctx_role text, p_user uuid, p_shift app.shifts) returns boolean
language sql stable
set search_path = ''
as $$
  select app.shift_view(p_ctx_role, p_user, p_shift) is not null
$$;

-- A shift as this caller may read it (app.shift_view): the whole shift, or its identity and the
-- caller's own part, marked scope = 'own' (as merchant_daily_summary's), whose totals and by_operator are the caller's
-- rows only and whose drawer figures (expected, counted, difference) are null. Null: unreadable.
create or replace function app.shift_json_for(p_ctx_role text, p_user uuid, p_shift_id uuid) returns jsonb
language sql stable
set search_path = ''
as $$
  select case app.shift_view(p_ctx_role, p_user, s)
    when 'whole' then app.shift_json(s.id)
    when 'operator' then
      app.shift_identity(s.id)
      || app.shift_figures(s.id, p_user)
      || jsonb_build_object('scope', 'own', 'expected_cash', null, 'counted_cash', null,
                            'difference', null, 'note', null)
      || case when s.status = 'open' then jsonb_build_object('generated_at', app.now()) else '{}'::jsonb end
  end
  from app.shifts s
  where s.id = p_shift_id
$$;

select app.deploy_private_functions();

-- ===========================================================================================
-- server_sql/src/09_jobs/schema.sql
-- ===========================================================================================
-- Jobs: what runs on a schedule (settlements, shared-card QR rotation, the idempotency purge)
-- and app.schedule_jobs, which hands them to pg_cron where it is installed.

-- Scheduling. With pg_cron (Supabase: Database -> Extensions -> pg_cron) this schedules the two
-- periodic jobs, replacing jobs of the same name; without it, it changes nothing and says what
-- an outside scheduler must call instead. Applying the schema never needs pg_cron: run
--   select * from app.schedule_jobs();
-- once as the database owner (SQL editor). pg_cron runs the jobs as that owner, which the RPCs
-- treat as the platform. Returns one row per job; a null schedule leaves that job out (the
-- settlement job is required). Jobs: settlements, shared-card QR rotation, idempotency purge.
-- Note: cron_rotate_qr_tokens returns the new tokens to its caller only; under pg_cron they are
-- discarded, so the rotation there just retires shared cards' codes on time, and the member
-- app fetches a fresh code with rotate_card_qr.
-- The overload from before p_purge_schedule (migration step, convention 1).
select app.deploy_drop_function('app.schedule_jobs(text, text, integer)');
create or replace function app.schedule_jobs(
  p_settlement_schedule text default '*/10 * * * *',
  p_qr_schedule text default '*/5 * * * *',
  p_qr_ttl_seconds integer default 300,
  p_purge_schedule text default '17 3 * * *'
) returns table (job_name text, schedule text, command text, scheduled boolean)
language plpgsql volatile
set search_path = ''
as $$
declare
  -- The function, not the catalog row, is what we call: this also works where pg_cron's
  -- schema is present under another installation path.
  v_cron boolean := pg_catalog.to_regprocedure('cron.schedule(text,text,text)') is not null;
  v_available boolean := exists (select 1 from pg_catalog.pg_available_extensions a where a.name = 'pg_cron');
  v_jobs text[] := array[
    'mps_run_due_settlements', p_settlement_schedule, 'select public.run_due_settlements()',
    'mps_rotate_qr_tokens', p_qr_schedule, format('select public.cron_rotate_qr_tokens(%s)', p_qr_ttl_seconds),
    'mps_purge_idempotency_keys', p_purge_schedule, 'select public.purge_idempotency_keys()'];
  i integer;
begin
  if p_settlement_schedule is null then
    perform app.fail('invalid_argument', 'p_settlement_schedule is required (a cron expression)');
  end if;
  if p_qr_ttl_seconds is null or p_qr_ttl_seconds not between 1 and 86400 then
    perform app.fail('invalid_argument', 'p_qr_ttl_seconds must be between 1 and 86400');
  end if;
  for i in 0 .. 2 loop
    job_name := v_jobs[i * 3 + 1];
    schedule := v_jobs[i * 3 + 2];
    command := v_jobs[i * 3 + 3];
    continue when schedule is null;
    if v_cron then
      execute 'select cron.schedule($1, $2, $3)' using job_name, schedule, command;
    end if;
    scheduled := v_cron;
    return next;
  end loop;
  if not v_cron then
    raise notice '%', case when v_available
      then 'pg_cron is available but not enabled: run "create extension pg_cron" (Supabase: Database -> Extensions), then select * from app.schedule_jobs() again. Until then, '
      else 'pg_cron is not installed on this server: nothing was scheduled. ' end
      || format('Call from an outside scheduler, with the service role: "select public.run_due_settlements()" (%s)', p_settlement_schedule)
      || case when p_qr_schedule is not null
              then format(', "select * from public.cron_rotate_qr_tokens(%s)" (%s)', p_qr_ttl_seconds, p_qr_schedule)
              else '' end
      || case when p_purge_schedule is not null
              then format(', "select public.purge_idempotency_keys()" (%s)', p_purge_schedule)
              else '' end
      || '.';
  end if;
end
$$;

select app.deploy_private_functions();
