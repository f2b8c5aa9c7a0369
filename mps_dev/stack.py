"""The local stack as one unit: PostgreSQL cluster + schema + gateway daemon."""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from . import cluster as pgcluster
from . import daemon, datadir, project


@dataclass
class Status:
    database: bool
    gateway_pid: int | None
    project: project.Project | None


def _cluster(data_dir: Path, proj: project.Project) -> pgcluster.Cluster:
    return pgcluster.Cluster(data_dir=data_dir / "db", port=proj.db_port, host=project.HOST)


def up(data_dir: Path, api_port: int | None = None, db_port: int | None = None) -> tuple[project.Project, float]:
    """Start whatever is not running; apply bootstrap, schema and RPCs (safe to re-run).
    Returns the project and the seconds until the gateway answered."""
    started = time.monotonic()
    data_dir = datadir.prepare(data_dir)
    previous = project.load(data_dir)
    if daemon.running_pid(data_dir) and previous and (api_port or previous.api_port) != previous.api_port:
        daemon.stop(data_dir)  # asked for another port: move the gateway
    proj = project.load_or_create(data_dir, api_port, db_port)
    cl = _cluster(data_dir, proj)
    cl.init()
    if not cl.running():
        cl.start()
    pgcluster.install_mps(proj.db_dsn())
    if daemon.running_pid(data_dir) is None:
        daemon.start(data_dir, proj)
    return proj, time.monotonic() - started


def down(data_dir: Path) -> list[str]:
    """Stop the gateway and the database; what was stopped."""
    stopped = []
    if daemon.stop(data_dir):
        stopped.append("gateway")
    proj = project.load(data_dir)
    if proj is not None:
        cl = _cluster(data_dir, proj)
        if cl.initialized and cl.running():
            cl.stop()
            stopped.append("database")
    return stopped


def status(data_dir: Path) -> Status:
    proj = project.load(data_dir)
    db = bool(proj and _cluster(data_dir, proj).initialized and _cluster(data_dir, proj).running())
    return Status(db, daemon.running_pid(data_dir), proj)


def reset(data_dir: Path) -> None:
    """Stop everything and delete the database; the keys (project.json) stay."""
    down(data_dir)
    shutil.rmtree(data_dir / "db", ignore_errors=True)
