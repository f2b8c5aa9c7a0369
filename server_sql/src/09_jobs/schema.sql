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
