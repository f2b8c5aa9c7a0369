"""What to say when a call of the manager view fails, in the manager's words (`core.messages`),
never the server's own sentence: that one names functions and parameters, ids and UTC instants,
and is English in a Chinese window. Each screen has its function, because the same refusal
means something else there: `invalid_argument` is a day not yet begun on the day screen and a
period still running (or overlapping another) on the settlement screen.

A lost connection on a read says "no answer, try again", since a read moves no money and the
payment words ("do not charge again") would mislead."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from pos_app.core.api.errors import ApiError, NotSignedIn, OutcomeUnknown, Unreachable
from pos_app.core.messages import CATALOG, Words, filled, message_for

from ..common.save_dialog import file_failure
from .models import settlement_period

# What a controller hands its screen: the words in a language (a code), so that they are said
# again in the other one when the manager switches.
Say = Callable[[str], str]

# Refusals that say who the caller is or what the shop is, the same on every screen.
_CALLER = {"forbidden": "mgr_forbidden", "merchant_inactive": "mgr_merchant_inactive"}


def _common(error: BaseException, lang: str, no_answer: str = "mgr_no_answer",
            offline: str = "mgr_no_answer") -> Words | None:
    """The words every screen shares (the session, the network, the caller's role), or None.
    `offline`: nothing reached the server; `no_answer`: it may have, and the answer was lost."""
    if isinstance(error, NotSignedIn) or (isinstance(error, ApiError) and error.needs_sign_in):
        return message_for("mgr_not_signed_in", lang)
    if isinstance(error, Unreachable):
        return message_for(offline, lang)
    if isinstance(error, OutcomeUnknown):
        return message_for(no_answer, lang)
    if isinstance(error, ApiError) and (error.is_forbidden or error.name in _CALLER):
        return message_for(_CALLER.get(error.name, "mgr_forbidden"), lang)
    if not isinstance(error, ApiError):
        return message_for("unexpected", lang)
    return None


def _refusal(error: ApiError, lang: str, prefix: str = "") -> Words:
    """A refusal's own words: the screen's variant (`refund_not_found`) if there is one, the
    contract's words for the name, or a plain "refused" for a malformed request."""
    name = error.name
    if prefix and f"{prefix}{name}" in CATALOG:
        return message_for(f"{prefix}{name}", lang)
    if name == "invalid_argument":
        return message_for("mgr_refused", lang)
    return message_for(name if name in CATALOG else "unexpected", lang)


def read_failure(error: BaseException, lang: str, prefix: str = "") -> str:
    """A read (a payment looked up, today's list, the settlements) that failed."""
    words = _common(error, lang)
    return str(words or _refusal(error, lang, prefix))  # type: ignore[arg-type]


_SHOP_DATE = re.compile(r"\((\d{4}-\d{2}-\d{2})\)")


def day_failure(error: BaseException, lang: str, day: date, today: date) -> str:
    """The business day `day` could not be read; `today` is today on the shop's clock."""
    words = _common(error, lang)
    if words is None and isinstance(error, ApiError) and error.name == "invalid_argument":
        # The one argument is the day: the server refuses a day after its today, which it names
        # as a date of the shop's (this till's clock may be ahead; the server's decides).
        named = _SHOP_DATE.search(error.message)
        words = filled("day_in_future", lang, day=day.isoformat(), today=named.group(1) if named else today.isoformat())
    return str(words or _refusal(error, lang))  # type: ignore[arg-type]


def export_failure(error: BaseException, lang: str, path: str) -> str:
    """The day's CSV could not be made: its transactions not fetched, or the file not written."""
    if isinstance(error, OSError):
        return file_failure(error, lang, path)
    return read_failure(error, lang) if not isinstance(error, (Unreachable, OutcomeUnknown)) else str(
        message_for("export_no_answer", lang))


# `… overlaps settlement <id> of this merchant, [<start>, <end>)`: only the instants are read.
_OVERLAP_PERIOD = re.compile(r"\[([^,\]]+), ([^)\]]+)\)")


def _overlapped(start: datetime, end: datetime, listed: Iterable[Mapping[str, Any]], message: str,
                tz: str) -> Mapping[str, Any] | None:
    """The settlement the period [start, end) overlaps: from the listed ones, else the period
    the server named."""
    for s in sorted(listed, key=lambda s: str(s["period_start"])):
        starts, ends = datetime.fromisoformat(str(s["period_start"])), datetime.fromisoformat(str(s["period_end"]))
        if starts < end and ends > start:
            return s
    found = _OVERLAP_PERIOD.search(message)
    if found:
        try:
            first, last = (datetime.fromisoformat(t.strip()) for t in found.groups())
        except ValueError:
            return None
        return {"period_start": first.isoformat(), "period_end": last.isoformat(), "timezone": tz}
    return None


def settle_failure(error: BaseException, lang: str, *, start: datetime, end: datetime,
                   today: date, tz: str, listed: Iterable[Mapping[str, Any]] = ()) -> str:
    """Settling [start, end) failed. `today` is the shop's today; `listed` the settlements the
    screen has, to name the one a refused period overlaps (in the shop's dates)."""
    words = _common(error, lang, no_answer="settle_no_answer", offline="settle_offline")
    if words is None and isinstance(error, ApiError) and error.name == "invalid_argument":
        if "overlaps" in error.message:
            other = _overlapped(start, end, listed, error.message, tz)
            words = (filled("settle_overlap", lang, period=settlement_period(other, other.get("timezone") or tz))
                     if other else message_for("settle_overlap_unnamed", lang))
        elif "has ended" in error.message:
            words = filled("settle_running", lang, today=today.isoformat(),
                           yesterday=(today - timedelta(days=1)).isoformat())
    return str(words or _refusal(error, lang))  # type: ignore[arg-type]
