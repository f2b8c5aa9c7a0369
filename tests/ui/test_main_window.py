"""The main window: tabs by role, the language switch, the connection state, sign out, and the
start-up check of sales the last run left open."""

import uuid
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from pos_app.core.api.errors import AuthError
from pos_app.core.connectivity import Link
from pos_app.core.sale.journal import Journal
from pos_app.core.services import JOURNAL_FILE
from pos_app.ui.cashier import CashierView
from pos_app.ui.manager import ManagerView

from .helpers import WAIT, shop_settings, sign_in


def test_a_cashier_sees_the_cashier_view_and_no_manager_tab(qtbot, make_shell, shop):
    window = sign_in(qtbot, make_shell(shop_settings(shop)), shop.cashier.email, shop.cashier.password)
    assert window.tabs.count() == 1 and window.manager is None
    # The tab holds the shift's page around the sale screen; a shop without terminals sells at once.
    assert isinstance(window.cashier, CashierView) and window.tabs.widget(0) is window.cashier_page
    qtbot.waitUntil(window.cashier.isVisible, timeout=WAIT)


def test_a_manager_also_has_the_manager_tab(qtbot, make_shell, shop):
    window = sign_in(qtbot, make_shell(shop_settings(shop)), shop.manager.email, shop.manager.password)
    assert window.tabs.count() == 2 and isinstance(window.tabs.widget(1), ManagerView)
    window.shortcuts["tab2"].activated.emit()
    assert window.tabs.currentIndex() == 1 and window.manager.isVisible()
    assert window.tabs.tabText(1) == "&Manager"


def test_the_language_switch_relabels_the_window_live(qtbot, make_shell, shop, paths):
    shell = make_shell(shop_settings(shop))
    window = sign_in(qtbot, shell, shop.cashier.email, shop.cashier.password)
    assert (window.sign_out_button.text(), window.tabs.tabText(0)) == ("Sign &out", "Cash&ier")
    qtbot.mouseClick(window.language_button, Qt.LeftButton)
    assert (window.sign_out_button.text(), window.tabs.tabText(0)) == ("退出登录(&O)", "收银(&I)")
    assert window.language_button.text() == "English"
    assert window.status.operator.text() == f"{shop.cashier.email}（收银员）"
    assert window.status.terminal.text() == "终端 Front till"
    assert '"language": "zh_CN"' in paths.settings_file.read_text(encoding="utf-8")  # kept for next start
    window.shortcuts["language"].activated.emit()  # F12 goes back
    assert window.tabs.tabText(0) == "Cash&ier"


def test_a_traditional_chinese_counter_switches_with_english_and_keeps_its_choice(qtbot, make_shell, shop, paths):
    shell = make_shell(shop_settings(shop, language="zh_TW"))
    window = sign_in(qtbot, shell, shop.cashier.email, shop.cashier.password)
    assert window.tabs.tabText(0) == "收銀(&I)" and window.status.terminal.text() == "終端 Front till"
    window.shortcuts["language"].activated.emit()  # F12: English
    assert window.tabs.tabText(0) == "Cash&ier" and window.language_button.text() == "中文（繁體）"
    assert 'zh_TW' not in paths.settings_file.read_text(encoding="utf-8")  # English is the default
    qtbot.mouseClick(window.language_button, Qt.LeftButton)  # and back to the shop's own
    assert window.tabs.tabText(0) == "收銀(&I)" and shell.language.code == "zh_TW"
    assert '"language": "zh_TW"' in paths.settings_file.read_text(encoding="utf-8")  # kept for next start


def test_the_connection_state_goes_offline_and_back(qtbot, make_shell, shop, transport):
    shell = make_shell(shop_settings(shop))
    window = sign_in(qtbot, shell, shop.cashier.email, shop.cashier.password)
    bar = window.status
    qtbot.waitUntil(lambda: bar.link_state is Link.ONLINE, timeout=WAIT)
    assert bar.link.text() == "● Online"
    transport.down = True
    qtbot.waitUntil(lambda: bar.link_state is Link.OFFLINE, timeout=WAIT)
    assert bar.link.text() == "● Offline — do not scan" and "ConnectError" in bar.link.toolTip()
    transport.down = False
    qtbot.waitUntil(lambda: bar.link_state is Link.ONLINE, timeout=WAIT)


