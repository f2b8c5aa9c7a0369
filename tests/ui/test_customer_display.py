"""The customer display over the cashier view (a real SaleService and journal over the FakeApi):
what the member reads through a sale, after it, between sales; and where the window goes."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMainWindow

from pos_app.core.customer.screen import CustomerScreen
from pos_app.ui.customer_display import CustomerDisplay
from pos_app.ui.customer_display_feed import CustomerDisplayFeed
from pos_app.ui.customer_display_link import CustomerDisplayLink

from .cashier_kit import SHOP, open_kit
from .helpers import WAIT


@pytest.fixture
def kit(qtbot, tmp_path):
    yield from open_kit(qtbot, tmp_path)


@pytest.fixture
def display(qtbot, kit):
    screen = CustomerScreen("CNY")
    shown = CustomerDisplay(screen, "zh_CN", SHOP.shop)
    CustomerDisplayFeed(kit.view, screen, kit.view)
    qtbot.addWidget(shown)
    shown.resize(1024, 768)
    shown.show()
    return shown


def words(display) -> str:
    return "\n".join(display.texts())


def test_a_sale_from_the_amount_to_the_thank_you_in_the_members_language(qtbot, kit, display):
    assert words(display) == f"{SHOP.shop}\n欢迎光临"
    code = kit.api.card("100.00", last4="4321")
    kit.enter_amount("12.30")
    assert "金额\n¥12.30" in words(display) and "请出示付款码" in words(display)
    kit.view.controller.scan(code)
    kit.view.charge()
    qtbot.waitUntil(lambda: display.shown.tone == "ok", timeout=WAIT)
    assert words(display).split("\n") == [SHOP.shop, "金额", "¥12.30", "已付", "¥12.30", "付后余额", "¥87.70",
                                          "获得积分", "+12", "卡号 •••• 4321", "谢谢惠顾，欢迎再来！"]
    assert kit.view.amount_field.text() == ""  # the cashier's screen is ready for the next sale...
    assert "谢谢惠顾" in words(display)  # ...while the member still reads the thank-you
    assert kit.view.notice.text() == "Paid ¥12.30."  # the cashier's own words stay English
    kit.language.set("zh_TW")  # the cashier's F12 does not move the member's screen
    assert "谢谢惠顾，欢迎再来！" in words(display)


def test_esc_clears_the_member_screen_and_a_second_sale_shows_nothing_of_the_first(qtbot, kit, display):
    kit.view.controller.scan(kit.api.card("100.00", last4="4321"))
    kit.enter_amount("12.30")
    kit.view.charge()
    qtbot.waitUntil(lambda: display.shown.tone == "ok", timeout=WAIT)
    qtbot.keyClick(kit.view.amount_field, Qt.Key.Key_Escape)
    assert words(display) == f"{SHOP.shop}\n欢迎光临"

    kit.view.controller.scan(kit.api.card("30.00", last4="9876"))
    kit.enter_amount("5")
    assert "12.30" not in words(display) and "87.70" not in words(display) and "4321" not in words(display)
    kit.view.charge()
    qtbot.waitUntil(lambda: display.shown.tone == "ok", timeout=WAIT)
    text = words(display)
    assert "¥25.00" in text and "•••• 9876" in text
    assert not any(old in text for old in ("12.30", "87.70", "4321", "+12"))


def test_a_new_amount_after_a_sale_replaces_its_figures(qtbot, kit, display):
    kit.view.controller.scan(kit.api.card("100.00"))
    kit.enter_amount("40")
    kit.view.charge()
    qtbot.waitUntil(lambda: display.shown.tone == "ok", timeout=WAIT)
    kit.enter_amount("3")  # no Esc: the next sale's amount is typed at once
    assert words(display).split("\n") == [SHOP.shop, "金额", "¥3.00", "请出示付款码"]


def test_a_refused_charge_asks_the_member_to_see_the_cashier_and_never_says_why(qtbot, kit, display):
    kit.view.controller.scan(kit.api.card("10.00"))
    kit.enter_amount("150")
    kit.view.charge()
    qtbot.waitUntil(lambda: display.shown.tone == "attention", timeout=WAIT)
    assert words(display).split("\n") == [SHOP.shop, "金额", "¥150.00", "本次付款未成功，请咨询收银员。"]
    assert "too low" in kit.view.notice.text()  # the reason is the cashier's, on the cashier's screen
    kit.view.amount_field.setText("8")  # the cashier asks for another amount
    assert "未成功" not in words(display) and "¥8.00" in words(display)


def test_a_reprint_never_reaches_the_member_screen(qtbot, kit, display):
    kit.view.controller.scan(kit.api.card("100.00"))
    kit.enter_amount("9")
    kit.view.charge()
    receipt = kit.wait_receipt()
    qtbot.keyClick(kit.view.amount_field, Qt.Key.Key_Escape)
    kit.view.controller.receipt.emit(receipt)  # what a reprint or a recovered sale does
    kit.view.controller.sale_finished.emit("charge", {"paid_amount": "9.00", "balance_after": "91.00"})
    assert words(display) == f"{SHOP.shop}\n欢迎光临"


def test_a_top_up_shows_what_went_on_the_card(qtbot, kit, display):
    kit.view.controller.scan(kit.api.card("10.00", last4="5555"))
    kit.enter_amount("200")
    kit.view.topup()
    qtbot.waitUntil(lambda: display.shown.tone == "ok", timeout=WAIT)
    assert words(display).split("\n") == [SHOP.shop, "已充值", "¥200.00", "新余额", "¥210.00", "卡号 •••• 5555",
                                          "谢谢惠顾，欢迎再来！"]


def test_the_screen_is_large_and_high_contrast(kit, display):
    kit.enter_amount("12")
    amount = next(v for _label, v in display.rows if v.text() == "¥12.00")
    assert amount.font().pixelSize() >= 70  # at 768 px high: readable at 1.5 m
    assert "#ffd54f" in amount.styleSheet() and "background: #000000" in display.styleSheet()


# -- the window beside the cashier's -----------------------------------------------------------

@pytest.fixture
def window(qtbot, kit):
    main = QMainWindow()
    qtbot.addWidget(main)
    main.setCentralWidget(kit.view)
    main.statusBar()
    main.show()
    qtbot.waitExposed(main, timeout=WAIT)
    return main


def link_for(window, kit, mode, **kwargs):
    return CustomerDisplayLink(window, kit.view, kit.language, shop=SHOP.shop, currency="CNY",
                               member_language="zh_TW", mode=mode, **kwargs)


def pay(qtbot, kit, link, amount="12.30"):
    kit.view.controller.scan(kit.api.card("100.00", last4="4321"))
    kit.enter_amount(amount)
    kit.view.charge()
    qtbot.waitUntil(lambda: link.display.shown.tone == "ok", timeout=WAIT)
    assert "謝謝惠顧，歡迎再來！" in words(link.display)


WELCOME_TW = f"{SHOP.shop}\n歡迎光臨"


def test_with_one_screen_auto_stays_closed_and_the_shortcut_opens_a_window_without_taking_the_keyboard(
        qtbot, kit, window):
    assert len(QGuiApplication.screens()) == 1  # offscreen: two screens are the placement's test
    link = link_for(window, kit, "auto")
    assert not link.display.isVisible() and not link.button.isChecked()
    assert link.action.shortcut().toString() == "Ctrl+Shift+D"
    assert link.button.text() == "Customer display  (Ctrl+Shift+D)"
    link.action.trigger()
    qtbot.waitUntil(link.display.isVisible, timeout=WAIT)
    assert link.button.isChecked() and not link.display.isFullScreen()
    assert link.display.size().toTuple() == (640, 420)
    flags = link.display.windowFlags()
    assert flags & Qt.WindowType.WindowDoesNotAcceptFocus and flags & Qt.WindowType.WindowStaysOnTopHint
    kit.enter_amount("7")  # typed into the cashier's amount, shown to the member
    assert "¥7.00" in words(link.display)
    qtbot.mouseClick(link.button, Qt.MouseButton.LeftButton)  # the status-bar button closes it again
    assert not link.display.isVisible()
    kit.language.set("zh_CN")
    assert link.button.text() == "顾客显示屏  (Ctrl+Shift+D)"
    link.close()


def test_on_opens_it_at_once_and_off_never(qtbot, kit, window):
    on = link_for(window, kit, "on")
    qtbot.waitUntil(on.display.isVisible, timeout=WAIT)
    assert words(on.display) == f"{SHOP.shop}\n歡迎光臨"
    on.close()
    off = link_for(window, kit, "off")
    assert not off.display.isVisible()
    off.close()


def test_a_screen_unplugged_and_plugged_back_is_followed_without_a_crash(qtbot, kit, window):
    link = link_for(window, kit, "on")
    qtbot.waitUntil(link.display.isVisible, timeout=WAIT)
    link._screen_removed(QGuiApplication.primaryScreen())  # the only screen goes: nowhere to show it
    qtbot.waitUntil(lambda: not link.display.isVisible(), timeout=WAIT)
    link._screens_changed()  # it is back
    qtbot.waitUntil(link.display.isVisible, timeout=WAIT)
    link.close()
    QApplication.processEvents()


def test_a_split_sale_and_a_preview_reach_the_member_screen_as_branch_cash_tender_sends_them(qtbot, kit):
    from decimal import Decimal
    from types import SimpleNamespace as NS

    screen = CustomerScreen("CNY")
    shown = CustomerDisplay(screen, "en", SHOP.shop)
    feed = CustomerDisplayFeed(kit.view, screen, kit.view)
    qtbot.addWidget(shown)
    kit.enter_amount("120")
    offer = NS(amount=Decimal("120.00"), total_discount=Decimal("0.00"), card_paid=Decimal("100.00"),
               cash=Decimal("20.00"))
    feed.payer_known(NS(preview=NS(card_last4="4321"), split=offer,
                        estimate=NS(amount=Decimal("120.00"), discount=Decimal("0.00"), balance=Decimal("100.00"),
                                    balance_after=Decimal("-20.00"), short=True)))
    assert "Rest in cash\n¥20.00" in words(shown)
    c = kit.view.controller
    c.sale_sent.emit("charge", Decimal("120.00"))
    c.sale_finished.emit("split", {"card": {"paid_amount": "100.00", "balance_after": "0.00", "points_earned": 100,
                                            "card_last4": "4321", "card_id": "c-uuid"},
                                   "cash": Decimal("20.00"), "amount": Decimal("120.00")})
    assert words(shown).split("\n") == [SHOP.shop, "Amount", "¥120.00", "By card", "¥100.00", "In cash", "¥20.00",
                                        "Balance after", "¥0.00", "Points earned", "+100", "Card •••• 4321",
                                        "Thank you! See you soon"]


# -- between people: the last sale never waits for the next member -------------------------------

def test_the_thank_you_goes_back_to_the_welcome_after_a_while(qtbot, kit, window):
    link = link_for(window, kit, "on", welcome_after_ms=300)
    pay(qtbot, kit, link)
    qtbot.waitUntil(lambda: words(link.display) == WELCOME_TW, timeout=WAIT)
    assert "12.30" not in words(link.display)
    link.close()


def test_the_next_sales_amount_ends_the_thank_you_and_is_not_wiped_by_its_timer(qtbot, kit, window):
    link = link_for(window, kit, "on", welcome_after_ms=300)
    pay(qtbot, kit, link)
    kit.enter_amount("3")
    assert words(link.display).split("\n") == [SHOP.shop, "金額", "CN¥3.00", "請出示付款碼"]
    assert not link.back_to_welcome.timer.isActive()  # the welcome would hide the amount being typed
    link.close()


def test_the_shift_closing_brings_the_welcome_back_at_once(qtbot, kit, window):
    import threading

    from pos_app.core.shift.current import CurrentShift

    holder = CurrentShift()
    link = link_for(window, kit, "on", shift=holder)  # the default while: minutes away in a test
    pay(qtbot, kit, link)
    closing = threading.Thread(target=holder.clear)  # the close's answer lands on a worker thread
    closing.start()
    closing.join()
    qtbot.waitUntil(lambda: words(link.display) == WELCOME_TW, timeout=WAIT)
    link.close()
    holder.clear()  # after the window went: nobody listens any more, nothing breaks
    QApplication.processEvents()


def test_blank_on_lock_and_sign_out_leave_nothing_of_the_sale(qtbot, kit, window):
    link = link_for(window, kit, "on")
    pay(qtbot, kit, link)
    link.blank()  # what the terminal's lock calls
    assert words(link.display) == WELCOME_TW
    pay(qtbot, kit, link, "7")
    screen = link.screen
    link.close()  # sign out
    assert not link.display.isVisible() and screen.state.value == "idle"
    QApplication.processEvents()
