"""Who is at the counter: signing an operator in (or resuming the kept session) and learning
their role at this merchant, with every failure named by a `messages` key the sign-in screen
shows in the cashier's language."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from ..api.client import MpsClient
from ..api.errors import ApiError, AuthError, NotSignedIn, OutcomeUnknown, Unreachable

MANAGING_ROLES = ("manager", "owner")
# Every name `problem_name` can return (each has words in messages.CATALOG; a test checks).
PROBLEMS = ("invalid_credentials", "sign_in_refused", "not_an_operator", "merchant_inactive",
            "sign_in_offline", "sign_in_no_answer", "unexpected", "switch_needs_password")


@dataclass(frozen=True)
class Operator:
    """The signed-in operator at this merchant, from `merchant_session_info`."""

    user_id: str
    email: str
    role: str  # cashier, manager or owner
    merchant_code: str
    merchant_name: str
    currency: str
    timezone: str

    @property
    def can_manage(self) -> bool:
        """Refunds, the whole day and settlements: managers and owners only."""
        return self.role in MANAGING_ROLES

    @classmethod
    def from_session_info(cls, info: dict[str, Any]) -> Operator:
        return cls(user_id=str(info.get("user_id") or ""), email=str(info.get("email") or ""),
                   role=str(info["role"]), merchant_code=str(info["merchant_code"]),
                   merchant_name=str(info.get("merchant_name") or info["merchant_code"]),
                   currency=str(info.get("currency") or "CNY"), timezone=str(info.get("timezone") or "UTC"))


class SignInFailed(Exception):
    """Signing in did not give a usable operator; `problem` is a `messages` name."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def problem_name(error: BaseException) -> str:
    """The `messages` name for why signing in failed."""
    if isinstance(error, SignInFailed):
        return error.problem
    if isinstance(error, AuthError):
        # GoTrue says invalid_credentials for a wrong email or password alike (by design: it
        # does not tell which accounts exist); other refusals are about the account itself.
        return "invalid_credentials" if error.code in ("invalid_credentials", "invalid_grant") else "sign_in_refused"
    if isinstance(error, ApiError):
        if error.is_forbidden:
            return "not_an_operator"
        return error.name if error.name == "merchant_inactive" else "unexpected"
    if isinstance(error, Unreachable):
        return "sign_in_offline"
    if isinstance(error, OutcomeUnknown):
        return "sign_in_no_answer"
    return "unexpected"


def _operator(client: MpsClient) -> Operator:
    """The signed-in user's role here. A user who is no operator of this merchant is signed out
    again, so a session that cannot sell is never kept."""
    try:
        return Operator.from_session_info(client.session_info())
    except ApiError as e:
        if e.is_forbidden or e.name == "merchant_inactive":
            client.sign_out()
        raise SignInFailed(problem_name(e)) from e


def sign_in(client: MpsClient, email: str, password: str) -> Operator:
    """Sign in with email and password (never kept) and learn the operator's role; raises
    SignInFailed with the problem's name."""
    try:
        client.sign_in(email.strip(), password)
    except Exception as e:
        raise SignInFailed(problem_name(e)) from e
    try:
        return _operator(client)
    except SignInFailed:
        raise
    except Exception as e:
        raise SignInFailed(problem_name(e)) from e


def resume(client: MpsClient) -> Operator | None:
    """The operator of the kept session, if the server still honours it; None when nothing is
    kept or it ended. Raises SignInFailed when the server cannot be asked (the session is kept
    for the next start)."""
    try:
        if client.restore_session() is None:
            return None
        return _operator(client)
    except SignInFailed as e:
        if e.problem in ("not_an_operator", "merchant_inactive"):
            return None
        raise
    except NotSignedIn:
        return None
    except Exception as e:
        raise SignInFailed(problem_name(e)) from e


def switch(client: MpsClient, user_id: str) -> Operator:
    """Make `user_id` (whose PIN was just checked here) the operator every call is made under,
    with their own kept session, and learn their role again (it may have changed). Raises
    SignInFailed: `switch_needs_password` when the server ended their session or no longer
    lets them work here (both forgotten: the password is needed), `sign_in_offline` /
    `sign_in_no_answer` when it cannot be asked. On any failure the calls go on under the
    operator before."""
    before = client.session.user_id if client.session is not None else None
    try:
        client.switch_to(user_id)
    except NotSignedIn as e:
        raise SignInFailed("switch_needs_password") from e
    except Exception as e:
        raise SignInFailed(problem_name(e)) from e
    try:
        return Operator.from_session_info(client.session_info())
    except Exception as e:
        failed = _switch_problem(client, user_id, e)
    if before is not None and before != user_id:
        with contextlib.suppress(NotSignedIn):  # that operator's window is still on screen
            client.switch_to(before, refresh=False)
    raise failed


def _switch_problem(client: MpsClient, user_id: str, error: Exception) -> SignInFailed:
    if isinstance(error, NotSignedIn):
        failed = SignInFailed("switch_needs_password")
    elif isinstance(error, ApiError) and (error.is_forbidden or error.name == "merchant_inactive"):
        client.forget(user_id)
        failed = SignInFailed("switch_needs_password")
    else:
        failed = SignInFailed(problem_name(error))
    failed.__cause__ = error
    return failed
