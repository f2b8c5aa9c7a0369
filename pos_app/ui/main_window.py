"""The POS window: a top bar (shop, language, lock, sign out), a notice line for what the
start-up check settled, tabs for the cashier and (for managers and owners) the manager view,
and the status bar. Layout only: the shell decides what goes in and what the buttons do.

Locked, the window keeps everything as it was (the amount typed, the receipt shown, a sale
still sending) under the lock panel, which covers it whole; the body is disabled, so no
button, field or shortcut of a view acts until `unlock`, which hands the keyboard back to
where it was."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import Shiboken

from pos_app.core.session.signin import Operator

from . import lock_text, shell_text  # noqa: F401 - registers the labels
from .i18n import Language, language_name
from .status_bar import StatusBar

BIG = 52  # px: a finger's width on a touch screen
SIZE = (1280, 800)  # what the layout is made for; smaller screens get the window maximised
FRAME = (16, 64)  # px a window manager's frame and title bar may add around it


class MainWindow(QMainWindow):
    sign_out_requested = Signal()
    lock_requested = Signal()
    language_toggled = Signal()
    closing = Signal()  # the window is being closed (by the person, or by the shell)

    def __init__(self, language: Language, operator: Operator, terminal: str, *,
                 cashier: QWidget, manager: QWidget | None = None, cashier_page: QWidget | None = None,
                 parent=None):
        super().__init__(parent)
        self._language = language
        self._operator = operator
        self._notices: list[tuple[str, dict]] = []  # label key and its fields, re-worded live

        self.shop = QLabel(objectName="shop")
        self.shop.setStyleSheet("font-size: 18pt; font-weight: bold;")
        self.language_button = QPushButton(objectName="language", minimumHeight=BIG, minimumWidth=120)
        self.sign_out_button = QPushButton(objectName="signOut", minimumHeight=BIG, minimumWidth=160)
        self.lock_button = QPushButton(objectName="lock", minimumHeight=BIG, minimumWidth=140)
        for button in (self.language_button, self.lock_button, self.sign_out_button):
            button.setStyleSheet("font-size: 13pt;")
            # A click must not take the keyboard from the amount field; Tab still reaches them.
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.language_button.clicked.connect(self.language_toggled)
        self.sign_out_button.clicked.connect(self.sign_out_requested)
        self.lock_button.clicked.connect(self.lock_requested)
        top = QHBoxLayout()
        top.addWidget(self.shop, 1)
        top.addWidget(self.language_button)
        top.addWidget(self.lock_button)
        top.addWidget(self.sign_out_button)

        self.notice = QLabel(wordWrap=True, objectName="notice", textInteractionFlags=Qt.TextSelectableByMouse)
        self.dismiss = QPushButton(minimumHeight=40)
        self.dismiss.clicked.connect(self.clear_notices)
        self.notice_box = QFrame(objectName="noticeBox")
        self.notice_box.setStyleSheet("#noticeBox { background: #fff4d6; border: 1px solid #e0b84c; "
                                      "border-radius: 6px; } #notice { font-size: 12pt; }")
        notice_row = QHBoxLayout(self.notice_box)
        notice_row.addWidget(self.notice, 1)
        notice_row.addWidget(self.dismiss)
        self.notice_box.hide()

        self.tabs = QTabWidget(objectName="tabs")
        self.tabs.setStyleSheet("QTabBar::tab { min-height: 44px; min-width: 160px; font-size: 13pt; }")
        self.cashier = cashier
        self.manager = manager
        # The cashier's tab may hold the sale screen inside a page around it (the shift's).
        self.cashier_page = cashier_page or cashier
        self.tabs.addTab(self.cashier_page, "")
        if manager is not None:
            self.tabs.addTab(manager, "")

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addLayout(top)
        layout.addWidget(self.notice_box)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(body)
        self.status = StatusBar(language, terminal)
        self.status.set_operator(operator)
        self.setStatusBar(self.status)

        # Every action by keyboard too: Alt+I / Alt+M through the tab mnemonics, and these.
        self.shortcuts = {
            "language": QShortcut(QKeySequence(Qt.Key_F12), self, activated=self.language_toggled.emit),
            "sign_out": QShortcut(QKeySequence("Ctrl+Shift+Q"), self, activated=self.sign_out_requested.emit),
            "lock": QShortcut(QKeySequence("Ctrl+L"), self, activated=self.lock_requested.emit),
        }
        for index in range(self.tabs.count()):
            self.shortcuts[f"tab{index + 1}"] = QShortcut(QKeySequence(f"Ctrl+{index + 1}"), self,
                                                          activated=lambda i=index: self.tabs.setCurrentIndex(i))
        self.setTabOrder(self.tabs, self.language_button)
        self.setTabOrder(self.language_button, self.lock_button)
        self.setTabOrder(self.lock_button, self.sign_out_button)
        self.lock_panel: QWidget | None = None
        self._focus_before_lock: QWidget | None = None
        self.resize(*SIZE)
        # Switching tabs hands the keyboard to the new page's first text field (the cashier's
        # amount, the manager's receipt code): the cursor must not stay on a hidden page.
        self.tabs.currentChanged.connect(lambda _i: QTimer.singleShot(0, self, self._focus_page))
        language.changed.connect(self.relabel)
        self.relabel()

    def show_fitted(self) -> None:
        """Show at the size the layout is made for, or maximised on a screen too small for it
        (a 1366x768 laptop, a 1280x800 till): the status bar must not end below the screen."""
        screen = self.screen().availableGeometry()
        if screen.width() < SIZE[0] + FRAME[0] or screen.height() < SIZE[1] + FRAME[1]:
            self.showMaximized()
        else:
            self.show()

    def _focus_page(self) -> None:
        page = self.tabs.currentWidget()
        fields = [f for f in page.findChildren(QLineEdit) if f.isVisible() and f.isEnabled() and not f.isReadOnly()]
        if fields:
            fields[0].setFocus(Qt.FocusReason.TabFocusReason)

    def relabel(self, *_: object) -> None:
        t = self._language.t
        self.setWindowTitle(t("main.title", merchant=self._operator.merchant_name))
        self.shop.setText(self._operator.merchant_name)
        self.language_button.setText(language_name(self._language.next_code()))
        self.language_button.setToolTip(t("main.language_tip"))
        self.sign_out_button.setText(t("main.sign_out"))
        self.sign_out_button.setToolTip(t("main.sign_out_tip"))
        self.lock_button.setText(t("main.lock"))
        self.lock_button.setToolTip(t("main.lock_tip"))
        self.dismiss.setText(t("main.dismiss"))
        self.tabs.setTabText(0, t("main.tab_cashier"))
        if self.manager is not None:
            self.tabs.setTabText(1, t("main.tab_manager"))
        self._show_notices()

    def add_notice(self, key: str, **fields: object) -> None:
        """Add a line to the notice box; `fields` may hold callables of the language code, for
        words that come from the core's catalog."""
        self._notices.append((key, fields))
        self._show_notices()

    def clear_notices(self) -> None:
        self._notices.clear()
        self._show_notices()

    def _show_notices(self) -> None:
        lines = [self._language.t_fields(key, fields) for key, fields in self._notices]
        self.notice.setText("\n".join(lines))
        self.notice_box.setVisible(bool(lines))

    # -- locked ----------------------------------------------------------------------------

    @property
    def locked(self) -> bool:
        return self.lock_panel is not None

    def lock(self, panel: QWidget) -> None:
        """Cover the window with `panel` (the lock screen); everything under it stays as it is."""
        if self.lock_panel is not None:
            return
        focused = self.focusWidget()
        self._focus_before_lock = focused if focused is not None and self.isAncestorOf(focused) else None
        self.lock_panel = panel
        self.centralWidget().setEnabled(False)
        for name, shortcut in self.shortcuts.items():
            shortcut.setEnabled(name == "language")  # the language may switch while locked
        panel.setParent(self)
        panel.setGeometry(self.rect())
        panel.show()
        panel.raise_()
        focus = getattr(panel, "focus_pin", panel.setFocus)
        focus()

    def unlock(self) -> None:
        """Take the lock panel away; the keyboard goes back where it was (the amount field)."""
        panel, self.lock_panel = self.lock_panel, None
        if panel is None:
            return
        self.centralWidget().setEnabled(True)
        for shortcut in self.shortcuts.values():
            shortcut.setEnabled(True)
        panel.hide()
        panel.deleteLater()
        before, self._focus_before_lock = self._focus_before_lock, None
        if before is not None and Shiboken.isValid(before) and before.isVisible() and before.isEnabled():
            before.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self._focus_page()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if self.lock_panel is not None:
            self.lock_panel.setGeometry(self.rect())

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.closing.emit()
        super().closeEvent(event)
