"""What an on-screen keypad press does to the amount being typed, so the keypad can only build
an amount the counter will accept: one decimal point, at most two decimals, no leading zeros,
and never longer than the per-transaction cap allows. The keyboard types into the same field
freely; `money.parse_amount` judges the result either way at Charge."""

from __future__ import annotations

KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", ".", "0", "00", "back", "clear")
MAX_INTEGER_DIGITS = 6  # 100000.00 is the default cap: a seventh digit can never be charged


def press(text: str, key: str) -> str:
    """`text` after pressing `key` (one of KEYS). A press that would make a bad amount is ignored
    (the text comes back unchanged) rather than refused with a message: a keypad has no typos."""
    if key == "clear":
        return ""
    if key == "back":
        return text[:-1]
    if key == ".":
        if "." in text:
            return text
        return (text or "0") + "."
    if key not in KEYS or not key.isdigit():
        raise ValueError(f"not a keypad key: {key!r}")
    whole, dot, cents = text.partition(".")
    if dot:
        room = 2 - len(cents)
        return text + key[:room] if room > 0 else text
    if whole in ("", "0"):
        whole = ""
        key = key.lstrip("0") or ("0" if key == "0" and not whole else "")
        if not key:
            return "0"
    grown = whole + key
    return grown if len(grown) <= MAX_INTEGER_DIGITS else text
