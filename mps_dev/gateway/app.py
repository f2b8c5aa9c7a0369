"""The gateway as one ASGI app: routes, error answers, connection pools."""

from __future__ import annotations

import contextlib

from psycopg_pool import AsyncConnectionPool
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import errors, tables
from .auth import endpoints as auth
from .auth.errors import AuthError, OAuthError
from .middleware import GatewayMiddleware
from .rpc import endpoint as rpc
from .settings import GatewaySettings

_ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def _pool(settings: GatewaySettings, user: str) -> AsyncConnectionPool:
    return AsyncConnectionPool(
        settings.dsn_as(user), min_size=1, max_size=settings.pool_max_size,
        timeout=settings.pool_timeout_seconds, kwargs={"autocommit": True}, open=False,
        name=f"gateway-{user}")


def build_app(settings: GatewaySettings) -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        # PostgREST connects as `authenticator` and switches role per request; GoTrue as
        # `supabase_auth_admin`, which can touch the auth tables and nothing else.
        app.state.rest_pool = _pool(settings, "authenticator")
        app.state.auth_pool = _pool(settings, "supabase_auth_admin")
        await app.state.rest_pool.open(wait=True, timeout=30)
        await app.state.auth_pool.open(wait=True, timeout=30)
        try:
            yield
        finally:
            await app.state.rest_pool.close()
            await app.state.auth_pool.close()

    async def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, errors.ApiError)
        return exc.response(with_body=request.method != "HEAD")

    async def auth_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, (AuthError, OAuthError))
        return exc.response(request.headers)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 405:
            return errors.ApiError(405, None, "Method Not Allowed", from_postgrest=False).response()
        return errors.not_found_path().response(with_body=request.method != "HEAD")

    routes = [
        Route("/rest/v1/rpc/{fn:path}", rpc.handle, methods=_ALL_METHODS),
        Route("/rest/v1/{name:path}", tables.handle, methods=_ALL_METHODS),
        Route("/auth/v1/token", auth.token, methods=["POST"]),
        Route("/auth/v1/logout", auth.logout, methods=["POST"]),
        Route("/auth/v1/user", auth.user, methods=["GET"]),
        Route("/auth/v1/admin/users", auth.admin_create_user, methods=["POST"]),
        Route("/auth/v1/health", auth.health, methods=["GET"]),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(GatewayMiddleware, settings=settings)],
        exception_handlers={errors.ApiError: api_error, AuthError: auth_error, OAuthError: auth_error,
                            HTTPException: http_error},
        lifespan=lifespan,
    )
    app.state.settings = settings
    return app
