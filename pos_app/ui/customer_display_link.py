"""The customer display beside the main window: which screen it goes on, whether it is open,
the cashier's toggle (Ctrl+Shift+D and a status-bar button), and screens plugged in or out.

The choice itself is `core.customer.placement` (pure, tested with made-up screens); this file
asks Qt for the screens and applies it. "auto" opens the display when there is a second
screen; the cashier's toggle wins until the screens change."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QScreen
from PySide6.QtWidgets import QApplication, QMainWindow, QPushButton

from pos_app.core.customer.placement import opens_by_itself, place
from pos_app.core.customer.screen import CustomerScreen

from . import customer_display_text  # noqa: F401 - registers the labels
from .cashier import CashierView
from .customer_display import CustomerDisplay
from .customer_display_feed import CustomerDisplayFeed
from .i18n import Language

SHORTCUT = "Ctrl+Shift+D"


def _rect(screen: QScreen) -> tuple[int, int, int, int]:
    g = screen.geometry()
    return g.x(), g.y(), g.width(), g.height()


class CustomerDisplayLink(QObject):
    """The member's window for `view`'s sales, placed beside `window` (the main window).
    `mode` is the `customer_display` setting; `member_language` the catalog it speaks."""

    def __init__(self, window: QMainWindow, view: CashierView, language: Language, *, shop: str, currency: str,
                 member_language: str, mode: str = "auto"):
        super().__init__(window)
        self.main_window = window
        self.mode = mode
        self._language = language
        self._by_hand: bool | None = None  # the cashier's last toggle; None: the mode decides
        self._leaving: QScreen | None = None
        self.screen = CustomerScreen(currency)
        self.display = CustomerDisplay(self.screen, member_language, shop)
        self.display.closed_by_hand.connect(self._closed_by_hand)
        self.feed = CustomerDisplayFeed(view, self.screen, self)

        self.action = QAction(window, checkable=True)
        self.action.setShortcut(QKeySequence(SHORTCUT))
        self.action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.action.triggered.connect(self.toggle)
        window.addAction(self.action)
        self.button = QPushButton(checkable=True, objectName="customerDisplayButton")
        self.button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a click leaves the keyboard on the amount
        self.button.clicked.connect(self.toggle)
        window.statusBar().addPermanentWidget(self.button)

        app = QGuiApplication.instance()
        app.screenAdded.connect(self._screens_changed)
        app.screenRemoved.connect(self._screen_removed)
        language.changed.connect(self.relabel)
        self.relabel()
        self.update()

    # -- the cashier's toggle ----------------------------------------------------------------

    def toggle(self) -> None:
        self._by_hand = not self.display.isVisible()
        self.update()

    def _closed_by_hand(self) -> None:
        self._by_hand = False
        QTimer.singleShot(0, self, self._mark)

    def relabel(self, *_: object) -> None:
        t = self._language.t
        self.action.setText(t("main.customer_display"))
        self.button.setText(t("main.customer_display"))
        self.button.setToolTip(t("main.customer_display_tip"))

    def _mark(self) -> None:
        shown = self.display.isVisible()
        self.action.setChecked(shown)
        self.button.setChecked(shown)

    # -- screens -----------------------------------------------------------------------------

    def _screens_changed(self, *_: object) -> None:
        self._by_hand = None  # a screen came or went: "auto" decides again
        QTimer.singleShot(0, self, self.update)  # after Qt has moved its windows off a gone screen

    def _screen_removed(self, screen: QScreen) -> None:
        self._leaving = screen
        self._screens_changed()

    def screens(self) -> list[QScreen]:
        return [s for s in QGuiApplication.screens() if s is not self._leaving]

    def update(self) -> None:
        """Open, move or close the display for the screens there are now."""
        screens = self.screens()
        self._leaving = None
        wanted = self._by_hand if self._by_hand is not None else opens_by_itself(self.mode, len(screens))
        if not wanted or not screens:
            self.display.hide()
        else:
            main = self.main_window.screen()
            placement = place([_rect(s) for s in screens], screens.index(main) if main in screens else 0)
            self.display.show_placed(placement, screens[placement.screen])
            if QApplication.activeWindow() in (None, self.display):
                self.main_window.activateWindow()  # the keyboard stays at the counter (not a dialog's)
        self._mark()

    def close(self) -> None:
        """The cashier's window is going (sign out, quit): the member's goes with it."""
        app = QGuiApplication.instance()
        app.screenAdded.disconnect(self._screens_changed)
        app.screenRemoved.disconnect(self._screen_removed)
        self.display.close()
        self.display.deleteLater()
