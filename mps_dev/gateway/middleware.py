"""The API gateway's own duties, in front of both services: CORS (cors.py), the `apikey` check,
one log line per request, and a JSON 500 in place of any unexpected exception (the trace goes to
the log)."""

from __future__ import annotations

import logging
import time
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import cors, errors
from .settings import GatewaySettings

log = logging.getLogger("mps_dev.gateway")

_KEYED_PREFIXES = ("/rest/v1", "/auth/v1")


class GatewayMiddleware:
    def __init__(self, app: ASGIApp, settings: GatewaySettings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 0, "sent": False}

        cors_scope = scope["path"].startswith(_KEYED_PREFIXES)
        from_service = {"value": True}

        async def tracking_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                status["sent"] = True
                if cors_scope:
                    message = {**message, "headers": cors.merged(
                        list(message.get("headers", [])),
                        cors.response_headers(scope, from_service=from_service["value"]))}
            await send(message)

        try:
            if cors_scope and cors.is_preflight(scope):
                # Kong answers the preflight itself, before the API key is asked for.
                status["code"], status["sent"] = 200, True
                await send({"type": "http.response.start", "status": 200, "headers": cors.preflight_headers(scope)})
                await send({"type": "http.response.body", "body": b""})
                return
            refusal = self._check_api_key(scope)
            if refusal is not None:
                from_service["value"] = False
                await refusal.response(with_body=scope["method"] != "HEAD")(scope, receive, tracking_send)
            else:
                await self.app(scope, receive, tracking_send)
        except Exception:
            log.exception("unhandled error on %s %s", scope["method"], scope["path"])
            if not status["sent"]:
                await errors.internal_error().response()(scope, receive, tracking_send)
        finally:
            # Path only: query strings may carry the API key. Never headers or bodies.
            role = scope.get("state", {}).get("role", "-")
            log.info("%s %s %s %.1fms role=%s", scope["method"], scope["path"], status["code"],
                     (time.perf_counter() - started) * 1000, role)

    def _check_api_key(self, scope: Scope) -> errors.ApiError | None:
        path: str = scope["path"]
        if not path.startswith(_KEYED_PREFIXES):
            return None
        key = None
        for name, value in scope["headers"]:
            if name == b"apikey":
                key = value.decode("latin-1")
        if key is None:
            key = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("apikey", [None])[-1]
        if not key:
            return errors.missing_api_key()
        if key not in self.settings.api_keys:
            return errors.invalid_api_key()
        return None

