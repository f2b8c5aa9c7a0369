"""Session-wide fixtures: one private PostgreSQL cluster with the MPS schema installed.

If MPS_DATABASE_URL is set, that server is used instead of starting our own cluster.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from mps_dev import cluster as pgcluster


@pytest.fixture(scope="session")
def pg_server():
    """A DSN to a server database where we may create our test database."""
    url = os.environ.get("MPS_DATABASE_URL")
    if url:
        yield url
        return
    tmp = Path(tempfile.mkdtemp(prefix="mps-test-pg-"))
    os.chmod(tmp, 0o755)
    cl = pgcluster.Cluster(data_dir=tmp, port=pgcluster.free_port())
    cl.init()
    cl.start(fsync=False)
    try:
        yield cl.dsn()
    finally:
        cl.stop()
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)


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
