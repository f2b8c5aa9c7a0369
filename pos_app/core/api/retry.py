"""When to try a call again and how long to wait first (after stripe-python's `_http_client`).

Only idempotent calls are retried. Every money RPC the POS makes carries an idempotency key and
every other one only reads, so a retry can at worst replay the first result (`replayed: true`).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from .errors import ApiError, OutcomeUnknown, Unreachable

T = TypeVar("T")

# HTTP statuses of a refusal that says "not now" rather than "no": nothing was applied.
_RETRY_STATUSES = frozenset({408, 429})


@dataclass
class RetryPolicy:
    """Capped exponential backoff with jitter; `sleep` and `random` are injected for tests."""

    max_retries: int = 3
    initial_delay: float = 0.5
    max_delay: float = 4.0
    # A Retry-After longer than this is not waited for at a counter with a queue: give up and
    # let the cashier decide (the sale stays pending, its key kept).
    max_retry_after: float = 10.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    random: Callable[[], float] = field(default=random.random, repr=False)

    def should_retry(self, error: BaseException, retries_so_far: int, *, idempotent: bool) -> bool:
        """Whether a call that failed with `error` after `retries_so_far` retries goes again."""
        if retries_so_far >= self.max_retries:
            return False
        if isinstance(error, Unreachable):
            return True  # nothing was sent: safe even for a call that is not idempotent
        if not idempotent:
            return False
        if isinstance(error, OutcomeUnknown):
            return True
        if isinstance(error, ApiError):
            return error.status in _RETRY_STATUSES
        return False

    def delay(self, retries_so_far: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number `retries_so_far + 1`."""
        backoff = min(self.initial_delay * (2 ** retries_so_far), self.max_delay)
        wait = max(self.initial_delay, self._jitter(backoff))
        if retry_after is not None and retry_after <= self.max_retry_after:
            wait = max(wait, retry_after)
        return wait

    def _jitter(self, delay: float) -> float:
        # Between half and all of the delay, so counters that lost the network together do not
        # come back in lockstep.
        return delay * (0.5 * (1 + self.random()))

    def run(self, attempt: Callable[[], T], *, idempotent: bool, unanswered: bool = False) -> T:
        """Call `attempt` until it succeeds or `should_retry` says stop, then raise the last
        error, told truthfully: once any try went unanswered, the call's outcome stays unknown
        whatever the later tries met (see `_final`). `unanswered`: an earlier round of the same
        call (before a token refresh, say) already had a try go unanswered."""
        retries = 0
        while True:
            try:
                return attempt()
            except (ApiError, OutcomeUnknown, Unreachable) as error:
                unanswered = unanswered or isinstance(error, OutcomeUnknown)
                retry_after = getattr(error, "retry_after", None)
                if (not self.should_retry(error, retries, idempotent=idempotent)
                        or (retry_after is not None and retry_after > self.max_retry_after)):
                    final = self._final(error, unanswered)
                    if final is error:
                        raise
                    raise final from error
                self.sleep(self.delay(retries, retry_after))
                retries += 1

    @staticmethod
    def _final(error: Exception, unanswered: bool) -> Exception:
        # `Unreachable` says "nothing was sent" and a 429 "not applied": true of that try, false
        # of the call if an earlier try went unanswered (it may yet be applied). A business
        # refusal is the retry's own verdict; it is flagged so the caller settles the key.
        if not unanswered or isinstance(error, OutcomeUnknown):
            return error
        if isinstance(error, ApiError) and error.status < 500 and error.status not in _RETRY_STATUSES:
            error.after_unknown = True
            return error
        return OutcomeUnknown(f"an earlier try went unanswered; the last one: {error}")


NO_RETRY = RetryPolicy(max_retries=0)
