"""Every Alt+letter is unique within its window, in both languages (issue 7, item 3: Alt+C was
both the Cashier tab and Charge). Walks every widget's text of the window a manager sees (both
tabs), for each combination of tab pages that can be on screen together, and of the sign-in and
settings dialogs; fails naming the letter and the texts that share it."""

import itertools
import re
from collections import defaultdict

import pytest
from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QStackedWidget, QTabBar, QTabWidget, QWidget

from pos_app.core.settings import Settings
from pos_app.ui.i18n import Language
from pos_app.ui.settings_dialog import SettingsDialog
from pos_app.ui.sign_in_dialog import SignInDialog

from .helpers import shop_settings, sign_in

_MNEMONIC = re.compile(r"(?<!&)&([^&\s])")


def _letter(text: str) -> str | None:
    found = _MNEMONIC.search(text.replace("&&", ""))
    return found.group(1).lower() if found else None


def _on_current_pages(widget: QWidget, top: QWidget) -> bool:
    # On screen together: every tab page on the way up is its stack's current page.
    child, parent = widget, widget.parentWidget()
    while parent is not None and child is not top:
        if isinstance(parent, QStackedWidget) and parent.currentWidget() is not child:
            return False
        child, parent = parent, parent.parentWidget()
    return True


def _texts(top: QWidget) -> list[str]:
    texts = []
    for w in [top, *top.findChildren(QWidget)]:
        if not _on_current_pages(w, top):
            continue
        if isinstance(w, QAbstractButton):
            texts.append(w.text())
        elif isinstance(w, QGroupBox):
            texts.append(w.title())
        elif isinstance(w, QLabel) and w.buddy() is not None:
            texts.append(w.text())
        elif isinstance(w, QTabBar):
            texts += [w.tabText(i) for i in range(w.count())]
    return texts


def _clashes(top: QWidget) -> dict[str, list[str]]:
    """Letters bound twice, over every combination of tab pages."""
    tabs = top.findChildren(QTabWidget)
    clashes: dict[str, set[str]] = {}
    for pages in itertools.product(*(range(t.count()) for t in tabs)):
        for t, i in zip(tabs, pages, strict=False):
            t.setCurrentIndex(i)
        by_letter = defaultdict(list)
        for text in _texts(top):
            if (letter := _letter(text)) is not None:
                by_letter[letter].append(text)
        for letter, texts in by_letter.items():
            if len(texts) > 1:
                clashes.setdefault(letter, set()).update(texts)
    return {k: sorted(v) for k, v in clashes.items()}


@pytest.mark.parametrize("code", ["en", "zh_CN"])
def test_every_mnemonic_of_the_managers_window_is_unique(qtbot, make_shell, shop, code):
    shell = make_shell(shop_settings(shop, language=code))
    window = sign_in(qtbot, shell, shop.manager.email, shop.manager.password)
    assert window.manager is not None
    window.cashier.pending_panel.show()  # Retry and Check are on screen while a sale is open
    assert _clashes(window) == {}


@pytest.mark.parametrize("code", ["en", "zh_CN"])
def test_every_mnemonic_of_the_sign_in_and_settings_dialogs_is_unique(qtbot, code):
    language = Language(code)
    for dialog in (SignInDialog(language, merchant="SHOP", terminal="Front"),
                   SettingsDialog(language, Settings(), ["Office printer"])):
        qtbot.addWidget(dialog)
        assert _clashes(dialog) == {}
