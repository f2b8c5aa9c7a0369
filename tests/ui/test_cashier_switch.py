"""Operators at one terminal, against the stand-in (issue 8, fast cashier switching): after the
first password sign-in each operator sets a PIN; then the counter locks (Ctrl+L, idle) over the
sale, which stays as it was; a PIN unlocks it for the same operator, or switches to another one
whose charges then carry their own `operator_user_id` on the server; five wrong PINs need the
password. Keys go to whatever has the keyboard (QApplication.focusWidget), as a keyboard's do."""

from __future__ import annotations

from decimal import Decimal

import psycopg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from pos_app.core.messages import message_for
from pos_app.core.session.pins import MAX_WRONG, PinBook

from .helpers import WAIT, shop_settings, sign_in

CASHIER_PIN, MANAGER_PIN = "4711", "90210573"


def _keys(qtbot, text: str) -> None:
    qtbot.keyClicks(QApplication.focusWidget(), text)


def _person_types(qtbot, text: str) -> None:
    # A person's pace (a fifth of a second a key): the scanner filter lets these through.
    for ch in text:
        qtbot.wait(200)
        _keys(qtbot, ch)


def _key(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def _has_the_keyboard(qtbot, widget) -> None:
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget, timeout=WAIT)


def _set_pin(qtbot, shell, pin: str) -> None:
    """Type the PIN twice into the dialog that follows a password sign-in."""
    dialog = shell.pin_dialog
    assert dialog is not None and dialog.isVisible()
    _has_the_keyboard(qtbot, dialog.first)
    _keys(qtbot, pin)
    _key(qtbot, Qt.Key.Key_Return)
    _has_the_keyboard(qtbot, dialog.again)
    _keys(qtbot, pin)
    _key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: shell.pin_dialog is None, timeout=WAIT)


def _signed_in_with_pin(qtbot, make_shell, shop, who, pin: str, **settings):
    shell = make_shell(shop_settings(shop, **settings), ask_for_pin=True)
    with qtbot.waitSignal(shell.pin_asked, timeout=WAIT):
        window = sign_in(qtbot, shell, who.email, who.password)
    _set_pin(qtbot, shell, pin)
    return shell, window


