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
