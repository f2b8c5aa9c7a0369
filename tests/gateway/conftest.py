"""Fixtures of the gateway tests: test-only functions in the gateway's own database."""

from __future__ import annotations

from pathlib import Path

import httpx
import psycopg
import pytest
from supabase import Client, ClientOptions, create_client

FUNCTIONS_SQL = Path(__file__).with_name("functions.sql")


@pytest.fixture(scope="session")
def gw(gateway):
    """The session gateway with the test functions installed (never in the shared mps_test)."""
    with psycopg.connect(gateway.dsn, autocommit=True) as conn:
        conn.execute(FUNCTIONS_SQL.read_text())  # type: ignore[arg-type]
    return gateway


@pytest.fixture
def db(gw):
    """A superuser connection to the gateway's database, to check what requests left behind."""
    with psycopg.connect(gw.dsn, autocommit=True) as conn:
        yield conn


@pytest.fixture
def http(gw):
    with httpx.Client(base_url=gw.url, timeout=30) as client:
        yield client


@pytest.fixture
def anon_headers(gw) -> dict[str, str]:
    return {"apikey": gw.anon_key, "Authorization": f"Bearer {gw.anon_key}"}


@pytest.fixture
def user(gw) -> dict:
    return gw.create_user()


@pytest.fixture
def user_session(gw, http, user) -> dict:
    r = http.post("/auth/v1/token", params={"grant_type": "password"}, headers={"apikey": gw.anon_key},
                  json={"email": user["email"], "password": user["password"]})
    assert r.status_code == 200, r.text
    return r.json()


def make_client(gw, key: str | None = None) -> Client:
    # No background refresh timer: tests decide when a session refreshes.
    return create_client(gw.url, key or gw.anon_key,
                         ClientOptions(auto_refresh_token=False, persist_session=False))


def pytest_terminal_summary(terminalreporter):
    """The hostile sweep's figures (test_hostile_generated.py), for the lead's note."""
    from .hostile_figures import summary_lines

    lines = summary_lines()
    if lines:
        terminalreporter.section("hostile requests per route")
        for line in lines:
            terminalreporter.write_line(line)
