"""Report a code once while it stays in view: a member holds the phone up for seconds, and the
camera sees the same code in every frame.

A code counts as gone after it is missing from a few decoded frames in a row, not one: a single
frame often misses a code that is still there (motion blur, a reflection). Gone and back is a new
sighting and is reported again; so is a code still in view once `cooldown` seconds have passed
since it was last reported, so a cashier who dismissed a message can scan again without the
member lowering the phone.
"""

from __future__ import annotations


class SeenCodes:
    """Filters decoded codes frame by frame down to the sightings worth reporting."""

    def __init__(self, gone_after_frames: int = 3, cooldown: float = 5.0) -> None:
        self.gone_after_frames = gone_after_frames
        self.cooldown = cooldown
        self._misses: dict[str, int] = {}
        self._reported_at: dict[str, float] = {}

    def update(self, codes: list[str], now: float) -> list[str]:
        """The codes of this decoded frame that should be reported now. `now`: monotonic seconds."""
        for code in list(self._misses):
            if code not in codes:
                self._misses[code] += 1
                if self._misses[code] >= self.gone_after_frames:
                    del self._misses[code], self._reported_at[code]
        fresh = []
        for code in codes:
            last = self._reported_at.get(code)
            if last is None or now - last >= self.cooldown:
                fresh.append(code)
                self._reported_at[code] = now
            self._misses[code] = 0
        return fresh
