"""`mps-dev` end to end, as a person runs it: up from nothing, seed twice, down leaves nothing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import psycopg
import pytest

from mps_dev.cluster import free_port

from ..secrets_seen import keep_log

pytestmark = pytest.mark.slow

MPS_DEV = [sys.executable, "-m", "mps_dev.cli"]


def mps_dev(data_dir: Path, *args: str, timeout: float = 120, env: dict | None = None) -> subprocess.CompletedProcess:
    res = subprocess.run([*MPS_DEV, "--data-dir", str(data_dir), *args], capture_output=True, text=True,
                         timeout=timeout, env=env)
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
        keep_log(data_dir / "db" / "postgres.log")  # the stand-in's server log, scanned at the end
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
    # The line is written once the response has gone out: wait for it, within a bound.
    deadline = time.monotonic() + 10
    while "GET /rest/v1/rpc/create_merchant 401" not in (log := (stack["dir"] / "gateway.log").read_text()):
        assert time.monotonic() < deadline, "no log line for the request"
        time.sleep(0.05)
    assert "leaky-key-value" not in log and "eyJ" not in log


def _db(stack):
    proj = json.loads((stack["dir"] / "project.json").read_text())
    return psycopg.connect(f"postgresql://postgres@127.0.0.1:{proj['db_port']}/postgres", autocommit=True)


def _counts(stack) -> tuple:
    with _db(stack) as conn:
        return conn.execute(
            "select (select count(*) from app.merchants), (select count(*) from app.member_profiles), "
            "(select count(*) from app.cards), (select count(*) from app.transactions), "
            "(select count(*) from auth.users)").fetchone()


def test_seed_demo_from_nothing(stack):
    out = mps_dev(stack["dir"], "seed-demo").stdout
    assert "seeded 6 members" in out
    for role in ("owner", "manager", "cashier"):
        assert f"{role}@shop001.demo" in out
    with _db(stack) as conn:
        levels = {r[0] for r in conn.execute("select level_code from app.member_profiles")}
        types = {r[0] for r in conn.execute("select card_type::text from app.cards")}
        shared = conn.execute("select count(*) from app.card_bindings b join app.cards c on c.id = b.card_id "
                              "where c.card_type = 'corporate'").fetchone()[0]
        days = conn.execute("select count(distinct created_at::date) from app.transactions").fetchone()[0]
        clock = conn.execute("select pg_get_functiondef('app.now()'::regprocedure)").fetchone()[0]
        drift = conn.execute("select abs(extract(epoch from app.now() - now()))").fetchone()[0]
    assert levels == {"base", "silver", "gold", "platinum"}
    assert {"prepaid", "corporate", "voucher"} <= types
    assert shared == 2
    assert days >= 5  # history over past days, and today
    assert "pg_catalog.now()" in clock and drift == 0  # the pinned clock was restored


def test_seed_demo_twice_adds_nothing(stack):
    before = _counts(stack)
    out = mps_dev(stack["dir"], "seed-demo").stdout
    assert "already seeded, nothing added" in out
    assert _counts(stack) == before


def test_demo_without_a_display_says_what_to_do_instead(stack):
    before = _counts(stack)
    headless = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    out = mps_dev(stack["dir"], "demo", env=headless).stdout
    assert "mps-dev is up" in out and "already seeded" in out
    assert "No display here" in out and "Xvfb :99" in out and "cashier@shop001.demo" in out
    assert (stack["dir"] / "pos-demo" / "config" / "settings.json").is_file()  # ready for mps-pos
    assert _counts(stack) == before


def test_demo_cashier_signs_in_with_the_printed_password(stack):
    from supabase import ClientOptions, create_client

    env = dict(line.removeprefix("export ").split("=", 1) for line in mps_dev(stack["dir"], "env").stdout.splitlines())
    client = create_client(env["SUPABASE_URL"], env["SUPABASE_ANON_KEY"],
                           ClientOptions(auto_refresh_token=False, persist_session=False))
    client.auth.sign_in_with_password({"email": "cashier@shop001.demo", "password": "cashier-demo-2024"})
    info = client.rpc("merchant_session_info", {"p_merchant_code": "SHOP001"}).execute().data
    assert "cashier" in json.dumps(info)


def test_member_qr_once_writes_a_png_and_rotates(stack, tmp_path):
    png = stack["dir"] / "qr-test.png"
    out = mps_dev(stack["dir"], "member-qr", "+8613800000002", "--once", "--png", str(png)).stdout
    assert png.read_bytes().startswith(b"\x89PNG")
    assert "code valid until" in out and "MPSQR1." not in out  # the token itself is drawn, not printed
    assert "█" in out or "▀" in out
    with _db(stack) as conn:
        rotations = conn.execute("select count(*) from audit.event_log where action = 'qr.rotate' "
                                 "and occurred_at > now() - interval '1 minute'").fetchone()[0]
    assert rotations >= 1


def test_down_leaves_no_process(stack):
    assert processes_using(stack["dir"])  # the gateway and postgres mention it while up
    mps_dev(stack["dir"], "down")
    assert processes_using(stack["dir"]) == []
    res = mps_dev(stack["dir"], "status")
    assert res.returncode == 3 and "gateway   stopped" in res.stdout
    # and it comes back, data and keys intact
    mps_dev(stack["dir"], "up")
    assert mps_dev(stack["dir"], "status").returncode == 0
