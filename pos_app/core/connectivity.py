"""The connection state the counter shows at all times, so "offline" is said before the
cashier scans, not after.

The monitor learns from every real call (a client's observer) and, when nothing has been heard
for a while, from a cheap probe. No thread and no Qt here: the UI calls `poll()` from a timer
(off the UI thread, since a probe is a network round trip) and listens for changes.
"""

from __future__ import annotations

import enum
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from .api.errors import CallFailed, OutcomeUnknown, Unreachable


class Link(enum.Enum):
    UNKNOWN = "unknown"  # not checked yet: not "online", so no sale is offered on a guess
    ONLINE = "online"  # the server answered
    DEGRADED = "degraded"  # reached, but answers were lost or failed (timeouts, 5xx)
    OFFLINE = "offline"  # nothing got through (no network, DNS, connection refused)


@dataclass(frozen=True)
class Status:
    """What the status bar shows. Times are from the monitor's wall clock (epoch seconds)."""

    link: Link
    last_success: float | None
    last_checked: float | None
    reason: str = ""  # why not online, for a tooltip; never a secret (errors are redacted)


class ConnectivityMonitor:
    """Online / degraded / offline from real calls and probes, on injected clocks."""

    def __init__(self, probe: Callable[[], None], *, online_interval: float = 30.0,
                 offline_interval: float = 5.0, clock: Callable[[], float] = time.monotonic,
                 wall_clock: Callable[[], float] = time.time) -> None:
        self._probe = probe  # raises Unreachable/OutcomeUnknown when the server is not there
        self._online_interval = online_interval  # quiet time before re-checking a good link
        self._offline_interval = offline_interval  # re-check a bad link sooner: it may be back
        self._clock = clock
        self._wall = wall_clock
        self._lock = threading.Lock()
        self._probing = threading.Lock()
        self._status = Status(Link.UNKNOWN, None, None)
        self._last_heard: float | None = None  # monotonic time of the last observation
        self._listeners: list[Callable[[Status], None]] = []

    @property
    def status(self) -> Status:
        return self._status

    def subscribe(self, listener: Callable[[Status], None]) -> None:
        """Call `listener(status)` whenever the link changes (from the observing thread)."""
        self._listeners.append(listener)

    def observe(self, error: BaseException | None) -> None:
        """Learn from one exchange: None means the server answered (a refusal counts: it is
        there); Unreachable means offline; OutcomeUnknown means degraded."""
        now_wall = self._wall()
        with self._lock:
            self._last_heard = self._clock()
            old = self._status
            if error is None:
                new = Status(Link.ONLINE, now_wall, now_wall)
            elif isinstance(error, Unreachable):
                new = Status(Link.OFFLINE, old.last_success, now_wall, error.reason)
            elif isinstance(error, OutcomeUnknown):
                new = Status(Link.DEGRADED, old.last_success, now_wall, error.reason)
            else:
                new = Status(Link.ONLINE, now_wall, now_wall)
            self._status = new
        if new.link != old.link or new.reason != old.reason:
            for listener in list(self._listeners):
                listener(new)

    def probe_due(self) -> bool:
        """Whether nothing has been heard for longer than the current link's interval."""
        with self._lock:
            if self._last_heard is None:
                return True
            interval = self._online_interval if self._status.link is Link.ONLINE else self._offline_interval
            return self._clock() - self._last_heard >= interval

    def check(self) -> Status:
        """Probe now and return the resulting status."""
        with self._probing:  # one probe at a time; a second caller waits for its answer
            try:
                self._probe()
            except CallFailed as e:
                self.observe(e)  # a refusal (bad key, 5xx) still says whether it was reached
            else:
                self.observe(None)
        return self._status

    def poll(self) -> Status:
        """Probe if one is due (call it from a timer); the current status either way."""
        if self.probe_due():
            return self.check()
        return self._status
