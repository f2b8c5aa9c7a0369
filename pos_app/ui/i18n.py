"""The window's words in English and Simplified Chinese, switchable while it runs.

Each view registers its own labels (`register({...})` in its `text.py`) and re-labels itself
on `language.changed`. Error and state wording comes from `pos_app.core.messages`.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

LANGUAGES = ("en", "zh_CN")
_CATALOG: dict[str, tuple[str, str]] = {}


def register(entries: dict[str, tuple[str, str]]) -> None:
    """Add labels: key -> (English, Simplified Chinese). A key registered twice with other
    words is a bug (two views would disagree), so it raises."""
    for key, words in entries.items():
        if key in _CATALOG and _CATALOG[key] != words:
            raise ValueError(f"label {key!r} registered twice with different words")
        _CATALOG[key] = words


class Language(QObject):
    """The current language; `changed(code)` when it switches."""

    changed = Signal(str)

    def __init__(self, code: str = "en"):
        super().__init__()
        self._code = code if code in LANGUAGES else "en"

    @property
    def code(self) -> str:
        return self._code

    def set(self, code: str) -> None:
        if code not in LANGUAGES:
            raise ValueError(f"unknown language {code!r}; expected one of {LANGUAGES}")
        if code != self._code:
            self._code = code
            self.changed.emit(code)

    def t(self, key: str, **fmt: object) -> str:
        """The label `key` in the current language, formatted with `fmt`."""
        en, zh = _CATALOG[key]
        text = zh if self._code == "zh_CN" else en
        return text.format(**fmt) if fmt else text
