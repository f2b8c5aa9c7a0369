"""The real thing: build merchant TEST01's app with PyInstaller, then run the bundle's own
`--self-check` as a shop PC would, with nothing from this checkout on its paths.

Slow (a cold build took about 42 s on 2 cores: PyInstaller's analysis, then the .tar.gz), but it
is the only test that sees what the spec forgot: a data file, a backend
imported by name, libzbar, a Qt plugin."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from importlib.metadata import entry_points

import pytest

from tools.installer.build import ROOT, build
from tools.installer.inputs import check

from .keys import key

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900),
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="built and run on Linux here")]

URL = "http://127.0.0.1:54321"
MAX_MIB = 600  # measured 381 MiB; far above means something unneeded got pulled in


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    base = tmp_path_factory.mktemp("installer")
    return build(check(URL, key("anon"), "TEST01"), base / "dist", base / "work")


def test_the_bundle_reports_its_merchant_and_url_from_baked_defaults(built, tmp_path):
    # A clean environment: no venv, no PYTHONPATH, a fresh user config, so only the bundle speaks.
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8", "QT_QPA_PLATFORM": "offscreen",
           "MPS_POS_CONFIG_DIR": str(tmp_path / "config"), "MPS_POS_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run([str(built.executable), "--self-check"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "merchant: TEST01\n" in out and f"url: {URL}\n" in out
    assert "self-check: passed" in out
    # The libzbar that answered is the bundled one, not the build machine's.
    assert f"(libzbar: {built.folder}" in out, out
    # The desktop's platform plugin ships too, not only the offscreen one the check uses.
    platforms = next(line for line in out.splitlines() if line.startswith("ok   qt platform: "))
    assert "offscreen (" in platforms and "xcb" in platforms
    # Every keyring backend this environment registers is found and importable in the bundle.
    assert f"; {len(entry_points(group='keyring.backends'))} keyring backends importable" in out


def test_the_source_tree_stays_merchant_free(built):
    assert not (ROOT / "pos_app" / "merchant_defaults.json").exists()
    assert not list((ROOT / "pos_app").rglob("merchant_defaults.json"))


def test_the_archive_holds_the_app_folder(built):
    with tarfile.open(built.archive) as tar:
        names = set(tar.getnames())
    assert "mps-pos-TEST01/mps-pos" in names
    assert any(n.endswith("pos_app/merchant_defaults.json") for n in names)


def test_the_bundle_leaves_out_the_dev_side(built):
    from PyInstaller.archive.readers import CArchiveReader

    exe = CArchiveReader(str(built.executable))
    pyz = exe.open_embedded_archive(next(n for n in exe.toc if n.endswith(".pyz")))
    top = {name.split(".")[0] for name in pyz.toc}
    assert {"pos_app", "keyring", "pyzbar", "httpx"} <= top
    assert not top & {"mps_dev", "tests", "pytest", "psycopg", "starlette", "uvicorn", "supabase", "tools"}
    assert built.folder_bytes < MAX_MIB * 2**20, f"{built.folder_bytes / 2**20:.0f} MiB"
    # PySide6-Essentials' Python modules: only the four the counter imports.
    qt_modules = {p.name.split(".")[0] for p in (built.folder / "_internal" / "PySide6").glob("Qt*.abi3.so")}
    assert qt_modules == {"QtCore", "QtGui", "QtWidgets", "QtPrintSupport"}
    # Printing to a system printer goes through Qt's CUPS plugin (the self-check prints to PDF).
    assert list(built.folder.rglob("plugins/printsupport/libcupsprintersupport.so"))
    assert os.access(built.executable, os.X_OK)
