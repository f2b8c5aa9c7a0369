"""Session-wide fixtures: one private PostgreSQL cluster with the MPS schema installed.

If MPS_DATABASE_URL is set, that server is used instead of starting our own cluster.
"""

from __future__ import annotations

import os

# No test needs a display: Qt draws offscreen (set before anything imports Qt).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from mps_dev import cluster as pgcluster

from .secrets_seen import JWT_PATTERN, SEEN, keep_log, logs_holding, remember, tables_holding, watch_log


@pytest.fixture(scope="session")
def pg_server():
    """A DSN to a server database where we may create our test database.

    Started on first use only: a run of pure tests (tests/pos/test_money.py, most of tests/ui)
    starts no cluster. Before it stops, no QR secret, password, key or JWT that any test used may
    sit in plain text in any table of any database on it, the audit log included; its server log
    is kept for the end-of-session scan (no_secret_at_rest)."""
    url = os.environ.get("MPS_DATABASE_URL")
    if url:
        yield url
        _assert_no_secret_in_tables(url)
        return
    with pgcluster.temporary_cluster("mps-test-pg-") as cl:
        watch_log(cl.log_file)
        yield cl.dsn()
        keep_log(cl.log_file)
        _assert_no_secret_in_tables(cl.dsn())


def _assert_no_secret_in_tables(dsn: str) -> None:
    leaks = tables_holding(dsn, SEEN, regex=JWT_PATTERN)
    assert leaks == [], f"secrets stored in plain text: {leaks}"


@pytest.fixture(scope="session", autouse=True)
def no_secret_at_rest():
    """After the whole session: no secret any test used is in the server log of any cluster the
    session started (pg_server's, the stand-in's `mps-dev up` too). With MPS_DATABASE_URL the
    server's log is not ours to read. Needs no server itself, so it starts none; being autouse it
    is torn down after pg_server, whose log it reads from the text kept at its teardown."""
    yield
    logged = logs_holding(SEEN)
    assert logged == [], f"secrets in a PostgreSQL log (file, line, kind): {logged[:20]}"


@pytest.fixture(scope="session")
def mps_dsn(pg_server):
    """A database with bootstrap, schema and RPCs applied."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    if os.environ.get("MPS_DATABASE_URL"):
        dsn = pg_server
    else:
        with psycopg.connect(pg_server, autocommit=True) as conn:
            conn.execute("drop database if exists mps_test")
            conn.execute("create database mps_test")
        params = conninfo_to_dict(pg_server)
        params["dbname"] = "mps_test"
        dsn = make_conninfo(**params)
    pgcluster.install_mps(dsn)
    return dsn


# -- The local Supabase stand-in (mps_dev.gateway) ------------------------------------------------


def _fresh_database(server_dsn: str, dbname: str) -> str:
    """Drop and create `dbname` on the server of `server_dsn`; its DSN."""
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    with psycopg.connect(server_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(dbname)))
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(dbname)))
    params = conninfo_to_dict(server_dsn)
    params["dbname"] = dbname
    return make_conninfo(**params)


class GatewayHandle:
    """A running gateway: its URL, the project's keys, and a way to make confirmed users."""

    def __init__(self, url: str, settings, dsn: str):
        self.url = url
        self.anon_key = settings.anon_key
        self.service_key = settings.service_role_key
        self.jwt_secret = settings.jwt_secret
        self.dsn = dsn  # superuser DSN of the gateway's own database
        self.settings = settings

    def service_headers(self) -> dict[str, str]:
        return {"apikey": self.service_key, "Authorization": f"Bearer {self.service_key}"}

    def create_user(self, email: str | None = None, password: str = "correct-horse-9") -> dict:
        """A confirmed Supabase Auth user made through the admin endpoint; its JSON plus password."""
        import uuid

        import httpx

        email = email or f"user-{uuid.uuid4().hex[:12]}@example.test"
        r = httpx.post(f"{self.url}/auth/v1/admin/users", headers=self.service_headers(),
                       json={"email": email, "password": password, "email_confirm": True})
        r.raise_for_status()
        return {**r.json(), "password": remember(password)}


@pytest.fixture(scope="session")
def gateway(pg_server):
    """The stand-in serving its own database (bootstrap, schema and RPCs installed), in-process."""
    from mps_dev.gateway import jwt
    from mps_dev.gateway.server import ThreadedGateway
    from mps_dev.gateway.settings import GatewaySettings

    dsn = _fresh_database(pg_server, "mps_gateway_test")
    pgcluster.install_mps(dsn)
    secret = jwt.new_secret()
    port = pgcluster.free_port()
    url = f"http://127.0.0.1:{port}"
    settings = GatewaySettings(database_dsn=dsn, jwt_secret=secret, public_url=url,
                               anon_key=jwt.mint_api_key("anon", secret),
                               service_role_key=jwt.mint_api_key("service_role", secret))
    for secret_value in (secret, settings.anon_key, settings.service_role_key):
        remember(secret_value)
    server = ThreadedGateway(settings, "127.0.0.1", port)
    server.start()
    try:
        yield GatewayHandle(url, settings, dsn)
    finally:
        server.stop()
