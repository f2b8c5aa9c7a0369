"""Upgrading: a database installed by the previous release's shipped files, then given today's,
is the same database as a fresh install of today's (catalog for catalog), keeps every row and
keeps selling. tests/sql/previous_release holds main's two shipped files as they were before
they were written from server_sql/src (the last release a shop may still be running)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from mps_dev import cluster

from ..secrets_seen import remember
from . import catalog
from .committed import make_card, make_shop, request
from .test_rerun import SNAPSHOT, snapshot

PREVIOUS = Path(__file__).parent / "previous_release"


def _database(server_dsn: str, name: str) -> str:
    with psycopg.connect(server_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    params = conninfo_to_dict(server_dsn)
    params["dbname"] = name
    return make_conninfo(**params)


@pytest.fixture
def fresh_and_previous(pg_server):
    """(a fresh install of today's files, an install of the previous release's files)."""
    fresh, previous = _database(pg_server, "mps_upgrade_fresh"), _database(pg_server, "mps_upgrade_previous")
    cluster.install_mps(fresh)
    for path in (cluster.BOOTSTRAP_SQL, PREVIOUS / "mps_schema.sql", PREVIOUS / "mps_rpc.sql"):
        cluster.apply_sql_file(previous, path)
    yield fresh, previous
    with psycopg.connect(pg_server, autocommit=True) as conn:
        for name in ("mps_upgrade_fresh", "mps_upgrade_previous"):
            conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


def test_the_previous_release_is_a_different_install():
    """The comparison below would prove nothing if the files were the same."""
    for name in ("mps_schema.sql", "mps_rpc.sql"):
        assert (PREVIOUS / name).read_text() != (cluster.SQL_DIR / name).read_text(), name


def test_upgrading_the_previous_release_gives_a_fresh_install_and_keeps_selling(fresh_and_previous):
    fresh, previous = fresh_and_previous
    code, cashier = make_shop(previous, "UP")
    card = make_card(previous, "80", name="Ula")
    qr = remember(request(previous, "service_role", None, "rotate_card_qr", p_card_id=card,
                          p_single_use=False, p_ttl_seconds=3600)[1])
    request(previous, "authenticated", cashier, "merchant_charge_by_qr", p_merchant_code=code,
            p_qr_plain=qr, p_raw_amount=Decimal("30"), p_idempotency_key="up-1")
    assert catalog.differences(catalog.snapshot(previous), catalog.snapshot(fresh)), \
        "the previous release installs exactly what today's files do: nothing to upgrade"

    before = snapshot(previous)
    for path in (cluster.SCHEMA_SQL, cluster.RPC_SQL):
        cluster.apply_sql_file(previous, path)
    assert catalog.differences(catalog.snapshot(previous), catalog.snapshot(fresh)) == {}
    after = snapshot(previous)
    for name in SNAPSHOT:
        assert after[name] == before[name], name

    replay = request(previous, "authenticated", cashier, "merchant_charge_by_qr", p_merchant_code=code,
                     p_qr_plain=qr, p_raw_amount=Decimal("30"), p_idempotency_key="up-1")
    assert replay["replayed"] is True
    sale = request(previous, "authenticated", cashier, "merchant_charge_by_qr", p_merchant_code=code,
                   p_qr_plain=qr, p_raw_amount=Decimal("20"), p_idempotency_key="up-2")
    assert Decimal(str(sale["balance_after"])) == Decimal("30.00")
