"""The sale whose outcome is unknown, kept in sight until Retry or Check settles it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from pos_app.core.messages import message_for
from pos_app.ui.i18n import Language

from . import text  # noqa: F401 - registers the labels


class PendingPanel(QWidget):
    retry = Signal()
    check = Signal()

    def __init__(self, language: Language, parent: QWidget | None = None):
        super().__init__(parent)
        self._language = language
        # amount text, cause, retry possible, a split sale's line (its label key and fields)
        self._state: tuple[str, str, bool, dict[str, str] | None] | None = None
        self.setObjectName("pendingPanel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)  # a plain QWidget draws no sheet background otherwise
        self.setStyleSheet("#pendingPanel { background: #fff4d6; border: 2px solid #e0a100; border-radius: 8px; }"
                           "QLabel { background: transparent; }")
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: bold; font-size: 16pt; color: #7a4b00;")
        self.amount = QLabel()
        self.amount.setStyleSheet("font-size: 14pt;")
        self.words = QLabel()
        self.words.setWordWrap(True)
        self.words.setStyleSheet("font-size: 12pt;")
        self.retry_button = QPushButton()
        self.check_button = QPushButton()
        for b in (self.retry_button, self.check_button):
            b.setMinimumHeight(56)
        self.retry_button.clicked.connect(self.retry)
        self.check_button.clicked.connect(self.check)
        buttons = QHBoxLayout()
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.check_button)
        layout = QVBoxLayout(self)
        for w in (self.title, self.amount, self.words):
            layout.addWidget(w)
        layout.addLayout(buttons)
        language.changed.connect(self.retranslate)
        self.retranslate()
        self.hide()

    def show_pending(self, amount: str, cause: str, can_retry: bool, split: dict[str, str] | None = None) -> None:
        self._state = (amount, cause, can_retry, split)
        self.retranslate()
        self.show()

    def set_busy(self, busy: bool) -> None:
        can_retry = bool(self._state and self._state[2])
        self.retry_button.setEnabled(not busy and can_retry)
        self.check_button.setEnabled(not busy)

    def settle(self) -> None:
        self._state = None
        self.hide()

    def retranslate(self, _code: str | None = None) -> None:
        t = self._language.t
        self.title.setText(t("cashier.pending_title"))
        self.retry_button.setText(t("cashier.retry"))
        self.check_button.setText(t("cashier.check"))
        if self._state is None:
            return
        amount, cause, can_retry, split = self._state
        if split is not None:
            fields = dict(split)
            self.amount.setText(t(fields.pop("key"), **fields))
        else:
            self.amount.setText(t("cashier.pending_amount", amount=amount))
        words = str(message_for(cause, self._language.code))
        self.words.setText(words if can_retry else f"{words}\n{t('cashier.retry_gone')}")
        self.retry_button.setEnabled(can_retry)
