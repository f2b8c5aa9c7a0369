"""Where the member's window goes, as pure functions of the screens the desktop has (so a
test can hand in two screens where the offscreen platform has one).

A screen is its geometry `(x, y, width, height)`. The member's window goes full-screen on a
screen that is not the cashier's; with one screen it is a small window in a corner of the
cashier's screen, kept on top, and only when asked for (it covers part of the counter). That
window, its frame included, lies inside the screen's available area (without the panels and
docks), whatever the screen's size."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

Rect = tuple[int, int, int, int]
Margins = tuple[int, int, int, int]  # a window frame's left, top, right, bottom

MODES = ("auto", "on", "off")  # the `customer_display` setting
WINDOWED = (640, 420)  # px: on the cashier's own screen, a window on top that the cashier can move


@dataclass(frozen=True)
class Placement:
    rect: Rect  # the window's own area, without its frame
    full_screen: bool
    screen: int  # the index of the chosen screen


def opens_by_itself(mode: str, screen_count: int) -> bool:
    """Whether the member's window opens without being asked: always ("on"), never ("off"),
    or when there is a second screen ("auto")."""
    if mode not in MODES:
        raise ValueError(f"customer_display must be one of {MODES}, not {mode!r}")
    return mode == "on" or (mode == "auto" and screen_count > 1)


def place(screens: Sequence[Rect], main: int, *, available: Sequence[Rect] | None = None,
          frame: Margins = (0, 0, 0, 0)) -> Placement:
    """The member's window: full-screen on the largest screen other than `main` (the cashier's
    window's; the first of equals, in the desktop's order), else a window in `main`'s bottom-right
    corner, inside `available[main]` (the screen less its panels; the whole screen if not given)
    with its `frame` (the window manager's title bar and borders) inside too."""
    if not screens:
        raise ValueError("no screen to place the customer display on")
    main = main if 0 <= main < len(screens) else 0
    others = [i for i in range(len(screens)) if i != main]
    if others:
        best = max(others, key=lambda i: (screens[i][2] * screens[i][3], -i))
        return Placement(tuple(screens[best]), True, best)
    x, y, w, h = available[main] if available is not None and main < len(available) else screens[main]
    left, top, right, bottom = frame
    width = max(1, min(WINDOWED[0], w - left - right))
    height = max(1, min(WINDOWED[1], h - top - bottom))
    # The bottom-right corner: over the receipt column's lower part, clear of the amount and keypad.
    return Placement((x + w - right - width, y + h - bottom - height, width, height), False, main)


def inside(rect: Rect, area: Rect) -> bool:
    """Whether `rect` lies wholly inside `area`."""
    x, y, w, h = rect
    ax, ay, aw, ah = area
    return ax <= x and ay <= y and x + w <= ax + aw and y + h <= ay + ah
