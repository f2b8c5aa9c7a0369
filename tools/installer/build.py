"""One merchant's installer: the merchant defaults staged outside the source tree, PyInstaller
run on packaging/mps-pos.spec, the bundle checked to carry exactly those defaults, and an archive
of it to copy to the shop."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path

from .inputs import MerchantInputs
from .zbar import find_libzbar

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "packaging" / "mps-pos.spec"
DEFAULTS_FILE = "merchant_defaults.json"


class BuildError(RuntimeError):
    pass


@dataclass(frozen=True)
class Built:
    folder: Path  # dist/mps-pos-<MERCHANT>/
    executable: Path
    archive: Path
    seconds: float
    folder_bytes: int


def app_name(merchant_code: str) -> str:
    return f"mps-pos-{merchant_code}"


def stage(inputs: MerchantInputs, work: Path) -> Path:
    """The merchant defaults file, written under `work` (never into pos_app/: the source tree
    serves every merchant, and a counter run from it must not pick one shop's keys up)."""
    work.mkdir(parents=True, exist_ok=True)
    path = work / DEFAULTS_FILE
    path.write_text(json.dumps(inputs.defaults(), indent=2) + "\n", encoding="utf-8")
    return path


def build(inputs: MerchantInputs, out: Path, work: Path, *, log=None) -> Built:
    """Build the bundle for `inputs` into `out`; BuildError saying why not. `work` holds the
    staged defaults and PyInstaller's intermediate files (kept: a rebuild reuses them)."""
    started = time.monotonic()
    out, work = out.resolve(), (work / inputs.merchant_code).resolve()
    libzbar = find_libzbar()
    defaults = stage(inputs, work)
    name = app_name(inputs.merchant_code)
    env = {**os.environ, "MPS_INSTALLER_DEFAULTS": str(defaults), "MPS_INSTALLER_NAME": name,
           "MPS_INSTALLER_LIBZBAR": str(libzbar or "")}
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
           "--distpath", str(out), "--workpath", str(work / "pyinstaller"), str(SPEC)]
    done = subprocess.run(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT if log else None)
    if done.returncode != 0:
        raise BuildError(f"PyInstaller failed (exit {done.returncode}); its output is above")
    folder = out / name
    executable = folder / ("mps-pos.exe" if sys.platform == "win32" else "mps-pos")
    if not executable.is_file():
        raise BuildError(f"PyInstaller finished but {executable} is missing")
    _check_bundled_defaults(folder, inputs)
    archive = _archive(folder)
    return Built(folder, executable, archive, time.monotonic() - started, _size(folder))


def _check_bundled_defaults(folder: Path, inputs: MerchantInputs) -> None:
    # The one file that makes this shop's app this shop's: make sure it is in the bundle, as staged.
    found = list(folder.rglob(f"pos_app/{DEFAULTS_FILE}"))
    if len(found) != 1:
        raise BuildError(f"the bundle holds {len(found)} copies of pos_app/{DEFAULTS_FILE}, expected 1")
    if json.loads(found[0].read_text(encoding="utf-8")) != inputs.defaults():
        raise BuildError(f"the bundled {found[0]} is not the staged merchant defaults")


def _archive(folder: Path) -> Path:
    # A zip is what Windows opens by itself; elsewhere a .tar.gz keeps the executable bits.
    if sys.platform == "win32":
        return Path(shutil.make_archive(str(folder), "zip", root_dir=folder.parent, base_dir=folder.name))
    # gzip level 6, not make_archive's 9: measured on this bundle, the same 146 MiB in a third
    # of the time (16 s instead of 48 s on 2 cores), most of it being already-compressed libraries.
    archive = folder.with_name(folder.name + ".tar.gz")
    with tarfile.open(archive, "w:gz", compresslevel=6) as tar:
        tar.add(folder, arcname=folder.name)
    return archive


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
