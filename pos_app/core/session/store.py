"""Where the signed-in session survives a restart: the OS keyring, or memory with a visible
reason (after Vorta's `keyring/abc.py`). Only the refresh token is kept, never the password."""

from __future__ import annotations

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
    """Keeps at most one `StoredSession`. `persistent` says whether it survives a restart and
    `reason` says why not, in words the UI can show."""

    persistent: bool = False
    reason: str = ""

    @abstractmethod
    def load(self) -> StoredSession | None:
        """The kept session, or None."""

    @abstractmethod
    def save(self, session: StoredSession) -> None:
        """Keep `session`, replacing any other."""

    @abstractmethod
    def clear(self) -> None:
        """Forget the kept session (sign-out)."""


class MemorySessionStore(SessionStore):
    """Keeps the session for this run only."""

    def __init__(self, reason: str = "") -> None:
        self.persistent = False
        self.reason = reason
        self._session: StoredSession | None = None
        self._lock = threading.Lock()

    def load(self) -> StoredSession | None:
        with self._lock:
            return self._session

    def save(self, session: StoredSession) -> None:
        with self._lock:
            self._session = session

    def clear(self) -> None:
        with self._lock:
            self._session = None


class KeyringSessionStore(SessionStore):
    """Keeps the session in a keyring backend under (`mps-pos`, `account`).

    A keyring that refuses (locked, its daemon gone) does not stop the counter: the store falls
    back to memory for the rest of the run and says so in `persistent` and `reason`.
    """

    def __init__(self, backend: KeyringBackend, account: str = "session") -> None:
        self.persistent = True
        self.reason = ""
        self._backend = backend
        self._account = account
        self._memory = MemorySessionStore()

    def load(self) -> StoredSession | None:
        if not self.persistent:
            return self._memory.load()
        try:
            raw = self._backend.get_password(SERVICE, self._account)
        except KeyringError as e:
            self._degrade("read", e)
            return None
        return _decode(raw)

    def save(self, session: StoredSession) -> None:
        self._memory.save(session)
        if not self.persistent:
            return
        raw = json.dumps({"refresh_token": session.refresh_token, "user_id": session.user_id,
                          "email": session.email})
        try:
            self._backend.set_password(SERVICE, self._account, raw)
        except KeyringError as e:
            self._degrade("save", e)

    def clear(self) -> None:
        self._memory.clear()
        if not self.persistent:
            return
        try:
            self._backend.delete_password(SERVICE, self._account)
        except PasswordDeleteError:
            pass  # nothing was kept
        except KeyringError as e:
            self._degrade("clear", e)

    def _degrade(self, action: str, error: KeyringError) -> None:
        # The exception text may come from the OS; name its type only.
        self.persistent = False
        self.reason = (f"the keyring refused to {action} the session ({type(error).__name__}): "
                       "you will need to sign in again after a restart")


def _decode(raw: str | None) -> StoredSession | None:
    if not raw:
        return None
    try:
        data = json.loads(raw)
        return StoredSession(refresh_token=data["refresh_token"], user_id=data["user_id"],
                             email=data.get("email"))
    except (ValueError, KeyError, TypeError):
        return None  # written by something else: as good as nothing kept


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
