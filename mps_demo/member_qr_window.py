"""The member's payment QR as a window beside the demo's cashier (`mps-dev member-qr --window`,
and what `make demo` opens): the stand-in's rotation (`mps_dev.member_qr`) drawn by the POS's
`MemberQrWindow`. It lives here, where the stand-in and the POS meet, so neither imports the other."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from mps_dev import datadir, project
from mps_dev.member_qr import Api, QrHistory, resolve_card, rotate
from mps_dev.project import Project


def window(proj: Project, who: str, *, ttl: int) -> int:
    """Show the code in a window on screen, renewed before it expires and as soon as it is
    spent, until it is closed."""
    from PySide6.QtWidgets import QApplication

    from mps_dev.seed import TIMEZONE
    from pos_app.ui.member_qr_window import MemberQrWindow

    api = Api(proj)
    card = resolve_card(proj, api, who)
    history = QrHistory(proj.db_dsn())
    def next_code() -> tuple[str, datetime]:
        try:
            return rotate(api, card, ttl)
        except SystemExit as e:  # Api's way to stop the CLI; the window reports and tries again
            raise RuntimeError(str(e)) from None

    app = QApplication.instance() or QApplication([])
    # The demo member pays at the demo shop: its clock is the one the cashier's receipts use.
    # As large as the screen allows with the words and buttons below it (a 1280x800 screen has
    # room for about 480 px of code; 560 on a bigger one).
    room = app.primaryScreen().availableGeometry().height() - 320
    win = MemberQrWindow(next_code, f"Member {who} — payment code", still_live=history.still_live,
                         timezone_name=TIMEZONE, size=max(240, min(560, room)))
    win.show()
    win.renew()
    try:
        return app.exec()
    finally:
        history.close()



def main(argv: list[str] | None = None) -> int:
    """`python -m mps_demo.member_qr_window [--data-dir D] [--ttl S] WHO`."""
    p = argparse.ArgumentParser(prog="mps_demo.member_qr_window", description=__doc__.splitlines()[0])
    p.add_argument("--data-dir", type=Path, default=None)
    p.add_argument("--ttl", type=int, default=300)
    p.add_argument("who")
    args = p.parse_args(argv)
    proj = project.load((args.data_dir or datadir.default()).resolve())
    if proj is None:
        raise SystemExit("member-qr: nothing here yet; run `mps-dev up` first")
    return window(proj, args.who, ttl=args.ttl)


if __name__ == "__main__":
    sys.exit(main())
