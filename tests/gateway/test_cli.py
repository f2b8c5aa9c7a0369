"""`mps-dev` end to end, as a person runs it: up from nothing, seed twice, down leaves nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pytest

from mps_dev.cluster import free_port

pytestmark = pytest.mark.slow

MPS_DEV = [sys.executable, "-m", "mps_dev.cli"]


def mps_dev(data_dir: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    res = subprocess.run([*MPS_DEV, "--data-dir", str(data_dir), *args], capture_output=True, text=True,
                         timeout=timeout)
    assert res.returncode in (0, 3), f"mps-dev {args} failed:\n{res.stdout}\n{res.stderr}"
    return res


def processes_using(data_dir: Path) -> list[str]:
    """Command lines of live processes that mention the data dir (the gateway, postgres)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (proc / "stat").read_text().split(")")[-1].split()[0]
        except OSError:
            continue
        if str(data_dir) in cmdline and state != "Z":
            found.append(cmdline)
    return found


@pytest.fixture(scope="module")
def stack():
    # mkdtemp under /tmp, opened up: as root the database runs as `postgres`, which must get in.
    data_dir = Path(tempfile.mkdtemp(prefix="mps-dev-cli-"))
    os.chmod(data_dir, 0o755)
    port, db_port = free_port(), free_port()
    started = time.monotonic()
    up = mps_dev(data_dir, "up", "--port", str(port), "--db-port", str(db_port))
    seconds = time.monotonic() - started
    try:
        yield {"dir": data_dir, "port": port, "up": up, "seconds": seconds}
    finally:
        subprocess.run([*MPS_DEV, "--data-dir", str(data_dir), "down"], capture_output=True, timeout=60)
        shutil.rmtree(data_dir, ignore_errors=True)


def test_up_from_nothing_prints_url_and_keys(stack):
    out = stack["up"].stdout
    assert f"http://127.0.0.1:{stack['port']}" in out
    assert "anon key" in out and "service_role key" in out
    print(f"\n`mps-dev up` from an empty data dir: ready after {stack['seconds']:.1f} s")


def test_env_prints_working_exports(stack):
    out = mps_dev(stack["dir"], "env").stdout
    env = dict(line.removeprefix("export ").split("=", 1) for line in out.strip().splitlines())
    assert set(env) == {"SUPABASE_URL", "SUPABASE_ANON_KEY", "SUPABASE_SERVICE_ROLE_KEY"}
    r = httpx.post(f"{env['SUPABASE_URL']}/rest/v1/rpc/create_merchant", json={"p_code": "!", "p_name": "x"},
                   headers={"apikey": env["SUPABASE_SERVICE_ROLE_KEY"],
                            "Authorization": f"Bearer {env['SUPABASE_SERVICE_ROLE_KEY']}"})
    assert r.status_code == 400 and r.json()["code"] == "MP013"


def test_second_up_is_safe_and_keeps_the_keys(stack):
    first_env = mps_dev(stack["dir"], "env").stdout
    again = mps_dev(stack["dir"], "up")
    assert "mps-dev is up" in again.stdout
    assert mps_dev(stack["dir"], "env").stdout == first_env


def test_status_reports_running(stack):
    res = mps_dev(stack["dir"], "status")
    assert res.returncode == 0 and "gateway   running" in res.stdout and "database  running" in res.stdout


def test_secret_file_is_private(stack):
    assert (stack["dir"] / "project.json").stat().st_mode & 0o077 == 0


def test_gateway_log_has_no_secrets(stack):
    httpx.get(f"http://127.0.0.1:{stack['port']}/rest/v1/rpc/create_merchant?apikey=leaky-key-value")
    log = (stack["dir"] / "gateway.log").read_text()
    assert "GET /rest/v1/rpc/create_merchant 401" in log
    assert "leaky-key-value" not in log and "eyJ" not in log


def test_down_leaves_no_process(stack):
    assert processes_using(stack["dir"])  # the gateway and postgres mention it while up
    mps_dev(stack["dir"], "down")
    assert processes_using(stack["dir"]) == []
    res = mps_dev(stack["dir"], "status")
    assert res.returncode == 3 and "gateway   stopped" in res.stdout
    # and it comes back, data and keys intact
    mps_dev(stack["dir"], "up")
    assert mps_dev(stack["dir"], "status").returncode == 0
