"""`mps-dev demo`'s last step (registered as the stand-in's `demo` launcher, see `mps_dev.cli`):
open the cashier on the demo shop, with the member-side QR window beside it. The POS gets its own
settings and data folders inside the stand-in's data dir, so a demo never touches a real
counter's configuration."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import IO

from mps_dev import seed
from mps_dev.project import Project
from pos_app import window_check
from pos_app.core import settings as pos_settings

DEMO_EMAIL = next(email for role, email, _ in seed.OPERATORS if role == "cashier")
DEMO_MEMBER = seed.MEMBERS[0].phone
DEMO_TERMINAL = seed.TERMINAL_CODE  # registered by the seed: the counter opens on "Open shift"

NO_DISPLAY = """\
No display here (neither DISPLAY nor WAYLAND_DISPLAY is set), so the cashier window cannot open.
The backend is up with the demo shop. To see the counter:
  - on a desktop session, run `make demo` there; or
  - with a virtual display: `Xvfb :99 &` then `DISPLAY=:99 .venv/bin/mps-dev demo`
    (and look at it with a VNC viewer or a screenshot); or
  - run the window itself: MPS_POS_CONFIG_DIR={config} MPS_POS_DATA_DIR={data} .venv/bin/mps-pos --email {email}
Meanwhile:
  - a member's payment QR in the terminal:  .venv/bin/mps-dev member-qr {member}
  - stop everything:                        .venv/bin/mps-dev down
"""


CANNOT_OPEN = """\
{problem}
The backend is up with the demo shop; once that is fixed, run `make demo` again. Meanwhile:
  - a member's payment QR in the terminal:  .venv/bin/mps-dev member-qr {member}
  - stop everything:                        .venv/bin/mps-dev down
"""


def demo_dirs(data_dir: Path) -> pos_settings.Paths:
    base = data_dir / "pos-demo"
    return pos_settings.Paths(config_dir=base / "config", data_dir=base / "data", log_dir=base / "data" / "logs")


def demo_settings(proj: Project, kept_from: pos_settings.Paths | None = None) -> pos_settings.Settings:
    """The POS settings for the local stack's demo shop. With `kept_from`, what the person chose
    in an earlier demo run (the language above all, then camera and printers) is kept: only the
    connection to the stack is rewritten, since its port or keys may have changed."""
    connection = dict(supabase_url=proj.url, api_key=proj.anon_key, merchant_code=seed.MERCHANT,
                      terminal_name=DEMO_TERMINAL)
    if kept_from is not None and kept_from.settings_file.exists():
        try:
            return replace(pos_settings.load(kept_from, defaults={}), **connection)
        except pos_settings.SettingsError:
            pass  # a broken file: start from the demo's own
    return pos_settings.Settings(**connection)


def pos_environment(paths: pos_settings.Paths, environ: Mapping[str, str]) -> dict[str, str]:
    """`environ` with the POS pointed at the demo's folders."""
    return {**environ, pos_settings.CONFIG_DIR_ENV: str(paths.config_dir),
            pos_settings.DATA_DIR_ENV: str(paths.data_dir)}


def display_available(environ: Mapping[str, str]) -> bool:
    """Whether a window can open: a display, or a Qt platform chosen explicitly (offscreen, vnc)."""
    return any(environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def pos_command(email: str = DEMO_EMAIL) -> list[str]:
    return [sys.executable, "-m", "pos_app.app", "--email", email]


def member_qr_command(data_dir: Path, who: str = DEMO_MEMBER) -> list[str]:
    return [sys.executable, "-m", "mps_demo.member_qr_window", "--data-dir", str(data_dir), who]


def open_counter(proj: Project, data_dir: Path, out: IO[str], *, environ: Mapping[str, str] | None = None,
                 popen: Callable[..., subprocess.Popen] = subprocess.Popen,
                 window_problem: Callable[[Mapping[str, str]], str | None] = window_check.problem) -> int:
    """Write the demo POS settings, then run the cashier (and the member's QR window beside it)
    until the cashier is closed. Without a display, say what to do instead (exit 0: the backend
    is up, as asked). With a display no window can use (libraries Qt needs are missing, or the
    display does not answer), say what to install and exit `window_check.EXIT_NO_WINDOW`."""
    env = dict(os.environ if environ is None else environ)
    paths = demo_dirs(data_dir)
    pos_settings.save(demo_settings(proj, kept_from=paths), paths)
    if not display_available(env):
        print(NO_DISPLAY.format(config=paths.config_dir, data=paths.data_dir, email=DEMO_EMAIL, member=DEMO_MEMBER),
              file=out)
        return 0
    problem = window_problem(env)
    if problem is not None:
        print(CANNOT_OPEN.format(problem=problem, member=DEMO_MEMBER), file=out)
        return window_check.EXIT_NO_WINDOW
    print(f"Opening the cashier (sign in as {DEMO_EMAIL}; its password is above) and the payment QR "
          f"of member {DEMO_MEMBER}. Close the cashier window to finish; `mps-dev down` stops the backend.",
          file=out, flush=True)
    member = popen(member_qr_command(data_dir), env=env)
    try:
        return popen(pos_command(), env=pos_environment(paths, env)).wait()
    finally:
        member.terminate()
        member.wait()
