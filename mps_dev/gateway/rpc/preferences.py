"""The `Prefer` header as PostgREST reads it (RFC 7240), for an RPC call.

Recognised: count=exact|planned|estimated, handling=strict|lenient, and, accepted without effect
on a function call exactly as in PostgREST 12-14, return=…, resolution=…, missing=…, tx=…
(Supabase does not let clients end transactions), timezone=…, max-affected=…,
params=single-object. Anything else is ignored, or with handling=strict refused as PGRST122.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from starlette.datastructures import Headers

from ..errors import ApiError

_KNOWN = {
    "count": ("exact", "planned", "estimated"),
    "handling": ("strict", "lenient"),
    "return": ("minimal", "representation", "headers-only"),
    "resolution": ("merge-duplicates", "ignore-duplicates"),
    "missing": ("default", "null"),
    "tx": ("commit", "rollback"),
    "params": ("single-object",),
}
_FREE = {"timezone": re.compile(r".+"), "max-affected": re.compile(r"[0-9]+")}


@dataclass(frozen=True)
class Preferences:
    count: str | None = None
    handling: str | None = None

    @property
    def counts_exactly(self) -> bool:
        # PostgREST counts for exact and estimated; on a function call there is no planner
        # estimate to prefer (its EXPLAIN count applies to tables), so planned gives no total.
        return self.count in ("exact", "estimated")

    def applied(self) -> str | None:
        """The Preference-Applied value PostgREST sends for a call."""
        parts = [f"count={self.count}"] if self.count else []
        if self.handling:
            parts.append(f"handling={self.handling}")
        return ", ".join(parts) or None


def parse(headers: Headers) -> Preferences:
    chosen: dict[str, str] = {}
    invalid: list[str] = []
    for header in headers.getlist("prefer"):
        for token in header.split(","):
            token = token.strip()
            if not token:
                continue
            name, _eq, value = token.partition("=")
            name, value = name.strip(), value.strip()
            known = value in _KNOWN[name] if name in _KNOWN else bool(name in _FREE and _FREE[name].fullmatch(value))
            if not known:
                invalid.append(token)
            elif name not in chosen:  # the first occurrence wins
                chosen[name] = value
    prefs = Preferences(count=chosen.get("count"), handling=chosen.get("handling"))
    if prefs.handling == "strict" and invalid:
        raise ApiError(400, "PGRST122", "Invalid preferences given with handling=strict",
                       "Invalid preferences: " + ", ".join(invalid))
    return prefs
