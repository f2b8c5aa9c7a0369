"""The status bar: connection state, shop, operator and role, terminal, and the notice that the
session is not kept when no keyring exists. Layout only; the shell feeds it."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QStatusBar

from pos_app.core.connectivity import Link, Status
from pos_app.core.session.signin import Operator

from . import shell_text  # noqa: F401 - registers the labels
from .i18n import Language

LINK_STYLE = {  # colour and words both say it: not everyone tells red from green
    Link.UNKNOWN: ("status.unknown", "#555555"),
    Link.ONLINE: ("status.online", "#1b7f3b"),
    Link.DEGRADED: ("status.degraded", "#b26a00"),
    Link.OFFLINE: ("status.offline", "#b00020"),
}


class StatusBar(QStatusBar):
    def __init__(self, language: Language, terminal: str, parent=None):
        super().__init__(parent)
        self._language = language
        self._terminal = terminal
        self._status = Status(Link.UNKNOWN, None, None)
        self._operator: Operator | None = None
        self._keyring_reason = ""
        self.link = QLabel(objectName="link")
        self.merchant = QLabel(objectName="merchant")
        self.operator = QLabel(objectName="operator")
        self.terminal = QLabel(objectName="terminal")
        self.keyring = QLabel(objectName="keyring")
        self.keyring.setStyleSheet("color: #b26a00;")
        self.setStyleSheet("QStatusBar { font-size: 12pt; } QStatusBar QLabel { padding: 4px 10px; }")
        self.addWidget(self.link)
        self.addWidget(self.merchant)
        self.addWidget(self.operator)
        self.addWidget(self.keyring, 1)
        self.addPermanentWidget(self.terminal)
        language.changed.connect(self.relabel)
        self.relabel()

    @property
    def link_state(self) -> Link:
        return self._status.link

    def set_status(self, status: Status) -> None:
        self._status = status
        self.relabel()

    def set_operator(self, operator: Operator | None) -> None:
        self._operator = operator
        self.relabel()

    def set_keyring_reason(self, reason: str) -> None:
        """Empty when the session is kept in the OS keyring; else why it is not."""
        self._keyring_reason = reason
        self.relabel()

    def relabel(self, *_: object) -> None:
        t = self._language.t
        key, colour = LINK_STYLE[self._status.link]
        self.link.setText(t(key))
        self.link.setStyleSheet(f"color: {colour}; font-weight: bold;")
        self.link.setToolTip(self._status.reason)
        op = self._operator
        self.merchant.setText(op.merchant_name if op else "")
        self.merchant.setToolTip(op.merchant_code if op else "")
        self.operator.setText(t("status.operator", email=op.email, role=self._role(op.role)) if op else "")
        self.terminal.setText(t("status.terminal", terminal=self._terminal))
        # What it means for the cashier, in their language; the core's reason (a developer's
        # words: "no keyring backend") only as the tooltip, for whoever sets the machine up.
        self.keyring.setText(t("status.keyring") if self._keyring_reason else "")
        self.keyring.setToolTip(self._keyring_reason)
        self.keyring.setVisible(bool(self._keyring_reason))

    def _role(self, role: str) -> str:
        try:
            return self._language.t(f"role.{role}")
        except KeyError:  # a role this build does not know yet: show the server's word
            return role
