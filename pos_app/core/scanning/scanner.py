"""Tell a USB 2D scanner from a person at the keyboard, by timing alone.

A scanner in keyboard mode types the whole code as keystrokes a few milliseconds apart and (usually)
ends with Enter or Tab; a person needs 80 ms or more per key and cannot keep that pace up for many
keys. The UI must not show a scanned code in the amount field, yet cannot know a keystroke is part
of a scan until more keystrokes follow. So the detector holds every keystroke back briefly and
releases it to the UI only once it is known to be human: a person sees their key `max_gap` late
(tens of milliseconds, not noticeable); a scan never reaches the field at all.

The detector is fed `(text, timestamp)` and keeps no clock of its own: timestamps are monotonic
seconds from the caller (in Qt, the key event's own timestamp, so a busy event loop does not make a
scan look slow). It returns, in order, what the caller must do: deliver released keystrokes, or
handle a scanned code. Between keystrokes the caller asks `deadline` and calls `poll(now)` then,
from a single-shot timer, so held keys come out even when no further key arrives.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

TERMINATORS = frozenset({"\r", "\n", "\t"})


@dataclass(frozen=True)
class ScannerTiming:
    """The thresholds, all configurable per counter (scanners differ in speed and suffix)."""

    max_gap: float = 0.040
    """Seconds between keystrokes of one burst; longer is a person's pace."""
    min_length: int = 8
    """Characters a burst needs to count as a scan (a payment QR has 64)."""
    end_timeout: float = 0.150
    """Quiet seconds that end a scan sent without a terminator. Longer than `max_gap` so that a
    hiccup in the middle of a long burst does not split one scan in two."""


@dataclass(frozen=True)
class Keystroke:
    """One key as the UI saw it. `event` is the UI's own copy of the key event, handed back
    untouched on release so the UI can re-deliver exactly that key."""

    text: str = field(repr=False)  # a burst's texts together are a secret token: keep out of logs
    timestamp: float
    event: Any = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class Released:
    """Keystrokes a person typed: deliver them, in order, to the focused widget."""

    keystrokes: tuple[Keystroke, ...]


@dataclass(frozen=True)
class Scanned:
    """A complete scanned code, and the keystrokes it consumed (terminator included)."""

    code: str = field(repr=False)  # may be a payment token: never logged
    keystrokes: tuple[Keystroke, ...] = field(repr=False)
    terminated: bool = True


Outcome = Released | Scanned


class KeystrokeScannerDetector:
    """Splits a stream of keystrokes into scans and a person's typing; see the module docstring."""

    def __init__(self, timing: ScannerTiming | None = None) -> None:
        self.timing = timing or ScannerTiming()
        self._held: list[Keystroke] = []

    @property
    def deadline(self) -> float | None:
        """When `poll` must be called if no key arrives first; None when nothing is held."""
        if not self._held:
            return None
        wait = self.timing.end_timeout if self._is_scan() else self.timing.max_gap
        return self._held[-1].timestamp + wait

    def feed(self, text: str, timestamp: float, event: Any = None) -> list[Outcome]:
        """Take one keystroke. Editing keys (Backspace, arrows) are fed with text ''. Modifier
        keys alone (Shift, Ctrl) are not keystrokes and must not be fed: a scanner presses Shift
        for every capital letter of a code, and '' would end its burst."""
        key = Keystroke(text, timestamp, event)
        out = self.poll(timestamp)  # a key after the deadline: settle what was held first
        if text in TERMINATORS:
            if self._is_scan():
                out.append(self._take_scan(key, terminated=True))
            else:  # Enter after a person's digits, or on its own: nothing to wait for
                out.append(Released(self._take() + (key,)))
        elif text == "":
            # A scanner never sends editing keys, so this ends any burst; a person's Backspace
            # must act after the keys they typed before it.
            out.append(Released(self._take() + (key,)))
        else:
            self._held.append(key)
        return [o for o in out if o.keystrokes]

    def poll(self, now: float) -> list[Outcome]:
        """Settle held keys whose deadline has passed: a person's keys are released; a long
        fast burst that went quiet without a terminator is a scan."""
        deadline = self.deadline
        if deadline is None or now <= deadline:
            return []
        if self._is_scan():
            return [self._take_scan(None, terminated=False)]
        return [Released(self._take())]

    def flush(self) -> list[Outcome]:
        """Release everything held as typed (the field lost focus, the app is closing)."""
        return [Released(self._take())] if self._held else []

    def _is_scan(self) -> bool:
        # Keys are only held together while they keep a scanner's pace, so the count is enough,
        # except that a held-down key auto-repeats at about 30 ms, a scanner's pace too: no code
        # is one character repeated, so such a run is a person leaning on a key.
        return len(self._held) >= self.timing.min_length and len({k.text for k in self._held}) > 1

    def _take(self) -> tuple[Keystroke, ...]:
        held, self._held = tuple(self._held), []
        return held

    def _take_scan(self, terminator: Keystroke | None, terminated: bool) -> Scanned:
        keys = self._take()
        code = "".join(k.text for k in keys)
        return Scanned(code, keys + ((terminator,) if terminator else ()), terminated)
