"""The one SQL statement PostgREST runs for a call, and the JSON PostgreSQL makes of its result.

Arguments travel as one JSON document unpacked by `json_to_record` with the parameters' declared
types (POST), or as text literals cast to those types (GET), and are passed in named notation,
so defaults apply to what was not sent. The response body is built by `json_agg` in the
database, so numbers, timestamps and nested JSON look exactly as PostgREST sends them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from psycopg import sql

from .. import errors
from . import shaping
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


@dataclass(frozen=True)
class Page:
    """What the caller asked of the result: shaping, the window, a count, nulls stripped."""

    shaping: shaping.Shaping = field(default_factory=shaping.Shaping)
    offset: int = 0
    limit: int | None = None
    count: bool = False
    strip_nulls: bool = False


def build(r: Routine, sent: list[Param], args: Arguments, *, single: bool,
          page: Page | None = None) -> tuple[sql.Composable, list[Any]]:
    """The statement and its parameters; it yields (total_result_set, page_total, body)."""
    page = page or Page()
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

    # PostgREST reads the call's rows as a relation named after the function: filters, order
    # and select= name its columns, so an unknown one is PostgreSQL's 42703 for `fn.col`.
    alias = sql.Identifier(r.name)
    columns = _select_list(r, page.shaping.select, alias)
    where, where_params = _where(r, page.shaping.filters, alias)
    order = _order(r, page.shaping.order, alias)
    window = sql.SQL("")
    windowed = page.limit is not None or page.offset > 0
    if windowed:
        window = sql.SQL(" LIMIT {} OFFSET {}").format(
            sql.SQL("ALL") if page.limit is None else sql.Literal(page.limit), sql.Literal(page.offset))

    agg_of = sql.SQL("_postgrest_t.pgrst_scalar" if r.returns_scalar else "_postgrest_t")
    if r.returns_void:
        body = sql.SQL("NULL::text")
    elif single or not r.returns_set:
        body = sql.SQL("coalesce({}, 'null')::text").format(
            _strip(sql.SQL("pg_catalog.json_agg({})->0").format(agg_of), page.strip_nulls))
    else:
        body = sql.SQL("coalesce({}, '[]')::text").format(
            _strip(sql.SQL("pg_catalog.json_agg({})").format(agg_of), page.strip_nulls))
    page_count = sql.SQL("pg_catalog.count(*)" if r.returns_void else "pg_catalog.count(_postgrest_t)")
    count_cte = sql.SQL("")
    total: sql.Composable = sql.SQL("NULL::bigint")
    total_params: list[Any] = []
    if page.count:
        if windowed:
            # The page is a part: count the filtered rows apart from the page, as PostgREST does.
            count_cte = sql.SQL(", pgrst_source_count AS (SELECT 1 FROM pgrst_source AS {} {})").format(alias, where)
            total = sql.SQL("(SELECT pg_catalog.count(*) FROM pgrst_source_count)")
            total_params = where_params
        else:
            total = page_count
    statement = sql.SQL(
        "WITH pgrst_source AS (SELECT {selected} FROM {from_clause}){count_cte} "
        "SELECT {total}::bigint AS total_result_set, {page_count}::bigint AS page_total, {body} AS body "
        "FROM (SELECT {columns} FROM pgrst_source AS {alias} {where}{order}{window}) _postgrest_t"
    ).format(selected=selected, from_clause=from_clause, count_cte=count_cte, total=total,
             page_count=page_count, body=body, columns=columns, alias=alias, where=where, order=order,
             window=window)
    return statement, [*params, *total_params, *where_params]


def _strip(agg: sql.Composable, strip: bool) -> sql.Composable:
    return sql.SQL("pg_catalog.json_strip_nulls({})").format(agg) if strip else agg


def _column(r: Routine, name: str, alias: sql.Identifier) -> sql.Composable:
    if name not in r.columns:
        raise errors.ApiError(400, "42703", f"column {r.name}.{name} does not exist")
    return sql.SQL("{}.{}").format(alias, sql.Identifier(name))


def _select_list(r: Routine, items: list[shaping.SelectItem], alias: sql.Identifier) -> sql.Composable:
    if r.returns_scalar:
        for item in items:
            if item.column != "*":
                _column(r, item.column, alias)
        return sql.SQL("{}.pgrst_scalar").format(alias)
    parts = []
    for item in items:
        if item.column == "*":
            parts.append(sql.SQL("{}.*").format(alias))
            continue
        expr = _column(r, item.column, alias)
        if item.cast:
            expr = sql.SQL("CAST({} AS {})").format(expr, sql.Identifier(item.cast))
        parts.append(sql.SQL("{} AS {}").format(expr, sql.Identifier(item.alias or item.column)))
    return sql.SQL(", ").join(parts)


def _where(r: Routine, filters: list[shaping.Filter], alias: sql.Identifier) -> tuple[sql.Composable, list[Any]]:
    if not filters:
        return sql.SQL(""), []
    conditions, params = [], []
    for f in filters:
        col = _column(r, f.column, alias)
        if f.operator == "in":
            values = list(f.value)
            cond = (sql.SQL("{} IN ({})").format(col, sql.SQL(", ").join(sql.Placeholder() for _ in values))
                    if values else sql.SQL("FALSE"))
            params.extend(values)
        elif f.operator == "is":
            cond = sql.SQL("{} {}").format(col, sql.SQL(shaping.IS_VALUES[str(f.value)]))
        elif f.operator == "isdistinct":
            cond = sql.SQL("{} IS DISTINCT FROM {}").format(col, sql.Placeholder())
            params.append(f.value)
        else:
            value = str(f.value)
            if f.operator in ("like", "ilike"):
                value = value.replace("*", "%")
            cond = sql.SQL("{} {} {}").format(col, sql.SQL(shaping.SIMPLE_OPERATORS[f.operator]), sql.Placeholder())
            params.append(value)
        conditions.append(sql.SQL("NOT ({})").format(cond) if f.negated else cond)
    return sql.SQL("WHERE ") + sql.SQL(" AND ").join(conditions), params


def _order(r: Routine, terms: list[shaping.OrderTerm], alias: sql.Identifier) -> sql.Composable:
    if not terms:
        return sql.SQL("")
    parts = []
    for t in terms:
        nulls = {"first": " NULLS FIRST", "last": " NULLS LAST", None: ""}[t.nulls]
        parts.append(sql.SQL("{}{}{}").format(_column(r, t.column, alias), sql.SQL(" DESC" if t.descending else " ASC"),
                                              sql.SQL(nulls)))
    return sql.SQL(" ORDER BY ") + sql.SQL(", ").join(parts)
