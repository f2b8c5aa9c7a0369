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
