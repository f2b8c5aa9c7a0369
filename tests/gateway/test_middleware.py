"""The gateway's outer layer on its own: an unexpected exception becomes a bare JSON 500."""

from __future__ import annotations

import asyncio
import logging

import httpx

from mps_dev.gateway import jwt
from mps_dev.gateway.middleware import GatewayMiddleware
from mps_dev.gateway.settings import GatewaySettings

SECRET = jwt.new_secret()
SETTINGS = GatewaySettings(database_dsn="postgresql://localhost/none", jwt_secret=SECRET,
                           anon_key=jwt.mint_api_key("anon", SECRET),
                           service_role_key=jwt.mint_api_key("service_role", SECRET))


async def exploding_app(scope, receive, send):
    raise RuntimeError("boom: password=hunter2 token=eyJsecret")


def call(path: str, headers: dict[str, str]) -> httpx.Response:
    async def go():
        transport = httpx.ASGITransport(app=GatewayMiddleware(exploding_app, SETTINGS))
        async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
            return await client.post(path, headers=headers, json={})
    return asyncio.run(go())


def test_unexpected_exception_is_a_json_500_without_detail(caplog):
    with caplog.at_level(logging.INFO, logger="mps_dev.gateway"):
        r = call("/rest/v1/rpc/anything?apikey=ignored", {"apikey": SETTINGS.anon_key})
    assert r.status_code == 500
    assert r.json() == {"code": "PGRSTX00", "message": "Internal server error", "details": None, "hint": None}
    assert "hunter2" not in r.text and "Traceback" not in r.text
    request_lines = [rec.getMessage() for rec in caplog.records if rec.levelno == logging.INFO]
    assert request_lines == [request_lines[0]] and request_lines[0].startswith("POST /rest/v1/rpc/anything 500")
    assert "apikey" not in request_lines[0] and "eyJ" not in request_lines[0]


def test_api_key_is_checked_before_anything_runs():
    r = call("/auth/v1/token", {})
    assert r.status_code == 401 and r.json()["message"] == "No API key found in request"
