"""When no window can open, `mps-pos` and `mps-dev demo` say so in their own words, with what to
install, and exit 3; not Qt's abort ("could not load the Qt platform plugin xcb", exit 134/250).
Setup installs every library the check knows (issue 7, item 1)."""

import io
import os
import re
import subprocess
import sys
from pathlib import Path

from mps_demo import launcher as demo_pos
from mps_dev.project import Project
from pos_app import window_check

ROOT = Path(__file__).resolve().parents[2]
NOBODY = ":59"  # an X display number nothing here listens on (checked below)
LDD_ON_A_FRESH_DEBIAN = """\
\tlinux-vdso.so.1 (0x00007ffd0d3f1000)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f1c9c000000)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb.so.1 => /lib/x86_64-linux-gnu/libxcb.so.1 (0x00007f1c9bfd0000)
\tlibxcb-icccm.so.4 => not found
"""


def test_missing_qt_libraries_are_named_with_the_debian_packages_to_install():
    words = window_check.problem({"DISPLAY": ":0"}, plugin=Path("libqxcb.so"), ldd=lambda _: LDD_ON_A_FRESH_DEBIAN,
                                 connect=lambda _: True)
    assert "libxcb-icccm.so.4, libxcb-keysyms.so.1" in words
    assert "sudo apt-get install libxcb-icccm4 libxcb-keysyms1" in words


def test_no_display_and_an_unreachable_display_are_told_apart():
    assert "DISPLAY is not set" in window_check.problem({})
    words = window_check.problem({"DISPLAY": ":7"}, plugin=Path("libqxcb.so"), ldd=lambda _: "",
                                 connect=lambda _: False)
    assert "no display answers at DISPLAY=:7" in words
    ok = window_check.problem({"DISPLAY": ":7"}, plugin=Path("libqxcb.so"), ldd=lambda _: "", connect=lambda _: True)
    assert ok is None
    assert window_check.problem({"QT_QPA_PLATFORM": "offscreen"}) is None  # chosen on purpose


def test_setup_installs_every_library_the_check_knows():
    script = (ROOT / "scripts" / "setup.sh").read_text()
    listed = re.search(r"QT_WINDOW_LIBS=\((.*?)\)", script, re.S).group(1).split()
    assert dict(entry.split(":") for entry in listed) == window_check.DEBIAN_PACKAGES


def test_the_installed_qt_plugin_finds_every_library_it_needs():
    # Setup ran before the tests: whatever the plugin links against is on this machine now.
    plugin = window_check.xcb_plugin()
    assert plugin is not None
    assert window_check.missing_libraries(subprocess.run(["ldd", str(plugin)], capture_output=True,
                                                         text=True).stdout) == []


def test_mps_pos_with_a_display_that_does_not_answer_says_so_and_exits_3(tmp_path):
    assert not Path(f"/tmp/.X11-unix/X{NOBODY[1:]}").exists()
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env.update(DISPLAY=NOBODY, MPS_POS_CONFIG_DIR=str(tmp_path / "c"), MPS_POS_DATA_DIR=str(tmp_path / "d"))
    done = subprocess.run([str(Path(sys.executable).with_name("mps-pos"))], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == window_check.EXIT_NO_WINDOW, done.stderr
    assert f"no display answers at DISPLAY={NOBODY}" in done.stderr
    assert "qt.qpa" not in done.stderr and "platform plugin" not in done.stderr


def test_the_demo_says_what_to_install_when_its_windows_cannot_open(tmp_path):
    started = []
    out = io.StringIO()
    proj = Project(jwt_secret="s", anon_key="anon.demo.key", service_role_key="service.demo.key", api_port=55555)
    code = demo_pos.open_counter(proj, tmp_path, out, environ={"DISPLAY": ":0"}, popen=lambda *a,
                                 **k: started.append(a),
                                 window_problem=lambda env: "The cashier window cannot open: libxcb-icccm4 missing.")
    assert code == window_check.EXIT_NO_WINDOW and started == []  # nothing started to abort
    assert "libxcb-icccm4 missing" in out.getvalue() and "mps-dev down" in out.getvalue()
