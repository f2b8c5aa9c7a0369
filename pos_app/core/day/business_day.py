"""Business days on the merchant's clock: a day runs from local midnight to the next local
midnight in the merchant's IANA time zone (23 or 25 hours on a daylight-saving change), as
`merchant_daily_summary` and the scheduler's settlements cut them."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def today(tz: str, now: datetime | None = None) -> date:
    """The business day it is now (or at `now`, an aware datetime) in time zone `tz`."""
    moment = now or datetime.now(UTC)
    return moment.astimezone(ZoneInfo(tz)).date()


def day_start(tz: str, now: datetime | None = None) -> datetime:
    """Midnight that began the business day it is now (or at `now`) in `tz`, as an aware datetime
    on the merchant's clock: the cashier's list of today starts there, not at the PC's midnight."""
    return local_midnight(today(tz, now), tz).astimezone(ZoneInfo(tz))


def local_midnight(day: date, tz: str) -> datetime:
    """The start of `day` in `tz`, as an aware datetime in UTC. (Two datetimes sharing one
    ZoneInfo subtract as wall clocks, which makes a 23-hour day look like 24.)"""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(tz)).astimezone(UTC)


def period(first: date, last: date, tz: str) -> tuple[datetime, datetime]:
    """The half-open period `[first 00:00, the day after last 00:00)` in `tz`: the days
    `first` to `last`, both included. ValueError when `last` is before `first`."""
    if last < first:
        raise ValueError(f"the period ends ({last}) before it starts ({first})")
    return local_midnight(first, tz), local_midnight(last + timedelta(days=1), tz)
