"""Can a window open here? Asked before Qt is started, because Qt's own answer is an abort: a
missing library of its xcb platform plugin, or an X display it cannot reach, prints
"could not load the Qt platform plugin" and kills the process (exit 134, or 250 through the
demo). `problem()` says instead, in the counter's words, what is missing and what to install.
No Qt import here: PySide6 is only located on disk.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib.util
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path

EXIT_NO_WINDOW = 3  # `mps-pos` and `mps-dev demo`: no window can open here (the words say why)

# The libraries PySide6's xcb platform plugin, the Qt libraries it loads and its GL integrations
# link against, with the Debian package holding each: the same list as QT_WINDOW_LIBS in
# scripts/setup.sh, which installs them (tests/ui/test_window_check.py keeps the two equal).
DEBIAN_PACKAGES = {
    "libxcb-icccm.so.4": "libxcb-icccm4", "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-cursor.so.0": "libxcb-cursor0", "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0", "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-randr.so.0": "libxcb-randr0", "libxcb-render.so.0": "libxcb-render0", "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1", "libxcb-util.so.1": "libxcb-util1", "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1", "libxcb-glx.so.0": "libxcb-glx0", "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1", "libX11.so.6": "libx11-6", "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0", "libEGL.so.1": "libegl1", "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1", "libfreetype.so.6": "libfreetype6", "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0", "libwayland-cursor.so.0": "libwayland-cursor0",
}

Ldd = Callable[[Path], str]
Connect = Callable[[str], bool]


def xcb_plugin() -> Path | None:
    """PySide6's xcb platform plugin, without importing PySide6."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    return path if path.exists() else None


def _ldd(path: Path) -> str:
    try:
        return subprocess.run(["ldd", str(path)], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return ""  # no ldd: let Qt try


def missing_libraries(ldd_output: str) -> list[str]:
    """The sonames `ldd` could not find, in its order, each once."""
    names: list[str] = []
    for line in ldd_output.splitlines():
        name, _, rest = line.strip().partition(" => ")
        if rest.strip() == "not found" and name not in names:
            names.append(name)
    return names


def display_reachable(display: str) -> bool:
    """Whether an X server answers at `display` (libxcb's connect, as Qt's plugin does)."""
    found = ctypes.util.find_library("xcb")
    if found is None:
        return True  # the missing-library check names it; nothing more to say here
    xcb = ctypes.CDLL(found)
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(display.encode(), None)
    try:
        return xcb.xcb_connection_has_error(connection) == 0
    finally:
        xcb.xcb_disconnect(connection)


def problem(environ: Mapping[str, str], *, plugin: Path | None = None, ldd: Ldd = _ldd,
            connect: Connect = display_reachable) -> str | None:
    """Why no window can open with this environment, in words for the person at the counter
    (with what to install or run); None when Qt may go ahead."""
    chosen = (environ.get("QT_QPA_PLATFORM") or "").split(";")[0].split(":")[0]
    if chosen and chosen != "xcb":
        return None  # offscreen, vnc, wayland...: chosen on purpose; Qt reports its own
    if not chosen and environ.get("WAYLAND_DISPLAY"):
        return None  # a Wayland desktop: Qt opens its Wayland window (XWayland is the fallback)
    display = environ.get("DISPLAY") or ""
    if not display:
        return ("The cashier window cannot open: there is no display here (DISPLAY is not set).\n"
                "Start it from a desktop session, or on a virtual display: Xvfb :99 & then DISPLAY=:99 mps-pos")
    plugin = plugin or xcb_plugin()
    missing = missing_libraries(ldd(plugin)) if plugin is not None else []
    if missing:
        packages = sorted({DEBIAN_PACKAGES[name] for name in missing if name in DEBIAN_PACKAGES})
        unknown = [name for name in missing if name not in DEBIAN_PACKAGES]
        lines = [f"The cashier window cannot open: this machine lacks {len(missing)} "
                 f"of the libraries Qt needs to draw windows ({', '.join(missing)})."]
        if packages:
            lines += [f"Install them (Debian/Ubuntu): sudo apt-get install {' '.join(packages)}",
                      "or run `make setup` as root, which installs them."]
        if unknown:
            lines.append(f"Find the package holding {', '.join(unknown)} with: apt-file search <name>")
        return "\n".join(lines)
    if not connect(display):
        return (f"The cashier window cannot open: no display answers at DISPLAY={display}.\n"
                "Check that the desktop (or Xvfb) is running and that this user may use it (xhost, XAUTHORITY).")
    return None
