"""POST/GET/HEAD /rest/v1/rpc/{fn}: the whole PostgREST round trip for one call."""

from __future__ import annotations

import psycopg
from psycopg_pool import AsyncConnectionPool, PoolTimeout
from starlette.requests import Request
from starlette.responses import Response

from .. import errors, nesting
from ..body import read_limited
from ..settings import GatewaySettings
from . import catalog, preferences, statement, transaction, window
from . import request as rpc_request
from .identity import Identity, authenticate

_ALLOWED = ("GET", "HEAD", "POST")
_MAX_ARRAY_DIMENSIONS = 6  # PostgreSQL's MAXDIM


async def handle(request: Request) -> Response:
    settings: GatewaySettings = request.app.state.settings
    pool: AsyncConnectionPool = request.app.state.rest_pool
    name = request.path_params["fn"]
    # The body is read first, as the proxy in front of PostgREST would enforce its size limit.
    body = await read_limited(request, settings.max_body_bytes) if request.method == "POST" else b""
    identity = authenticate(request.headers, settings)
    request.state.role = identity.role
    if request.method == "OPTIONS":
        return Response(status_code=200, headers={"Allow": "OPTIONS,GET,HEAD,POST"})
    if request.method not in _ALLOWED:
        raise errors.invalid_rpc_method(request.method)
    schema = rpc_request.schema_of(request, settings.exposed_schemas)
    media = rpc_request.negotiate(request)
    prefs = preferences.parse(request.headers)
    if request.method == "POST":
        call = rpc_request.from_body(request, body)
        shape = rpc_request.shaping_of_post(request)
    else:
        call, shape = rpc_request.from_query(request)
    rows = window.requested(request.method, request.headers.get("range"), shape.limit, shape.offset)
    try:
        async with pool.connection() as conn:
            routines = await catalog.candidates(conn, schema, name)
            routine = catalog.choose(routines, schema, name, call.keys, media=call.media,
                                     is_post=request.method == "POST")
            args = _arguments_for(routine, call)
            sent = [] if args.is_positional else [p for p in routine.params if p.name in call.keys]
            _refuse_what_postgresql_cannot_take(sent, args, in_body=request.method == "POST")
            page = statement.Page(shape, rows.offset, rows.limit, prefs.counts_exactly, media.strip_nulls)
            sql, params = statement.build(routine, sent, args, single=media.single, page=page)
            ctx = _context(request, identity, schema, settings, name)
            read_only = request.method != "POST" or not routine.volatile
            result = await transaction.run(conn, ctx, sql, params, read_only=read_only, single=media.single)
    except psycopg.Error as e:
        raise _database_error(e, identity) from None
    except PoolTimeout:
        raise errors.pool_timeout() from None
    return _respond(request, routine, result, media, rows, prefs)


def _refuse_what_postgresql_cannot_take(sent: list[catalog.Param], args: statement.Arguments, *,
                                        in_body: bool) -> None:
    """Text arguments (GET, form bodies) that PostgreSQL's input functions would fail on with a
    5xx-class SQLSTATE (54001 stack depth, 54000 array dimensions): a 400 before they get there."""
    if args.direct is None:
        return
    for p in sent:
        value = args.direct.get(p.name, "")
        deep = nesting.depth(value)
        if deep > nesting.MAX_JSON_DEPTH:
            raise errors.too_deeply_nested(nesting.MAX_JSON_DEPTH, "body" if in_body else "query string")
        if p.type.endswith("[]") and deep > _MAX_ARRAY_DIMENSIONS:
            raise errors.ApiError(400, "PGRST102" if in_body else "PGRST100", f"Array argument {p.name} has more than "
                                  f"{_MAX_ARRAY_DIMENSIONS} dimensions", None,
                                  "PostgreSQL allows at most 6 (it would fail with 54000)")


def _arguments_for(routine: catalog.Routine, call: rpc_request.Call) -> statement.Arguments:
    single_unnamed = len(routine.params) == 1 and routine.params[0].name == ""
    if single_unnamed and call.media is not None:
        raw = call.args.positional if call.args.is_positional else call.args.json_text
        return statement.Arguments(positional=raw, is_positional=True)
    if call.is_array:
        raise errors.invalid_body("The local stand-in does not support calling a function with a "
                                  "JSON array body (bulk call)")
    return call.args


def _context(request: Request, identity: Identity, schema: str, settings: GatewaySettings,
             name: str) -> transaction.RequestContext:
    return transaction.RequestContext(
        role=identity.role,
        claims=identity.claims,
        method=request.method,
        path=f"/rpc/{name}",
        headers={k.lower(): v for k, v in request.headers.items()},
        cookies=dict(request.cookies),
        search_path=(schema, *settings.extra_search_path),
    )


def _database_error(e: psycopg.Error, identity: Identity) -> errors.ApiError:
    if e.sqlstate is None:
        if isinstance(e, psycopg.DataError):
            # Refused by the driver before reaching the server: a NUL byte in a text argument.
            # PostgreSQL refuses the same value with this SQLSTATE.
            return errors.ApiError(400, "22021", "invalid byte sequence for encoding \"UTF8\": 0x00")
        return errors.connection_error()
    diag = e.diag
    return errors.from_database(e.sqlstate, diag.message_primary or "", diag.message_detail,
                                diag.message_hint, identity.authenticated)


def _respond(request: Request, routine: catalog.Routine, result: transaction.CallResult,
             media: rpc_request.Media, rows: window.Window, prefs: preferences.Preferences) -> Response:
    status, content_range, out_of_range = window.status_and_range(rows, result.rows, result.total)
    headers = {"Content-Range": content_range}
    applied = prefs.applied()
    if applied:
        headers["Preference-Applied"] = applied
    if routine.returns_void:
        return Response(status_code=204, headers=headers)
    if out_of_range is not None:
        error = out_of_range.response(with_body=request.method != "HEAD")
        error.headers.update(headers)
        return error
    content = b"" if request.method == "HEAD" else (result.body or "null").encode("utf-8")
    return Response(content, status_code=status, headers=headers, media_type=media.content_type())
