"""Screenshots of the counter for docs/screenshots/, taken as a person uses it.

    .venv/bin/python -m tools.screenshots [--display :71] [--out docs/screenshots]

Starts a private demo stack (its own data dir and free ports, so it never meets a running
`make demo`), a virtual X display (Xvfb) with a window manager (openbox), then the real
`mps-pos` on the demo shop, and drives it with xdotool's keyboard as a shift runs: the cashier
signs in, sets a PIN, opens the shift (the float typed), types an amount and "scans" a member's
code (typed at scanner speed): who is paying, the member's screen, the sale; a split for a card
that is short (F7), a pay-out from the cash drawer (F6), the X read-out (F11), the lock
(Ctrl+L); the manager signs in from the lock screen with the password, refunds (the list and
dialog by mouse, as a person does), reads the day, closes the shift (F8: the drawer counted by
denomination) and finds its Z in the Shifts tab. In English, then in Chinese; each language on a
demo shop of its own (the same balances, a PIN asked for). Each step's screen is saved as a PNG (8-bit colour,
under 300 KB). As root it installs what it needs with apt-get when missing (xvfb, openbox,
xdotool, x11-utils, imagemagick); otherwise it says what to install.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOOLS = {"Xvfb": "xvfb", "openbox": "openbox", "xdotool": "xdotool", "xwininfo": "x11-utils",
         "import": "imagemagick", "convert": "imagemagick"}
SCREEN = (1280, 800)
LIMIT = 300_000  # bytes per PNG
TODAY_FIRST_ROW = (420, 330)  # the refund tab's list of today's payments, maximised on SCREEN


def need_tools() -> None:
    missing = sorted({pkg for tool, pkg in TOOLS.items() if shutil.which(tool) is None})
    if not missing:
        return
    if os.geteuid() != 0:
        raise SystemExit(f"screenshots: missing Debian packages: {' '.join(missing)}; run as root or install them")
    print(f"screenshots: installing {' '.join(missing)}", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "-o", "DPkg::Lock::Timeout=300", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "-o", "DPkg::Lock::Timeout=300", "install", "-y", "-qq", "--no-install-recommends",
                    *missing], check=True, env=env, stdout=subprocess.DEVNULL)


class Desktop:
    """Xvfb and openbox on `display`, and xdotool / ImageMagick against it."""

    def __init__(self, display: str):
        self.display = display
        self.env = {**os.environ, "DISPLAY": display}
        self.env.pop("QT_QPA_PLATFORM", None)
        self.env.pop("WAYLAND_DISPLAY", None)
        self._procs: list[subprocess.Popen] = []

    def start(self) -> None:
        w, h = SCREEN
        self._procs.append(subprocess.Popen(["Xvfb", self.display, "-screen", "0", f"{w}x{h}x24", "-nolisten", "tcp"],
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for _ in range(100):
            if subprocess.run(["xwininfo", "-root"], env=self.env, capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
        else:
            raise SystemExit(f"screenshots: Xvfb did not start on {self.display}")
        self._procs.append(subprocess.Popen(["openbox"], env=self.env, stdout=subprocess.DEVNULL,
                                            stderr=subprocess.DEVNULL))
        time.sleep(1.0)

    def stop(self) -> None:
        for proc in reversed(self._procs):
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()

    def xdotool(self, *args: str) -> str:
        return subprocess.run(["xdotool", *args], env=self.env, capture_output=True, text=True, check=True).stdout

    def wait_window(self, name: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", name], env=self.env,
                                   capture_output=True, text=True).stdout.split()
            if found:
                return found[-1]
            time.sleep(0.3)
        raise SystemExit(f"screenshots: no window named {name!r} appeared")

    def type(self, text: str, delay_ms: int = 120) -> None:
        """A person's typing (a fifth of a second a key, more or less), or a scanner's (5 ms)."""
        self.xdotool("type", "--delay", str(delay_ms), text)

    def key(self, *keys: str) -> None:
        for key in keys:
            self.xdotool("key", key)
            time.sleep(0.3)

    def active_geometry(self) -> tuple[int, int, int, int]:
        """x, y, width, height of the active window (a dialog, say)."""
        got = dict(line.split("=", 1) for line in self.xdotool("getactivewindow", "getwindowgeometry",
                                                               "--shell").split())
        return int(got["X"]), int(got["Y"]), int(got["WIDTH"]), int(got["HEIGHT"])

    def click(self, x: int, y: int) -> None:
        self.xdotool("mousemove", str(x), str(y))
        time.sleep(0.2)
        self.xdotool("click", "1")
        time.sleep(0.3)

    def shot(self, path: Path) -> int:
        """The whole screen as an 8-bit PNG; its size in bytes."""
        raw = path.with_suffix(".raw.png")
        subprocess.run(["import", "-window", "root", str(raw)], env=self.env, check=True)
        subprocess.run(["convert", str(raw), "-colors", "256", "-strip", f"PNG8:{path}"], check=True)
        raw.unlink()
        size = path.stat().st_size
        if size > LIMIT:
            subprocess.run(["convert", str(path), "-resize", "80%", "-colors", "128", "-strip", f"PNG8:{path}"],
                           check=True)
            size = path.stat().st_size
        print(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  {size // 1024} KB", flush=True)
        return size


class Stack:
    """A private mps-dev stack with the demo shop, on free ports, in a temporary data dir."""

    def __init__(self):
        from mps_dev import cluster

        self.dir = Path(tempfile.mkdtemp(prefix="mps-shots-"))
        os.chmod(self.dir, 0o755)  # as root the database runs as `postgres`, which must enter it
        self.cli = [sys.executable, "-m", "mps_dev.cli", "--data-dir", str(self.dir)]
        self.ports = (str(cluster.free_port()), str(cluster.free_port()))

    def up(self) -> None:
        subprocess.run([*self.cli, "up", "--port", self.ports[0], "--db-port", self.ports[1]], check=True,
                       stdout=subprocess.DEVNULL)
        subprocess.run([*self.cli, "seed-demo"], check=True, stdout=subprocess.DEVNULL)

    def down(self) -> None:
        subprocess.run([*self.cli, "down"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(self.dir, ignore_errors=True)

    def project(self):
        from mps_dev import project

        return project.load(self.dir)


def member_code(proj, phone: str) -> str:
    """A fresh single-use payment code of a member's card (as the member's phone gets it). Not
    Alice's: the demo's member QR window rotates hers, and a code issued here would void its own."""
    from mps_dev import member_qr

    api = member_qr.Api(proj)
    return member_qr.rotate(api, member_qr.resolve_card(proj, api, phone), 300)[0]


BOB, CAROL = "+8613800000002", "+8613800000003"  # Carol: 1945.00, short of a 2100 sale (a split)
PIN = "2468"
WORDS = {  # what the cashier types, per language
    "refund": {"en": "Cup spilt", "zh_CN": "饮品洒了", "zh_TW": "飲品灑了"},
    "pay_out": {"en": "Milk for the coffee", "zh_CN": "买咖啡用的牛奶", "zh_TW": "買咖啡用的牛奶"},
    "note": {"en": "Counted twice, 1 yuan short", "zh_CN": "点了两遍，少一元", "zh_TW": "點了兩遍，少一元"},
}
COUNT = ("2", "0", "0", "1", "0", "4")  # the drawer at the close (¥100, 50, 20, 10, 5, 1 notes): ¥1 short


def session(desk: Desktop, stack: Stack, language: str, out: Path) -> None:
    """One language, as a shift runs: the cashier signs in, sets a PIN, opens the shift, sells
    (one sale paid by card, one split with cash), pays cash out, reads the X, locks the counter;
    the manager signs in from the lock screen, refunds, reads the day, closes the shift (Z) and
    finds it in the Shifts tab."""
    from mps_demo import launcher as demo_pos
    from mps_dev import seed
    from pos_app.core import settings as pos_settings
    from pos_app.core import translations
    from pos_app.core.translations import N_

    proj = stack.project()
    paths = demo_pos.demo_dirs(stack.dir)
    pos_settings.save(replace(demo_pos.demo_settings(proj), language=language), paths)
    accounts = {role: (e, p) for role, e, p in seed.OPERATORS}
    env = demo_pos.pos_environment(paths, desk.env)
    pos = subprocess.Popen([sys.executable, "-m", "pos_app.app", "--email", accounts["cashier"][0]], env=env)
    tag = {"en": "en", "zh_CN": "zh"}.get(language, language)  # the README's names for the first two

    def shot(name: str, wait: float = 1.0) -> None:
        time.sleep(wait)
        desk.shot(out / f"{name}-{tag}.png")

    try:
        desk.wait_window(translations.text(N_("signin.title", "Sign in"), language))
        shot("signin")
        desk.type(accounts["cashier"][1])  # the cursor is in the password field: the email is filled in
        desk.key("Return")
        desk.wait_window(translations.text(N_("pin.title", "Set your PIN"), language))
        time.sleep(1.0)
        desk.type(PIN, delay_ms=250)
        desk.key("Return")  # on to the second field
        desk.type(PIN, delay_ms=250)
        shot("pin", 0.5)
        desk.key("Return")  # saves
        time.sleep(2.0)
        desk.type("200.00", delay_ms=200)  # the opening float: its field has the keyboard
        shot("shift-open", 0.5)
        desk.key("Return")
        time.sleep(3.0)
        desk.type("12.50", delay_ms=200)  # the amount field has the keyboard once the shift is open
        time.sleep(0.8)
        desk.type(member_code(proj, BOB) + "\n", delay_ms=5)  # the scanner's burst
        shot("preview", 2.0)  # who is paying, before the charge
        desk.key("ctrl+shift+d")  # the member's screen, in its corner
        shot("customer", 2.0)
        desk.key("ctrl+shift+d")
        time.sleep(1.0)
        desk.xdotool("windowactivate", "--sync", desk.wait_window("MPS"))
        time.sleep(0.5)
        desk.key("Return")  # charge
        shot("sale", 3.0)
        desk.key("Escape")  # a new sale
        time.sleep(1.0)
        desk.type("2100", delay_ms=200)
        time.sleep(0.8)
        desk.type(member_code(proj, CAROL) + "\n", delay_ms=5)
        shot("split", 2.0)  # the card is short: the split offer
        desk.key("F7")
        shot("split-paid", 4.0)  # one receipt: card and cash
        desk.key("Escape")
        time.sleep(1.0)
        desk.key("F6")  # the cash drawer
        time.sleep(1.5)
        desk.key("alt+k", "Down")  # pay-out
        desk.key("alt+a")
        desk.type("35.00", delay_ms=200)
        desk.key("alt+r")
        desk.type(WORDS["pay_out"][language], delay_ms=120)
        shot("cash", 0.5)
        desk.key("Return")
        shot("cash-slip", 3.0)
        desk.key("F11")  # the X read-out
        shot("x", 3.0)
        desk.key("Escape")
        time.sleep(1.0)
        desk.key("ctrl+l")
        shot("lock", 2.0)
        desk.key("alt+p")  # the manager: with the password
        desk.wait_window(translations.text(N_("signin.title", "Sign in"), language))
        time.sleep(1.0)
        desk.key("shift+Tab", "ctrl+a")  # the cursor is in the password: the locked cashier's email is above
        desk.type(accounts["manager"][0], delay_ms=60)
        desk.key("Tab")
        desk.type(accounts["manager"][1])
        desk.key("Return")
        desk.wait_window(translations.text(N_("pin.title", "Set your PIN"), language))
        time.sleep(1.0)
        desk.key("Escape")  # Not now
        time.sleep(2.0)
        desk.key("ctrl+2", "alt+r")  # the manager's tab: refunds
        time.sleep(2.0)
        desk.click(*TODAY_FIRST_ROW)  # today's newest payment: a person clicks it
        time.sleep(2.0)
        if os.environ.get("MPS_SHOTS_DEBUG"):
            desk.shot(Path(os.environ["MPS_SHOTS_DEBUG"]) / f"found-{tag}.png")
        desk.key("alt+u")  # Refund part…
        time.sleep(1.5)
        desk.key("ctrl+a")
        desk.type("2.50", delay_ms=150)
        desk.key("Tab")
        desk.type(WORDS["refund"][language], delay_ms=120)
        shot("refund", 0.5)  # the dialog, filled in
        x, y, w, h = desk.active_geometry()
        desk.click(x + w - 165, y + h - 38)  # its Refund button (Enter in the reason box is a new line)
        shot("refunded", 3.0)
        desk.key("alt+d")  # The day
        shot("day", 3.0)
        desk.key("ctrl+1")  # back to the till: the manager closes the shift
        time.sleep(1.0)
        desk.key("F8")
        time.sleep(2.5)
        for count in COUNT:  # by denomination, the ¥100 notes' field first
            desk.type(count, delay_ms=200)
            desk.key("Tab")
        desk.key("alt+n")
        desk.type(WORDS["note"][language], delay_ms=120)
        shot("close", 1.0)
        desk.key("ctrl+Return")
        shot("z", 4.0)
        desk.key("Escape")
        time.sleep(1.0)
        desk.key("ctrl+2", "alt+z")  # the Shifts tab
        time.sleep(2.5)
        if os.environ.get("MPS_SHOTS_DEBUG"):
            desk.shot(Path(os.environ["MPS_SHOTS_DEBUG"]) / f"shifts0-{tag}.png")
        desk.key("Tab", "Tab", "Down")
        shot("shifts", 2.5)
        desk.key("ctrl+1")
        time.sleep(0.5)
        desk.key("alt+F4")
        code = pos.wait(30)
        if code != 0:
            raise SystemExit(f"screenshots: mps-pos exited with {code}")
    finally:
        if pos.poll() is None:
            pos.terminate()
            pos.wait(10)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tools.screenshots", description=__doc__.split("\n\n")[0])
    p.add_argument("--display", default=":71", help="the X display number for the private Xvfb (default :71)")
    p.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    p.add_argument("--languages", default="en,zh_CN,zh_TW")
    args = p.parse_args(argv)
    need_tools()
    args.out.mkdir(parents=True, exist_ok=True)
    desk = Desktop(args.display)
    try:
        desk.start()
        for language in args.languages.split(","):
            # A fresh demo shop each time: the same balances (Carol's split), the same Z number.
            print(f"screenshots: {language}", flush=True)
            stack = Stack()
            try:
                stack.up()
                session(desk, stack, language, args.out)
            finally:
                stack.down()
    finally:
        desk.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
