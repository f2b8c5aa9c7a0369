"""Secrets at rest: a committed workload, then every table of the database is searched."""

import uuid
from decimal import Decimal

import pytest

from ..secrets_seen import remember, tables_holding
from .committed import make_shop, request

pytestmark = pytest.mark.usefixtures("committed_invariant")


def test_no_qr_token_or_binding_password_is_stored_or_audited_in_plain_text(mps_dsn):
    code, cashier = make_shop(mps_dsn, "SEC")
    member = request(mps_dsn, "service_role", None, "create_member_profile", p_name="Carol",
                     p_binding_user_org="wechat", p_binding_org_id=f"wx_{uuid.uuid4().hex}")
    password = remember(f"Corp-{uuid.uuid4().hex[:12]}")
    card = request(mps_dsn, "service_role", None, "issue_card", p_member_id=member,
                   p_card_type="corporate", p_binding_password=password)
    request(mps_dsn, "service_role", None, "recharge_card", p_card_id=card, p_amount=Decimal("100"),
            p_idempotency_key="s1")

    tokens = []
    for single_use in (True, False, True):
        token = remember(request(mps_dsn, "service_role", None, "rotate_card_qr", p_card_id=card,
                                 p_single_use=single_use)[1])
        tokens.append(token)
        request(mps_dsn, "authenticated", cashier, "merchant_charge_by_qr", p_merchant_code=code,
                p_qr_plain=token, p_raw_amount=Decimal("1"), p_idempotency_key=f"c-{len(tokens)}",
                p_tag={"note": "the tag is stored; the token must not be"})
        if not single_use:
            request(mps_dsn, "authenticated", cashier, "merchant_recharge_by_qr", p_merchant_code=code,
                    p_qr_plain=token, p_amount=Decimal("5"), p_idempotency_key="cash")
    request(mps_dsn, "service_role", None, "revoke_card_qr", p_card_id=card)

    secrets = {t.rsplit(".", 1)[1] for t in tokens} | {password}
    assert tables_holding(mps_dsn, secrets) == []
    # The search itself works: a secret that is stored is found.
    canary_qr = remember(request(mps_dsn, "service_role", None, "rotate_card_qr", p_card_id=card)[1])
    request(mps_dsn, "authenticated", cashier, "merchant_charge_by_qr", p_merchant_code=code,
            p_qr_plain=canary_qr, p_raw_amount=Decimal("1"), p_idempotency_key="canary",
            p_tag={"canary": "needle-" + code})
    holding = {table for _, table, _ in tables_holding(mps_dsn, {"needle-" + code})}
    assert holding == {"app.transactions"}


def test_the_at_rest_scan_recognises_real_jwts(db):
    """The session-end scan searches every table for JWT_PATTERN; it must match real tokens."""
    from mps_dev.gateway import jwt

    from ..secrets_seen import JWT_PATTERN

    token = jwt.mint_api_key("service_role", jwt.new_secret())
    assert db.one("select %s ~ %s", (f'{{"note": "{token}"}}', JWT_PATTERN)) is True
    assert db.one("select %s ~ %s", ("MPSQR1.0123456789abcdef01234567.not-a-jwt", JWT_PATTERN)) is False
