"""A counter process for the kill test: rings up the sales in its config through the real
client (via the parent's proxy) and a journal file, and is killed by the parent at one point
of one sale.

It prints `key <key>` once a sale is prepared. At the sale numbered `die_at` it stops and
prints `at <point>` for the points it can stop at itself ("before_journal": prepared, nothing
written; "before_send": journaled `sending`, nothing sent), then waits on stdin, which never
comes. The other points ("in_flight", "after_commit") are held by the parent's proxy, as is
"in_recovery": at start-up, `recover()` with the key settled on the server, not yet journaled.

Run as `python -m tests.reliability.dying_counter` with the config as JSON in MPS_DYING_COUNTER.
"""

from __future__ import annotations

import faulthandler
import json
import os
import sys
from decimal import Decimal

import httpx

from pos_app.core.api import MpsClient, RetryPolicy
from pos_app.core.sale.journal import Journal
from pos_app.core.sale.service import SaleService, Till


def wait_to_die(point: str) -> None:
    print(f"at {point}", flush=True)
    sys.stdin.read()  # the parent kills us here; it never writes


class StopsBeforeSending:
    """The real client, except that the doomed sale stops before its request leaves."""

    def __init__(self, client: MpsClient) -> None:
        self.client = client
        self.doomed: str | None = None

    def __getattr__(self, name):
        return getattr(self.client, name)

    def charge_by_qr(self, qr, amount, key, tag=None):
        if key == self.doomed:
            wait_to_die("before_send")
        return self.client.charge_by_qr(qr, amount, key, tag)

    def recharge_by_qr(self, qr, amount, key):
        if key == self.doomed:
            wait_to_die("before_send")
        return self.client.recharge_by_qr(qr, amount, key)


def main() -> None:
    cfg = json.loads(os.environ["MPS_DYING_COUNTER"])
    # A watchdog: a counter stuck anywhere (the parent waits up to 30 s for it) prints where,
    # for the parent's failure report, and exits.
    faulthandler.dump_traceback_later(25, exit=True)
    # A long read timeout: a request the proxy holds stays in flight until the kill.
    http = httpx.Client(timeout=httpx.Timeout(5.0, read=60.0))
    client = MpsClient(http, cfg["url"], cfg["anon_key"], cfg["merchant"], retry=RetryPolicy(max_retries=0))
    client.sign_in(cfg["email"], cfg["password"])
    api = StopsBeforeSending(client)
    sales = SaleService(api, Journal(cfg["journal"]), Till(cfg["merchant"], "lane-kill", cfg["email"]))
    if cfg["point"] == "in_recovery":
        sales.recover()  # the parent's proxy holds the settling answer; the kill comes there
    for number, sale in enumerate(cfg["sales"]):
        prepare = sales.prepare_charge if sale["kind"] == "charge" else sales.prepare_topup
        prepared = prepare(Decimal(sale["amount"]), cfg["qr"])
        print(f"key {prepared.key}", flush=True)
        if number == cfg["die_at"]:
            if cfg["point"] == "before_journal":
                wait_to_die("before_journal")
            if cfg["point"] == "before_send":
                api.doomed = prepared.key
        outcome = sales.run(prepared)
        print(f"{outcome.state} {outcome.key}", flush=True)
    raise SystemExit("the counter was meant to be killed before its last sale ended")


if __name__ == "__main__":
    main()
