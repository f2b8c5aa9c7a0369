"""HS256 JWTs: minting the project's keys and users' access tokens, and verifying them.

PostgREST's answers depend on *which* check failed first (part count, algorithm, signature, each
claim), and each failure has its own code and message that clients act on: PyJWT reads the header
and checks the signature, the order and the claim checks are written out here.
"""

from __future__ import annotations

import json
import math
import secrets
import time
from dataclasses import dataclass
from typing import Any

import jwt as pyjwt

from . import nesting

_HMAC = ("HS256", "HS384", "HS512")
_JWS = pyjwt.PyJWS()


def new_secret() -> str:
    """A fresh project JWT secret (Supabase requires at least 32 characters)."""
    return secrets.token_urlsafe(48)


def sign(claims: dict[str, Any], secret: str) -> str:
    return pyjwt.encode(claims, secret, algorithm="HS256")


def mint_api_key(role: str, secret: str, *, now: int | None = None) -> str:
    """A project API key as Supabase issues them: a long-lived JWT naming a role, with no `sub`."""
    iat = int(now if now is not None else time.time())
    return sign({"iss": "supabase", "ref": "mps-local", "role": role, "iat": iat,
                 "exp": iat + 10 * 365 * 24 * 3600}, secret)


@dataclass
class JwtFailure(Exception):
    """Why a token was refused, in PostgREST's terms (PGRST301 decode / PGRST303 claims)."""

    code: str
    message: str
    details: str | None = None


def _json_part(payload: bytes) -> Any:
    """The claims: UTF-8 JSON, refused (ValueError) past the nesting limit, which no real token
    comes near and which Python's parser would answer with RecursionError."""
    text = payload.decode("utf-8")
    if nesting.too_deep(text):
        raise ValueError("JSON nested too deeply")
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def verify_for_postgrest(token: str, secret: str, *, skew: int = 30, now: float | None = None) -> dict[str, Any]:
    """The claims of a valid token, or JwtFailure with PostgREST's code and message."""
    if token == "":
        raise JwtFailure("PGRST301", "Empty JWT is sent in Authorization header")
    parts = token.split(".")
    if len(parts) != 3:
        raise JwtFailure("PGRST301", f"Expected 3 parts in JWT; got {len(parts)}")
    # The header's shape and the signature by PyJWT; the order of the checks, their codes and
    # messages, and the claims (parsed by hand below) are PostgREST's, which PyJWT cannot express:
    # its decode parses and checks the claims in its own order, with its own errors.
    try:
        alg = pyjwt.get_unverified_header(token).get("alg")
    except (pyjwt.PyJWTError, RecursionError):  # not base64url, not a JSON object, nested too deep
        raise JwtFailure("PGRST301", "JWT cryptographic operation failed") from None
    if not isinstance(alg, str):
        # A list, an object or a number is no algorithm: PostgREST's JOSE header parse fails.
        raise JwtFailure("PGRST301", "JWT cryptographic operation failed")
    if alg == "none":
        raise JwtFailure("PGRST301", "Wrong or unsupported encoding algorithm",
                         "JWT is unsecured but expected 'alg' was not 'none'")
    if alg not in _HMAC:
        # The project has only a symmetric key; no key can verify RS/ES/EdDSA tokens.
        raise JwtFailure("PGRST301", "No suitable key or wrong key type",
                         "None of the keys was able to decode the JWT")
    try:
        # PyJWS checks the signature only and hands back the payload's bytes, unparsed.
        payload = _JWS.decode_complete(token, secret, algorithms=[alg])["payload"]
    except (pyjwt.PyJWTError, RecursionError):
        raise JwtFailure("PGRST301", "JWT cryptographic operation failed") from None
    try:
        claims = _json_part(payload)
    except ValueError:
        claims = None
    if not isinstance(claims, dict):
        raise JwtFailure("PGRST303", "Parsing claims failed")
    _check_time_claims(claims, skew, time.time() if now is None else now)
    return claims


def _check_time_claims(claims: dict[str, Any], skew: int, now: float) -> None:
    """exp, nbf, iat, aud in PostgREST's order, with its allowed clock skew."""
    t = int(now)
    checks = (
        ("exp", "The JWT 'exp' claim must be a number", lambda v: t - skew > int(v), "JWT expired"),
        ("nbf", "The JWT 'nbf' claim must be a number", lambda v: t + skew < int(v), "JWT not yet valid"),
        ("iat", "The JWT 'iat' claim must be a number", lambda v: t + skew < int(v), "JWT issued at future"),
    )
    for name, not_number, failed, message in checks:
        if name in claims and claims[name] is not None:
            value = claims[name]
            if not _is_number(value):
                raise JwtFailure("PGRST303", not_number)
            if failed(math.floor(value)):
                raise JwtFailure("PGRST303", message)
    aud = claims.get("aud")
    if aud is not None and not (isinstance(aud,
                                           str) or (isinstance(aud, list) and all(isinstance(a, str) for a in aud))):
        raise JwtFailure("PGRST303", "The JWT 'aud' claim must be a string or an array of strings")


def role_of(claims: dict[str, Any], anon_role: str) -> str:
    """PostgREST's role: the `role` claim (non-strings JSON-encoded), else the anonymous role."""
    role = claims.get("role")
    if role is None:
        return anon_role
    return role if isinstance(role, str) else json.dumps(role, separators=(",", ":"))


def verify_for_gotrue(token: str, secret: str) -> dict[str, Any]:
    """Claims of a valid HS256 token, or ValueError with the reason GoTrue gives (no clock skew)."""
    try:
        return pyjwt.decode(token, secret, algorithms=["HS256"],
                            options={"verify_aud": False, "require": []})
    except pyjwt.ExpiredSignatureError:
        raise ValueError("token has invalid claims: token is expired") from None
    except pyjwt.InvalidSignatureError:
        raise ValueError("token signature is invalid: signature is invalid") from None
    except pyjwt.ImmatureSignatureError:
        raise ValueError("token has invalid claims: token is not valid yet") from None
    except pyjwt.InvalidAlgorithmError:
        raise ValueError("token is unverifiable: signing method is invalid") from None
    except (pyjwt.PyJWTError, ValueError, TypeError, RecursionError):
        # Whatever else a forged token trips over (a list as `alg`, a header nested thousands
        # deep) is a malformed token to GoTrue, never a 500.
        raise ValueError("token is malformed: could not decode the token") from None
