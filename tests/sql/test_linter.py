"""The checks of Supabase's database linter (splinter) that apply to our schemas, from the catalog."""

SCHEMAS = ("app", "audit", "public")


def test_every_function_pins_its_search_path(db):
    """splinter 0011 function_search_path_mutable."""
    rows = db.q("""
        select p.oid::regprocedure::text as fn
        from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = any(%s) and p.prokind = 'f'
          and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) c where c like 'search_path=%%')
    """, (list(SCHEMAS),))
    assert rows == []


def test_every_foreign_key_is_covered_by_an_index(db):
    """splinter 0001 unindexed_foreign_keys: the FK's columns lead some index of the table."""
    rows = db.q("""
        select c.conrelid::regclass::text as tbl, c.conname
        from pg_constraint c join pg_namespace n on n.oid = c.connamespace
        where c.contype = 'f' and n.nspname = any(%s)
          and not exists (
            select 1 from pg_index i
            where i.indrelid = c.conrelid
              and (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey
              and (i.indkey::int2[])[0:cardinality(c.conkey) - 1] <@ c.conkey)
    """, (list(SCHEMAS),))
    assert rows == []


def test_no_duplicate_indexes(db):
    """splinter 0009 duplicate_index: same table, same columns, same predicate and expressions."""
    rows = db.q("""
        select i.indrelid::regclass::text as tbl, array_agg(i.indexrelid::regclass::text) as idx
        from pg_index i join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = any(%s)
        group by i.indrelid, i.indkey::text, coalesce(pg_get_expr(i.indexprs, i.indrelid), ''),
                 coalesce(pg_get_expr(i.indpred, i.indrelid), ''), i.indclass::text
        having count(*) > 1
    """, (list(SCHEMAS),))
    assert rows == []


def test_every_table_with_rls_has_a_policy(db):
    """splinter 0008 rls_enabled_no_policy."""
    rows = db.q("""
        select c.oid::regclass::text as tbl
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = any(%s) and c.relkind in ('r', 'p') and c.relrowsecurity
          and not exists (select 1 from pg_policy p where p.polrelid = c.oid)
    """, (list(SCHEMAS),))
    assert rows == []


def test_no_table_in_the_exposed_schema(db):
    """splinter 0013 rls_disabled_in_public: we keep every table out of `public` altogether."""
    assert db.q("""
        select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'f')
    """) == []
