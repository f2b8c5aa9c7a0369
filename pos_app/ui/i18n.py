"""The window's words in every language of the catalogs, switchable while it runs.

Each view lists its own labels (`register(N_("key", "English"), ...)` in its `text.py`): the key
is the gettext context, the English the source text, the words of other languages come from
`pos_app/locale/` (`pos_app.core.translations`). Views re-label themselves on `language.changed`.
Error and state wording comes from `pos_app.core.messages`. Qt's own words (the buttons of a
file dialog, a line edit's context menu) come from Qt's `qtbase_<language>.qm`, which PySide6
ships, loaded with a `QTranslator` whenever the language changes.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QObject, QTranslator, Signal

from pos_app.core.translations import LANGUAGES, N_, plural_text, text

_LABELS: dict[str, tuple] = {}
_QT_TRANSLATOR: QTranslator | None = None

# Each catalog names its own language (the settings' list, the language button).
LANGUAGE_NAME = N_("language.name", "English")


def register(*marked: tuple) -> None:
    """Add labels, each `N_(key, English)` or `NP_(key, singular, plural)`. A key registered
    twice with other words is a bug (two views would disagree), so it raises."""
    for entry in marked:
        key = entry[0]
        if key in _LABELS and _LABELS[key] != entry:
            raise ValueError(f"label {key!r} registered twice with different words")
        _LABELS[key] = entry


def language_name(code: str) -> str:
    """The name of language `code` in that language ("English", "中文（简体）")."""
    return text(LANGUAGE_NAME, code)


class Language(QObject):
    """The current language; `changed(code)` when it switches."""

    changed = Signal(str)

    def __init__(self, code: str = "en"):
        super().__init__()
        self._code = code if code in LANGUAGES else "en"
        # The language the button goes back to from English: the shop's own (the last other one
        # chosen), so a Hong Kong counter switches between 中文（繁體） and English.
        self._other = self._code if self._code != "en" else next(iter(LANGUAGES[1:]), "en")
        self._load_qt()

    @property
    def code(self) -> str:
        return self._code

    def set(self, code: str) -> None:
        if code not in LANGUAGES:
            raise ValueError(f"unknown language {code!r}; expected one of {LANGUAGES}")
        if code != "en":
            self._other = code
        if code != self._code:
            self._code = code
            self._load_qt()
            self.changed.emit(code)

    def next_code(self) -> str:
        """Where the language button and F12 go: English from any other language, and from
        English back to the last other one (the one chosen in settings at the start)."""
        return "en" if self._code != "en" else self._other

    def t(self, key: str, **fmt: object) -> str:
        """The label `key` in the current language, formatted with `fmt`."""
        return text(_LABELS[key], self._code, **fmt)

    def t_fields(self, key: str, fields: Mapping[str, object]) -> str:
        """The label `key` with `fields`, each a value or a callable of the language code (words
        from the core's catalog, such as a money amount or a `messages` text), worded now."""
        return self.t(key, **{k: v(self._code) if callable(v) else v for k, v in fields.items()})

    def tn(self, key: str, n: int, **fmt: object) -> str:
        """The plural label `key` for the count `n` (also given to the text as `{count}`)."""
        return plural_text(_LABELS[key], n, self._code, **fmt)

    def _load_qt(self) -> None:
        """Qt's own words in this language (English, Qt's source, needs none). One translator for
        the application: Qt speaks one language at a time, the one last set."""
        global _QT_TRANSLATOR
        app = QCoreApplication.instance()
        if app is None:
            return
        if _QT_TRANSLATOR is None:
            _QT_TRANSLATOR = QTranslator()  # kept here, not by the app: outlives any one Language
        app.removeTranslator(_QT_TRANSLATOR)
        if self._code == "en":
            return
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if _QT_TRANSLATOR.load(f"qtbase_{self._code}", folder):
            app.installTranslator(_QT_TRANSLATOR)
