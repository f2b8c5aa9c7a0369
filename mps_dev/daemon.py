"""The gateway as a background process: started detached, tracked by a pid file, stopped cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from .project import Project


def pid_file(data_dir: Path) -> Path:
    return data_dir / "gateway.pid"


def log_file(data_dir: Path) -> Path:
    return data_dir / "gateway.log"


def running_pid(data_dir: Path) -> int | None:
    """The gateway's pid if that process is alive and is our gateway (not a reused pid)."""
    path = pid_file(data_dir)
    try:
        pid = int(path.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        path.unlink(missing_ok=True)
        return None
    if b"mps_dev.serve" not in cmdline:
        path.unlink(missing_ok=True)
        return None
    return pid


def start(data_dir: Path, proj: Project, timeout: float = 30.0) -> int:
    """Start the gateway detached and wait until it answers; its pid."""
    # The child keeps its own copy of the descriptor; ours closes once it has started.
    with open(log_file(data_dir), "ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "mps_dev.serve", str(data_dir)],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True, close_fds=True)
    pid_file(data_dir).write_text(f"{proc.pid}\n")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pid_file(data_dir).unlink(missing_ok=True)
            raise SystemExit(f"mps-dev: the gateway exited at start; see {log_file(data_dir)}")
        if ready(proj):
            return proc.pid
        time.sleep(0.05)
    stop(data_dir)
    raise SystemExit(f"mps-dev: the gateway did not answer within {timeout:.0f} s; see {log_file(data_dir)}")


def ready(proj: Project) -> bool:
    try:
        r = httpx.get(f"{proj.url}/auth/v1/health", headers={"apikey": proj.anon_key}, timeout=1.0)
    except httpx.HTTPError:
        return False
    return r.status_code == 200


def stop(data_dir: Path, timeout: float = 10.0) -> bool:
    """Stop the gateway if it runs; True if one was stopped."""
    pid = running_pid(data_dir)
    if pid is None:
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.05)
    if _alive(pid):
        os.kill(pid, signal.SIGKILL)
        while _alive(pid):
            time.sleep(0.05)
    pid_file(data_dir).unlink(missing_ok=True)
    return True


def _alive(pid: int) -> bool:
    # Our own child until reaped would look alive as a zombie: reap it if it is ours.
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            return False
    except ChildProcessError:
        pass
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"
