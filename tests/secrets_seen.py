"""Every secret a test handed to the system (QR secrets, passwords, JWTs), and the scans that
prove none of them is stored in plain text in any table of any database on the test server, nor
written into the log of any PostgreSQL cluster the tests started (the stand-in's included)."""

from __future__ import annotations

import re
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

SEEN: set[str] = set()

# Server logs of the clusters this session started, and the text of those removed before the end.
PG_LOGS: set[Path] = set()
SAVED_LOG_TEXT: dict[str, str] = {}


def remember(secret: str) -> str:
    """Note a secret (a QR token contributes its secret part) and return it unchanged."""
    if secret.startswith("MPSQR1.") and secret.count(".") == 2:
        SEEN.add(secret.rsplit(".", 1)[1])
    else:
        SEEN.add(secret)
    return secret


# Any JWT (header.payload.signature, base64url, a JSON header starting '{"'), whoever minted it.
JWT_PATTERN = r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}"
# Any whole QR payment token, whoever issued it (the secret is its third part).
QR_PATTERN = r"MPSQR1\.[0-9a-f]{24}\.[A-Za-z0-9_-]{32}"


def watch_log(path: Path) -> None:
    """Scan this PostgreSQL server log at the end of the session."""
    PG_LOGS.add(Path(path))


def keep_log(path: Path) -> None:
    """The log's text now (its cluster is about to be removed), scanned at the end of the session."""
    path = Path(path)
    if path.is_file():
        SAVED_LOG_TEXT[str(path)] = path.read_text(encoding="utf-8", errors="replace")
    PG_LOGS.discard(path)


def logs_holding(secrets: set[str],
                 patterns: tuple[str, ...] = (JWT_PATTERN, QR_PATTERN)) -> list[tuple[str, int, str]]:
    """(log, line number, what) for every line of a watched or kept log that holds one of the
    secrets or matches a pattern; `what` names the kind, never the secret itself."""
    texts = dict(SAVED_LOG_TEXT)
    for path in PG_LOGS:
        if path.is_file():
            texts[str(path)] = path.read_text(encoding="utf-8", errors="replace")
    found = []
    regexes = [re.compile(p) for p in patterns]
    for name, text in sorted(texts.items()):
        for n, line in enumerate(text.splitlines(), 1):
            if any(s in line for s in secrets if s):
                found.append((name, n, "a registered secret"))
            elif any(r.search(line) for r in regexes):
                found.append((name, n, "a JWT or QR token"))
    return found


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
