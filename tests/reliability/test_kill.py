"""Counter processes SIGKILLed mid-sale, at every point where a crash can fall, then settled
by `recover()` from the same journal file in this process; journal and database must agree.

Points: before the journal write; journaled but not sent; the request in flight (the proxy
holds it, and after the kill lets it reach the server before the recovery, after it, or
never); the server committed but the answer not yet journaled (the proxy holds the answer).
Sometimes the recovery dies too: the next start finds the key settled on the server, not in
the journal, and must settle it the same way.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import subprocess
import sys
from decimal import Decimal
from urllib.parse import urlsplit

import psycopg

from pos_app.core.sale.journal import Journal
from pos_app.core.sale.service import SaleService, Till
from tests.pos.api_shop import service_rpc, signed_in
from tests.pos.crash import KILL, REPO
from tests.secrets_seen import remember

from .conftest import scale
from .ledger import problems, read_journals
from .proxy import Exchange, FaultProxy, Plan

# (where the counter dies, what becomes of a request held in flight), each run at least once.
CASES = [("before_journal", None), ("before_send", None), ("in_flight", "reaches_server_first"),
         ("in_flight", "reaches_server_after_recovery"), ("in_flight", "never_arrives"),
         ("after_commit", None)]
MONEY = ("/rest/v1/rpc/merchant_charge_by_qr", "/rest/v1/rpc/merchant_recharge_by_qr")
RESOLVE = ("/rest/v1/rpc/merchant_resolve_attempt",)


def hold_call(paths: tuple[str, ...], number: int, fault: str):
    """Hold the `number`-th request (0-based) to `paths` on this proxy; pass all else."""
    seen = itertools.count()

    def decide(exchange: Exchange) -> Plan:
        return Plan(fault) if exchange.path in paths and next(seen) == number else Plan()

    return decide


def kill_at(cfg: dict, proxy: FaultProxy) -> str | None:
    """Run a dying counter with `cfg` until its doomed sale reaches `cfg["point"]`, SIGKILL it;
    the doomed sale's key (None when it died recovering, before any sale)."""
    env = {**os.environ, "MPS_DYING_COUNTER": json.dumps(cfg),
           "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    child = subprocess.Popen([sys.executable, "-m", "tests.reliability.dying_counter"], cwd=REPO, env=env,
                             stdout=subprocess.PIPE, stdin=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        keys: list[str] = []
        while len(keys) <= cfg["die_at"]:
            line = child.stdout.readline()
            if not line:
                raise AssertionError(f"the counter ended early: {child.stderr.read()}")
            if line.startswith("key "):
                keys.append(line.split()[1])
        if cfg["point"] in ("before_journal", "before_send"):
            assert child.stdout.readline().strip() == f"at {cfg['point']}"
        else:
            proxy.wait_held()  # the request (or its answer) is in the proxy's hands
    except BaseException:
        # Where the counter was stuck (its watchdog's dump, if it fired) into the report.
        os.kill(child.pid, KILL)
        child.wait()
        raise AssertionError(f"the counter, killed at a failure: {child.stderr.read()}") from None
    finally:
        if child.returncode is None:
            os.kill(child.pid, KILL)
        child.wait()
        for stream in (child.stdout, child.stderr, child.stdin):
            stream.close()
    assert child.returncode != 0, "the counter was meant to die, not to finish"
    return keys[-1] if keys else None


def test_counters_killed_at_every_point_of_a_sale_are_settled_by_recover(shop, tmp_path, seed):
    rng = random.Random(seed)
    gateway = shop.gateway
    shop.top_up("900.00")
    with psycopg.connect(gateway.dsn) as db:
        outside = {k for (k,) in db.execute("select idempotency_key from app.transactions where card_id = %s",
                                             (shop.card_id,)).fetchall()}
    qr = remember(service_rpc(gateway, "rotate_card_qr", {"p_card_id": shop.card_id, "p_ttl_seconds": 3600,
                                                          "p_single_use": False})[0]["qr_plain"])
    path = tmp_path / "lane-kill.sqlite3"
    parts = urlsplit(gateway.url)
    recovering = signed_in(shop, shop.cashier)
    cases = CASES * scale() + [rng.choice(CASES) for _ in range(2 * scale())]
    rng.shuffle(cases)
    recoveries_killed = 0
    for point, fate in cases:
        die_at = rng.randint(0, 2)
        sales = [{"kind": rng.choice(["charge", "charge", "topup"]), "amount": f"{rng.randint(100, 900) / 100:.2f}"}
                 for _ in range(die_at + 1)]
        hold = {"in_flight": "hold_request", "after_commit": "hold_response"}.get(point)
        proxy = FaultProxy((parts.hostname, parts.port), hold_call(MONEY, die_at, hold) if hold else None)
        try:
            cfg = {"url": proxy.url, "anon_key": gateway.anon_key, "merchant": shop.code,
                   "email": shop.cashier.email, "password": shop.cashier.password, "qr": qr,
                   "journal": str(path), "sales": sales, "die_at": die_at, "point": point}
            key = kill_at(cfg, proxy)
            # A recovery killed once its key is settled on the server (a held request that is
            # to reach the server before the recovery cannot be in this case).
            # The first case that can have it always does, so every run covers it.
            recovery_dies = (point != "before_journal" and fate != "reaches_server_first"
                             and (not recoveries_killed or rng.random() < 0.5))
            recoveries_killed += recovery_dies
            where = f"seed {seed}: {point} {fate} {sales[-1]['kind']} {key} recovery dies: {recovery_dies}"
            if recovery_dies:
                kill_recovery(cfg, parts)
            settled = recover_after(proxy, fate, path, shop, recovering)
        finally:
            proxy.close()
        expected = {"before_journal": [], "before_send": [(key, "voided")],
                    "after_commit": [(key, "done")]}.get(point)
        if point == "in_flight":
            expected = [(key, "done" if fate == "reaches_server_first" else "voided")]
        assert settled == expected, where
        found = problems(gateway.dsn, read_journals([path]), {shop.card_id: Decimal("1000.00")}, outside)
        assert found == [], f"{where}:\n" + "\n".join(found)
    print(f"kill: {len(cases)} counters killed, {recoveries_killed} recoveries killed too")


def kill_recovery(cfg: dict, upstream) -> None:
    """Start a counter on the journal, let its recovery settle the key on the server, and
    kill it before it journals the answer."""
    proxy = FaultProxy((upstream.hostname, upstream.port), hold_call(RESOLVE, 0, "hold_response"))
    try:
        kill_at({**cfg, "url": proxy.url, "sales": [], "die_at": -1, "point": "in_recovery"}, proxy)
    finally:
        proxy.close()


def recover_after(proxy: FaultProxy, fate: str | None, path, shop, client) -> list[tuple[str, str]]:
    """Let a held request meet its `fate`, recover the journal at `path` in this process;
    (key, state) of what recovery settled."""
    held = proxy.held[0] if proxy.held else None
    if held is not None and fate != "reaches_server_after_recovery":
        held.release(forward=fate == "reaches_server_first")
        assert held.done.wait(30)
    with Journal(path) as journal:
        sales = SaleService(client, journal, Till(shop.code, "lane-kill", shop.cashier.email))
        settled = [(o.key, o.state) for o in sales.recover()]
        assert journal.unfinished() == []
    if held is not None and fate == "reaches_server_after_recovery":
        held.release(forward=True)
        assert held.done.wait(30)
        # The request arrived after its key was voided: refused, nothing moved.
        assert b'"MP006"' in held.answer, held.answer
    return settled
