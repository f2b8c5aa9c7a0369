"""Money at the counter: what a cashier types becomes a `Decimal` with two places, and an amount
is shown in the merchant's currency. Floats never carry money here.

The rules mirror the backend's `invalid_amount` (contract §4), so the cashier hears about a bad
amount before any request: more than zero, at most two non-zero decimals (`1.230` is `1.23`,
`1.234` is refused), finite, at most the per-transaction cap."""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import format_decimal, get_currency_symbol

from .translations import LANGUAGES, babel_locale

CENT = Decimal("0.01")
DEFAULT_CAP = Decimal("100000.00")
REASONS = ("empty", "not_a_number", "not_finite", "zero", "negative", "too_many_decimals", "above_cap")


class AmountError(ValueError):
    """A typed amount the counter refuses. `reason` is a stable code the UI translates
    (`messages.message_for`): empty, not_a_number, not_finite, zero, negative,
    too_many_decimals, above_cap."""

    def __init__(self, reason: str, detail: str = ""):
        assert reason in REASONS, reason
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


# A Chinese IME types the ideographic full stop for "." (NFKC leaves it alone); thin and
# no-break spaces come from pasting a formatted amount.
_IME_FOLD = str.maketrans({"\u3002": ".", "\uff61": ".", "\u00a0": "", "\u2009": "", "\u202f": ""})
# Plain digits, or digits grouped by commas in threes: "12,5" is refused, not read as 125.
_NUMBER = re.compile(r"-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]*)?|-?\.[0-9]+")
_NOT_FINITE = {"nan", "-nan", "snan", "inf", "-inf", "+inf", "infinity", "-infinity", "+infinity", "∞", "-∞"}


def normalise_typed(text: str) -> str:
    """The typed text with full-width characters folded to ASCII and surrounding space removed."""
    return unicodedata.normalize("NFKC", text).translate(_IME_FOLD).strip()


def parse_amount(text: str, cap: Decimal = DEFAULT_CAP) -> Decimal:
    """What the cashier typed as a positive `Decimal` with exactly two places; AmountError
    otherwise. Accepts "12", "12.5", "12.", ".5", "1,234.50", "１２．５"."""
    if text is None:
        raise AmountError("empty")
    s = normalise_typed(str(text))
    if not s:
        raise AmountError("empty")
    if s.lower() in _NOT_FINITE:
        raise AmountError("not_finite", s)
    if not _NUMBER.fullmatch(s):
        raise AmountError("not_a_number", s)
    return check_amount(Decimal(s.replace(",", "")), cap)


def check_amount(value: Decimal, cap: Decimal = DEFAULT_CAP) -> Decimal:
    """`value` as a chargeable amount with two places, or AmountError (same rules as parse)."""
    if not isinstance(value, Decimal):
        raise AmountError("not_a_number", repr(value))
    if not value.is_finite():
        raise AmountError("not_finite", str(value))
    if value.is_zero():
        raise AmountError("zero")
    if value < 0:
        raise AmountError("negative", str(value))
    cents = value.quantize(CENT, rounding=ROUND_HALF_UP)
    if cents != value:
        raise AmountError("too_many_decimals", str(value))
    if cents > cap:
        raise AmountError("above_cap", f"{cents} > {cap}")
    return cents


def from_api(value: object) -> Decimal:
    """An amount from an API answer (a JSON number or string) as a Decimal, read via `str` so a
    float's binary noise never enters the sum. None and booleans are refused."""
    if value is None or isinstance(value, bool):
        raise TypeError(f"not an amount: {value!r}")
    try:
        return Decimal(str(value))
    except InvalidOperation as e:
        raise TypeError(f"not an amount: {value!r}") from e


# Symbols and digits come from CLDR through Babel, per display language (a new catalog's language
# formats as its locale does, with no code change). Two choices of the shop's own go over CLDR in
# the two languages it started with: CNY is the default currency of a merchant, so it gets the bare
# "¥" in English too (CLDR says "CN¥") and JPY is marked "JP¥" to tell them apart. Amounts keep
# two decimals for every currency, as the backend does.
_SYMBOLS = {
    "en": {"CNY": "¥", "JPY": "JP¥"},
}
_PATTERN = "#,##0.00"


def format_amount(amount: Decimal, currency: str = "CNY", language: str = "en") -> str:
    """The amount for people: "¥1,234.50", "-€3.00"; an unknown currency is shown by its code
    ("CHF 12.00"). Rounded half-up to cents for display only, and never through a float."""
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise TypeError(f"not a finite Decimal amount: {amount!r}")
    code = (currency or "").upper()
    language = language if language in LANGUAGES else "en"  # as its words do
    locale = babel_locale(language)
    cents = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "-" if cents < 0 else ""
    digits = format_decimal(abs(cents), _PATTERN, locale=locale, decimal_quantization=False)
    symbol = _SYMBOLS.get(language, {}).get(code) or (get_currency_symbol(code, locale) if code else "")
    return f"{sign}{code} {digits}" if symbol in ("", code) else f"{sign}{symbol}{digits}"
