"""Every secret a test handed to the system (QR secrets, passwords, JWTs), and the scan that
proves none of them is stored in plain text in any table of any database on the test server."""

from __future__ import annotations

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

SEEN: set[str] = set()


def remember(secret: str) -> str:
    """Note a secret (a QR token contributes its secret part) and return it unchanged."""
    if secret.startswith("MPSQR1.") and secret.count(".") == 2:
        SEEN.add(secret.rsplit(".", 1)[1])
    else:
        SEEN.add(secret)
    return secret


# Any JWT (header.payload.signature, base64url, a JSON header starting '{"'), whoever minted it.
JWT_PATTERN = r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}"


def tables_holding(dsn: str, secrets: set[str], regex: str | None = None) -> list[tuple[str, str, int]]:
    """(database, table, rows) for every table whose rows, as text, contain one of the secrets
    or match the regex."""
    if not secrets and not regex:
        return []
    patterns = ["%" + s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%" for s in secrets]
    found = []
    with psycopg.connect(dsn, autocommit=True) as conn:
        dbs = [r[0] for r in conn.execute(
            "select datname from pg_database where datallowconn and not datistemplate")]
    for dbname in dbs:
        params = conninfo_to_dict(dsn) | {"dbname": dbname}
        with psycopg.connect(make_conninfo(**params), autocommit=True) as conn:
            tables = conn.execute("""
                select n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema')
                  and n.nspname not like 'pg_toast%'
            """).fetchall()
            for schema, table in tables:
                q = sql.SQL("select count(*) from {}.{} t where t::text like any(%s) or t::text ~ %s").format(
                    sql.Identifier(schema), sql.Identifier(table))
                n = conn.execute(q, (patterns, regex or "$.^")).fetchone()[0]
                if n:
                    found.append((dbname, f"{schema}.{table}", n))
    return found