def _lock(qtbot, shell):
    _has_the_keyboard(qtbot, shell.window.cashier.amount_field)
    with qtbot.waitSignal(shell.locked, timeout=WAIT) as locked:
        _key(qtbot, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    panel = locked.args[0]
    _has_the_keyboard(qtbot, panel.pin)
    return panel


def _choose(qtbot, panel, email: str) -> None:
    """Arrow keys from the PIN field until the operator is chosen."""
    for key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
        for _ in range(panel.list.count()):
            if panel.chosen.email == email:
                return
            _key(qtbot, key)
    assert panel.chosen.email == email


def _operator_of(shop, tx_id: str) -> str:
    with psycopg.connect(shop.gateway.dsn) as conn:
        return str(conn.execute("select operator_user_id from app.transactions where id = %s", (tx_id,)).fetchone()[0])


def _charge(qtbot, shop, view, amount: str):
    view.amount_field.setText(amount)
    view.controller.scan(shop.qr())
    qtbot.waitUntil(lambda: view.charge_button.isEnabled(), timeout=WAIT)
    before = view.receipt_panel.receipt
    view.charge()
    qtbot.waitUntil(lambda: view.receipt_panel.receipt not in (None, before), timeout=WAIT)
    return view.receipt_panel.receipt


def test_after_the_first_sign_in_the_operator_sets_a_pin_kept_only_as_a_slow_hash(qtbot, make_shell, shop, paths):
    shell, window = _signed_in_with_pin(qtbot, make_shell, shop, shop.cashier, CASHIER_PIN)
    _has_the_keyboard(qtbot, window.cashier.amount_field)  # the PIN set: straight to the sale
    book = PinBook(paths.operators_dir)
    assert [(op.user_id, op.has_pin) for op in book.known()] == [(shop.cashier.user_id, True)]
    kept = book.path.read_text(encoding="utf-8")
    assert CASHIER_PIN not in kept and '"kdf": "scrypt"' in kept and '"salt"' in kept
    assert book.path.stat().st_mode & 0o077 == 0  # this user's only


def test_a_pin_of_the_wrong_length_or_with_letters_is_refused_where_typed(qtbot, make_shell, shop, paths):
    shell = make_shell(shop_settings(shop, language="zh_CN"), ask_for_pin=True)
    with qtbot.waitSignal(shell.pin_asked, timeout=WAIT):
        sign_in(qtbot, shell, shop.cashier.email, shop.cashier.password)
    dialog = shell.pin_dialog
    _has_the_keyboard(qtbot, dialog.first)
    _keys(qtbot, "123")
    _key(qtbot, Qt.Key.Key_Return)
    assert dialog.problem.text() == "PIN 为 4 到 8 位数字。请输入 4 到 8 位数字。"  # in the cashier's language
    assert QApplication.focusWidget() is dialog.first and dialog.first.text() == ""
    _keys(qtbot, "12a")
    assert dialog.problem.text() == str(message_for("pin_digits", "zh_CN"))  # said as it is typed
    dialog.first.clear()
    _keys(qtbot, "123456789")
    assert dialog.first.text() == "12345678"  # a ninth digit does not go in
    _key(qtbot, Qt.Key.Key_Return)
    _keys(qtbot, "12345679")
    _key(qtbot, Qt.Key.Key_Return)
    assert dialog.problem.text() == str(message_for("pin_mismatch", "zh_CN"))
    assert shell.pin_dialog is dialog and not PinBook(paths.operators_dir).has_pin(shop.cashier.user_id)
    shell.language.set("zh_TW")  # the words follow a language switch
    assert dialog.problem.text() == str(message_for("pin_mismatch", "zh_TW"))


def test_lock_on_demand_keeps_the_typed_amount_and_the_receipt_and_the_same_pin_goes_back(
        qtbot, make_shell, shop):
    shell, window = _signed_in_with_pin(qtbot, make_shell, shop, shop.cashier, CASHIER_PIN)
    view = window.cashier
    receipt = _charge(qtbot, shop, view, "5.00")
    _has_the_keyboard(qtbot, view.amount_field)
    _person_types(qtbot, "12.30")
    qtbot.waitUntil(lambda: view.amount_field.text() == "12.30", timeout=WAIT)
    panel = _lock(qtbot, shell)
    assert window.locked and panel.isVisible() and panel.geometry() == window.rect()
    assert not view.isEnabled() and not view.charge_button.isEnabled()  # no money action under the lock
    assert panel.chosen.user_id == shop.cashier.user_id  # the one who locked, chosen
    assert shop.cashier.email not in panel.list.item(0).text()  # masked for whoever stands there
    _key(qtbot, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert shell.window is window and window.locked  # Sign out's shortcut does nothing under the lock
    assert shop.balance() == Decimal("95.00")
    _keys(qtbot, CASHIER_PIN)
    with qtbot.waitSignal(shell.unlocked, timeout=WAIT):
        _key(qtbot, Qt.Key.Key_Return)
    assert shell.window is window and not window.locked
    assert view.amount_field.text() == "12.30" and view.receipt_panel.receipt is receipt
    _has_the_keyboard(qtbot, view.amount_field)


def test_switching_by_pin_makes_the_next_charge_the_new_operators_on_the_server(qtbot, make_shell, shop, store):
    shell, window = _signed_in_with_pin(qtbot, make_shell, shop, shop.cashier, CASHIER_PIN)
    first = _charge(qtbot, shop, window.cashier, "3.00")
    assert _operator_of(shop, first.tx_id) == shop.cashier.user_id
    # The manager arrives: lock, "Sign in with password", then their PIN.
    panel = _lock(qtbot, shell)
    _key(qtbot, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: shell.sign_in_dialog is not None, timeout=WAIT)
    with qtbot.waitSignal(shell.pin_asked, timeout=WAIT):
        manager_window = sign_in(qtbot, shell, shop.manager.email, shop.manager.password)
    _set_pin(qtbot, shell, MANAGER_PIN)
    assert manager_window is not window and shell.operator.user_id == shop.manager.user_id
    assert {s.user_id for s in store.known()} == {shop.cashier.user_id, shop.manager.user_id}
    by_manager = _charge(qtbot, shop, manager_window.cashier, "2.00")
    assert _operator_of(shop, by_manager.tx_id) == shop.manager.user_id
    # Back to the cashier with her PIN: her own kept session, no password.
    panel = _lock(qtbot, shell)
    assert panel.list.count() == 2
    _choose(qtbot, panel, shop.cashier.email)
    _keys(qtbot, CASHIER_PIN)
    with qtbot.waitSignal(shell.entered, timeout=WAIT) as entered:
        _key(qtbot, Qt.Key.Key_Return)
    cashier_window = entered.args[0]
    assert cashier_window.status.operator.text() == f"{shop.cashier.email} (cashier)"
    assert cashier_window.manager is None  # the cashier's window: no manager tab
    _has_the_keyboard(qtbot, cashier_window.cashier.amount_field)
    again = _charge(qtbot, shop, cashier_window.cashier, "1.00")
    assert _operator_of(shop, again.tx_id) == shop.cashier.user_id
    assert shop.balance() == Decimal("94.00")


def test_five_wrong_pins_need_the_password_and_say_nothing_more(qtbot, make_shell, shop, paths):
    shell, window = _signed_in_with_pin(qtbot, make_shell, shop, shop.cashier, CASHIER_PIN)
    panel = _lock(qtbot, shell)
    wrong = str(message_for("pin_wrong", "en"))
    for attempt in range(1, MAX_WRONG):
        _keys(qtbot, "0000")
        _key(qtbot, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: panel.problem.text() == wrong and panel.pin.isEnabled(), timeout=WAIT)
        assert window.locked, attempt
    _keys(qtbot, "0000")
    _key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.problem.text() == str(message_for("pin_locked", "en")), timeout=WAIT)
    assert not PinBook(paths.operators_dir).has_pin(shop.cashier.user_id)
    _keys(qtbot, CASHIER_PIN)  # the right PIN no longer opens it
    _key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: shell.sign_in_dialog is not None, timeout=WAIT)  # Enter asks for the password
    assert window.locked and shell.sign_in_dialog.email.text() == shop.cashier.email
    with qtbot.waitSignal(shell.pin_asked, timeout=WAIT):
        shell.sign_in_dialog.password.setText(shop.cashier.password)
        shell.sign_in_dialog.submit.click()
    assert shell.window is window and not window.locked  # her own window, as it was
    _set_pin(qtbot, shell, "2468")
    assert PinBook(paths.operators_dir).has_pin(shop.cashier.user_id)


