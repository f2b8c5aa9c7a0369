"""Signing in at the counter against the local stand-in: the window shows who and where; a wrong
password gets the cashier's words and keeps nothing; a kept session comes back without typing."""

from pos_app.core.messages import message_for

from .helpers import WAIT, shop_settings, sign_in, type_sign_in


def test_a_cashier_signs_in_and_the_status_bar_names_shop_and_role(qtbot, make_shell, shop, store):
    shell = make_shell(shop_settings(shop))
    window = sign_in(qtbot, shell, shop.cashier.email, shop.cashier.password)
    assert window.isVisible() and shell.sign_in_dialog is None
    assert window.status.merchant.text() == f"Test shop {shop.code}"
    assert window.status.operator.text() == f"{shop.cashier.email} (cashier)"
    assert window.status.terminal.text() == "Terminal Front till"
    assert store.load().user_id == shop.cashier.user_id  # the refresh token, for the next start
    assert shop.cashier.password not in repr(store.load())


def test_a_wrong_password_is_said_in_the_cashiers_words_and_nothing_is_kept(qtbot, make_shell, shop, store):
    shell = make_shell(shop_settings(shop, language="zh_CN"))
    dialog = shell.sign_in_dialog
    type_sign_in(qtbot, shell, shop.cashier.email, "wrong-password")
    words = str(message_for("invalid_credentials", "zh_CN"))
    qtbot.waitUntil(lambda: dialog.problem.text() == words, timeout=WAIT)
    assert dialog.password.text() == "" and dialog.submit.isEnabled() and shell.window is None
    assert store.load() is None
    shell.language.set("en")  # the words follow a language switch
    assert dialog.problem.text() == str(message_for("invalid_credentials", "en"))


def test_the_sign_in_screen_in_traditional_chinese(qtbot, make_shell, shop, store):
    shell = make_shell(shop_settings(shop, language="zh_TW"))
    dialog = shell.sign_in_dialog
    assert dialog.windowTitle() == "登入" and dialog.submit.text() == "登入(&S)"
    assert dialog.settings_button.text() == "設定(&T)…"
    assert dialog.shop.text() == f"Front till · 商戶 {shop.code}"
    type_sign_in(qtbot, shell, shop.cashier.email, "wrong-password")
    qtbot.waitUntil(lambda: dialog.problem.text() == "電子郵件或密碼錯誤。請核對後重新登入。", timeout=WAIT)
    window = sign_in(qtbot, shell, shop.cashier.email, shop.cashier.password)
    assert window.sign_out_button.text() == "登出(&O)" and window.tabs.tabText(0) == "收銀(&I)"
    assert window.status.operator.text() == f"{shop.cashier.email}（收銀員）"
    assert window.language_button.text() == "English"


def test_empty_fields_are_asked_for_before_anything_is_sent(qtbot, make_shell, shop, transport):
    shell = make_shell(shop_settings(shop))
    transport.down = True  # nothing may go out for this
    dialog = shell.sign_in_dialog
    dialog.email.setText(shop.cashier.email)
    dialog.submit.click()
    assert dialog.problem.text() == "Enter your email and password." and dialog.submit.isEnabled()


def test_an_unreachable_server_is_said_as_such(qtbot, make_shell, shop, transport):
    shell = make_shell(shop_settings(shop))
    transport.down = True
    type_sign_in(qtbot, shell, shop.cashier.email, shop.cashier.password)
    words = str(message_for("sign_in_offline", "en"))
    qtbot.waitUntil(lambda: shell.sign_in_dialog.problem.text() == words, timeout=WAIT)


def test_a_kept_session_is_resumed_without_typing(qtbot, make_shell, shop, store):
    first = make_shell(shop_settings(shop))
    sign_in(qtbot, first, shop.manager.email, shop.manager.password)
    first.shut_down()
    second = make_shell(shop_settings(shop))
    assert second.sign_in_dialog.email.text() == shop.manager.email  # shown while it resumes
    qtbot.waitUntil(lambda: second.window is not None, timeout=WAIT)
    assert second.window.status.operator.text() == f"{shop.manager.email} (manager)"
