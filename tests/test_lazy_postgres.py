"""PostgreSQL starts only for tests that need it: a run of pure tests (the core's money rules, a
window model) plans no `pg_server`, so it starts no cluster; a SQL test still gets one. Asked of
pytest's own plan (--setup-plan: fixtures resolved, nothing run), so it costs no server here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _session_fixtures(test_file: str) -> set[str]:
    done = subprocess.run([sys.executable, "-m", "pytest", "--setup-plan", "-q", "-p", "no:cacheprovider", test_file],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    # Lines like "SETUP    S pg_server" or "SETUP    S mps_dsn (fixtures used: pg_server)".
    return {line.split()[2] for line in done.stdout.splitlines() if line.split()[:2] == ["SETUP", "S"]}


@pytest.mark.parametrize("test_file", ["tests/pos/test_money.py", "tests/ui/test_manager_models.py"])
def test_a_run_of_pure_tests_starts_no_postgresql(test_file):
    planned = _session_fixtures(test_file)
    assert "no_secret_at_rest" in planned  # the plan was read: the session's autouse check is there
    assert "pg_server" not in planned


def test_a_sql_test_still_gets_its_server():
    assert {"pg_server", "mps_dsn"} <= _session_fixtures("tests/sql/test_charge.py")
