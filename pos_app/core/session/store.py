"""Where the operators' sessions survive a restart: the OS keyring, or memory with a visible
reason (after Vorta's `keyring/abc.py`). One session per operator who signed in on this
terminal, keyed by user id, so switching cashier by PIN resumes that operator's own session.
Only refresh tokens are kept, never a password or a PIN."""

from __future__ import annotations

import contextlib
import json
import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

import keyring
import keyring.core
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError, PasswordDeleteError

SERVICE = "mps-pos"
NO_BACKEND_REASON = "no keyring backend: you will need to sign in again after a restart"


@dataclass(frozen=True)
class StoredSession:
    """What is kept between runs: enough to refresh, and who it was for the sign-in screen."""

    refresh_token: str = field(repr=False)
    user_id: str
    email: str | None


class SessionStore(ABC):
    """Keeps one `StoredSession` per operator and remembers whose was kept last (the
    "current" one, resumed at start). `persistent` says whether they survive a restart and
    `reason` says why not, in words the UI can show."""

    persistent: bool = False
    reason: str = ""

    @abstractmethod
    def load(self, user_id: str | None = None) -> StoredSession | None:
        """`user_id`'s kept session, or the current one when None; None when nothing is kept."""

    @abstractmethod
    def save(self, session: StoredSession) -> None:
        """Keep `session` for its operator (replacing their older one) and make it current."""

    @abstractmethod
    def clear(self, user_id: str | None = None) -> None:
        """Forget `user_id`'s kept session (the current one when None): a sign-out, a session
        the server ended. The other operators' sessions stay."""

    @abstractmethod
    def known(self) -> list[StoredSession]:
        """Every kept session, in the order they were first kept."""


class MemorySessionStore(SessionStore):
    """Keeps the sessions for this run only."""

    def __init__(self, reason: str = "") -> None:
        self.persistent = False
        self.reason = reason
        self._sessions: dict[str, StoredSession] = {}
        self._current: str | None = None
        self._lock = threading.Lock()

    def load(self, user_id: str | None = None) -> StoredSession | None:
        with self._lock:
            return self._sessions.get(user_id or self._current or "")

    def save(self, session: StoredSession) -> None:
        with self._lock:
            self._sessions[session.user_id] = session
            self._current = session.user_id

    def clear(self, user_id: str | None = None) -> None:
        with self._lock:
            user_id = user_id or self._current
            self._sessions.pop(user_id or "", None)
            if user_id == self._current:
                self._current = None

    def known(self) -> list[StoredSession]:
        with self._lock:
            return list(self._sessions.values())


