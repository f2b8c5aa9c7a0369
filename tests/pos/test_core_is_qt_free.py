"""The core holds the counter's logic and must run (and be tested) without Qt."""

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "pos_app" / "core"


def test_no_module_in_the_core_imports_qt():
    offenders = []
    files = sorted(CORE.rglob("*.py"))
    assert files
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.relative_to(CORE)}: {n}" for n in names if n.split(".")[0] in ("PySide6", "PyQt5",
                                                                                                 "PyQt6", "shiboken6")]
    assert offenders == []
