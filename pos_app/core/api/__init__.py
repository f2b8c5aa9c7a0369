"""Talking to Supabase (PostgREST RPCs and Supabase Auth) over httpx."""

from .auth import AuthClient, Session
from .client import MpsClient
from .errors import ApiError, AuthError, CallFailed, NotSignedIn, OutcomeUnknown, Unreachable
from .retry import RetryPolicy

__all__ = ["ApiError", "AuthClient", "AuthError", "CallFailed", "MpsClient", "NotSignedIn",
           "OutcomeUnknown", "RetryPolicy", "Session", "Unreachable"]
