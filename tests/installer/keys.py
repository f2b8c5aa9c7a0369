"""Project keys for the installer tests, minted the way Supabase issues them."""

from __future__ import annotations

import base64
import json

from mps_dev.gateway import jwt

SECRET = jwt.new_secret()


def key(role: str) -> str:
    return jwt.mint_api_key(role, SECRET)


def unsigned(claims: dict) -> str:
    """A token with these claims and a junk signature: the installer reads claims, it does not
    verify (the project's secret is not the installer's to hold)."""
    def part(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(claims)}.c2ln"
