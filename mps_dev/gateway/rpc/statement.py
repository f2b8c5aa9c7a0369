"""The one SQL statement PostgREST runs for a call, and the JSON PostgreSQL makes of its result.

Arguments travel as one JSON document unpacked by `json_to_record` with the parameters' declared
types (POST), or as text literals cast to those types (GET), and are passed in named notation,
so defaults apply to what was not sent. The response body is built by `json_agg` in the
database, so numbers, timestamps and nested JSON look exactly as PostgREST sends them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from psycopg import sql

from .catalog import Param, Routine


@dataclass(frozen=True)
class Arguments:
    """What the client sent: a JSON text (POST), text values (GET), or one raw positional value."""

    json_text: str | None = None
    direct: dict[str, str] | None = None
    positional: Any = None
    is_positional: bool = False


def _qualified(r: Routine) -> sql.Composable:
    return sql.SQL("{}.{}").format(sql.Identifier(r.schema), sql.Identifier(r.name))


def _named(p: Param, value: sql.Composable) -> sql.Composable:
    variadic = sql.SQL("VARIADIC ") if p.variadic else sql.SQL("")
    return sql.SQL("{}{} := {}").format(variadic, sql.Identifier(p.name), value)


def build(r: Routine, sent: list[Param], args: Arguments, *, single: bool) -> tuple[sql.Composable, list[Any]]:
    """The statement and its parameters; it yields (page_total, body)."""
    fn = _qualified(r)
    params: list[Any] = []
    source: sql.Composable | None = None
    if args.is_positional:
        call = sql.SQL("{}({}::{})").format(fn, sql.Placeholder(), sql.SQL(r.params[0].type))
        params.append(args.positional)
    elif not sent:
        call = sql.SQL("{}()").format(fn)
    elif args.direct is not None:
        call = sql.SQL("{}({})").format(fn, sql.SQL(", ").join(
            _named(p, sql.SQL("{}::{}").format(sql.Placeholder(), sql.SQL(p.type))) for p in sent))
        params.extend(args.direct[p.name] for p in sent)
    else:
        columns = sql.SQL(", ").join(sql.SQL("{} {}").format(sql.Identifier(p.name), sql.SQL(p.type)) for p in sent)
        source = sql.SQL("pg_catalog.json_to_record({}::json) AS pgrst_body({})").format(sql.Placeholder(), columns)
        call = sql.SQL("{}({})").format(fn, sql.SQL(", ").join(
            _named(p, sql.SQL("pgrst_body.{}").format(sql.Identifier(p.name))) for p in sent))
        params.append(args.json_text)

    if r.returns_scalar:
        called = sql.SQL("(SELECT {} AS pgrst_scalar) pgrst_call").format(call)
        selected = sql.SQL("pgrst_call.pgrst_scalar")
    else:
        called = sql.SQL("{} pgrst_call").format(call)
        selected = sql.SQL("pgrst_call.*")
    from_clause = sql.SQL("{}, LATERAL {}").format(source, called) if source is not None else called

    agg_of = sql.SQL("_postgrest_t.pgrst_scalar" if r.returns_scalar else "_postgrest_t")
    if r.returns_void:
        body = sql.SQL("NULL::text")
    elif single or not r.returns_set:
        body = sql.SQL("coalesce((pg_catalog.json_agg({})->0)::text, 'null')").format(agg_of)
    else:
        body = sql.SQL("coalesce(pg_catalog.json_agg({}), '[]')::text").format(agg_of)
    count = sql.SQL("pg_catalog.count(*)" if r.returns_void else "pg_catalog.count(_postgrest_t)")
    statement = sql.SQL(
        "WITH pgrst_source AS (SELECT {selected} FROM {from_clause}) "
        "SELECT {count}::bigint AS page_total, {body} AS body "
        "FROM (SELECT * FROM pgrst_source) _postgrest_t"
    ).format(selected=selected, from_clause=from_clause, count=count, body=body)
    return statement, params
