"""Where the session is kept: the keyring when one is usable, memory with a reason otherwise.
No test here touches the real OS keychain: every keyring is an in-memory or failing backend."""

from __future__ import annotations

import json

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail, null
from keyring.errors import KeyringLocked, PasswordDeleteError

from pos_app.core.session.store import (
    NO_BACKEND_REASON,
    SERVICE,
    KeyringSessionStore,
    MemorySessionStore,
    StoredSession,
    choose_store,
)


class MemoryKeyring(KeyringBackend):
    """A keyring in a dict (priority 1: keyring would recommend it)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.items.get((service, username))

    def set_password(self, service, username, password):
        self.items[(service, username)] = password

    def delete_password(self, service, username):
        if self.items.pop((service, username), None) is None:
            raise PasswordDeleteError("not there")


class LockedKeyring(MemoryKeyring):
    def set_password(self, service, username, password):
        raise KeyringLocked("the user said no to the unlock prompt")


@pytest.fixture(autouse=True)
def no_os_keychain():
    """Whatever a test forgets to inject, the process-wide keyring fails instead of reaching
    the OS keychain."""
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(before)


SESSION = StoredSession(refresh_token="rt-secret-123", user_id="user-1", email="cashier@shop.test")


def test_the_keyring_store_keeps_the_session_across_instances():
    ring = MemoryKeyring()
    KeyringSessionStore(ring).save(SESSION)
    restarted = KeyringSessionStore(ring)
    assert restarted.persistent and restarted.load() == SESSION


def test_the_keyring_holds_the_refresh_token_and_who_not_a_password():
    ring = MemoryKeyring()
    KeyringSessionStore(ring).save(SESSION)
    assert {service for service, _ in ring.items} == {SERVICE}
    assert json.loads(ring.items[(SERVICE, "session:user-1")]) == {
        "refresh_token": "rt-secret-123", "user_id": "user-1", "email": "cashier@shop.test"}
    assert json.loads(ring.items[(SERVICE, "session")]) == {"current": "user-1", "operators": ["user-1"]}


def test_clear_forgets_and_clearing_nothing_is_fine():
    ring = MemoryKeyring()
    store = KeyringSessionStore(ring)
    store.save(SESSION)
    store.clear()
    store.clear()
    assert store.load() is None and ring.items == {}


def test_the_refresh_token_is_not_in_a_repr():
    assert "rt-secret-123" not in repr(SESSION)


def test_a_keyring_that_refuses_falls_back_to_memory_and_says_why():
    store = KeyringSessionStore(LockedKeyring())
    store.save(SESSION)
    assert store.load() == SESSION
    assert not store.persistent and "KeyringLocked" in store.reason and "sign in again" in store.reason


def test_a_kept_value_that_is_not_ours_counts_as_nothing():
    ring = MemoryKeyring()
    ring.items[(SERVICE, "session")] = "hunter2"
    assert KeyringSessionStore(ring).load() is None


def test_choose_store_takes_a_usable_keyring():
    store = choose_store(MemoryKeyring())
    assert isinstance(store, KeyringSessionStore) and store.persistent and store.reason == ""


@pytest.mark.parametrize("backend", [fail.Keyring(), null.Keyring()])
def test_without_a_usable_keyring_the_session_lives_in_memory_and_the_ui_is_told(backend):
    store = choose_store(backend)
    assert isinstance(store, MemorySessionStore) and not store.persistent
    assert store.reason == NO_BACKEND_REASON
    store.save(SESSION)
    assert store.load() == SESSION


def test_choose_store_asks_the_process_keyring_by_default():
    assert isinstance(choose_store(), MemorySessionStore)  # the fixture set the failing backend
    keyring.set_keyring(MemoryKeyring())
    assert isinstance(choose_store(), KeyringSessionStore)


def test_separate_accounts_keep_separate_sessions():
    ring = MemoryKeyring()
    KeyringSessionStore(ring, "SHOP1").save(SESSION)
    assert KeyringSessionStore(ring, "SHOP2").load() is None


OTHER = StoredSession(refresh_token="rt-secret-456", user_id="user-2", email="manager@shop.test")


@pytest.mark.parametrize("make", [lambda ring: KeyringSessionStore(ring), lambda ring: MemorySessionStore()],
                         ids=["keyring", "memory"])
def test_one_session_per_operator_and_clearing_one_keeps_the_other(make):
    ring = MemoryKeyring()
    store = make(ring)
    store.save(SESSION)
    store.save(OTHER)
    assert store.load() == OTHER  # the last kept is current (resumed at start)
    assert store.load("user-1") == SESSION and store.load("user-2") == OTHER
    assert store.known() == [SESSION, OTHER]
    store.clear()  # the current one signs out
    assert store.load() is None and store.load("user-1") == SESSION and store.known() == [SESSION]
    store.save(StoredSession("rt-rotated", "user-1", "cashier@shop.test"))  # refreshed: rotated
    assert store.load("user-1").refresh_token == "rt-rotated" and len(store.known()) == 1
    store.clear("user-1")
    assert store.known() == [] and store.load() is None


def test_the_operators_sessions_survive_a_restart_and_clearing_all_leaves_nothing():
    ring = MemoryKeyring()
    first = KeyringSessionStore(ring)
    first.save(SESSION)
    first.save(OTHER)
    restarted = KeyringSessionStore(ring)
    assert restarted.load() == OTHER and restarted.known() == [SESSION, OTHER]
    restarted.clear("user-2")
    restarted.clear("user-1")
    assert ring.items == {}


def test_the_single_session_an_older_app_kept_is_read_and_kept_beside_a_new_one():
    ring = MemoryKeyring()
    ring.items[(SERVICE, "session")] = json.dumps(
        {"refresh_token": "rt-secret-123", "user_id": "user-1", "email": "cashier@shop.test"})
    store = KeyringSessionStore(ring)
    assert store.load() == SESSION and store.load("user-1") == SESSION and store.load("user-2") is None
    store.save(OTHER)
    assert store.known() == [SESSION, OTHER] and store.load() == OTHER


def test_a_keyring_that_refuses_keeps_every_operator_in_memory():
    store = KeyringSessionStore(LockedKeyring())
    store.save(SESSION)
    store.save(OTHER)
    assert not store.persistent and store.known() == [SESSION, OTHER] and store.load("user-1") == SESSION
