"""What the window's tests share: the one timeout, a transport that can pull the cable, the
settings for a shop on the stand-in, and signing in by typing."""

from __future__ import annotations

import httpx
from PySide6.QtCore import Qt

from pos_app.core.settings import Settings
from pos_app.ui.shell import Shell
from tests.pos.api_shop import Shop

# ms: the one timeout every qtbot wait in the window's tests uses (waitUntil, waitSignal,
# waitExposed...; tests/ui/test_one_wait_timeout.py checks). Long, since it only bounds how long a
# failing test hangs on a loaded machine: a passing wait returns as soon as its condition holds.
WAIT = 15_000


class SwitchableTransport(httpx.BaseTransport):
    """Forwards to the real server, or refuses every connection while `down` is set (a cable
    pulled out: nothing is sent)."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.down = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def shop_settings(shop: Shop, **changes) -> Settings:
    changes.setdefault("terminal_name", "Front till")
    return Settings(supabase_url=shop.gateway.url, api_key=shop.gateway.anon_key, merchant_code=shop.code,
                    **changes)


def type_sign_in(qtbot, shell: Shell, email: str, password: str) -> None:
    dialog = shell.sign_in_dialog
    qtbot.waitUntil(lambda: dialog.submit.isEnabled(), timeout=WAIT)
    dialog.email.setText(email)
    dialog.password.setText(password)
    qtbot.mouseClick(dialog.submit, Qt.LeftButton)


def sign_in(qtbot, shell: Shell, email: str, password: str):
    """Type into the sign-in dialog and press Sign in; the main window once it is in."""
    with qtbot.waitSignal(shell.entered, timeout=WAIT) as entered:
        type_sign_in(qtbot, shell, email, password)
    return entered.args[0]
