"""auth.users rows: lookup, creation with a bcrypt password, and GoTrue's JSON for a user."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from datetime import UTC, datetime
from typing import Any

import bcrypt
from psycopg import AsyncConnection
from psycopg.rows import dict_row

from . import errors

GOTRUE_COST = 10  # GoTrue's bcrypt cost
MAX_PASSWORD_BYTES = 72  # bcrypt's; GoTrue refuses longer new passwords
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_COLUMNS = """id, aud, role, email, phone, encrypted_password, email_confirmed_at, phone_confirmed_at,
  last_sign_in_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at, banned_until,
  is_anonymous, invited_at, confirmation_sent_at, recovery_sent_at, email_change_sent_at"""


def timestamp(value: datetime | None) -> str | None:
    """GoTrue's JSON time: RFC 3339 in UTC with a Z."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def to_json(u: dict[str, Any]) -> dict[str, Any]:
    confirmed = u["email_confirmed_at"] or u["phone_confirmed_at"]
    return {
        "id": str(u["id"]),
        "aud": u["aud"] or "",
        "role": u["role"] or "",
        "email": u["email"] or "",
        "email_confirmed_at": timestamp(u["email_confirmed_at"]),
        "phone": u["phone"] or "",
        "phone_confirmed_at": timestamp(u["phone_confirmed_at"]),
        "confirmation_sent_at": timestamp(u["confirmation_sent_at"]),
        "recovery_sent_at": timestamp(u["recovery_sent_at"]),
        "email_change_sent_at": timestamp(u["email_change_sent_at"]),
        "invited_at": timestamp(u["invited_at"]),
        "confirmed_at": timestamp(confirmed),
        "last_sign_in_at": timestamp(u["last_sign_in_at"]),
        "app_metadata": u["raw_app_meta_data"] or {},
        "user_metadata": u["raw_user_meta_data"] or {},
        # The stand-in keeps no auth.identities table; an empty list is a valid GoTrue answer.
        "identities": [],
        "created_at": timestamp(u["created_at"]),
        "updated_at": timestamp(u["updated_at"]),
        "is_anonymous": bool(u["is_anonymous"]),
    }


def is_banned(u: dict[str, Any], now: datetime) -> bool:
    return u["banned_until"] is not None and u["banned_until"] > now


async def by_email(conn: AsyncConnection, email: str) -> dict[str, Any] | None:
    cur = conn.cursor(row_factory=dict_row)
    await cur.execute(f"select {_COLUMNS} from auth.users where lower(email) = lower(%s) "
                      "and aud = 'authenticated' and is_anonymous = false and deleted_at is null", (email,))
    return await cur.fetchone()


async def by_id(conn: AsyncConnection, user_id: str) -> dict[str, Any] | None:
    cur = conn.cursor(row_factory=dict_row)
    await cur.execute(f"select {_COLUMNS} from auth.users where id = %s and deleted_at is null", (user_id,))
    return await cur.fetchone()


def storable(value: Any) -> bool:
    """A string PostgreSQL text can hold: no NUL, valid UTF-8 (no lone surrogate from JSON)."""
    if not isinstance(value, str) or "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


async def password_matches(u: dict[str, Any], password: str) -> bool:
    stored = u["encrypted_password"] or ""
    if not stored.startswith("$2"):
        return False
    # bcrypt reads 72 bytes of a password; Go's bcrypt (GoTrue) ignores the rest when comparing,
    # Python's refuses longer input with ValueError, so cut it as Go does.
    # bcrypt is deliberately slow: keep it off the event loop.
    return await asyncio.to_thread(bcrypt.checkpw, password.encode()[:MAX_PASSWORD_BYTES], stored.encode())


async def hash_password(password: str) -> str:
    salt = bcrypt.gensalt(rounds=GOTRUE_COST, prefix=b"2a")  # GoTrue's Go bcrypt writes $2a$
    return (await asyncio.to_thread(bcrypt.hashpw, password.encode(), salt)).decode()


def validate_new_user(body: dict[str, Any]) -> tuple[str, str]:
    """(email, password) of an admin create-user request, or GoTrue's refusal."""
    email = body.get("email")
    password = body.get("password")
    if not isinstance(email, str) or not email:
        raise errors.validation_failed("The local stand-in creates users by email only: email is required")
    if not storable(email) or not _EMAIL_RE.match(email) or len(email) > 255:
        raise errors.validation_failed("Unable to validate email address: invalid format")
    if isinstance(password, str) and len(password) > MAX_PASSWORD_BYTES:
        raise errors.validation_failed(f"Password cannot be longer than {MAX_PASSWORD_BYTES} characters")
    if not isinstance(password, str) or len(password) < 6:
        raise errors.AuthError(422, "weak_password", "Password should be at least 6 characters.",
                               {"weak_password": {"reasons": ["length"]}})
    if not storable(password) or len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        raise errors.validation_failed(f"Password cannot be longer than {MAX_PASSWORD_BYTES} characters"
                                       if storable(password) else "Password holds a character that cannot be stored")
    return email.lower(), password


async def create(conn: AsyncConnection, body: dict[str, Any]) -> dict[str, Any]:
    email, password = validate_new_user(body)
    if await by_email(conn, email) is not None:
        raise errors.AuthError(422, "email_exists", "A user with this email address has already been registered")
    user_meta = body.get("user_metadata") or body.get("data") or {}
    given_app_meta = body.get("app_metadata") or {}
    if not isinstance(user_meta, dict) or not isinstance(given_app_meta, dict):
        raise errors.validation_failed("user_metadata and app_metadata must be JSON objects")
    app_meta = {"provider": "email", "providers": ["email"], **given_app_meta}
    role = body.get("role") if isinstance(body.get("role"), str) and body.get("role") else "authenticated"
    if not storable(role):
        raise errors.validation_failed("role holds a character that cannot be stored")
    cur = conn.cursor(row_factory=dict_row)
    await cur.execute(
        f"""insert into auth.users (instance_id, id, aud, role, email, encrypted_password,
              email_confirmed_at, raw_app_meta_data, raw_user_meta_data, confirmation_token,
              recovery_token, email_change_token_new, email_change, created_at, updated_at)
            values ('00000000-0000-0000-0000-000000000000', %s, 'authenticated', %s, %s, %s,
              case when %s then now() end, %s, %s, '', '', '', '', now(), now())
            returning {_COLUMNS}""",
        (uuid.uuid4(), role, email, await hash_password(password), bool(body.get("email_confirm")),
         json.dumps(app_meta), json.dumps(user_meta)))
    return await cur.fetchone()  # type: ignore[return-value]
