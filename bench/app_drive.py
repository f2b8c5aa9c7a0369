"""Runs the real `mps-pos` entry point (pos_app.app.main) offscreen in this process and reports
on stdout, one JSON object a line, when things are ready; bench/app_start.py starts it.

    python -m bench.app_drive --t0 <epoch seconds the parent started us> --email E --password P
                              [--qr CODE --sales N]   # then N sales through the cashier view
    python -m bench.app_drive --bare --t0 ...          # the anchor: a bare Qt dialog, shown

Lines: {"signin": s} when the sign-in window is shown and its first paint is done (seconds
since t0), {"cashier": s} when the cashier view is shown after sign-in (seconds since the
submit, which comes TYPING_SECONDS after the window was shown, as a person types),
{"sales": n, "rss_mb": x} every tenth of the sales, {"done": true}. The password comes on the
command line of a throw-away stand-in's throw-away user; it is never a real one.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

TYPING_SECONDS = 2.0
"""How long a cashier takes to type an email and a password (the app warms up meanwhile)."""


def _say(**kw) -> None:
    print(json.dumps(kw), flush=True)


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def bare(t0: float) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QVBoxLayout

    app = QApplication(sys.argv[:1])
    d = QDialog()
    QVBoxLayout(d).addWidget(QLineEdit())
    d.show()

    def ready():
        _say(signin=time.time() - t0)
        app.quit()

    QTimer.singleShot(0, ready)
    return app.exec()


def drive(t0: float, email: str, password: str, qr: str | None, sales: int) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    import pos_app.app as app_main
    from pos_app.ui import shell as shell_mod

    state = {"submitted": 0.0, "done": 0, "last_tx": None}

    # One repeating QTimer polls a small state machine. Not QTimer.singleShot(ms, callable):
    # PySide6 6.12 on Python 3.11 drops a reference to None on each such call, and a few
    # thousand calls kill the interpreter ("deallocating None").
    class DrivenShell(shell_mod.Shell):
        def start(self) -> None:
            super().start()
            self.entered.connect(self._entered)
            self._step = self._poll_sign_in
            self._tick = QTimer(self, interval=1)
            self._tick.timeout.connect(lambda: self._step())
            self._tick.start()

        def _poll_sign_in(self) -> None:
            d = self.sign_in_dialog
            if d is None or not d.isVisible():
                return
            _say(signin=time.time() - t0)
            typed_at = time.time() + TYPING_SECONDS

            def submit() -> None:
                if time.time() < typed_at:
                    return
                d.email.setText(email)
                d.password.setText(password)
                state["submitted"] = time.time()
                self._step = lambda: None
                d.submit.click()

            self._step = submit

        def _entered(self, window) -> None:
            self._window = window
            self._step = self._ready  # on the next tick: after the window's first events

        def _ready(self) -> None:
            _say(cashier=time.time() - state["submitted"], rss_mb=_rss_mb())
            if not qr or not sales:
                QApplication.quit()
                return
            self._view = self._window.cashier
            self._none_refs = sys.getrefcount(None)
            self._sale()

        def _sale(self) -> None:
            view = self._view
            view.controller.scan(qr)
            view.amount_field.setText("1.00")
            view.charge_button.click()
            self._step = self._wait_receipt

        def _wait_receipt(self) -> None:
            receipt = self._view.receipt_panel.receipt
            if receipt is None or receipt.tx_id == state["last_tx"]:
                return
            state["last_tx"] = receipt.tx_id
            state["done"] += 1
            if state["done"] % max(1, sales // 10) == 0:
                _say(sales=state["done"], rss_mb=_rss_mb(), none_refs=sys.getrefcount(None) - self._none_refs)
            if state["done"] >= sales:
                _say(done=True)
                QApplication.quit()
                return
            self._sale()

    app_main.Shell = DrivenShell
    return app_main.main([])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--t0", type=float, required=True)
    ap.add_argument("--bare", action="store_true")
    ap.add_argument("--email", default="")
    ap.add_argument("--password", default="")
    ap.add_argument("--qr")
    ap.add_argument("--sales", type=int, default=0)
    a = ap.parse_args()
    sys.exit(bare(a.t0) if a.bare else drive(a.t0, a.email, a.password, a.qr, a.sales))


if __name__ == "__main__":
    main()
