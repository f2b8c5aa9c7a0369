"""One request, one transaction, exactly as PostgREST runs it.

BEGIN with the access mode; transaction-local settings (the role's own `ALTER ROLE ... SET`
values, search_path, role, claims, method, path, headers); the statement; COMMIT, or ROLLBACK on
any error or when the single-object rule fails.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from typing import Any

from psycopg import AsyncConnection, sql

from .. import errors

# The role's settings for this database and for all databases (the database's win), limited to
# those a non-superuser may set, as PostgREST applies them after switching role.
_ROLE_SETTINGS_SQL = """
select pg_catalog.count(pg_catalog.set_config(s.name, s.value, true))
from (
  select distinct on (split_part(c.kv, '=', 1))
         split_part(c.kv, '=', 1) as name, substr(c.kv, strpos(c.kv, '=') + 1) as value
  from pg_catalog.pg_db_role_setting d
  cross join lateral unnest(d.setconfig) as c(kv)
  where d.setrole = (select oid from pg_catalog.pg_roles where rolname = %s)
    and d.setdatabase in (0, (select oid from pg_catalog.pg_database where datname = current_database()))
  order by split_part(c.kv, '=', 1), d.setdatabase desc
) s
join pg_catalog.pg_settings ps on ps.name = s.name and ps.context = 'user'
"""

_LOCALS_SQL = """
select pg_catalog.set_config('search_path', %s, true),
       pg_catalog.set_config('role', %s, true),
       pg_catalog.set_config('request.jwt.claims', %s, true),
       pg_catalog.set_config('request.method', %s, true),
       pg_catalog.set_config('request.path', %s, true),
       pg_catalog.set_config('request.headers', %s, true),
       pg_catalog.set_config('request.cookies', %s, true)
"""


@dataclass(frozen=True)
class RequestContext:
    role: str
    claims: dict[str, Any]
    method: str
    path: str
    headers: dict[str, str]
    cookies: dict[str, str]
    search_path: tuple[str, ...]


@dataclass(frozen=True)
class CallResult:
    rows: int
    body: str | None
    total: int | None = None  # the filtered result's row count, when a count was asked for


async def run(conn: AsyncConnection, ctx: RequestContext, statement: sql.Composable, params: list[Any],
              *, read_only: bool, single: bool) -> CallResult:
    """Run the call; raises psycopg errors from the database and ApiError for PGRST116."""
    mode = "READ ONLY" if read_only else "READ WRITE"
    await conn.execute(f"BEGIN ISOLATION LEVEL READ COMMITTED {mode}")
    try:
        await conn.execute(_ROLE_SETTINGS_SQL, (ctx.role,))
        search_path = ", ".join(sql.Identifier(s).as_string(conn) for s in ctx.search_path)
        await conn.execute(_LOCALS_SQL, (
            search_path, ctx.role, json.dumps(ctx.claims), ctx.method, ctx.path,
            json.dumps(ctx.headers), json.dumps(ctx.cookies)))
        row = await (await conn.execute(statement, params)).fetchone()
        total, rows, body = (row[0], int(row[1]), row[2]) if row else (None, 0, None)
        if single and rows != 1:
            raise errors.singularity(rows)
    except BaseException:
        await _rollback(conn)
        raise
    await conn.execute("COMMIT")
    return CallResult(rows, body, None if total is None else int(total))


async def _rollback(conn: AsyncConnection) -> None:
    # A broken connection cannot roll back; the pool discards it on return.
    if not conn.closed:
        with contextlib.suppress(Exception):
            await conn.execute("ROLLBACK")
