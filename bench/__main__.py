"""`make bench`: start a throw-away cluster, install the schema, run every benchmark, print."""

from __future__ import annotations

from mps_dev import cluster as pgcluster

from . import money_path, qr_decode


def main() -> None:
    with pgcluster.temporary_cluster("mps-bench-") as cl:
        dsn = pgcluster.create_database(cl, "bench")
        pgcluster.install_mps(dsn)
        money_path.run(dsn)
    qr_decode.run()  # no database; after the cluster is gone so it has the cores to itself


if __name__ == "__main__":
    main()
