"""The system's libzbar, to bundle. pyzbar loads it through ctypes at run time, which PyInstaller
cannot see; a bundle without it would start and then fail at the first scan on a shop PC."""

from __future__ import annotations

import ctypes.util
import subprocess
import sys
import sysconfig
from pathlib import Path

SONAME = "libzbar.so.0"
HINT = "install it first (Debian/Ubuntu: apt-get install libzbar0; macOS: brew install zbar)"


class ZbarMissing(RuntimeError):
    pass


def find_libzbar() -> Path | None:
    """The shared library file to bundle; None on Windows, where pyzbar's wheel ships its DLLs.
    ZbarMissing, with what to install, when the system has none."""
    if sys.platform == "win32":
        return None
    if sys.platform == "darwin":
        found = ctypes.util.find_library("zbar")  # a full path on macOS
        if found and Path(found).is_file():
            return Path(found)
        raise ZbarMissing(f"libzbar not found; {HINT}")
    for path in _linux_candidates():
        if path.is_file():
            return path.resolve()
    raise ZbarMissing(f"{SONAME} not found; {HINT}")


def _linux_candidates() -> list[Path]:
    # ctypes.util.find_library gives only the name on Linux; ldconfig's cache has the path. It
    # may list other architectures' copies too, so this Python's multiarch directory comes first.
    multiarch = sysconfig.get_config_var("MULTIARCH") or ""
    paths = [Path(d) / multiarch / SONAME for d in ("/usr/lib", "/lib") if multiarch]
    try:
        cache = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=False).stdout
    except OSError:
        cache = ""
    for line in cache.splitlines():
        name, _, target = line.partition("=>")
        if name.strip().startswith(SONAME + " "):
            paths.append(Path(target.strip()))
    paths += [Path(d) / SONAME for d in ("/usr/local/lib", "/usr/lib64", "/usr/lib")]
    return paths
