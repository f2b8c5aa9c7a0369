"""Run the real `mps-pos` (the installed entry point) as its own process against the stand-in,
driven from inside by tests/ui/drive_pos/sitecustomize.py: sign in, sell, refund (a manager),
close the window. For the close-after-a-session tests, here and in tests/reliability."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from pos_app.core import settings as core_settings
from tests.pos.api_shop import Operator, Shop

DRIVER = Path(__file__).parent / "drive_pos"
MPS_POS = Path(sys.executable).with_name("mps-pos")
_REFS = re.compile(r"drive: (signed in|closing); references to True: (\d+)")


@dataclass
class Run:
    code: int  # the process's exit status
    log: str  # its stderr: the driver's steps, and any fatal error
    refs: dict[str, int]  # references to True when signed in / when closing

    @property
    def steps(self) -> list[str]:
        return [line for line in self.log.splitlines() if line.startswith("drive: ")]


def configure(shop: Shop, base: Path) -> dict[str, str]:
    """Settings for `shop` in folders under `base`; the environment pointing `mps-pos` there."""
    paths = core_settings.Paths(config_dir=base / "config", data_dir=base / "data", log_dir=base / "data" / "logs")
    core_settings.save(core_settings.Settings(supabase_url=shop.gateway.url, api_key=shop.gateway.anon_key,
                                              merchant_code=shop.code, terminal_name="Process till"), paths)
    return {core_settings.CONFIG_DIR_ENV: str(paths.config_dir), core_settings.DATA_DIR_ENV: str(paths.data_dir)}


def run_pos(shop: Shop, operator: Operator, folders: dict[str, str], *, refund: str = "", sales: int = 1,
            amount: str = "1.00", timeout: float = 300) -> Run:
    """One session: start `mps-pos`, sign in as `operator`, charge `amount` `sales` times (one
    sale: a fresh single-use code; more: a multi-use one), refund `refund` of the last
    (managers), close the window; how the process ended."""
    code = shop.qr(single_use=sales == 1)
    env = {**os.environ, **folders, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(DRIVER),
           "MPS_DRIVE_EMAIL": operator.email, "MPS_DRIVE_PASSWORD": operator.password,
           "MPS_DRIVE_CODE": code, "MPS_DRIVE_AMOUNT": amount, "MPS_DRIVE_SALES": str(sales),
           "MPS_DRIVE_REFUND": refund}
    done = subprocess.run([str(MPS_POS)], env=env, capture_output=True, text=True, timeout=timeout)
    refs = {m.group(1): int(m.group(2)) for m in _REFS.finditer(done.stderr)}
    return Run(done.returncode, done.stderr, refs)


def check(run: Run, *, refunded: bool, sales: int = 1) -> None:
    """The session went all the way and the process ended cleanly."""
    sold = "sold" if sales == 1 else f"sold {sales}"
    want = ["signing in", "signed in", sold] + (["refunded: done"] if refunded else []) + ["closing"]
    got = [step.split(";")[0].removeprefix("drive: ") for step in run.steps]
    assert got == want, f"the session stopped early: {got}\n{run.log[-2000:]}"
    assert run.code == 0, f"mps-pos exited with {run.code} after closing:\n{run.log[-2000:]}"
    # Losing references to True is what ended in bool_dealloc; a session must not lose any.
    lost = run.refs["signed in"] - run.refs["closing"]
    assert lost < 30, f"the session lost {lost} references to True (the binding's refcount bug)"
