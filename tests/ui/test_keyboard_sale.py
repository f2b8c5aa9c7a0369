"""A whole sale from the keyboard alone, as a cashier with a USB scanner rings it up (issue 7,
items 2 and 3): sign in, type the amount, a scanner burst (or a pasted code), Enter, the receipt,
Esc, and the next sale's amount field already has the keyboard. Every key goes to whatever has
focus (QApplication.focusWidget), as a keyboard's do; not one mouse event is delivered."""

from decimal import Decimal

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication

from .helpers import WAIT, shop_settings


class MouseCounter(QObject):
    """Counts every mouse button event the application delivers."""

    KINDS = {QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick}

    def __init__(self):
        super().__init__()
        self.seen = 0
        QApplication.instance().installEventFilter(self)

    def eventFilter(self, _obj, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() in self.KINDS:
            self.seen += 1
        return False

    def remove(self) -> None:
        QApplication.instance().removeEventFilter(self)


def _keys(qtbot, text: str) -> None:
    """Typed into whatever has the keyboard."""
    qtbot.keyClicks(QApplication.focusWidget(), text)


def _key(qtbot, key) -> None:
    qtbot.keyClick(QApplication.focusWidget(), key)


def _person_types(qtbot, text: str) -> None:
    # A person's pace (a fifth of a second a key): the scanner filter lets these through.
    for ch in text:
        qtbot.wait(200)
        _keys(qtbot, ch)


def _sign_in_by_keyboard(qtbot, shell, shop):
    dialog = shell.sign_in_dialog
    qtbot.waitUntil(lambda: dialog.submit.isEnabled() and QApplication.focusWidget() is not None, timeout=WAIT)
    assert QApplication.focusWidget() is dialog.email  # no email given: the cursor starts there
    _keys(qtbot, shop.cashier.email)
    _key(qtbot, Qt.Key.Key_Return)  # to the password
    _keys(qtbot, shop.cashier.password)
    with qtbot.waitSignal(shell.entered, timeout=WAIT) as entered:
        _key(qtbot, Qt.Key.Key_Return)
    return entered.args[0]


def test_a_sale_rung_up_with_the_keyboard_alone_scanner(qtbot, make_shell, shop):
    mouse = MouseCounter()
    try:
        shell = make_shell(shop_settings(shop))
        window = _sign_in_by_keyboard(qtbot, shell, shop)
        view = window.cashier
        qtbot.waitUntil(lambda: QApplication.focusWidget() is view.amount_field, timeout=WAIT)
        _person_types(qtbot, "12.30")
        qtbot.waitUntil(lambda: view.amount_field.text() == "12.30", timeout=WAIT)
        _keys(qtbot, shop.qr() + "\r")  # the scanner: the whole code and its Enter in one burst
        qtbot.waitUntil(lambda: view.controller.checkout.armed is not None, timeout=WAIT)
        assert view.amount_field.text() == "12.30"  # the burst went to the scanner, not the field
        _key(qtbot, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: view.receipt_panel.receipt is not None, timeout=WAIT)
        assert view.receipt_panel.receipt.amount == Decimal("12.30") and shop.balance() == Decimal("87.70")
        _key(qtbot, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: QApplication.focusWidget() is view.amount_field, timeout=WAIT)
        assert view.amount_field.text() == "" and view.controller.checkout.armed is None
        assert mouse.seen == 0
    finally:
        mouse.remove()


def test_a_pasted_code_then_enter_then_enter_charges(qtbot, make_shell, shop):
    mouse = MouseCounter()
    try:
        shell = make_shell(shop_settings(shop))
        window = _sign_in_by_keyboard(qtbot, shell, shop)
        view = window.cashier
        qtbot.waitUntil(lambda: QApplication.focusWidget() is view.amount_field, timeout=WAIT)
        _person_types(qtbot, "5")
        qtbot.waitUntil(lambda: view.amount_field.text() == "5", timeout=WAIT)
        _key(qtbot, Qt.Key.Key_F2)  # to the code field
        assert QApplication.focusWidget() is view.code_field
        QApplication.clipboard().setText(shop.qr())
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
        qtbot.wait(300)
        _key(qtbot, Qt.Key.Key_Return)  # hands the code over: "Card ready"
        qtbot.waitUntil(lambda: view.controller.checkout.armed is not None, timeout=WAIT)
        assert view.receipt_panel.receipt is None  # the first Enter only took the code
        _key(qtbot, Qt.Key.Key_Return)  # the second charges, from the (now empty) code field
        qtbot.waitUntil(lambda: view.receipt_panel.receipt is not None, timeout=WAIT)
        assert shop.balance() == Decimal("95.00")
        assert mouse.seen == 0
    finally:
        mouse.remove()


def test_a_scan_is_taken_wherever_focus_is_in_the_window(qtbot, make_shell, shop):
    shell = make_shell(shop_settings(shop))
    window = _sign_in_by_keyboard(qtbot, shell, shop)
    view = window.cashier
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.amount_field, timeout=WAIT)
    for holder in (window.language_button, window.tabs.tabBar(), view.receipt_panel.new_button, view.code_field):
        holder.setFocus()  # wherever the cashier's Tab key left the cursor
        assert QApplication.focusWidget() is holder
        view.controller.disarm()
        _keys(qtbot, shop.qr() + "\r")
        qtbot.waitUntil(lambda: view.controller.checkout.armed is not None, timeout=WAIT)
    assert shell.language.code == "en"  # the burst typed nothing into the language button either


def test_enter_charges_from_wherever_focus_is_in_the_cashier_view(qtbot, tmp_path):
    from .cashier_kit import Kit

    kit = Kit(qtbot, tmp_path)
    try:
        view = kit.view
        view.activateWindow()
        qtbot.waitUntil(view.isActiveWindow, timeout=WAIT)
        places = [view.amount_field, view.code_field, view.today_panel.table, view.receipt_panel.new_button,
                  view.use_code_button, view.tabs.tabBar()]
        for n, place in enumerate(places, start=1):
            view.controller.scan(kit.api.card("10.00"))
            view.amount_field.setText("1.00")
            for page in (view.receipt_panel, view.today_panel):
                if page.isAncestorOf(place):
                    view.tabs.setCurrentWidget(page)
            place.setFocus()
            assert QApplication.focusWidget() is place
            kit.clock.now += 1.0
            qtbot.keyClick(place, Qt.Key.Key_Return)
            qtbot.waitUntil(lambda n=n: kit.charges() == n, timeout=WAIT)
            qtbot.waitUntil(lambda: view.controller.checkout.armed is None, timeout=WAIT)
    finally:
        kit.close()
