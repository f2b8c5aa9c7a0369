"""What a merchant's installer may be built with. Everything is checked before anything is
written: an installer is copied to a shop PC, so a wrong value is costly to take back, and a
service_role key in it would give anyone at the counter every right on the whole project."""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import re
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

# The backend's own rule for merchant codes (server_sql: merchants.code).
MERCHANT_CODE = re.compile(r"[A-Za-z0-9_-]{2,32}")
TERMINAL_MAX = 64


class InputError(ValueError):
    """An input the installer must not be built with; the message says what to do instead."""


@dataclass(frozen=True)
class MerchantInputs:
    """The checked values that go into `merchant_defaults.json`."""

    supabase_url: str
    api_key: str
    merchant_code: str
    terminal_name: str = "POS-1"

    def defaults(self) -> dict[str, str]:
        """The merchant defaults file's content (field names of pos_app.core.settings.Settings)."""
        return {"supabase_url": self.supabase_url, "api_key": self.api_key,
                "merchant_code": self.merchant_code, "terminal_name": self.terminal_name}


def check(url: str, key: str, merchant: str, terminal: str = "POS-1", *, now: float | None = None) -> MerchantInputs:
    """The inputs, normalised, or InputError naming the first bad one."""
    return MerchantInputs(check_url(url), check_key(key, now=now), check_merchant(merchant), check_terminal(terminal))


def check_url(url: str) -> str:
    """An https URL, or http to this machine only (the local stand-in): the anon key and every
    cashier's password travel over it."""
    url = url.strip().rstrip("/")
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise InputError(f"--url {url!r}: expected the project URL, such as https://<ref>.supabase.co")
    if parsed.scheme == "http" and not _loopback(parsed.hostname):
        raise InputError(f"--url {url!r}: must be https (plain http is allowed for a loopback address only)")
    if parsed.query or parsed.fragment or parsed.username or parsed.password:
        raise InputError(f"--url {url!r}: give the project URL alone, with no query, fragment or credentials")
    return url


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_key(key: str, *, now: float | None = None) -> str:
    """The project's anon key: a JWT whose `role` claim is `anon`, not expired. The signature is
    not checked (the project's secret is not ours to hold); the server checks it on every call."""
    key = key.strip()
    if key.startswith("sb_secret_"):
        raise InputError("--anon-key: this is a secret key; it must never leave the server. "
                         "Use the project's anon (public) key")
    claims = _claims(key)
    role = claims.get("role")
    if role == "service_role":
        raise InputError("--anon-key: this is the service_role key, which bypasses every access rule; "
                         "shipped to a shop PC it would let anyone there read and move every member's "
                         "money. Use the project's anon (public) key")
    if role != "anon":
        raise InputError(f"--anon-key: its role claim is {role!r}; the installer needs the anon key")
    exp = claims.get("exp")
    if isinstance(exp, (int, float)) and not isinstance(exp, bool) and exp <= (time.time() if now is None else now):
        raise InputError("--anon-key: this key has expired; take the current anon key from the project")
    return key


def _claims(key: str) -> dict[str, Any]:
    parts = key.split(".")
    if len(parts) != 3 or not all(parts):
        raise InputError("--anon-key: not a JWT (expected three dot-separated parts); "
                         "use the project's anon key from its API settings")
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (ValueError, binascii.Error):
        raise InputError("--anon-key: not a JWT (its claims are not base64 JSON)") from None
    if not isinstance(claims, dict):
        raise InputError("--anon-key: not a JWT (its claims are not a JSON object)")
    return claims


def check_merchant(code: str) -> str:
    if not MERCHANT_CODE.fullmatch(code):
        raise InputError(f"--merchant {code!r}: 2-32 letters, digits, '_' or '-' (the backend's merchant code)")
    return code


def check_terminal(name: str) -> str:
    name = name.strip()
    if not 1 <= len(name) <= TERMINAL_MAX or any(not ch.isprintable() for ch in name):
        raise InputError(f"--terminal-name {name!r}: 1-{TERMINAL_MAX} printable characters")
    return name
