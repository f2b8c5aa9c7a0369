"""`mps-dev member-qr`: what a member's phone would show at the counter.

Rotates the card's QR token through the `rotate_card_qr` RPC (over the gateway, with the
service key, as the member app's backend does), writes it as a PNG and draws it in the
terminal, and rotates again shortly before it expires, until Ctrl-C (or once, with --once).
"""

from __future__ import annotations

import io
import threading
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import IO

import httpx
import psycopg
import qrcode
from qrcode.image.pure import PyPNGImage

from .project import Project

RENEW_BEFORE_SECONDS = 15


class Api:
    def __init__(self, proj: Project):
        self.client = httpx.Client(base_url=f"{proj.url}/rest/v1", timeout=30, headers={
            "apikey": proj.service_role_key, "Authorization": f"Bearer {proj.service_role_key}"})

    def rpc(self, name: str, args: dict):
        r = self.client.post(f"/rpc/{name}", json=args)
        if r.status_code >= 400:
            body = r.json()
            raise SystemExit(f"member-qr: {name} failed: {body.get('code')} {body.get('message')}")
        return r.json()


def resolve_card(proj: Project, api: Api, who: str) -> str:
    """A card id as given, or the first active card a member (by phone) may pay with."""
    try:
        return str(uuid.UUID(who))
    except ValueError:
        pass
    # No RPC finds a member by phone (the member app knows its members' ids); the local tool
    # reads the table directly.
    with psycopg.connect(proj.db_dsn()) as conn:
        row = conn.execute("select id from app.member_profiles where phone = %s", (who,)).fetchone()
    if row is None:
        raise SystemExit(f"member-qr: no member has the phone number {who}")
    cards = [c for c in api.rpc("list_member_cards", {"p_member_id": str(row[0])}) if c.get("status") == "active"]
    if not cards:
        raise SystemExit(f"member-qr: member {who} has no active card")
    return cards[0]["card_id"]


def render(token: str, png: Path, out: IO[str]) -> None:
    code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(token)
    code.make(fit=True)
    code.make_image(image_factory=PyPNGImage).save(str(png))
    text = io.StringIO()
    code.print_ascii(out=text, invert=True)
    out.write(text.getvalue())


def rotate(api: Api, card: str, ttl: int) -> tuple[str, datetime]:
    """A new payment code for `card` (replacing the previous one) and when it expires."""
    rows = api.rpc("rotate_card_qr", {"p_card_id": card, "p_ttl_seconds": ttl})
    return rows[0]["qr_plain"], datetime.fromisoformat(rows[0]["expires_at"])


class QrHistory:
    """Whether a shown code can still pay, read from the card's QR history (no RPC tells a
    member app that its code was spent; a member app is told by its backend, which can read
    this table, as this local tool does). One indexed row by the code's lookup id; the secret
    part of the code is never sent anywhere."""

    def __init__(self, dsn: str):
        self._conn = psycopg.connect(dsn, autocommit=True)
        self._lock = threading.Lock()

    def still_live(self, token: str) -> bool:
        parts = token.split(".")
        if len(parts) != 3:
            return False
        with self._lock:
            row = self._conn.execute(
                "select ended_at is null and expires_at > now() from app.card_qr_history where lookup_id = %s",
                (parts[1],)).fetchone()
        return bool(row and row[0])

    def close(self) -> None:
        self._conn.close()


def run(proj: Project, who: str, png: Path, *, ttl: int, once: bool, out: IO[str]) -> None:
    api = Api(proj)
    card = resolve_card(proj, api, who)
    try:
        while True:
            token, expires_at = rotate(api, card, ttl)
            render(token, png, out)
            print(f"card {card}: code valid until {expires_at.astimezone():%H:%M:%S %Z}, pays once; PNG: {png}",
                  file=out, flush=True)
            if once:
                return
            wait = max(1.0, (expires_at - datetime.now(expires_at.tzinfo)).total_seconds() - RENEW_BEFORE_SECONDS)
            time.sleep(wait)
    except KeyboardInterrupt:
        print("\nstopped", file=out)
