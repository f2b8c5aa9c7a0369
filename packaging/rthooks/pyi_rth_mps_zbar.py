"""Runs in the frozen app before any import: points pyzbar at the libzbar shipped in the bundle.

pyzbar asks `ctypes.util.find_library("zbar")`, which on Linux reads the system's ldconfig
cache and so never sees the bundle: a shop PC without libzbar0 would fail at the first scan.
(On Windows pyzbar loads the DLLs next to its own module, which the spec bundles; this finds
nothing there and changes nothing.)"""

import ctypes.util
import glob
import os
import sys


def _bundled_zbar():
    for pattern in ("libzbar.so*", "libzbar*.dylib"):
        found = sorted(glob.glob(os.path.join(sys._MEIPASS, pattern)))
        if found:
            return found[0]
    return None


_BUNDLED = _bundled_zbar()
if _BUNDLED:
    _system_find_library = ctypes.util.find_library

    def _find_library(name):
        return _BUNDLED if name == "zbar" else _system_find_library(name)

    ctypes.util.find_library = _find_library
