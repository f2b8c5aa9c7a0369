"""Fixtures for the window's tests: a shop on the local stand-in, and a shell built the way
`mps-pos` builds it but with the session in memory (never the OS keychain), a journal in a
temporary folder, fast connection checks and a retry policy that does not sleep."""

from __future__ import annotations

import gc

import pytest

from pos_app.core.session.store import MemorySessionStore
from pos_app.core.settings import Paths, Settings
from pos_app.ui.i18n import Language
from pos_app.ui.shell import Shell, Wiring
from tests.pos.api_shop import Shop, build_shop, no_sleep_policy

from .helpers import SwitchableTransport


@pytest.fixture(autouse=True)
def collect_on_the_gui_thread():
    """As the app does (pos_app/ui/gui_thread_gc.py): no automatic collection while a window
    test runs, since the stand-in's server thread would otherwise collect cycles holding Qt
    objects off the GUI thread and crash Qt; then collect here, on the GUI thread."""
    gc.disable()
    try:
        yield
    finally:
        gc.collect()
        gc.enable()


@pytest.fixture
def shop(gateway) -> Shop:
    return build_shop(gateway)


@pytest.fixture
def paths(tmp_path) -> Paths:
    return Paths(config_dir=tmp_path / "config", data_dir=tmp_path / "data", log_dir=tmp_path / "logs")


@pytest.fixture
def store() -> MemorySessionStore:
    return MemorySessionStore(reason="no keyring backend: you will need to sign in again after a restart")


@pytest.fixture
def transport():
    t = SwitchableTransport()
    yield t
    t.close()


@pytest.fixture
def make_shell(qtbot, paths, store, transport):
    """Build and start a shell for `settings`; every shell is shut down after the test. The
    operators' PINs are left out (`ask_for_pin=True` for the tests about them), so a test of
    the sale screen is not asked for a PIN after signing in."""
    shells: list[Shell] = []

    def make(settings: Settings, *, ask_for_pin: bool = False, **kwargs) -> Shell:
        wiring = Wiring(store=store, transport=transport, retry=no_sleep_policy(1)[0], poll_ms=50,
                        online_interval=0.2, offline_interval=0.0, ask_for_pin=ask_for_pin)
        shell = Shell(settings, paths, wiring, language=Language(settings.language), **kwargs)
        shells.append(shell)
        shell.start()
        return shell

    yield make
    for shell in shells:
        shell.shut_down()