def test_the_keyring_notice_says_in_cashier_words_that_closing_signs_out_once_a_run(qtbot, make_shell, shop,
                                                                                     store):
    shell = make_shell(shop_settings(shop))
    window = sign_in(qtbot, shell, shop.cashier.email, shop.cashier.password)
    assert window.status.keyring.text() == "Closing the app signs you out: sign in again next time"
    assert window.status.keyring.toolTip() == store.reason  # the developer's words, for whoever sets it up
    assert "keyring" not in window.status.keyring.text()
    window.shortcuts["language"].activated.emit()
    assert window.status.keyring.text() == "关闭程序即退出登录：下次打开需重新登录"
    with qtbot.waitSignal(shell.signed_out, timeout=WAIT):
        window.shortcuts["sign_out"].activated.emit()
    again = sign_in(qtbot, shell, shop.cashier.email, shop.cashier.password)
    assert again.status.keyring.isHidden()  # told once this run


def test_sign_out_ends_the_session_and_forgets_it(qtbot, make_shell, shop, store):
    shell = make_shell(shop_settings(shop))
    window = sign_in(qtbot, shell, shop.cashier.email, shop.cashier.password)
    kept = store.load()
    with qtbot.waitSignal(shell.signed_out, timeout=WAIT):
        window.shortcuts["sign_out"].activated.emit()
    assert store.load() is None and shell.window is None
    assert shell.sign_in_dialog.isVisible() and shell.sign_in_dialog.email.text() == shop.cashier.email
    with pytest.raises(AuthError):  # ended on the server too: the kept token renews nothing
        shell.services.client.auth.refresh(kept.refresh_token)


def test_a_sale_the_last_run_left_open_is_settled_and_shown(qtbot, make_shell, shop, paths):
    # The last run wrote its attempt and died before sending it: the server never saw the key.
    with Journal(paths.journal_dir / JOURNAL_FILE) as journal:
        journal.begin(key=str(uuid.uuid4()), kind="charge", merchant_code=shop.code, terminal="Front till",
                      operator=shop.cashier.email, amount=Decimal("12.50"))
    shell = make_shell(shop_settings(shop))
    window = sign_in(qtbot, shell, shop.cashier.email, shop.cashier.password)
    qtbot.waitUntil(lambda: window.notice_box.isVisible(), timeout=WAIT)
    assert window.notice.text() == "Sale of ¥12.50 from the last run was not charged: ring it up again."
    assert shell.services.journal.unfinished(shop.code) == []
    window.shortcuts["language"].activated.emit()
    assert window.notice.text() == "上次未完成的 ¥12.50 交易未扣款，请重新收款。"
    qtbot.mouseClick(window.dismiss, Qt.LeftButton)
    assert not window.notice_box.isVisible()


def test_closing_the_window_ends_the_app(qtbot, make_shell, shop):
    shell = make_shell(shop_settings(shop))
    window = sign_in(qtbot, shell, shop.cashier.email, shop.cashier.password)
    with qtbot.waitSignal(shell.finished, timeout=WAIT):
        window.close()


def test_the_window_fits_a_screen_smaller_than_its_layout(qtbot, make_shell, shop):
    window = sign_in(qtbot, make_shell(shop_settings(shop)), shop.cashier.email, shop.cashier.password)
    screen = window.screen().availableGeometry()  # offscreen: 800x800, less than 1280x800 and a title bar
    qtbot.waitUntil(window.isMaximized, timeout=WAIT)
    # The status bar (connection state, who is signed in) ends on the screen, not below it.
    qtbot.waitUntil(lambda: window.frameGeometry().bottom() <= screen.bottom(), timeout=WAIT)
    assert window.statusBar().isVisible()


def test_switching_tabs_hands_the_keyboard_to_the_pages_first_field(qtbot, make_shell, shop):
    from PySide6.QtWidgets import QApplication

    window = sign_in(qtbot, make_shell(shop_settings(shop)), shop.manager.email, shop.manager.password)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.cashier.amount_field, timeout=WAIT)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.manager.refunds.code, timeout=WAIT)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.cashier.amount_field, timeout=WAIT)
