"""/rest/v1/<table>: the stand-in serves functions only, and says so in PostgREST's terms."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from .errors import ApiError
from .rpc.identity import authenticate
from .rpc.request import schema_of


async def handle(request: Request) -> Response:
    settings = request.app.state.settings
    authenticate(request.headers, settings)
    schema = schema_of(request, settings.exposed_schemas)
    name = request.path_params["name"]
    if "\x00" in name or "\x00" in schema:
        # No relation name holds a NUL, and the driver could not even send it.
        raise ApiError(404, "PGRST205", f"Could not find the table '{schema}.{name}' in the schema cache")
    async with request.app.state.rest_pool.connection() as conn:
        found = await (await conn.execute(
            "select 1 from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace "
            "where n.nspname = %s and c.relname = %s and c.relkind in ('r', 'v', 'm', 'f', 'p')",
            (schema, name))).fetchone()
    if found:
        raise ApiError(400, "PGRST127", "Feature not implemented",
                       "The local stand-in serves /rest/v1/rpc only; tables and views are not exposed")
    raise ApiError(404, "PGRST205", f"Could not find the table '{schema}.{name}' in the schema cache")
