"""A charge whose first try went unanswered, whose access token then expired (a counter clock
running behind the server's, so the client did not refresh first), and whose retry after the
refresh was refused: the refusal is not the whole truth, the first try may still land. The
sale must be settled by its key, never journaled `failed` while money can still move."""

from __future__ import annotations

import time
from dataclasses import replace
from decimal import Decimal
from urllib.parse import urlsplit

import httpx
import jwt as pyjwt
import psycopg

from pos_app.core.api import MpsClient, RetryPolicy
from pos_app.core.sale.journal import Journal
from pos_app.core.sale.service import SaleService, Till
from tests.secrets_seen import remember

from .ledger import problems, read_journals
from .proxy import Exchange, FaultProxy, Plan


def expired(token: str, secret: str) -> str:
    """`token` as the server sees it once its hour is up (same user, same signature key)."""
    claims = pyjwt.decode(token, options={"verify_signature": False})
    return remember(pyjwt.encode({**claims, "exp": int(time.time()) - 120}, secret, algorithm="HS256"))


def test_a_refusal_after_a_token_refresh_still_counts_the_unanswered_first_try(shop, tmp_path):
    gateway = shop.gateway
    parts = urlsplit(gateway.url)
    proxy = FaultProxy((parts.hostname, parts.port))
    http = httpx.Client(timeout=httpx.Timeout(5.0, read=0.5))
    client = MpsClient(http, proxy.url, gateway.anon_key, shop.code,
                       retry=RetryPolicy(max_retries=2, sleep=lambda _s: None))
    client.sign_in(shop.cashier.email, shop.cashier.password)
    charges = 0

    def decide(exchange: Exchange) -> Plan:
        nonlocal charges
        if not exchange.path.endswith("/merchant_charge_by_qr"):
            return Plan()
        charges += 1
        if charges > 1:
            return Plan()
        # The first try is held in the network; by the retry, the server calls the token expired.
        client._adopt(replace(client.session, access_token=expired(client.session.access_token,
                                                                           gateway.jwt_secret)))
        return Plan("hold_request")

    proxy.decide = decide
    path = tmp_path / "lane.sqlite3"
    try:
        with Journal(path) as journal:
            sales = SaleService(client, journal, Till(shop.code, "lane-1", shop.cashier.email))
            # 150.00 on a card holding 100.00: the retry (after the refresh) is refused.
            outcome = sales.run(sales.prepare_charge("150", shop.qr()))
            assert charges == 3 and outcome.error == "insufficient_balance"  # held, expired, refused
            shop.top_up("100.00")  # the member tops up; now the held first try would go through
            (held,) = proxy.held
            held.release(forward=True)
            assert held.done.wait(30)
            assert b'"MP006"' in held.answer, held.answer  # the key was settled (voided) first
            assert journal.get(outcome.key).state == "failed" and sales.recover() == []
    finally:
        proxy.close()
        http.close()
    with psycopg.connect(gateway.dsn) as db:
        outside = {k for (k,) in db.execute("select idempotency_key from app.transactions where card_id = %s"
                                             " and kind = 'recharge'", (shop.card_id,)).fetchall()}
    # The card held 100.00 and the member put in 100.00 outside any journal.
    assert problems(gateway.dsn, read_journals([path]), {shop.card_id: Decimal("200.00")}, outside) == []
    assert shop.balance() == Decimal("200.00")
