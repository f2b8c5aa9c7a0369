"""The operators known at this terminal and their PINs, for switching cashier without the
password. A PIN is kept only as a slow hash (scrypt, a random salt per operator, its cost
stored with it) in `operators.json` in the app's data dir; it is compared in constant time and
never logged, journaled or put in an error. Five wrong PINs in a row for an operator lock
their PIN: they sign in with the password again and set a new one.

The PIN only unlocks this terminal: every call is still made under the operator's own session
(`MpsClient.switch_to`), which the server may end at any time (then the password is needed).
"""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import json
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

FILE = "operators.json"
MIN_DIGITS, MAX_DIGITS = 4, 8
MAX_WRONG = 5  # wrong PINs in a row before the password is needed
# scrypt's cost: about 50 ms and 16 MiB on a till, per try. Stored with each hash, so a later
# release may raise it without making the kept PINs unreadable.
COST = {"n": 2**14, "r": 8, "p": 1}
_MAX_MEM = 64 * 1024 * 1024
# Compared against when the operator has no PIN here: a wrong try costs the same either way.
_DUMMY = {"salt": base64.b64encode(bytes(16)).decode(), "hash": base64.b64encode(bytes(32)).decode(), **COST}


class PinCheck(enum.Enum):
    OK = "ok"
    WRONG = "pin_wrong"
    LOCKED = "pin_locked"  # too many wrong PINs (this try may have been the fifth): password needed


def pin_problem(pin: str) -> str | None:
    """Why `pin` cannot be a PIN (a `messages` name), or None."""
    if pin and (not pin.isascii() or not pin.isdigit()):
        return "pin_digits"
    if not MIN_DIGITS <= len(pin) <= MAX_DIGITS:
        return "pin_length"
    return None


def masked(email: str) -> str:
    """An email as the operator list shows it to whoever stands at the counter: the first two
    letters of the name and the domain (ca•••@shop.test)."""
    name, at, domain = email.partition("@")
    return f"{name[:2]}•••{at}{domain}" if at else f"{email[:2]}•••"


@dataclass(frozen=True)
class KnownOperator:
    """An operator who signed in on this terminal; `has_pin` False before they set one ("Not
    now") and once locked out (`locked_out`: five wrong PINs in a row)."""

    user_id: str
    email: str
    has_pin: bool
    locked_out: bool = False

    @property
    def label(self) -> str:
        return masked(self.email)


def _hash(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode("ascii"), salt=salt, n=n, r=r, p=p, maxmem=_MAX_MEM, dklen=32)


class PinBook:
    """`operators.json` in `data_dir`: per user id the email, the PIN's hash, salt and cost,
    and the wrong tries in a row. Written atomically, readable by this user only."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / FILE
        self._lock = threading.Lock()  # the GUI thread and a background check may both write

    def known(self) -> list[KnownOperator]:
        """The operators who signed in here, in the order they first did."""
        with self._lock:
            entries = self._read()
        return [KnownOperator(uid, str(e.get("email") or ""), "hash" in e, bool(e.get("locked_out")))
                for uid, e in entries.items()]

    def has_pin(self, user_id: str) -> bool:
        with self._lock:
            return "hash" in self._read().get(user_id, {})

    def set_pin(self, user_id: str, email: str, pin: str) -> None:
        """Keep `pin`'s hash for the operator (ValueError naming the problem when it is no PIN)."""
        problem = pin_problem(pin)
        if problem:
            raise ValueError(problem)
        salt = secrets.token_bytes(16)
        digest = _hash(pin, salt, **COST)
        with self._lock:
            entries = self._read()
            entries[user_id] = {"email": email, "kdf": "scrypt", **COST, "wrong": 0,
                                "salt": base64.b64encode(salt).decode(), "hash": base64.b64encode(digest).decode()}
            self._write(entries)

    def remember(self, user_id: str, email: str) -> None:
        """List the operator here (signed in with the password, no PIN set yet)."""
        with self._lock:
            entries = self._read()
            entry = entries.setdefault(user_id, {})
            entry["email"] = email
            self._write(entries)

    def check(self, user_id: str, pin: str) -> PinCheck:
        """Whether `pin` is the operator's. A wrong PIN counts; the fifth in a row drops the
        hash (LOCKED). An operator with no PIN here gets WRONG after the same work."""
        with self._lock:
            entries = self._read()
            entry = entries.get(user_id)
            if entry is not None and "hash" not in entry:
                return PinCheck.LOCKED
            stored = entry if entry is not None else _DUMMY
            try:
                salt, digest = base64.b64decode(stored["salt"]), base64.b64decode(stored["hash"])
                tried = _hash(pin, salt, int(stored["n"]), int(stored["r"]), int(stored["p"])) if pin.isascii() else b""
            except (KeyError, ValueError, TypeError):
                tried, digest = b"", b"-"  # a damaged entry never matches
            if entry is not None and hmac.compare_digest(tried, digest):
                if entry.get("wrong"):
                    entry["wrong"] = 0
                    self._write(entries)
                return PinCheck.OK
            if entry is None:
                return PinCheck.WRONG
            entry["wrong"] = int(entry.get("wrong", 0)) + 1
            if entry["wrong"] >= MAX_WRONG:
                for key in ("hash", "salt", "kdf", "n", "r", "p", "wrong"):
                    entry.pop(key, None)
                entry["locked_out"] = True
                self._write(entries)
                return PinCheck.LOCKED
            self._write(entries)
            return PinCheck.WRONG

    def forget(self, user_id: str) -> None:
        """Remove the operator from this terminal (signed out, or no longer allowed here)."""
        with self._lock:
            entries = self._read()
            if entries.pop(user_id, None) is not None:
                self._write(entries)

    def _read(self) -> dict[str, dict]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            return {}  # damaged: every operator signs in with the password again
        operators = data.get("operators") if isinstance(data, dict) else None
        return {str(k): v for k, v in operators.items() if isinstance(v, dict)} if isinstance(operators, dict) else {}

    def _write(self, entries: dict[str, dict]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"version": 1, "operators": entries}, f, indent=1)
        os.replace(tmp, self.path)  # a crash mid-write leaves the old file, never half a file
