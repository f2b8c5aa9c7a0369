"""What an installed MPS database is made of, as PostgreSQL itself renders it, to compare two
installs (a fresh one and an upgraded one): tables and columns, constraints, indexes, types,
functions (bodies, settings, grants, comments), policies, triggers, RLS and ACLs. Not the data,
and not the functions retired into app_retired (an upgrade may leave some until they are purged).
"""

from __future__ import annotations

import psycopg

SCHEMAS = "('app', 'audit', 'public')"

QUERIES = {
    "columns": f"""
        select n.nspname, c.relname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),
               a.attnotnull, pg_catalog.pg_get_expr(d.adbin, d.adrelid), a.attidentity,
               pg_catalog.col_description(c.oid, a.attnum)
        from pg_catalog.pg_attribute a
        join pg_catalog.pg_class c on c.oid = a.attrelid
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        left join pg_catalog.pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
        where n.nspname in {SCHEMAS} and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped
        order by 1, 2, 3""",
    "relations": f"""
        select n.nspname, c.relname, c.relkind, c.relrowsecurity, c.relacl::text,
               pg_catalog.obj_description(c.oid, 'pg_class')
        from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where n.nspname in {SCHEMAS} and c.relkind in ('r', 'p', 'S', 'v')
        order by 1, 2""",
    "constraints": f"""
        select n.nspname, c.relname, k.conname, pg_catalog.pg_get_constraintdef(k.oid)
        from pg_catalog.pg_constraint k
        join pg_catalog.pg_class c on c.oid = k.conrelid
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where n.nspname in {SCHEMAS}
        order by 1, 2, 3""",
    "indexes": f"""
        select schemaname, indexname, indexdef from pg_catalog.pg_indexes
        where schemaname in {SCHEMAS} order by 1, 2""",
    "enums": """
        select t.typname, pg_catalog.array_agg(e.enumlabel order by e.enumsortorder)::text
        from pg_catalog.pg_type t join pg_catalog.pg_enum e on e.enumtypid = t.oid
        join pg_catalog.pg_namespace n on n.oid = t.typnamespace
        where n.nspname = 'app' group by 1 order by 1""",
    "functions": f"""
        select p.oid::pg_catalog.regprocedure::text, pg_catalog.pg_get_functiondef(p.oid),
               p.proacl::text, pg_catalog.obj_description(p.oid, 'pg_proc')
        from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
        where n.nspname in {SCHEMAS}
        order by 1""",
    "policies": f"""
        select schemaname, tablename, policyname, permissive, roles::text, cmd, qual, with_check
        from pg_catalog.pg_policies where schemaname in {SCHEMAS} order by 1, 2, 3""",
    "triggers": f"""
        select c.relname, t.tgname, pg_catalog.pg_get_triggerdef(t.oid), t.tgenabled
        from pg_catalog.pg_trigger t join pg_catalog.pg_class c on c.oid = t.tgrelid
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where n.nspname in {SCHEMAS} and not t.tgisinternal
        order by 1, 2""",
    "schemas": f"""
        select nspname, nspacl::text from pg_catalog.pg_namespace
        where nspname in {SCHEMAS} order by 1""",
    "settings": "select key, description from app.settings order by key",
}


def snapshot(dsn: str) -> dict[str, list[tuple]]:
    """Every row of every query above, per query."""
    with psycopg.connect(dsn) as conn:
        return {name: conn.execute(q).fetchall() for name, q in QUERIES.items()}  # type: ignore[arg-type]


def differences(a: dict[str, list[tuple]], b: dict[str, list[tuple]]) -> dict[str, dict[str, list[tuple]]]:
    """Per query, the rows only in a and the rows only in b (empty when the installs agree)."""
    out = {}
    for name in QUERIES:
        only_a = sorted(set(a[name]) - set(b[name]), key=repr)
        only_b = sorted(set(b[name]) - set(a[name]), key=repr)
        if only_a or only_b:
            out[name] = {"only_first": only_a, "only_second": only_b}
    return out
