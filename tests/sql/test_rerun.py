"""The shipped SQL is safe to re-run on a database that already holds members, cards and money."""

from decimal import Decimal

import psycopg
import pytest

from mps_dev import cluster

from ..secrets_seen import remember
from .committed import make_card, make_shop, request

pytestmark = pytest.mark.usefixtures("committed_invariant")

SNAPSHOT = {
    "cards": "select id, card_no, card_type, status, balance, binding_password_hash from app.cards order by id",
    "transactions": "select id, kind, card_id, amount, balance_after, created_at from app.transactions order by id",
    "members": "select id, points, level_code from app.member_profiles order by id",
    "bindings": "select card_id, member_id, role from app.card_bindings order by 1, 2",
    "qr": "select card_id, lookup_id, secret_hash, expires_at from app.card_qr_state order by 1",
    "keys": "select scope, scope_id, idempotency_key, result from app.idempotency_registry order by 1, 2, 3",
    "audit": "select id, action, entity_id from audit.event_log order by id",
    "merchants": "select id, code, status from app.merchants order by id",
    "operators": "select merchant_id, user_id, role from app.merchant_users order by 1, 2",
    "levels": "select * from app.membership_levels order by min_points",
    "settings": "select key, value from app.settings order by key",
}


def snapshot(dsn):
    with psycopg.connect(dsn) as conn:
        return {name: conn.execute(q).fetchall() for name, q in SNAPSHOT.items()}


def test_reapplying_bootstrap_schema_and_rpcs_keeps_every_row_and_keeps_working(mps_dsn):
    code, cashier = make_shop(mps_dsn, "RR")
    card = make_card(mps_dsn, "80", name="Dora")
    qr = remember(request(mps_dsn, "service_role", None, "rotate_card_qr", p_card_id=card,
                          p_single_use=False, p_ttl_seconds=3600)[1])
    request(mps_dsn, "authenticated", cashier, "merchant_charge_by_qr", p_merchant_code=code,
            p_qr_plain=qr, p_raw_amount=Decimal("30"), p_idempotency_key="sale-1")
    # An operator's edits to seeded rows must survive a re-run too.
    with psycopg.connect(mps_dsn, autocommit=True) as conn:
        conn.execute("update app.settings set value = '99999.00' where key = 'max_transaction_amount'")
        conn.execute("update app.membership_levels set name = 'Silver Star' where level_code = 'silver'")

    before = snapshot(mps_dsn)
    cluster.install_mps(mps_dsn)
    cluster.install_mps(mps_dsn)
    after = snapshot(mps_dsn)
    for name in SNAPSHOT:
        assert after[name] == before[name], name

    # Still works: the live token, idempotent replay, and a new sale.
    replay = request(mps_dsn, "authenticated", cashier, "merchant_charge_by_qr", p_merchant_code=code,
                     p_qr_plain=qr, p_raw_amount=Decimal("30"), p_idempotency_key="sale-1")
    assert replay["replayed"] is True
    sale = request(mps_dsn, "authenticated", cashier, "merchant_charge_by_qr", p_merchant_code=code,
                   p_qr_plain=qr, p_raw_amount=Decimal("20"), p_idempotency_key="sale-2")
    assert Decimal(str(sale["balance_after"])) == Decimal("30.00")
    with psycopg.connect(mps_dsn, autocommit=True) as conn:
        conn.execute("update app.settings set value = '100000.00' where key = 'max_transaction_amount'")
        conn.execute("update app.membership_levels set name = 'Silver' where level_code = 'silver'")
