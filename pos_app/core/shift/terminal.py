"""Which terminal this counter is on the server: the settings' terminal name, when it is a valid
terminal code (contract §9: `^[A-Za-z0-9_-]{1,32}$`).

A name that is not a valid code ("Front desk", "收银台1") is not changed into one behind the
cashier's back: two counters could end up as the same terminal. The counter says so and a
manager fixes the name in Settings; until then it cannot open a shift (and, in a shop that runs
shifts, cannot sell)."""

from __future__ import annotations

import re

TERMINAL_CODE = re.compile(r"[A-Za-z0-9_-]{1,32}")


def terminal_code(name: str | None) -> str | None:
    """`name` (stripped) when it is a valid terminal code, else None."""
    code = (name or "").strip()
    return code if TERMINAL_CODE.fullmatch(code) else None
