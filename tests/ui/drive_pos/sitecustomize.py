"""Drives a real `mps-pos` process from inside, for the close-after-a-session test
(tests/ui/test_pos_process.py): put this folder on PYTHONPATH and Python imports it at start-up,
before `mps-pos`'s own code runs. It signs in with MPS_DRIVE_EMAIL / MPS_DRIVE_PASSWORD, charges
MPS_DRIVE_AMOUNT with the code MPS_DRIVE_CODE (MPS_DRIVE_SALES times, 1 by default: a long shift
needs a multi-use code), refunds MPS_DRIVE_REFUND of it when the operator
is a manager, then closes the window as a person would, and lets `mps-pos` exit by itself.
Does nothing unless MPS_DRIVE_EMAIL is set, so a stray PYTHONPATH cannot change a real run.
Progress goes to stderr, one line per step, so a test that fails can say where it stopped, with
how many references `True` has when signed in and when closing (a Qt binding that loses them
crashes on quit, issue 7 item 4)."""

import os
import sys

if os.environ.get("MPS_DRIVE_EMAIL"):
    from decimal import Decimal

    from PySide6.QtCore import QTimer

    from pos_app.ui import shell as _shell

    def _say(step: str) -> None:
        print(f"drive: {step}", file=sys.stderr, flush=True)

    def _when(ready, then, what: str, timeout_ms: int = 20_000) -> None:
        """Call `then()` once `ready()` holds, polling on the GUI thread; give up loudly."""
        left = [timeout_ms // 20]

        def poll() -> None:
            if ready():
                then()
            elif left[0] <= 0:
                _say(f"gave up waiting for {what}")
                os._exit(97)
            else:
                left[0] -= 1
                QTimer.singleShot(20, poll)

        QTimer.singleShot(0, poll)

    def _drive(shell) -> None:
        env = os.environ

        def sign_in() -> None:
            dialog = shell.sign_in_dialog
            dialog.email.setText(env["MPS_DRIVE_EMAIL"])
            dialog.password.setText(env["MPS_DRIVE_PASSWORD"])
            dialog.submit.click()
            _say("signing in")

        sales = int(env.get("MPS_DRIVE_SALES", "1"))
        receipts = []

        def entered(window) -> None:
            _say(f"signed in; references to True: {sys.getrefcount(True)}")
            sell(window, window.cashier)

        def sell(window, view) -> None:
            view.controller.scan(env["MPS_DRIVE_CODE"])
            view.amount_field.setText(env.get("MPS_DRIVE_AMOUNT", "1.00"))
            view.charge()
            _when(lambda: view.receipt_panel.receipt not in (None, *receipts), lambda: sold(window, view),
                  "the receipt")

        def sold(window, view) -> None:
            receipts.append(view.receipt_panel.receipt)
            if len(receipts) < sales:
                sell(window, view)
                return
            _say("sold" if sales == 1 else f"sold {sales}")
            refund = env.get("MPS_DRIVE_REFUND")
            if refund and window.manager is not None:
                panel = window.manager.refunds
                window.tabs.setCurrentWidget(window.manager)
                panel.controller.find(view.receipt_panel.receipt.tx_id)
                _when(lambda: panel.controller.payment is not None, lambda: refund_it(window, panel, refund),
                      "the payment to refund")
            else:
                close(window)

        def refund_it(window, panel, amount) -> None:
            done = []
            panel.controller.outcome.connect(done.append)
            panel.controller.refund(Decimal(amount), "driven")
            _when(lambda: bool(done), lambda: refunded(window, done[0]), "the refund")

        def refunded(window, outcome) -> None:
            _say(f"refunded: {outcome.state}")
            close(window)

        def close(window) -> None:
            _say(f"closing; references to True: {sys.getrefcount(True)}")
            window.close()

        shell.entered.connect(entered)
        _when(lambda: shell.sign_in_dialog is not None and shell.sign_in_dialog.submit.isEnabled(), sign_in,
              "the sign-in dialog")

    _start = _shell.Shell.start

    def _start_and_drive(self) -> None:
        _start(self)
        _drive(self)

    _shell.Shell.start = _start_and_drive
