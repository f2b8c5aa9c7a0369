"""`make bench`: every benchmark, one table (figure, anchor, ratio, goal, met), also as JSON.

    python -m bench                 # the full run (several minutes)
    python -m bench --quick         # a small version, under a minute or so
    python -m bench --smoke         # tiny sizes, only to prove every figure is measured (make test)
    python -m bench --only qr,tps   # some of them: qr, tps, money, latency, year, app

The table goes to stdout and to bench/results.json (git-ignored). Every figure is a ratio against
an anchor measured in the same run on the same machine, because the machine is shared: a rerun
of a noisy figure is the way to confirm it, never a loosened goal.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

from mps_dev import cluster as pgcluster

from . import app_start, busy_year, charge_tps, latency, money_path, qr_decode
from .table import Table

RESULTS = Path(__file__).resolve().parent / "results.json"

SIZES = {
    # qr stills per condition and stream frames, pgbench seconds, latency calls, the busy year's
    # share of its 2 million payments, app starts and sales through the window
    "full": dict(per_condition=25, stream_frames=300, seconds=20, calls=400, year=1.0, starts=3, sales=1000),
    "quick": dict(per_condition=2, stream_frames=60, seconds=2, calls=30, year=0.005, starts=1, sales=20),
    "smoke": dict(per_condition=1, stream_frames=30, seconds=1, calls=5, year=0.002, starts=1, sales=10),
}
PARTS = ("qr", "tps", "money", "latency", "year", "app")


def run(size: str, only: tuple[str, ...] = PARTS, out: Path | None = RESULTS) -> Table:
    p = SIZES[size]
    table = Table()
    started = time.time()
    if "money" in only:
        with pgcluster.temporary_cluster("mps-bench-") as cl:
            dsn = pgcluster.create_database(cl, "bench")
            pgcluster.install_mps(dsn)
            money_path.run(table, dsn, n=max(5, p["calls"] // 2))
    if "latency" in only:
        latency.run(table, p["calls"])
    if "year" in only:
        busy_year.run(table, scale=p["year"], calls=7 if size == "full" else 3)
    if "app" in only:
        app_start.run(table, starts=p["starts"], sales=p["sales"])
    if "tps" in only:
        charge_tps.run(table, seconds=p["seconds"], profile_tx=max(5, p["calls"] // 4))
    if "qr" in only:  # no database: last, so it has the cores to itself
        qr_decode.run(table, per_condition=p["per_condition"], stream_frames=p["stream_frames"])
    if out is not None:
        table.write_json(out, {"size": size, "parts": list(only), "seconds": round(time.time() - started, 1),
                               "python": platform.python_version(), "machine": platform.machine()})
    return table


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true")
    mode.add_argument("--smoke", action="store_true")
    ap.add_argument("--only", default=",".join(PARTS), help=f"comma-separated, of {', '.join(PARTS)}")
    ap.add_argument("--json", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    only = tuple(x.strip() for x in args.only.split(",") if x.strip())
    unknown = set(only) - set(PARTS)
    if unknown:
        ap.error(f"unknown part(s): {', '.join(sorted(unknown))}")
    size = "quick" if args.quick else "smoke" if args.smoke else "full"
    table = run(size, only, args.json)
    print(table.render())
    print(f"\n(written to {args.json})", file=sys.stderr)


if __name__ == "__main__":
    main()
