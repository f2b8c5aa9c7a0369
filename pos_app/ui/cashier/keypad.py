"""The on-screen keypad: big buttons that say which key was pressed (`core.keypad` decides
what the key does to the amount). The buttons take no focus, so tapping one never steals the
keyboard from the amount field."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QPushButton, QSizePolicy, QWidget

from pos_app.ui.i18n import Language

from . import text  # noqa: F401 - registers the labels

_GRID = (("7", "8", "9", "back"), ("4", "5", "6", None), ("1", "2", "3", "clear"), ("00", "0", ".", None))
_TALL = {"back", "clear"}  # two rows high: the keys a hurried finger must not miss


class Keypad(QWidget):
    pressed = Signal(str)  # a key of core.keypad.KEYS

    def __init__(self, language: Language, parent: QWidget | None = None):
        super().__init__(parent)
        self._language = language
        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout(self)
        grid.setSpacing(6)
        for r, keys in enumerate(_GRID):
            for c, key in enumerate(keys):
                if key is None:
                    continue
                button = QPushButton()
                button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
                button.setMinimumSize(64, 56)
                button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
                button.setStyleSheet("font-size: 18pt;")
                button.clicked.connect(lambda _=False, k=key: self.pressed.emit(k))
                grid.addWidget(button, r, c, 2 if key in _TALL else 1, 1)
                self.buttons[key] = button
        language.changed.connect(self.retranslate)
        self.retranslate()

    def retranslate(self, _code: str | None = None) -> None:
        for key, button in self.buttons.items():
            button.setText(self._language.t(f"cashier.key.{key}") if key in ("back", "clear") else key)
