"""Talking to Supabase (PostgREST RPCs and Supabase Auth) over httpx."""

from .auth import AuthClient, Session
from .client import MpsClient
from .errors import ApiError, AuthError, CallFailed, NotSignedIn, OutcomeUnknown, Unreachable
from .retry import RetryPolicy
from .shifts import CashMovement, OperatorFigures, Preview, Shift, Terminal

__all__ = ["ApiError", "AuthClient", "AuthError", "CallFailed", "CashMovement", "MpsClient", "NotSignedIn",
           "OperatorFigures", "OutcomeUnknown", "Preview", "RetryPolicy", "Session", "Shift", "Terminal",
           "Unreachable"]
