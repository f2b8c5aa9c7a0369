"""The app itself, offscreen, against the stand-in over HTTP (bench/app_drive.py drives it):

- `mps-pos` start to a shown sign-in window (a fresh process each time; the median of a few),
  against the anchor of a bare PySide6 process showing one dialog, measured the same way;
- sign-in (the submit) to a shown cashier view;
- RSS after N sales driven through the cashier view (scan, amount, Charge, the receipt shown;
  each sale a real charge on the stand-in), against the RSS after the first tenth (the warm-up).
  The bound: growth after the warm-up at most 0.02 MB a sale (18 MB over the last 900 of 1,000),
  i.e. nothing kept per sale beyond the today list's rows.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mps_dev import cluster as pgcluster
from pos_app.core import settings as core_settings

from .latency import _shop
from .table import Table

GROWTH_PER_SALE_MB = 0.02


def _driver(args: list[str], env: dict[str, str], timeout: float) -> list[dict]:
    t0 = time.time()
    res = subprocess.run([sys.executable, "-m", "bench.app_drive", "--t0", repr(t0), *args], env=env,
                         capture_output=True, text=True, timeout=timeout, cwd=Path(__file__).resolve().parent.parent)
    lines = [json.loads(x) for x in res.stdout.splitlines() if x.startswith("{")]
    if res.returncode != 0 or not lines:
        raise RuntimeError(f"the app driver failed ({res.returncode}):\n{res.stdout[-2000:]}\n{res.stderr[-3000:]}")
    return lines


def run(table: Table, starts: int = 3, sales: int = 1000) -> None:
    from mps_dev.gateway import jwt
    from mps_dev.gateway.server import ThreadedGateway
    from mps_dev.gateway.settings import GatewaySettings

    with pgcluster.temporary_cluster("mps-bench-app-") as cl, tempfile.TemporaryDirectory() as tmp:
        dsn = pgcluster.create_database(cl, "bench")
        pgcluster.install_mps(dsn)
        secret = jwt.new_secret()
        port = pgcluster.free_port()
        url = f"http://127.0.0.1:{port}"
        gs = GatewaySettings(database_dsn=dsn, jwt_secret=secret, public_url=url,
                             anon_key=jwt.mint_api_key("anon", secret),
                             service_role_key=jwt.mint_api_key("service_role", secret))
        server = ThreadedGateway(gs, "127.0.0.1", port)
        server.start()
        try:
            code, email, password, qr = _shop(url, gs.service_role_key)
            paths = core_settings.Paths(Path(tmp) / "config", Path(tmp) / "data", Path(tmp) / "data" / "logs")
            core_settings.save(core_settings.Settings(supabase_url=url, api_key=gs.anon_key, merchant_code=code),
                               paths, defaults={})
            env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", core_settings.CONFIG_DIR_ENV: str(paths.config_dir),
                   core_settings.DATA_DIR_ENV: str(paths.data_dir),
                   "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
            bare = [_driver(["--bare"], env, 60)[0]["signin"] for _ in range(starts)]
            # The run with the sales is a start too: the others only add starts to the median.
            driven = _driver(["--email", email, "--password", password, "--qr", qr, "--sales", str(sales)],
                             env, 60 + sales * 1.0)
            runs = [driven] + [_driver(["--email", email, "--password", password], env, 120)
                               for _ in range(starts - 1)]
            signin = [r[0]["signin"] for r in runs]
            cashier = [next(x["cashier"] for x in r if "cashier" in x) for r in runs]
        finally:
            server.stop()

    cmd = "make bench (bench/app_start.py)"
    table.add("app: mps-pos start to a shown sign-in window", statistics.median(signin), "s",
              "bare PySide6 dialog", statistics.median(bare), "value <= 1.5", cmd, note=f"{starts} starts, offscreen")
    table.add("app: sign-in to a shown cashier view", statistics.median(cashier), "s", command=cmd,
              note="over HTTP to the stand-in")
    rss = [x for x in driven if "sales" in x]
    if rss:
        first, last = rss[0], rss[-1]
        per_sale = (last["rss_mb"] - first["rss_mb"]) / max(1, last["sales"] - first["sales"])
        table.add(f"app: RSS after {last['sales']} sales through the window", last["rss_mb"], "MB",
                  f"RSS after {first['sales']}", first["rss_mb"], command=cmd,
                  note="; ".join(f"{x['sales']}: {x['rss_mb']:.0f}" for x in rss))
        table.add("app: RSS growth per sale after the warm-up", per_sale, "MB",
                  goal=f"value <= {GROWTH_PER_SALE_MB}" if sales >= 500 else "",  # a few sales are all warm-up
                  command=cmd, note="against the stand-in over HTTP, each sale a real charge")
