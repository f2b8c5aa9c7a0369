"""The amount field has the keyboard whenever the cashier view is on screen (issue 7, item 2):
after sign-in, after a sale, after New sale, after Esc, after a language switch, after a dialog
closes. Checked with the application's real focus (QApplication.focusWidget) in an active window,
never by setting focus in the test."""

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from .cashier_kit import WAIT, open_kit
from .helpers import shop_settings, sign_in


def _amount_has_the_keyboard(qtbot, view) -> None:
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.amount_field, timeout=WAIT)
    assert view.window().isActiveWindow()


@pytest.fixture
def kit(qtbot, tmp_path):
    gen = open_kit(qtbot, tmp_path)
    k = next(gen)
    k.view.activateWindow()
    qtbot.waitUntil(k.view.isActiveWindow, timeout=WAIT)
    yield k
    next(gen, None)


def test_after_sign_in_the_amount_field_has_the_keyboard(qtbot, make_shell, shop):
    shell = make_shell(shop_settings(shop))
    window = sign_in(qtbot, shell, shop.cashier.email, shop.cashier.password)
    _amount_has_the_keyboard(qtbot, window.cashier)


def test_after_a_language_switch_the_amount_field_has_the_keyboard(qtbot, make_shell, shop):
    shell = make_shell(shop_settings(shop))
    window = sign_in(qtbot, shell, shop.cashier.email, shop.cashier.password)
    _amount_has_the_keyboard(qtbot, window.cashier)
    qtbot.mouseClick(window.language_button, Qt.MouseButton.LeftButton)
    assert shell.language.code == "zh_CN"
    _amount_has_the_keyboard(qtbot, window.cashier)
    window.cashier.code_field.setFocus()
    qtbot.keyClick(window.cashier.code_field, Qt.Key.Key_F12)
    assert shell.language.code == "en"
    _amount_has_the_keyboard(qtbot, window.cashier)


def test_after_a_sale_the_amount_field_has_the_keyboard(kit):
    kit.view.controller.scan(kit.api.card("50.00"))
    kit.view.amount_field.setText("12.00")
    kit.qtbot.mouseClick(kit.view.charge_button, Qt.MouseButton.LeftButton)  # a click moves focus to the button
    kit.wait_receipt()
    _amount_has_the_keyboard(kit.qtbot, kit.view)


def test_after_new_sale_the_amount_field_has_the_keyboard(kit):
    kit.view.controller.scan(kit.api.card("50.00"))
    kit.view.amount_field.setText("3.00")
    kit.view.charge()
    kit.wait_receipt()
    kit.qtbot.mouseClick(kit.view.receipt_panel.new_button, Qt.MouseButton.LeftButton)
    _amount_has_the_keyboard(kit.qtbot, kit.view)


def test_after_escape_the_amount_field_has_the_keyboard(kit):
    kit.view.tabs.setCurrentWidget(kit.view.today_panel)
    kit.qtbot.mouseClick(kit.view.use_code_button, Qt.MouseButton.LeftButton)
    kit.qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    _amount_has_the_keyboard(kit.qtbot, kit.view)


def test_after_a_dialog_closes_the_amount_field_has_the_keyboard(kit):
    kit.qtbot.mouseClick(kit.view.use_code_button, Qt.MouseButton.LeftButton)  # the opener keeps focus
    dialog = QDialog(kit.view)
    QTimer.singleShot(100, dialog.reject)
    dialog.exec()  # a print or save dialog: modal, then back to the counter
    kit.view.activateWindow()  # what the window manager does when the dialog is gone (offscreen has none)
    _amount_has_the_keyboard(kit.qtbot, kit.view)


def test_after_a_sale_charged_from_the_code_field_the_amount_field_has_the_keyboard(kit):
    kit.view.amount_field.setText("2.00")
    kit.paste_code(kit.api.card("50.00"))  # paste, Enter: the code is taken, the cursor stays
    kit.qtbot.waitUntil(lambda: kit.view.controller.checkout.armed is not None, timeout=WAIT)
    kit.clock.now += 1.0
    kit.qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # the second Enter charges
    kit.wait_receipt()
    _amount_has_the_keyboard(kit.qtbot, kit.view)
