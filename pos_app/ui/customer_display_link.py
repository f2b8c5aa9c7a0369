"""The customer display beside the main window: which screen it goes on, whether it is open,
the cashier's toggle (Ctrl+Shift+D and a status-bar button), and screens plugged in or out.

The choice itself is `core.customer.placement` (pure, tested with made-up screens); this file
asks Qt for the screens and applies it. "auto" opens the display when there is a second
screen; the cashier's toggle wins until the screens change.

Between people it shows the welcome: a while after a sale's outcome (`BackToWelcome`), and at
once when the terminal's shift closes, on sign-out (`close`) and on `blank()` (the lock)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QScreen
from PySide6.QtWidgets import QApplication, QMainWindow, QPushButton, QWidget

from pos_app.core.customer.placement import Margins, inside, opens_by_itself, place
from pos_app.core.customer.screen import WELCOME_AFTER_SECONDS, CustomerScreen
from pos_app.core.shift.current import CurrentShift

from . import customer_display_text  # noqa: F401 - registers the labels
from .cashier import CashierView
from .customer_display import CustomerDisplay
from .customer_display_feed import CustomerDisplayFeed
from .customer_display_welcome import BackToWelcome
from .i18n import Language

SHORTCUT = "Ctrl+Shift+D"


def _rect(g: QRect) -> tuple[int, int, int, int]:
    return g.x(), g.y(), g.width(), g.height()


def frame_of(window: QWidget) -> Margins:
    """The window manager's frame around `window` (zeros until it has been shown once)."""
    f, g = window.frameGeometry(), window.geometry()
    return g.x() - f.x(), g.y() - f.y(), f.right() - g.right(), f.bottom() - g.bottom()


class CustomerDisplayLink(QObject):
    """The member's window for `view`'s sales, placed beside `window` (the main window).
    `mode` is the `customer_display` setting; `member_language` the catalog it speaks; `shift`
    the terminal's shift (its close blanks the screen); `welcome_after_ms` how long a sale's
    outcome stays."""

    _shift_changed = Signal(object)  # from whatever thread set the shift: queued to this one

    def __init__(self, window: QMainWindow, view: CashierView, language: Language, *, shop: str, currency: str,
                 member_language: str, mode: str = "auto", shift: CurrentShift | None = None,
                 welcome_after_ms: int = WELCOME_AFTER_SECONDS * 1000):
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
        self.back_to_welcome = BackToWelcome(self.screen, welcome_after_ms, self)
        self._shift_changed.connect(self._shift_now, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe = shift.subscribe(self._shift_changed.emit) if shift is not None else (lambda: None)

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

    # -- between people ------------------------------------------------------------------------

    def blank(self) -> None:
        """The welcome at once, whatever was shown (the terminal locks, the shift closes)."""
        self.screen.idle()

    def _shift_now(self, shift: object) -> None:
        if shift is None:  # closed (or none open): the last sale is nobody's business now
            self.blank()

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
            placement = self._placement(screens)
            self.display.show_placed(placement, screens[placement.screen])
            if not self.display.isFullScreen():
                # The frame is known once the window manager framed it: then keep it on the screen.
                self._keep_on_screen()
                for delay in (0, 300):
                    QTimer.singleShot(delay, self, self._keep_on_screen)
            if QApplication.activeWindow() in (None, self.display):
                self.main_window.activateWindow()  # the keyboard stays at the counter (not a dialog's)
        self._mark()

    def _placement(self, screens: list[QScreen]):
        main = self.main_window.screen()
        return place([_rect(s.geometry()) for s in screens], screens.index(main) if main in screens else 0,
                     available=[_rect(s.availableGeometry()) for s in screens], frame=frame_of(self.display))

    def _keep_on_screen(self) -> None:
        d = self.display
        screens = self.screens()
        if not d.isVisible() or d.isFullScreen() or not screens:
            return
        placement = self._placement(screens)
        area = screens[placement.screen].availableGeometry()
        if not placement.full_screen and not inside(_rect(d.frameGeometry()), _rect(area)):
            d.setGeometry(*placement.rect)

    def close(self) -> None:
        """The cashier's window is going (sign out, quit): the member's goes with it."""
        self.blank()
        self._unsubscribe()
        app = QGuiApplication.instance()
        app.screenAdded.disconnect(self._screens_changed)
        app.screenRemoved.disconnect(self._screen_removed)
        self.display.close()
        self.display.deleteLater()
