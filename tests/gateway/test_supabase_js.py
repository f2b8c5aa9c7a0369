"""The official JavaScript client against the stand-in: `node --test` on tests/js, one pytest
case per JS test, so that `make test` counts and names them. The JS packages are installed by
`make test` (tests/js/install.sh); a missing install fails here, it is never skipped."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

JS_DIR = Path(__file__).resolve().parents[1] / "js"
JS_FILES = sorted(JS_DIR.glob("*.test.mjs"))
JS_TESTS = [name for f in JS_FILES for name in re.findall(r"^test\('([^']+)'", f.read_text(), re.M)]


@pytest.fixture(scope="module")
def js_results(gw) -> dict[str, str]:
    """Run every JS test once; {test name: "ok" or the failure's TAP lines}."""
    node = shutil.which("node")
    assert node, "node is not installed: run `make test` (tests/js/install.sh installs it)"
    assert (JS_DIR / "node_modules" / "@supabase" / "supabase-js").is_dir(), \
        "supabase-js is not installed: run `make test` (tests/js/install.sh)"
    user = gw.create_user()
    env = {**os.environ, "SUPABASE_URL": gw.url, "SUPABASE_ANON_KEY": gw.anon_key,
           "MPS_JS_EMAIL": user["email"], "MPS_JS_PASSWORD": user["password"]}
    proc = subprocess.run([node, "--test", "--test-reporter=tap", *map(str, JS_FILES)], cwd=JS_DIR, env=env,
                          capture_output=True, text=True, timeout=240)
    results: dict[str, str] = {}
    lines = proc.stdout.splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"^(not ok|ok) \d+ - (.+?)(?: # .*)?$", line)
        if m:
            detail = "\n".join(lines[i + 1:i + 30])
            results[m.group(2)] = "ok" if m.group(1) == "ok" else f"failed:\n{detail}"
    assert results, f"node ran no test (exit {proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return results


def test_every_js_test_ran(js_results):
    assert sorted(js_results) == sorted(JS_TESTS)


@pytest.mark.parametrize("name", JS_TESTS)
def test_supabase_js(js_results, name):
    assert js_results.get(name) == "ok", js_results.get(name, "did not run")
