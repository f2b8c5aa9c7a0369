"""Where the member's window goes, as pure functions of the screens the desktop has (so a
test can hand in two screens where the offscreen platform has one).

A screen is its geometry `(x, y, width, height)`. The member's window goes full-screen on a
screen that is not the cashier's; with one screen it is a small window in a corner of the
cashier's screen, kept on top, and only when asked for (it covers part of the counter)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

Rect = tuple[int, int, int, int]

MODES = ("auto", "on", "off")  # the `customer_display` setting
WINDOWED = (640, 420)  # px: on the cashier's own screen, a window on top that the cashier can move


@dataclass(frozen=True)
class Placement:
    rect: Rect
    full_screen: bool
    screen: int  # the index of the chosen screen


def opens_by_itself(mode: str, screen_count: int) -> bool:
    """Whether the member's window opens without being asked: always ("on"), never ("off"),
    or when there is a second screen ("auto")."""
    if mode not in MODES:
        raise ValueError(f"customer_display must be one of {MODES}, not {mode!r}")
    return mode == "on" or (mode == "auto" and screen_count > 1)


def place(screens: Sequence[Rect], main: int) -> Placement:
    """The member's window: full-screen on the largest screen other than `main` (the cashier's
    window's; the first of equals, in the desktop's order), else a window in `main`'s bottom-right corner."""
    if not screens:
        raise ValueError("no screen to place the customer display on")
    main = main if 0 <= main < len(screens) else 0
    others = [i for i in range(len(screens)) if i != main]
    if others:
        best = max(others, key=lambda i: (screens[i][2] * screens[i][3], -i))
        return Placement(tuple(screens[best]), True, best)
    x, y, w, h = screens[main]
    width, height = min(WINDOWED[0], w), min(WINDOWED[1], h)
    # The bottom-right corner: over the receipt column's lower part, clear of the amount and keypad.
    return Placement((x + w - width, y + h - height, width, height), False, main)
