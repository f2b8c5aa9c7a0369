"""`mps-pos`: the counter app. Loads the settings and the session store, then hands over to the
shell (settings when not configured, sign-in, the window)."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from pos_app.core import settings as core_settings
from pos_app.core.session.store import choose_store

from . import window_check
from .ui.gui_thread_gc import GuiThreadGc
from .ui.shell import Shell, Wiring


def _printers() -> list[str]:
    from PySide6.QtPrintSupport import QPrinterInfo

    return QPrinterInfo.availablePrinterNames()


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mps-pos", description="MPS cashier: charge members' payment codes.",
                                epilog=f"Exit status: 0 when closed; {window_check.EXIT_NO_WINDOW} when no window can "
                                       "open here (no display, or libraries Qt needs are missing: the message "
                                       "says which and what to install).")
    p.add_argument("--email", default="", help="pre-fill the sign-in email (the password is never taken here)")
    p.add_argument("--self-check", action="store_true",
                   help="check this install without a display (settings, Qt, printing, QR decoding, journal), "
                        "print what it is configured for, and exit")
    return p


def _warm_up_views() -> None:
    """Import the cashier and manager views on a background thread while the sign-in window
    waits for the cashier's password: the window is shown first, and the sign-in does not wait
    for this import afterwards. Only modules load there; every widget is made on the UI thread."""
    import threading

    def load() -> None:
        # The sign-in imports it again and shows the error there.
        with contextlib.suppress(Exception):
            import pos_app.ui.compose  # noqa: F401

    threading.Thread(target=load, name="pos-warm-up", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.self_check:
        from . import self_check

        return self_check.run()
    problem = window_check.problem(os.environ)
    if problem is not None:  # Qt's own answer would be an abort with its plugin's internals
        print(problem, file=sys.stderr)
        return window_check.EXIT_NO_WINDOW
    app = QApplication(sys.argv[:1])
    app.setApplicationName(core_settings.APP_NAME)
    collector = GuiThreadGc(parent=app)  # cycles holding Qt objects die on this thread only
    paths = core_settings.Paths.default()
    try:
        settings = core_settings.load(paths)
    except core_settings.SettingsError as e:
        # A broken file must not lock the counter out: say which, and start from the defaults.
        QMessageBox.warning(None, "MPS cashier", f"{e}\nThe settings will be asked for again.")
        settings = core_settings.baseline()
    shell = Shell(settings, paths, Wiring(store=choose_store(), printers=_printers), email=args.email)
    app.setQuitOnLastWindowClosed(False)  # the flow swaps dialogs and windows; it says when it is done
    shell.finished.connect(app.quit)
    app.aboutToQuit.connect(shell.shut_down)
    shell.start()
    _warm_up_views()
    code = app.exec()
    collector.stop()
    return code


if __name__ == "__main__":
    sys.exit(main())
