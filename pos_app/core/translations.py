"""The app's words in every language: gettext catalogs under `pos_app/locale/`, read with the
standard library and edited with standard tools (docs/translations.md).

English is the source: every word is written once in the code, marked with `N_` (one form) or
`NP_` (singular and plural), with a context that says where it shows (`"cashier.amount"`,
`"receipt"`, an error's name). `pybabel extract` collects those marks into `messages.pot`; each
language is one `<code>/LC_MESSAGES/messages.po` beside it, compiled to `messages.mo` by
`make setup`. A language is there when its compiled catalog is: adding one is adding a catalog,
with no code change. Qt-free: the window's `Language` and the receipts both read from here."""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"
SOURCE_LANGUAGE = "en"


def N_(context: str, message: str) -> tuple[str, str]:
    """Marks `message` for the extractor (keyword `N_:1c,2`) and keeps its context beside it;
    translated later, in the language of the moment, by `text`."""
    return context, message


def NP_(context: str, singular: str, plural: str) -> tuple[str, str, str]:
    """Marks a message with a plural form (keyword `NP_:1c,2,3`); translated by `plural_text`."""
    return context, singular, plural


def _discover() -> tuple[str, ...]:
    found = sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.mo"))
    return (SOURCE_LANGUAGE, *[code for code in found if code != SOURCE_LANGUAGE])


# English first, then every language whose compiled catalog is present.
LANGUAGES: tuple[str, ...] = _discover()


@cache
def catalog(language: str) -> gettext.NullTranslations:
    """The compiled catalog of `language`; English (the source text itself) for English and
    for a language that has none."""
    if language == SOURCE_LANGUAGE or language not in LANGUAGES:
        return gettext.NullTranslations()
    with open(LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo", "rb") as f:
        return gettext.GNUTranslations(f)


def text(marked: tuple[str, str], language: str, **fields: object) -> str:
    """A `N_` message in `language`, its `{field}`s filled from `fields`."""
    context, message = marked
    words = catalog(language).pgettext(context, message)
    return words.format(**fields) if fields else words


def plural_text(marked: tuple[str, str, str], n: int, language: str, **fields: object) -> str:
    """A `NP_` message in `language` for the count `n` (the catalog's own plural rule picks the
    form), its `{field}`s filled from `fields` (`n` among them as `count` when not given)."""
    context, singular, plural = marked
    words = catalog(language).npgettext(context, singular, plural, n)
    return words.format(**{"count": n, **fields})


def babel_locale(language: str) -> str:
    """The CLDR locale Babel formats numbers and dates with for `language`."""
    return language if language != SOURCE_LANGUAGE else "en_US"


def format_moment(moment, language: str) -> str:
    """A date and time for a person reading a screen, in `language`'s own way (CLDR, through
    Babel): "May 1, 2024 16:30", "2024年5月1日 16:30" (the date as the locale writes it, the time
    on the 24-hour clock the counter shows everywhere). `moment` is already on the shop's clock.
    Paper and files keep one fixed-width form instead (receipt_layout, day_csv)."""
    from babel.dates import format_date, format_time

    locale = babel_locale(language if language in LANGUAGES else SOURCE_LANGUAGE)
    return f"{format_date(moment, 'medium', locale=locale)} {format_time(moment, 'HH:mm', locale=locale)}"
