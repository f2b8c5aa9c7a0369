"""Every qtbot wait of the window's tests (waitUntil, waitSignal, waitSignals, waitExposed,
waitActive, waitCallback) passes `timeout=WAIT`, the one timeout tests/ui/helpers.py defines, and
no other module defines a WAIT of its own: on a loaded machine there is one number to change."""

from __future__ import annotations

import ast
from pathlib import Path

HERE = Path(__file__).resolve().parent
WAITS = {"waitUntil", "waitSignal", "waitSignals", "waitExposed", "waitActive", "waitCallback"}


def test_every_wait_uses_the_one_timeout():
    offenders, seen = [], 0
    for path in sorted(HERE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WAITS:
                seen += 1
                timeout = next((k.value for k in node.keywords if k.arg == "timeout"), None)
                if not (isinstance(timeout, ast.Name) and timeout.id == "WAIT"):
                    offenders.append(f"{path.name}:{node.lineno} {node.func.attr}")
    assert seen > 50, "the walk found no waits: wrong folder?"
    assert offenders == []


def test_wait_is_defined_once():
    defined = [path.name for path in sorted(HERE.rglob("*.py"))
               for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
               if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "WAIT" for t in node.targets)]
    assert defined == ["helpers.py"]
