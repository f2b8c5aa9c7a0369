"""Sessions and refresh tokens with GoTrue's rotation and reuse rules.

Each refresh revokes the token used and issues a child. A revoked token is still honoured when
it is the parent of the session's active token (the client lost the answer: it gets the active
token back), or within the reuse interval after it was revoked; past that, reuse revokes every
token of the session and fails with `refresh_token_already_used`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from psycopg import AsyncConnection
from psycopg.rows import dict_row

from . import errors, tokens, users


@dataclass(frozen=True)
class Issued:
    user: dict[str, Any]
    session_id: str
    refresh_token: str
    authenticated_at: int  # when the session started: GoTrue's amr timestamp


async def start(conn: AsyncConnection, user: dict[str, Any]) -> Issued:
    """A new session for a user who just proved their password."""
    session_id = str(uuid.uuid4())
    token = tokens.new_refresh_token()
    cur = await conn.execute(
        "insert into auth.sessions (id, user_id, aal) values (%s, %s, 'aal1') returning created_at",
        (session_id, user["id"]))
    (created_at,) = await cur.fetchone()  # type: ignore[misc]
    await conn.execute(
        "insert into auth.refresh_tokens (token, user_id, session_id) values (%s, %s, %s)",
        (token, user["id"], session_id))
    await conn.execute("update auth.users set last_sign_in_at = now(), updated_at = now() where id = %s",
                       (user["id"],))
    fresh = await users.by_id(conn, str(user["id"]))
    return Issued(fresh or user, session_id, token, int(created_at.timestamp()))


async def refresh(conn: AsyncConnection, token: str, reuse_seconds: int) -> Issued:
    """Swap a refresh token for a new one. Runs inside the caller's transaction; rows locked."""
    cur = conn.cursor(row_factory=dict_row)
    await cur.execute(
        """select rt.id, rt.token, rt.revoked, rt.updated_at, rt.session_id, rt.user_id,
                  s.id as live_session, s.not_after, s.created_at as session_created, now() as now
           from auth.refresh_tokens rt
           left join auth.sessions s on s.id = rt.session_id
           where rt.token = %s
           for update of rt""", (token,))
    row = await cur.fetchone()
    if row is None:
        raise errors.AuthError(400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found")
    user = await users.by_id(conn, str(row["user_id"]))
    if user is None:
        raise errors.AuthError(400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found")
    now: datetime = row["now"]
    if users.is_banned(user, now):
        raise errors.AuthError(400, "user_banned", "Invalid Refresh Token: User Banned")
    if row["live_session"] is None:
        await conn.execute("delete from auth.refresh_tokens where id = %s", (row["id"],))
        raise errors.AuthError(400, "session_not_found", "Invalid Refresh Token: No Valid Session Found")
    if row["not_after"] is not None and now > row["not_after"]:
        raise errors.AuthError(400, "session_expired", "Invalid Refresh Token: Session Expired")
    # Serialise refreshes of one session, as GoTrue does by locking the session row.
    await conn.execute("select 1 from auth.sessions where id = %s for update", (row["session_id"],))

    session_id = str(row["session_id"])
    issued_token: str | None = None
    if row["revoked"]:
        active = await (await conn.execute(
            "select token, parent from auth.refresh_tokens where session_id = %s and revoked = false "
            "order by id desc limit 1", (session_id,))).fetchone()
        if active is not None and active[1] == row["token"]:
            issued_token = active[0]
        elif now > row["updated_at"] + timedelta(seconds=reuse_seconds):
            raise AlreadyUsed(session_id)
    if issued_token is None:
        issued_token = tokens.new_refresh_token()
        await conn.execute("update auth.refresh_tokens set revoked = true, updated_at = now() where id = %s",
                           (row["id"],))
        await conn.execute(
            "insert into auth.refresh_tokens (token, user_id, session_id, parent) values (%s, %s, %s, %s)",
            (issued_token, row["user_id"], session_id, row["token"]))
    await conn.execute("update auth.sessions set updated_at = now() where id = %s", (session_id,))
    return Issued(user, session_id, issued_token, int(row["session_created"].timestamp()))


class AlreadyUsed(errors.AuthError):
    """A revoked token reused too late. The caller rolls back, then revokes the session's tokens
    in a transaction of its own (revoke_family) so that the revocation survives the error."""

    def __init__(self, session_id: str) -> None:
        super().__init__(400, "refresh_token_already_used", "Invalid Refresh Token: Already Used")
        self.session_id = session_id


async def revoke_family(conn: AsyncConnection, session_id: str) -> None:
    await conn.execute("update auth.refresh_tokens set revoked = true, updated_at = now() "
                       "where session_id = %s and revoked = false", (session_id,))


async def logout(conn: AsyncConnection, user_id: str, session_id: str | None, scope: str) -> None:
    """End sessions; their refresh tokens go with them (on delete cascade)."""
    if scope == "global":
        await conn.execute("delete from auth.sessions where user_id = %s", (user_id,))
    elif scope == "local" and session_id:
        await conn.execute("delete from auth.sessions where id = %s", (session_id,))
    elif scope == "others":
        await conn.execute("delete from auth.sessions where user_id = %s and id is distinct from %s",
                           (user_id, session_id))


async def session_exists(conn: AsyncConnection, session_id: str) -> bool:
    return await (await conn.execute("select 1 from auth.sessions where id = %s", (session_id,))).fetchone() is not None
