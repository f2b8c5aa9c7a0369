"""`make bench`: start a throw-away cluster, install the schema, run every benchmark, print."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from mps_dev import cluster as pgcluster

from . import money_path, qr_decode


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="mps-bench-"))
    os.chmod(tmp, 0o755)
    cl = pgcluster.Cluster(data_dir=tmp, port=pgcluster.free_port())
    cl.init()
    cl.start(fsync=False)
    try:
        dsn = pgcluster.create_database(cl, "bench")
        pgcluster.install_mps(dsn)
        money_path.run(dsn)
    finally:
        cl.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    qr_decode.run()  # no database; after the cluster is gone so it has the cores to itself


if __name__ == "__main__":
    main()
