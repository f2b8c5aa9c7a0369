"""POST/GET/HEAD /rest/v1/rpc/{fn}: the whole PostgREST round trip for one call."""

from __future__ import annotations

import psycopg
from psycopg_pool import AsyncConnectionPool, PoolTimeout
from starlette.requests import Request
from starlette.responses import Response

from .. import errors
from ..body import read_limited
from ..settings import GatewaySettings
from . import catalog, request as rpc_request, statement, transaction
from .identity import Identity, authenticate

_ALLOWED = ("GET", "HEAD", "POST")


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
    call = rpc_request.from_body(request, body) if request.method == "POST" else rpc_request.from_query(request)
    try:
        async with pool.connection() as conn:
            routines = await catalog.candidates(conn, schema, name)
            routine = catalog.choose(routines, schema, name, call.keys, media=call.media,
                                     is_post=request.method == "POST")
            single = rpc_request.wants_single_object(request)
            args = _arguments_for(routine, call)
            sent = [] if args.is_positional else [p for p in routine.params if p.name in call.keys]
            sql, params = statement.build(routine, sent, args, single=single)
            ctx = _context(request, identity, schema, settings, name)
            read_only = request.method != "POST" or not routine.volatile
            result = await transaction.run(conn, ctx, sql, params, read_only=read_only, single=single)
    except psycopg.Error as e:
        raise _database_error(e, identity) from None
    except PoolTimeout:
        raise errors.pool_timeout() from None
    return _respond(request, routine, result, single)


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
             single: bool) -> Response:
    if routine.returns_void:
        return Response(status_code=204)
    media = "application/vnd.pgrst.object+json" if single else "application/json"
    content_range = f"0-{result.rows - 1}/*" if result.rows else "*/*"
    content = b"" if request.method == "HEAD" else (result.body or "null").encode("utf-8")
    return Response(content, status_code=200, media_type=f"{media}; charset=utf-8",
                    headers={"Content-Range": content_range})
