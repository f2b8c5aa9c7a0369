"""No QR secret or binding password reaches PostgreSQL's server log, even when a request fails.

PostgreSQL echoes the JSON around a bad value (CONTEXT: `JSON data, line 1: {...}`), the bad
value itself (`invalid input syntax for type uuid: "..."`) and the failing statement
(STATEMENT, with any literal in it) into its log. Here such errors are
provoked with secrets next to the bad value, through the stand-in as the POS sends them and in
plain SQL as a psql user would, and the server log of the session's cluster is then read.
"""

from __future__ import annotations

import json
import uuid

import httpx
import psycopg
import pytest

from ..secrets_seen import PG_LOGS, QR_PATTERN, logs_holding, remember


def service(gateway) -> httpx.Client:
    return httpx.Client(base_url=gateway.url, timeout=30, headers=gateway.service_headers())


def rpc(client: httpx.Client, fn: str, body: dict | str) -> httpx.Response:
    content = body if isinstance(body, str) else json.dumps(body)
    return client.post(f"/rest/v1/rpc/{fn}", content=content, headers={"Content-Type": "application/json"})


@pytest.fixture
def card_with_code(gateway):
    with service(gateway) as c:
        member = rpc(c, "create_member_profile", {"p_name": "Log"}).json()
        password = remember(f"Bind-{uuid.uuid4().hex[:12]}")
        card = rpc(c, "issue_card", {"p_member_id": member, "p_card_type": "corporate",
                                     "p_binding_password": password}).json()
        qr = remember(rpc(c, "rotate_card_qr", {"p_card_id": card, "p_ttl_seconds": 600}).json()[0]["qr_plain"])
        code = f"LOG{uuid.uuid4().hex[:6].upper()}"
        assert rpc(c, "create_merchant", {"p_code": code, "p_name": "Log shop"}).status_code == 200
    return code, card, member, qr, password


def test_failing_requests_next_to_a_qr_secret_or_password_leave_none_of_them_in_the_server_log(
        gateway, mps_dsn, card_with_code):
    if not PG_LOGS:
        pytest.skip("MPS_DATABASE_URL: this server's log is not ours to read")
    code, card, member, qr, password = card_with_code
    with service(gateway) as c:
        # A NUL PostgreSQL cannot store, next to the QR token, as a hostile or buggy client sends it.
        r = rpc(c, "merchant_charge_by_qr", '{"p_merchant_code": "%s", "p_qr_plain": "%s", '  # noqa: UP031 - raw JSON text as sent
                '"p_raw_amount": "1.00", "p_idempotency_key": "k-nul", "p_tag": "\\u0000"}' % (code, qr))
        assert r.status_code == 400, r.text
        assert qr not in r.text
        # The same next to a binding password, in the role and in the tag of an owner change.
        other = rpc(c, "create_member_profile", {"p_name": "Other"}).json()
        r = rpc(c, "bind_card_member", '{"p_card_id": "%s", "p_member_id": "%s", "p_role": "owner\\u0000",'  # noqa: UP031 - raw JSON text as sent
                ' "p_binding_password": "%s"}' % (card, other, password))
        assert r.status_code == 400, r.text
        assert password not in r.text
        # A wrong type after the secret: PostgreSQL reports the value, not the body.
        r = rpc(c, "merchant_charge_by_qr", {"p_merchant_code": code, "p_qr_plain": qr,
                                             "p_raw_amount": "lots", "p_idempotency_key": "k-type"})
        assert r.status_code == 400, r.text
        # The secret itself where another type was due: PostgreSQL's message quotes the value.
        r = rpc(c, "merchant_refund_tx", {"p_merchant_code": code, "p_tx_id": qr, "p_refund_amount": "1",
                                          "p_idempotency_key": "k-uuid"})
        assert r.status_code == 400, r.text
    # Plain SQL with the secrets as literals, failing: the statement itself carries them.
    with psycopg.connect(mps_dsn, autocommit=True) as conn:
        for statement in (
            f"select public.merchant_charge_by_qr('{code}', '{qr}', 'lots'::numeric, 'k')",
            f"select public.bind_card_member('{card}'::uuid, 'not-a-uuid'::uuid, 'owner', '{password}')",
            f"select '{qr}'::jsonb",
        ):
            with pytest.raises(psycopg.Error):
                conn.execute(statement)  # type: ignore[arg-type]  # literals on purpose

    logged = logs_holding({qr.rsplit(".", 1)[1], password}, patterns=(QR_PATTERN,))
    assert logged == [], f"secrets in the server log (file, line, kind): {logged}"
    # The log read is the live one of the server that ran these calls.
    text = "".join(p.read_text(encoding="utf-8", errors="replace") for p in PG_LOGS if p.is_file())
    assert "database system is ready to accept connections" in text
