"""A receipt as lines of monospaced text, `width` columns wide: the on-screen receipt, and the
body of the thermal print. East Asian wide and full-width characters take two columns (as in a
terminal and in a printer's Chinese font), so columns are counted with `wcwidth`, not `len`.
"""

from __future__ import annotations

import wcwidth

from .layout import Row, rows
from .model import Receipt


def char_width(ch: str) -> int:
    """Columns one character takes: 2 for wide and full-width, 0 for combining marks and
    zero-width characters, else 1 (wcwidth's tables follow each Unicode release). A control
    character, -1 to wcwidth, takes none: a printer does not draw it."""
    return max(wcwidth.wcwidth(ch), 0)


def display_width(text: str) -> int:
    """Columns `text` takes on a monospaced screen or a thermal printer."""
    return sum(char_width(ch) for ch in text)


def wrap(text: str, width: int) -> list[str]:
    """`text` cut into lines of at most `width` columns, between words where there are spaces
    and anywhere in a run without them (Chinese, a transaction id)."""
    lines: list[str] = []
    line, used = "", 0
    for word in text.split(" "):
        piece = (" " if line else "") + word
        if line and used + display_width(piece) <= width:
            line, used = line + piece, used + display_width(piece)
            continue
        if line:
            lines.append(line)
            line, used = "", 0
        for ch in word:  # a word longer than the line is split by characters
            if used + char_width(ch) > width:
                lines.append(line)
                line, used = "", 0
            line, used = line + ch, used + char_width(ch)
    if line or not lines:
        lines.append(line)
    return lines


def center(text: str, width: int) -> list[str]:
    """`text` centred, wrapped if it is wider than the line."""
    return [" " * ((width - display_width(part)) // 2) + part for part in wrap(text, width)]


def pair(label: str, value: str, width: int) -> list[str]:
    """Label on the left, value flush right; if both do not fit on one line, the label takes its
    own line and the value follows, right-aligned (wrapped if it is wider than the line)."""
    gap = width - display_width(label) - display_width(value)
    if gap >= 1:
        return [label + " " * gap + value]
    return wrap(label, width) + [" " * (width - display_width(v)) + v for v in wrap(value, width)]


def row_lines(row: Row, width: int) -> list[str]:
    """The text lines of one row; a QR row has none (the screen draws the QR from the payload,
    the printer prints it with its own command)."""
    if row.style in ("title", "center"):
        return center(row.value, width)
    if row.style == "pair":
        return pair(row.label, row.value, width)
    if row.style == "rule":
        return ["-" * width]
    if row.style == "text":
        return wrap(row.value, width)
    return []


def render_text(receipt: Receipt, width: int = 32, language: str = "en") -> list[str]:
    """The receipt as lines of at most `width` columns (32 fits 58 mm paper, 48 fits 80 mm)."""
    if width < 16:
        raise ValueError("a receipt needs at least 16 columns")
    return [line for row in rows(receipt, language) for line in row_lines(row, width)]
