"""The composition root and the counter's flow: settings (when not configured), sign-in (or the
kept session, silently), then the main window; sign out goes back to sign-in.

Operators at one terminal: after a password sign-in the operator is asked for a PIN. Then the
window locks (Ctrl+L, the Lock button, or idle for `lock_after_seconds`) under a lock panel
listing the operators known here; a PIN unlocks it for the same operator exactly as it was, or
switches to another operator, under that operator's own kept session, in a new window (the
previous operator's typed but unsent amount is dropped: nothing of it was sent). At start, a
terminal where operators have PINs shows the lock panel instead of resuming anyone silently.

`Shell` is what `mps-pos` runs and what the tests build, with a session store in memory and,
when they like, a transport of their own: the same window either way.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, replace

import httpx
from PySide6.QtCore import QObject, Qt, QThreadPool, QTimer, Signal

from pos_app.core import services as core_services
from pos_app.core import settings as core_settings
from pos_app.core.api.errors import NotSignedIn
from pos_app.core.api.retry import RetryPolicy
from pos_app.core.messages import message_for
from pos_app.core.session import signin
from pos_app.core.session.pins import PinBook, PinCheck
from pos_app.core.session.store import SessionStore
from pos_app.core.settings import Paths, Settings

from . import shell_text  # noqa: F401 - registers the labels
from .common.worker import run_in_background
from .connection_watch import ConnectionWatch
from .i18n import Language
from .idle_watch import IdleWatch
from .lock_screen import LockPanel
from .main_window import MainWindow
from .pin_dialog import SetPinDialog
from .recovery import Recovery, on_each
from .settings_dialog import SettingsDialog
from .sign_in_dialog import SignInDialog


@dataclass
class Wiring:
    """What differs between a real counter and a test: where the session is kept, how HTTP
    goes out, how long to wait between connection checks."""

    store: SessionStore
    transport: httpx.BaseTransport | None = None
    retry: RetryPolicy | None = None
    poll_ms: int = 2000
    online_interval: float = 30.0
    offline_interval: float = 5.0
    printers: Callable[[], list[str]] = list
    # Ask each operator for a PIN after a password sign-in, and show the lock panel at start
    # when operators have one. A window test that is not about operators may leave it out.
    ask_for_pin: bool = True

_WAIT_MS = 100  # how often a switch looks again whether the sale in flight has its answer


class Shell(QObject):
    """Runs the counter. Signals say where the flow is, for the app and the tests."""

    entered = Signal(object)  # the MainWindow, once an operator is in
    signed_out = Signal()
    pin_asked = Signal(object)  # the SetPinDialog, after a password sign-in
    locked = Signal(object)  # the LockPanel, shown over the window or alone at start
    unlocked = Signal()  # the same operator is back at their window
    # The person closed the window or the sign-in screen, or cancelled the first settings:
    # the app should quit (it does not quit on "last window closed", since the flow swaps windows).
    finished = Signal()

    def __init__(self, settings: Settings, paths: Paths, wiring: Wiring, *, email: str = "",
                 language: Language | None = None):
        super().__init__()
        self.settings = settings
        self.paths = paths
        self.wiring = wiring
        self.language = language or Language(settings.language)
        self.services: core_services.Services | None = None
        self.watch: ConnectionWatch | None = None
        self.sign_in_dialog: SignInDialog | None = None
        self.settings_dialog: SettingsDialog | None = None
        self.window: MainWindow | None = None
        self.recovery: Recovery | None = None
        self.operator: signin.Operator | None = None
        self.pins = PinBook(paths.operators_dir)
        self.lock_panel: LockPanel | None = None
        self.pin_dialog: SetPinDialog | None = None
        self.idle: IdleWatch | None = None
        self.customer_display = None  # a CustomerDisplayLink while a window is open
        self._shop_language = settings.language  # the member's, unless set: not the F12 toggle's
        self._email = email
        self._keyring_told = False
        self._from_lock = False  # the sign-in dialog was opened from the lock panel

    # -- start -----------------------------------------------------------------------------

    def start(self) -> None:
        if self.settings.is_configured:
            self._connect()
        else:
            self.open_settings(first_run=True)

    def open_settings(self, first_run: bool = False) -> None:
        dialog = self.settings_dialog = SettingsDialog(self.language, self.settings, self.wiring.printers())
        dialog.accepted.connect(self._settings_saved)
        if first_run:
            dialog.rejected.connect(self.finished)
        dialog.show()

    def _settings_saved(self) -> None:
        values = self.settings_dialog.values
        try:
            core_settings.save(values, self.paths)
        except (OSError, core_settings.SettingsError) as e:
            self.settings_dialog.show_problem(self.language.t("settings.save_failed", problem=str(e)))
            self.settings_dialog.show()
            return
        self.settings = values
        self._shop_language = values.language
        self.language.set(values.language)
        self._close_services()  # a new URL, key or shop: a new client and journal binding
        self._connect()

    def _connect(self) -> None:
        if self.services is None:
            w = self.wiring
            self.services = core_services.build(self.settings, self.paths, w.store, transport=w.transport,
                                                retry=w.retry, online_interval=w.online_interval,
                                                offline_interval=w.offline_interval)
            self.watch = ConnectionWatch(self.services.monitor, w.poll_ms, self)
            self.watch.start()
        if self.wiring.ask_for_pin and self._pin_can_unlock():
            self.lock()  # who is at the counter says so with a PIN: nobody is resumed silently
            return
        kept = self.wiring.store.load()
        self._show_sign_in(self._email or (kept.email if kept else "") or "")
        if kept is not None:
            self.sign_in_dialog.set_busy("signin.resuming")
            client = self.services.client
            run_in_background(lambda: signin.resume(client), on_done=self._resumed, on_failed=self._sign_in_failed)

    # -- sign in ---------------------------------------------------------------------------

    def _show_sign_in(self, email: str, *, from_lock: bool = False) -> None:
        self._drop_sign_in()
        self._from_lock = from_lock
        dialog = self.sign_in_dialog = SignInDialog(self.language, merchant=self.settings.merchant_code,
                                                    terminal=self.settings.terminal_name, email=email)
        dialog.submitted.connect(self._sign_in)
        dialog.settings_requested.connect(self.open_settings)
        # Cancelled from the lock panel: back to it; cancelled alone: the app quits.
        self._sign_in_cancelled = self._back_to_lock if from_lock else self.finished.emit
        dialog.rejected.connect(self._sign_in_cancelled)
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()  # typing goes straight into it, no click first

    def _sign_in(self, email: str, password: str) -> None:
        self.sign_in_dialog.set_busy("signin.busy")
        client = self.services.client
        # The password lives in this closure until the call returns, and nowhere else. Signing
        # in adopts the new session: not while the window's sale is still being sent under the
        # operator before.
        self._when_quiet(lambda: run_in_background(lambda: signin.sign_in(client, email, password),
                                                   on_done=self._signed_in, on_failed=self._sign_in_failed))

    def _signed_in(self, operator: signin.Operator) -> None:
        if self.window is not None and self.operator is not None and operator.user_id == self.operator.user_id:
            self._drop_sign_in()
            self._unlock()  # the same operator, by password: their window as it was
            self._ask_for_pin(operator)
            return
        self._close_window()
        self._enter(operator)

    def _resumed(self, operator: signin.Operator | None) -> None:
        if operator is None:  # the kept session ended: sign in by hand
            self.sign_in_dialog.set_busy(None)
            return
        self._enter(operator)

    def _sign_in_failed(self, error: BaseException) -> None:
        if self.window is not None and self.operator is not None:
            # A refused sign-in may have ended the session it was adopting: every call goes on
            # under the locked window's operator.
            with contextlib.suppress(NotSignedIn):  # held this run: no round trip
                self.services.client.switch_to(self.operator.user_id, refresh=False)
        if self.sign_in_dialog is not None:
            self.sign_in_dialog.show_problem(signin.problem_name(error))

    # -- the window ------------------------------------------------------------------------

    def _enter(self, operator: signin.Operator) -> None:
        # Imported here, not at the top: the views (and the camera's OpenCV, numpy, the decoders)
        # are most of the app's import time, which the sign-in window need not wait for;
        # app.main warms this import up in the background while the cashier types.
        from .compose import cashier_view, counter_page, customer_display_for, manager_view

        self.operator = operator
        svc = self.services
        self._drop_sign_in()
        sale_view = cashier_view(svc, operator, self.language)
        page = counter_page(svc, operator, self.language, sale_view)
        window = self.window = MainWindow(self.language, operator, self.settings.terminal_name,
                                          cashier=sale_view, cashier_page=page,
                                          manager=manager_view(svc, operator, self.language))
        window.status.set_status(svc.monitor.status)
        if not svc.store.persistent and not self._keyring_told:
            # Said once a run: the next cashier signing in on this counter has been told already.
            window.status.set_keyring_reason(svc.store.reason)
            self._keyring_told = True
        self.watch.status.connect(window.status.set_status)
        window.language_toggled.connect(self.toggle_language)
        window.sign_out_requested.connect(self.sign_out)
        window.lock_requested.connect(self.lock)
        window.closing.connect(self.finished)
        self._drop_lock_panel()
        if self.settings.lock_after_seconds > 0:
            self.idle = IdleWatch(self.settings.lock_after_seconds, busy=self._sale_in_flight, parent=window)
            self.idle.idle.connect(self.lock)

        recovery = self.recovery = Recovery(svc.sale_for(operator), window)
        recovery.settled.connect(on_each(window.add_notice, operator.currency))
        recovery.settled.connect(self._tell_cashier_view)
        recovery.failed.connect(lambda name: window.add_notice(
            "main.recover_failed", words=lambda code: str(message_for(name, code))))
        self.watch.came_back.connect(recovery.run)  # settle what the outage left open
        self.watch.came_back.connect(page.look_if_unknown)  # the shift could not be looked up
        window.show_fitted()
        self.customer_display = customer_display_for(window, operator, self.language, self.settings,
                                                     self._shop_language, svc.shift)
        window.raise_()
        window.activateWindow()  # the sign-in dialog had the keyboard: hand it to the counter
        recovery.run()
        page.look()  # where this counter's shift stands: until then it does not sell
        if self.idle is not None:
            self.idle.start()
        self.entered.emit(window)
        self._ask_for_pin(operator)

    def _tell_cashier_view(self, outcomes: list) -> None:
        # The cashier view lists receipts; it takes the recovered sales when it offers a slot.
        show = getattr(self.window.cashier, "show_recovered", None) if self.window else None
        if callable(show):
            show(outcomes)

    def toggle_language(self) -> None:
        code = self.language.next_code()
        self.language.set(code)
        self.settings = replace(self.settings, language=code)
        # Unsaved, the switch still holds for this run; the next start uses the saved language.
        with contextlib.suppress(OSError):
            core_settings.save(self.settings, self.paths)

    def sign_out(self) -> None:
        """End the session (scope local) and forget it here, with the operator's PIN (they
        leave this terminal: the password is needed next time; switching cashier is Lock);
        back to the lock panel when others are known here, else to the sign-in screen."""
        client = self.services.client
        email = self.operator.email if self.operator else ""
        if self.operator is not None:
            self.pins.forget(self.operator.user_id)
        self._close_window()
        if self.wiring.ask_for_pin and self._pin_can_unlock():
            self.lock()
        else:
            self._show_sign_in(email)
        # The server call may wait on a slow line; the window is gone already.
        run_in_background(client.sign_out, on_done=lambda _: self.signed_out.emit(),
                          on_failed=lambda _: self.signed_out.emit())

    def _close_window(self) -> None:
        if self.idle is not None:
            self.idle.stop()
            self.idle = None
        if self.pin_dialog is not None:
            self.pin_dialog.hide()
            self.pin_dialog.deleteLater()
            self.pin_dialog = None
        if self.customer_display is not None:
            self.customer_display.close()
            self.customer_display = None
        if self.window is not None:
            if self.recovery is not None:
                self.watch.came_back.disconnect(self.recovery.run)
                self.recovery = None
            page = self.window.cashier_page
            if hasattr(page, "look_if_unknown"):
                self.watch.came_back.disconnect(page.look_if_unknown)
                page.controller.detach()
            self.watch.status.disconnect(self.window.status.set_status)
            self.window.closing.disconnect(self.finished)
            self.lock_panel = None  # the window's overlay goes with it
            self.window.close()
            self.window.deleteLater()
            self.window = None
        self.operator = None

    def _drop_sign_in(self) -> None:
        if self.sign_in_dialog is not None:
            self.sign_in_dialog.rejected.disconnect(self._sign_in_cancelled)
            self.sign_in_dialog.hide()
            self.sign_in_dialog.deleteLater()
            self.sign_in_dialog = None

    def _close_services(self) -> None:
        self._close_window()
        if self.watch is not None:
            self.watch.stop()
            self.watch.deleteLater()
            self.watch = None
        if self.services is not None:
            # A sign-out, probe or settlement still running uses the journal or the client.
            QThreadPool.globalInstance().waitForDone(20_000)
            self.services.close()
            self.services = None

    def shut_down(self) -> None:
        """Stop polling and close the journal and the HTTP client (the app is quitting)."""
        self._close_services()
        self._drop_sign_in()
        self._drop_lock_panel()
        if self.settings_dialog is not None:
            self.settings_dialog.hide()


    # -- the PIN, the lock, switching cashier ----------------------------------------------

    def _ask_for_pin(self, operator: signin.Operator) -> None:
        """After a password sign-in: list the operator here and, when they have no PIN on this
        terminal yet, ask for one."""
        if not self.wiring.ask_for_pin or self.window is None:
            return
        self.pins.remember(operator.user_id, operator.email)
        if self.pins.has_pin(operator.user_id):
            return
        dialog = self.pin_dialog = SetPinDialog(self.language, operator.email, self.window)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.chosen.connect(lambda pin, uid=operator.user_id, email=operator.email:
                              self.pins.set_pin(uid, email, pin))
        dialog.finished.connect(self._pin_dialog_closed)
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        self.pin_asked.emit(dialog)

    def _pin_dialog_closed(self, _result: int) -> None:
        dialog, self.pin_dialog = self.pin_dialog, None
        if dialog is not None:
            dialog.deleteLater()
        if self.window is not None and not self.window.locked:
            self.window.activateWindow()  # the cashier view hands the keyboard to the amount

    def lock(self) -> None:
        """Lock the window (or, with none, show who may unlock the counter): Ctrl+L, the Lock
        button, the idle time, the start of a terminal whose operators have PINs."""
        if self.lock_panel is not None or self.services is None:
            return
        if self.pin_dialog is not None:
            return  # setting a PIN is being at the counter
        current = self.operator.user_id if self.operator else None
        panel = self.lock_panel = LockPanel(self.language, self.pins.known(), current,
                                            standalone=self.window is None)
        panel.unlock.connect(self._check_pin)
        panel.password_requested.connect(lambda email: self._show_sign_in(email, from_lock=True))
        if self.idle is not None:
            self.idle.stop()
        if self.customer_display is not None:
            self.customer_display.blank()  # the member facing a locked counter sees no sale
        if self.window is not None:
            self.window.lock(panel)
        else:
            panel.closed.connect(self.finished)
            panel.show()
            panel.raise_()
            panel.activateWindow()
            panel.focus_pin()
        self.locked.emit(panel)

    def _check_pin(self, user_id: str, pin: str) -> None:
        panel = self.lock_panel
        panel.set_busy("lock.checking")
        pins = self.pins
        # scrypt takes a moment on purpose: not on the GUI thread. The PIN lives in this closure.
        run_in_background(lambda: pins.check(user_id, pin),
                          on_done=lambda result: self._pin_checked(panel, user_id, result),
                          on_failed=lambda _e: self._pin_checked(panel, user_id, PinCheck.WRONG))

    def _pin_checked(self, panel: LockPanel, user_id: str, result: PinCheck) -> None:
        if panel is not self.lock_panel:
            return  # the panel went meanwhile (signed in by password)
        if result is not PinCheck.OK:
            if result is PinCheck.LOCKED:
                panel.set_operators(self.pins.known(), user_id)
            panel.show_problem(result.value)
            return
        if self.window is not None and self.operator is not None and user_id == self.operator.user_id:
            self._unlock()
            return
        name = next((op.label for op in self.pins.known() if op.user_id == user_id), "")
        client = self.services.client

        def switch() -> None:
            panel.set_busy("lock.switching", name=name)
            run_in_background(lambda: signin.switch(client, user_id), on_done=self._switched,
                              on_failed=lambda e: self._switch_failed(panel, user_id, e))

        self._when_quiet(switch)

    def _switched(self, operator: signin.Operator) -> None:
        self._close_window()
        self._enter(operator)

    def _switch_failed(self, panel: LockPanel, user_id: str, error: BaseException) -> None:
        name = signin.problem_name(error)
        if name == "switch_needs_password" and panel is self.lock_panel:
            panel.set_operators(self.pins.known(), user_id)
        if panel is self.lock_panel:
            panel.show_problem(name)

    def _unlock(self) -> None:
        if self.window is not None and self.lock_panel is not None:
            self.window.unlock()
            self.lock_panel = None
            self.window.activateWindow()
            if self.idle is not None:
                self.idle.start()
            self.unlocked.emit()

    def _back_to_lock(self) -> None:
        self._drop_sign_in()
        if self.lock_panel is not None:
            self.lock_panel.set_busy(None)
            (self.window or self.lock_panel).activateWindow()
            self.lock_panel.focus_pin()

    def _drop_lock_panel(self) -> None:
        """The standalone panel (at start), once a window is in; the window's overlay goes
        with its window."""
        panel = self.lock_panel
        if panel is not None and panel.isWindow():
            panel.closed.disconnect(self.finished)
            panel.hide()
            panel.deleteLater()
        self.lock_panel = None

    def _pin_can_unlock(self) -> bool:
        """Whether an operator with a PIN here also has a kept session a PIN could resume (not
        so after a restart without a keyring: then the password is asked, as at first)."""
        with_pin = {op.user_id for op in self.pins.known() if op.has_pin}
        return any(s.user_id in with_pin for s in self.wiring.store.known())

    def _sale_in_flight(self) -> bool:
        """Whether the window's sale is being sent, or any call is on its way (a refund, a
        cash movement): not idle, and no switch of session until it is answered."""
        controller = getattr(self.window.cashier, "controller", None) if self.window else None
        checkout = getattr(controller, "checkout", None)
        calls = self.services.client.calls_in_flight if self.services is not None else 0
        return bool(getattr(checkout, "busy", False)) or calls > 0

    def _when_quiet(self, fn: Callable[[], None]) -> None:
        """Run `fn` once no sale is in flight: a switch of session while a charge is being
        sent would send its retries under the next operator. The sale finishes and shows."""
        if self.services is None:
            return  # the counter is closing
        if not self._sale_in_flight():
            fn()
            return
        if self.lock_panel is not None:
            self.lock_panel.set_busy("lock.waiting")
        QTimer.singleShot(_WAIT_MS, self, lambda: self._when_quiet(fn))
