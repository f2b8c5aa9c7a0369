"""A private PostgreSQL cluster in a directory of our own.

Used by the test harness (a throw-away cluster per test session) and by `mps-dev up` (a
long-lived one under the user's data dir). PostgreSQL refuses to run as root, so when we are
root the server runs as the unprivileged `postgres` user and the data directory is handed to it.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "postgres"


class ClusterError(RuntimeError):
    pass


def find_bindir() -> Path:
    """The newest PostgreSQL server bin directory (15 or later) on this machine."""
    candidates = []
    for initdb in glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        version = Path(initdb).parent.parent.name
        if version.isdigit() and int(version) >= 15:
            candidates.append((int(version), Path(initdb).parent))
    if candidates:
        return max(candidates)[1]
    found = shutil.which("initdb")
    if found and shutil.which("postgres"):
        return Path(found).parent
    raise ClusterError(
        "PostgreSQL 15+ server binaries not found; run `make setup` (scripts/setup.sh) first"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_as_user() -> str | None:
    """The user to run the server as: `postgres` when we are root, else ourselves."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError as e:
        raise ClusterError("running as root needs a `postgres` system user (scripts/setup.sh)") from e
    return "postgres"


@dataclass
class Cluster:
    data_dir: Path
    port: int
    host: str = "127.0.0.1"

    @property
    def pgdata(self) -> Path:
        return self.data_dir / "pgdata"

    @property
    def socket_dir(self) -> Path:
        return self.data_dir / "run"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "postgres.log"

    def dsn(self, dbname: str = "postgres", user: str = SUPERUSER) -> str:
        return f"postgresql://{user}@{self.host}:{self.port}/{dbname}"

    # -- lifecycle ---------------------------------------------------------------------------

    def _cmd(self, args: list[str], **kw) -> subprocess.CompletedProcess:
        user = _run_as_user()
        if user:
            args = ["runuser", "-u", user, "--", *args]
        res = subprocess.run(args, capture_output=True, text=True, **kw)
        if res.returncode != 0:
            raise ClusterError(f"{' '.join(args)} failed:\n{res.stdout}\n{res.stderr}")
        return res

    def _hand_over(self, path: Path) -> None:
        user = _run_as_user()
        if user:
            pw = pwd.getpwnam(user)
            os.chown(path, pw.pw_uid, pw.pw_gid)

    @property
    def initialized(self) -> bool:
        return (self.pgdata / "PG_VERSION").exists()

    def init(self) -> None:
        if self.initialized:
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._hand_over(self.data_dir)
        bindir = find_bindir()
        self._cmd([
            str(bindir / "initdb"), "-D", str(self.pgdata), "-U", SUPERUSER,
            "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
        ])

    def running(self) -> bool:
        args = [str(find_bindir() / "pg_ctl"), "status", "-D", str(self.pgdata)]
        user = _run_as_user()
        if user:  # the data directory is private to the server's user
            args = ["runuser", "-u", user, "--", *args]
        return subprocess.run(args, capture_output=True, text=True).returncode == 0

    def start(self, *, fsync: bool = True, settings: dict[str, str] | None = None) -> None:
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        self._hand_over(self.socket_dir)
        if not self.log_file.exists():
            self.log_file.touch()
        self._hand_over(self.log_file)
        opts = [
            f"-p {self.port}",
            f"-k {self.socket_dir}",
            f"-c listen_addresses={self.host}",
            "-c max_connections=200",
            "-c shared_buffers=128MB",
            # Timestamps in UTC unless a test or a merchant's zone says otherwise.
            "-c timezone=UTC",
            # Secrets stay out of the server log. A failing call's error goes back to its caller
            # (the gateway answers it) and is not logged: its message may quote the bad value
            # (`invalid input syntax for type uuid: "MPSQR1..."`), its CONTEXT the JSON around it
            # (a QR token or password next to a NUL included), its STATEMENT literals. What is
            # logged (the server's own LOG, FATAL, PANIC lines) carries no statement, detail,
            # context or bind parameter, and no statement is logged for being slow or DDL.
            "-c log_min_messages=log",
            "-c log_min_error_statement=panic",
            "-c log_error_verbosity=terse",
            "-c log_parameter_max_length_on_error=0",
            "-c log_parameter_max_length=0",
            "-c log_statement=none",
            "-c log_min_duration_statement=-1",
        ]
        if not fsync:
            # Throw-away test clusters: durability buys nothing and costs seconds.
            opts += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        opts += [f"-c {k}={v}" for k, v in (settings or {}).items()]  # the benchmarks' extras
        self._cmd([
            str(find_bindir() / "pg_ctl"), "start", "-w", "-t", "60",
            "-D", str(self.pgdata), "-l", str(self.log_file), "-o", " ".join(opts),
        ])

    def stop(self) -> None:
        if self.initialized and self.running():
            self._cmd([str(find_bindir() / "pg_ctl"), "stop", "-w", "-m", "fast", "-D", str(self.pgdata)])


@contextmanager
def temporary_cluster(prefix: str, *, fsync: bool = False,
                      settings: dict[str, str] | None = None) -> Iterator[Cluster]:
    """A throw-away running cluster in a new temp dir (no fsync unless asked: the benchmarks
    measure durable commits), stopped and removed after."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    os.chmod(tmp, 0o755)  # the server's user must reach its data directory inside
    cl = Cluster(data_dir=tmp, port=free_port())
    try:
        cl.init()
        cl.start(fsync=fsync, settings=settings)
        yield cl
    finally:
        cl.stop()
        shutil.rmtree(tmp, ignore_errors=True)


SQL_DIR = Path(__file__).resolve().parent.parent / "server_sql"
BOOTSTRAP_SQL = SQL_DIR / "local" / "bootstrap.sql"
SCHEMA_SQL = SQL_DIR / "mps_schema.sql"
RPC_SQL = SQL_DIR / "mps_rpc.sql"


def apply_sql_file(dsn: str, path: Path) -> None:
    """Run a whole SQL file as one simple-protocol script, as Supabase's SQL editor does."""
    import psycopg

    sql = path.read_text(encoding="utf-8")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]  # a script, not a parametrised query


def create_database(cluster: Cluster, dbname: str) -> str:
    import psycopg
    from psycopg import sql

    with psycopg.connect(cluster.dsn(), autocommit=True) as conn:
        exists = conn.execute("select 1 from pg_database where datname = %s", (dbname,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("create database {}").format(sql.Identifier(dbname)))
    return cluster.dsn(dbname)


def install_mps(dsn: str) -> None:
    """Bootstrap (local stand-in for what Supabase provides), then the shipped schema and RPCs."""
    for path in (BOOTSTRAP_SQL, SCHEMA_SQL, RPC_SQL):
        apply_sql_file(dsn, path)
