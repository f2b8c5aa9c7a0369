"""The stand-in is Supabase's, not the POS's: no module of `mps_dev` imports `pos_app` (at the
top or inside a function), so it installs and runs alone; the demo's windows reach it through
the `mps_dev.launchers` entry points that `mps_demo` registers."""

import ast
from importlib.metadata import entry_points
from pathlib import Path

import mps_dev

STAND_IN = Path(mps_dev.__file__).resolve().parent


def imported_modules(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def test_no_module_of_the_stand_in_imports_the_pos():
    files = sorted(STAND_IN.rglob("*.py"))
    assert len(files) > 10  # the walk found the package, gateway included
    offenders = [f"{p.relative_to(STAND_IN)}: {name}" for p in files for name in imported_modules(p)
                 if name.split(".")[0] in ("pos_app", "mps_demo")]
    assert offenders == []


def test_the_demo_launchers_are_registered_for_the_stand_in_to_find():
    found = {ep.name: ep.load() for ep in entry_points(group="mps_dev.launchers")}
    from mps_demo import launcher, member_qr_window

    assert found == {"demo": launcher.open_counter, "member-qr-window": member_qr_window.window}
