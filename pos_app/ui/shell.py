"""The composition root and the counter's flow: settings (when not configured), sign-in (or the
kept session, silently), then the main window; sign out goes back to sign-in.

`Shell` is what `mps-pos` runs and what the tests build, with a session store in memory and,
when they like, a transport of their own: the same window either way.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, replace

import httpx
from PySide6.QtCore import QObject, QThreadPool, Signal

from pos_app.core import services as core_services
from pos_app.core import settings as core_settings
from pos_app.core.api.retry import RetryPolicy
from pos_app.core.messages import message_for
from pos_app.core.session import signin
from pos_app.core.session.store import SessionStore
from pos_app.core.settings import Paths, Settings

from . import shell_text  # noqa: F401 - registers the labels
from .common.worker import run_in_background
from .connection_watch import ConnectionWatch
from .i18n import Language
from .main_window import MainWindow
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


class Shell(QObject):
    """Runs the counter. Signals say where the flow is, for the app and the tests."""

    entered = Signal(object)  # the MainWindow, once an operator is in
    signed_out = Signal()
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
        self.customer_display = None  # a CustomerDisplayLink while a window is open
        self._shop_language = settings.language  # the member's, unless set: not the F12 toggle's
        self._email = email
        self._keyring_told = False

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
        kept = self.wiring.store.load()
        self._show_sign_in(self._email or (kept.email if kept else "") or "")
        if kept is not None:
            self.sign_in_dialog.set_busy("signin.resuming")
            client = self.services.client
            run_in_background(lambda: signin.resume(client), on_done=self._resumed, on_failed=self._sign_in_failed)

    # -- sign in ---------------------------------------------------------------------------

    def _show_sign_in(self, email: str) -> None:
        self._drop_sign_in()
        dialog = self.sign_in_dialog = SignInDialog(self.language, merchant=self.settings.merchant_code,
                                                    terminal=self.settings.terminal_name, email=email)
        dialog.submitted.connect(self._sign_in)
        dialog.settings_requested.connect(self.open_settings)
        dialog.rejected.connect(self.finished)
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()  # typing goes straight into it, no click first

    def _sign_in(self, email: str, password: str) -> None:
        self.sign_in_dialog.set_busy("signin.busy")
        client = self.services.client
        # The password lives in this closure until the call returns, and nowhere else.
        run_in_background(lambda: signin.sign_in(client, email, password),
                          on_done=self._enter, on_failed=self._sign_in_failed)

    def _resumed(self, operator: signin.Operator | None) -> None:
        if operator is None:  # the kept session ended: sign in by hand
            self.sign_in_dialog.set_busy(None)
            return
        self._enter(operator)

    def _sign_in_failed(self, error: BaseException) -> None:
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
        window.closing.connect(self.finished)

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
        self.entered.emit(window)

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
        """End the session (scope local) and forget it here; back to the sign-in screen."""
        client = self.services.client
        email = self.operator.email if self.operator else ""
        self._show_sign_in(email)
        self._close_window()
        # The server call may wait on a slow line; the window is gone already.
        run_in_background(client.sign_out, on_done=lambda _: self.signed_out.emit(),
                          on_failed=lambda _: self.signed_out.emit())

    def _close_window(self) -> None:
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
            self.window.close()
            self.window.deleteLater()
            self.window = None
        self.operator = None

    def _drop_sign_in(self) -> None:
        if self.sign_in_dialog is not None:
            self.sign_in_dialog.rejected.disconnect(self.finished)
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
        if self.settings_dialog is not None:
            self.settings_dialog.hide()