def test_the_counter_locks_itself_when_idle_and_not_while_typing(qtbot, make_shell, shop):
    shell, window = _signed_in_with_pin(qtbot, make_shell, shop, shop.cashier, CASHIER_PIN, lock_after_seconds=2)
    view = window.cashier
    _has_the_keyboard(qtbot, view.amount_field)
    for ch in "8.50":  # a key every 0.4 s keeps it open (over 2 s in all)
        qtbot.wait(400)
        _keys(qtbot, ch)
        assert not window.locked
    qtbot.waitUntil(lambda: view.amount_field.text() == "8.50", timeout=WAIT)
    with qtbot.waitSignal(shell.locked, timeout=WAIT) as locked:
        pass  # nobody touches it for two seconds
    _has_the_keyboard(qtbot, locked.args[0].pin)
    _keys(qtbot, CASHIER_PIN)
    with qtbot.waitSignal(shell.unlocked, timeout=WAIT):
        _key(qtbot, Qt.Key.Key_Return)
    assert view.amount_field.text() == "8.50"
    _has_the_keyboard(qtbot, view.amount_field)


def test_a_terminal_with_pins_starts_at_the_lock_screen_not_a_silent_resume(qtbot, make_shell, shop):
    first, _window = _signed_in_with_pin(qtbot, make_shell, shop, shop.cashier, CASHIER_PIN)
    first.shut_down()
    second = make_shell(shop_settings(shop), ask_for_pin=True)
    panel = second.lock_panel
    assert second.window is None and panel is not None and panel.isVisible()
    assert panel.chosen.user_id == shop.cashier.user_id
    panel.pin.setText(CASHIER_PIN)
    with qtbot.waitSignal(second.entered, timeout=WAIT) as entered:
        panel.unlock_button.click()
    assert entered.args[0].status.operator.text() == f"{shop.cashier.email} (cashier)"
    assert second.pin_dialog is None  # her PIN is kept: not asked again
    assert not panel.isVisible() and second.lock_panel is None
    _has_the_keyboard(qtbot, entered.args[0].cashier.amount_field)


