"""The app's install carries only what the app needs: every library `pos_app` imports is one of
pyproject's runtime dependencies (or theirs), none comes from the stand-in's `server` extra, and
the installer's spec keeps the server libraries out of the bundle even if something pulled them in.
Pure file reading: no PostgreSQL, no Qt, no build."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SPEC = ROOT / "packaging" / "mps-pos.spec"


def _name(requirement: str) -> str:
    """The normalised distribution name of a requirement string ("psycopg[binary]>=3.1" -> "psycopg")."""
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", requirement).group(0)).lower()


def _closure(names: set[str]) -> set[str]:
    """The distributions and everything they require unconditionally (no extras), installed here."""
    seen, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        todo += [_name(r) for r in requires if "extra ==" not in r]
    return seen


def _imported_top_level(package: Path) -> dict[str, list[str]]:
    """Top-level module name -> files importing it, for every absolute import in the package,
    those inside functions included (the app imports PySide6's printing and the decoder lazily)."""
    found: dict[str, list[str]] = {}
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            else:
                continue
            for n in names:
                found.setdefault(n.split(".")[0], []).append(str(path.relative_to(ROOT)))
    return found


def _third_party_of_app() -> dict[str, set[str]]:
    """Module imported by pos_app -> the installed distributions providing it."""
    providers = metadata.packages_distributions()
    imported = _imported_top_level(ROOT / "pos_app")
    assert "PySide6" in imported and "httpx" in imported, "the import walk found nothing: wrong folder?"
    return {mod: {_name(d) for d in providers.get(mod, [])}
            for mod in imported if mod not in sys.stdlib_module_names and mod not in ("pos_app", "__future__")}


RUNTIME = {_name(r) for r in PYPROJECT["project"]["dependencies"]}
SERVER = {_name(r) for r in PYPROJECT["project"]["optional-dependencies"]["server"]}


def test_the_server_libraries_are_an_extra_and_dev_installs_it():
    assert {"psycopg", "psycopg-pool", "starlette", "uvicorn", "pyjwt", "bcrypt"} <= SERVER
    assert RUNTIME.isdisjoint(SERVER), f"server libraries in the app's install: {RUNTIME & SERVER}"
    dev = PYPROJECT["project"]["optional-dependencies"]["dev"]
    assert "mps-cashier[server]" in dev  # `make setup` installs .[dev], so the stand-in runs


def test_every_library_pos_app_imports_is_a_runtime_dependency():
    allowed = _closure(RUNTIME)
    missing = {mod: sorted(dists) for mod, dists in _third_party_of_app().items() if not dists & allowed}
    assert missing == {}, f"pos_app imports what its install does not carry: {missing}"


def test_pos_app_imports_nothing_of_the_server_extra_nor_the_stand_in():
    imported = _imported_top_level(ROOT / "pos_app")
    assert "mps_dev" not in imported, imported.get("mps_dev")
    # Only what the server extra adds: a library the runtime dependencies also need stays allowed.
    server_only = _closure(SERVER) - _closure(RUNTIME)
    used = {mod: sorted(dists & server_only) for mod, dists in _third_party_of_app().items() if dists & server_only}
    assert used == {}, f"pos_app imports the stand-in's server libraries: {used}"


def _spec_excludes() -> set[str]:
    for node in ast.walk(ast.parse(SPEC.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "excludes" for t in node.targets):
            return set(ast.literal_eval(node.value))
    raise AssertionError("no `excludes = [...]` in the spec")


def test_the_installer_spec_keeps_every_server_library_out():
    providers = metadata.packages_distributions()
    server_modules = {mod for mod, dists in providers.items()
                      if {_name(d) for d in dists} & SERVER and not mod.startswith("_")}
    assert {"psycopg", "jwt", "bcrypt", "starlette", "uvicorn"} <= server_modules
    excludes = _spec_excludes()
    assert server_modules - excludes == set(), "the bundle could carry the stand-in's libraries"
    assert {"mps_dev", "tests"} <= excludes