class KeyringSessionStore(SessionStore):
    """Keeps each operator's session in a keyring backend under (`mps-pos`, `account:user_id`)
    and, under (`mps-pos`, `account`), the index: which operators are kept and who is current
    (a keyring cannot list its entries). An older app's single session under `account` is read
    as the current and only one.

    A keyring that refuses (locked, its daemon gone) does not stop the counter: the store falls
    back to memory for the rest of the run and says so in `persistent` and `reason`.
    """

    def __init__(self, backend: KeyringBackend, account: str = "session") -> None:
        self.persistent = True
        self.reason = ""
        self._backend = backend
        self._account = account
        self._memory = MemorySessionStore()
        self._lock = threading.RLock()

    def load(self, user_id: str | None = None) -> StoredSession | None:
        if not self.persistent:
            return self._memory.load(user_id)
        with self._lock:
            try:
                index, legacy = self._index()
                if legacy is not None:
                    return legacy if user_id in (None, legacy.user_id) else None
                user_id = user_id or index["current"]
                if not user_id or user_id not in index["operators"]:
                    return None
                return _decode(self._backend.get_password(SERVICE, self._entry(user_id)))
            except KeyringError as e:
                self._degrade("read", e)
                return None

    def known(self) -> list[StoredSession]:
        if not self.persistent:
            return self._memory.known()
        with self._lock:
            try:
                index, legacy = self._index()
                if legacy is not None:
                    return [legacy]
                kept = [_decode(self._backend.get_password(SERVICE, self._entry(u))) for u in index["operators"]]
            except KeyringError as e:
                self._degrade("read", e)
                return []
        return [s for s in kept if s is not None]

    def save(self, session: StoredSession) -> None:
        self._memory.save(session)
        if not self.persistent:
            return
        with self._lock:
            try:
                index, legacy = self._index()
                if legacy is not None and legacy.user_id != session.user_id:
                    self._backend.set_password(SERVICE, self._entry(legacy.user_id), _encode(legacy))
                    index = {"current": legacy.user_id, "operators": [legacy.user_id]}
                self._backend.set_password(SERVICE, self._entry(session.user_id), _encode(session))
                operators = [u for u in index["operators"] if u != session.user_id] + [session.user_id]
                self._write_index(session.user_id, operators)
            except KeyringError as e:
                self._degrade("save", e)

    def clear(self, user_id: str | None = None) -> None:
        self._memory.clear(user_id)
        if not self.persistent:
            return
        with self._lock:
            try:
                index, legacy = self._index()
                if legacy is not None:
                    if user_id in (None, legacy.user_id):
                        self._delete(self._account)
                    return
                user_id = user_id or index["current"]
                if not user_id:
                    return
                self._delete(self._entry(user_id))
                operators = [u for u in index["operators"] if u != user_id]
                current = None if index["current"] == user_id else index["current"]
                if operators:
                    self._write_index(current, operators)
                else:
                    self._delete(self._account)
            except KeyringError as e:
                self._degrade("clear", e)

    # -- the keyring's entries -------------------------------------------------------------

    def _entry(self, user_id: str) -> str:
        return f"{self._account}:{user_id}"

    def _index(self) -> tuple[dict, StoredSession | None]:
        """The index, or (an empty index, the single session an older app kept)."""
        raw = self._backend.get_password(SERVICE, self._account)
        empty = {"current": None, "operators": []}
        legacy = _decode(raw)
        if legacy is not None:
            return empty, legacy
        try:
            data = json.loads(raw) if raw else {}
            operators = [str(u) for u in data.get("operators", [])]
            current = data.get("current")
            return {"current": current if current in operators else None, "operators": operators}, None
        except (ValueError, TypeError, AttributeError):
            return empty, None  # written by something else: as good as nothing kept

    def _write_index(self, current: str | None, operators: list[str]) -> None:
        self._backend.set_password(SERVICE, self._account, json.dumps({"current": current, "operators": operators}))

    def _delete(self, account: str) -> None:
        with contextlib.suppress(PasswordDeleteError):  # nothing was kept
            self._backend.delete_password(SERVICE, account)

    def _degrade(self, action: str, error: KeyringError) -> None:
        # The exception text may come from the OS; name its type only.
        self.persistent = False
        self.reason = (f"the keyring refused to {action} the session ({type(error).__name__}): "
                       "you will need to sign in again after a restart")


def _encode(session: StoredSession) -> str:
    return json.dumps({"refresh_token": session.refresh_token, "user_id": session.user_id, "email": session.email})


def _decode(raw: str | None) -> StoredSession | None:
    if not raw:
        return None
    try:
        data = json.loads(raw)
        return StoredSession(refresh_token=data["refresh_token"], user_id=data["user_id"],
                             email=data.get("email"))
    except (ValueError, KeyError, TypeError):
        return None  # written by something else (or the index): not a session


def usable(backend: KeyringBackend) -> bool:
    """Whether `backend` is one keyring recommends (priority ≥ 1): not the fail or null ones."""
    try:
        return keyring.core.recommended(backend)
    except Exception:  # a backend whose priority cannot even be computed is not usable
        return False


def choose_store(backend: KeyringBackend | None = None, account: str = "session") -> SessionStore:
    """The OS keyring when a usable backend exists, else memory with the reason to show."""
    backend = backend if backend is not None else keyring.get_keyring()
    if usable(backend):
        return KeyringSessionStore(backend, account)
    return MemorySessionStore(reason=NO_BACKEND_REASON)