def test_an_operator_whose_session_the_server_ended_needs_the_password(qtbot, make_shell, shop, store):
    shell, window = _signed_in_with_pin(qtbot, make_shell, shop, shop.cashier, CASHIER_PIN)
    cashier_session = store.load(shop.cashier.user_id)
    panel = _lock(qtbot, shell)
    _key(qtbot, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: shell.sign_in_dialog is not None, timeout=WAIT)
    with qtbot.waitSignal(shell.pin_asked, timeout=WAIT):
        sign_in(qtbot, shell, shop.manager.email, shop.manager.password)
    _set_pin(qtbot, shell, MANAGER_PIN)
    # The cashier's session is ended elsewhere (revoked): its refresh token no longer works.
    with psycopg.connect(shop.gateway.dsn, autocommit=True) as conn:
        conn.execute("delete from auth.sessions where user_id = %s", (shop.cashier.user_id,))
    panel = _lock(qtbot, shell)
    _choose(qtbot, panel, shop.cashier.email)
    _keys(qtbot, CASHIER_PIN)
    _key(qtbot, Qt.Key.Key_Return)
    words = str(message_for("switch_needs_password", "en"))
    qtbot.waitUntil(lambda: panel.problem.text() == words, timeout=WAIT)
    assert shell.operator.user_id == shop.manager.user_id and window is not shell.window
    assert store.load(shop.cashier.user_id) is None and cashier_session is not None
    assert shell.services.client.session.user_id == shop.manager.user_id  # calls stay the manager's


def test_a_sale_in_flight_is_not_idle(qtbot, make_shell, shop):
    shell, window = _signed_in_with_pin(qtbot, make_shell, shop, shop.cashier, CASHIER_PIN, lock_after_seconds=1)
    checkout = window.cashier.controller.checkout
    checkout.busy = True  # as while a charge waits for the server's answer
    qtbot.wait(2500)
    assert not window.locked
    with qtbot.waitSignal(shell.locked, timeout=WAIT):
        checkout.busy = False  # answered: idle again, and nobody is there


def test_signing_out_forgets_the_operator_here_and_the_password_is_needed_again(qtbot, make_shell, shop, store,
                                                                                   paths):
    shell, window = _signed_in_with_pin(qtbot, make_shell, shop, shop.cashier, CASHIER_PIN)
    _has_the_keyboard(qtbot, window.cashier.amount_field)
    with qtbot.waitSignal(shell.signed_out, timeout=WAIT):
        _key(qtbot, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert shell.window is None and shell.lock_panel is None and shell.sign_in_dialog is not None
    assert PinBook(paths.operators_dir).known() == [] and store.load(shop.cashier.user_id) is None


def test_an_operator_who_set_no_pin_is_offered_the_password_at_the_lock(qtbot, make_shell, shop, paths):
    shell = make_shell(shop_settings(shop, language="zh_TW"), ask_for_pin=True)
    with qtbot.waitSignal(shell.pin_asked, timeout=WAIT):
        window = sign_in(qtbot, shell, shop.cashier.email, shop.cashier.password)
    _has_the_keyboard(qtbot, shell.pin_dialog.first)
    _key(qtbot, Qt.Key.Key_Escape)  # Not now
    qtbot.waitUntil(lambda: shell.pin_dialog is None, timeout=WAIT)
    panel = _lock(qtbot, shell)
    assert panel.chosen.user_id == shop.cashier.user_id and not panel.chosen.has_pin
    assert panel.problem.text() == "該操作員尚未在本終端設定 PIN：按 Enter 以密碼登入。"
    assert not panel.unlock_button.isEnabled() and window.locked
    _key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: shell.sign_in_dialog is not None, timeout=WAIT)
    assert shell.sign_in_dialog.email.text() == shop.cashier.email
