"""One counter's latency, on a private cluster with durable commits and the stand-in over HTTP:

- a charge in SQL, shaped as PostgREST runs it (a transaction setting role and claims locally,
  then the RPC), on one connection: p50 and p99;
- the same charge through the stand-in's HTTP API with the POS's own client (`MpsClient`);
- scan to receipt in the app core: a 1280x720 camera frame in (the member's code on a phone,
  bench/qr_frames.py), decoded, classified, charged through `SaleService` with its journal,
  and a `Receipt` model out. Goal: p99 <= 100 ms.

The anchor for all three is a bare committed round trip on the same connection kind (SQL: a
`select 1` transaction; HTTP: the stand-in's health check) measured in the same run.
"""

from __future__ import annotations

import json
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import numpy as np
import psycopg

from mps_dev import cluster as pgcluster
from pos_app.core.api import MpsClient, RetryPolicy
from pos_app.core.receipt import model as receipt
from pos_app.core.sale.journal import Journal
from pos_app.core.sale.service import SaleService, Till
from pos_app.core.scanning.qr_decode import decode_codes

from . import qr_frames
from .table import Table, pct


def _shop(gateway_url: str, service_key: str) -> tuple[str, str, str, str]:
    """A merchant, a cashier (email, password) and a card with money and a multi-use code."""
    h = {"apikey": service_key, "Authorization": f"Bearer {service_key}"}

    def rpc(fn, params):
        r = httpx.post(f"{gateway_url}/rest/v1/rpc/{fn}", headers=h, json=params, timeout=30)
        r.raise_for_status()
        return r.json()

    code = "LAT" + uuid.uuid4().hex[:6].upper()
    rpc("create_merchant", {"p_code": code, "p_name": "Latency shop"})
    email, password = f"cashier-{uuid.uuid4().hex[:8]}@example.test", "correct-horse-9"
    r = httpx.post(f"{gateway_url}/auth/v1/admin/users", headers=h,
                   json={"email": email, "password": password, "email_confirm": True}, timeout=30)
    r.raise_for_status()
    rpc("add_merchant_user", {"p_merchant_code": code, "p_user_id": r.json()["id"], "p_role": "cashier"})
    member = rpc("create_member_profile", {"p_name": "Latency member", "p_default_card_type": "prepaid"})
    card = rpc("list_member_cards", {"p_member_id": member})[0]["card_id"]
    for i in range(10):
        rpc("recharge_card", {"p_card_id": card, "p_amount": 100000, "p_idempotency_key": f"seed-{i}"})
    qr = rpc("rotate_card_qr", {"p_card_id": card, "p_ttl_seconds": 86400, "p_single_use": False})[0]["qr_plain"]
    return code, email, password, qr


def _times(fn, n: int) -> list[float]:
    out = []
    for i in range(n):
        t = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - t) * 1e3)
    return out


def run(table: Table, calls: int = 400) -> None:
    from mps_dev.gateway import jwt
    from mps_dev.gateway.server import ThreadedGateway
    from mps_dev.gateway.settings import GatewaySettings

    with pgcluster.temporary_cluster("mps-bench-lat-", fsync=True) as cl:
        dsn = pgcluster.create_database(cl, "bench")
        pgcluster.install_mps(dsn)
        secret = jwt.new_secret()
        port = pgcluster.free_port()
        url = f"http://127.0.0.1:{port}"
        settings = GatewaySettings(database_dsn=dsn, jwt_secret=secret, public_url=url,
                                   anon_key=jwt.mint_api_key("anon", secret),
                                   service_role_key=jwt.mint_api_key("service_role", secret))
        server = ThreadedGateway(settings, "127.0.0.1", port)
        server.start()
        try:
            code, email, password, qr = _shop(url, settings.service_role_key)
            sql, sql_rt = _sql_charges(dsn, code, email, qr, calls)
            http_client = httpx.Client(timeout=30)
            api = MpsClient(http_client, url, settings.anon_key, code, retry=RetryPolicy(max_retries=0))
            api.sign_in(email, password)
            health = _times(lambda i: http_client.get(f"{url}/auth/v1/health", headers={"apikey": settings.anon_key}),
                            calls)
            http = _times(lambda i: api.charge_by_qr(qr, "1.00", f"http-{uuid.uuid4()}"), calls)
            scan = _scan_to_receipt(api, code, email, qr, max(5, calls // 2))
        finally:
            server.stop()

    cmd = "make bench (bench/latency.py)"
    for name, xs, anchor, anchor_name in (("charge in SQL (PostgREST-shaped)", sql, sql_rt, "SQL round trip"),
                                          ("charge over HTTP (MpsClient)", http, health, "HTTP round trip")):
        table.add(f"latency: {name}, p50", pct(xs, 50), "ms", f"{anchor_name} p50", pct(anchor, 50), command=cmd)
        table.add(f"latency: {name}, p99", pct(xs, 99), "ms", f"{anchor_name} p99", pct(anchor, 99), command=cmd)
    table.add("latency: scan to receipt (frame in, Receipt out), p50", pct(scan, 50), "ms",
              "HTTP charge p50", pct(http, 50), command=cmd)
    table.add("latency: scan to receipt (frame in, Receipt out), p99", pct(scan, 99), "ms",
              "HTTP charge p99", pct(http, 99), "value <= 100", cmd)


def _sql_charges(dsn: str, code: str, email: str, qr: str, n: int) -> tuple[list[float], list[float]]:
    with psycopg.connect(dsn) as conn:
        user = conn.execute("select id from auth.users where email = %s", (email,)).fetchone()[0]
        claims = json.dumps({"role": "authenticated", "sub": str(user), "aud": "authenticated"})

        def charge(i):
            with conn.transaction():
                conn.execute("select set_config('role', 'authenticated', true), "
                             "set_config('request.jwt.claims', %s, true)", (claims,), prepare=True)
                conn.execute("select public.merchant_charge_by_qr(%s, %s, 1.00, %s)",
                             (code, qr, f"sql-{uuid.uuid4()}"), prepare=True).fetchone()

        def bare(i):
            with conn.transaction():
                conn.execute("select 1", prepare=True).fetchone()

        charge(0), bare(0)
        return _times(charge, n), _times(bare, n)


def _scan_to_receipt(api: MpsClient, code: str, email: str, qr: str, n: int) -> list[float]:
    rng = np.random.default_rng(42)
    frames = [qr_frames.frame(rng, (1280, 720), "near", text=qr).image for _ in range(8)]
    where = receipt.ReceiptHeader(shop="Latency shop", timezone="UTC", currency="CNY", cashier_email=email,
                                  terminal="lane-1")
    with tempfile.TemporaryDirectory() as tmp, Journal(Path(tmp) / "journal.sqlite3") as journal:
        sales = SaleService(api, journal, Till(merchant_code=code, terminal="lane-1", operator=email))

        def sale(i):
            found = decode_codes(frames[i % len(frames)])
            outcome = sales.run(sales.prepare_charge("1.00", found[0]))
            assert outcome.state == "done", outcome
            receipt.from_charge(outcome.result, where)

        sale(0)
        return _times(sale, n)
