"""Run Python in a child process and kill it with SIGKILL at a chosen point: after it has
printed `lines` lines (each printed only once its write has committed). No sleeping: the
parent blocks on the child's output."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# Windows has no SIGKILL; os.kill with SIGTERM there is TerminateProcess, just as abrupt.
KILL = getattr(signal, "SIGKILL", signal.SIGTERM)


def run_until_killed(script: str, lines: int, env: dict[str, str] | None = None) -> list[str]:
    """Start `script` (Python source, with `env` added to its environment), read `lines` lines
    from its stdout, kill it, return them."""
    env = {**os.environ, **(env or {}), "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stdin=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env)
    got: list[str] = []
    try:
        while len(got) < lines:
            line = child.stdout.readline()
            if not line:
                raise AssertionError(f"child ended early: {child.stderr.read()}")
            got.append(line.rstrip("\n"))
        os.kill(child.pid, KILL)
    finally:
        child.wait()
        for stream in (child.stdout, child.stderr, child.stdin):
            stream.close()
    assert child.returncode != 0, "the child was meant to die, not to finish"
    return got
