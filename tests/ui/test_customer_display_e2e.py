"""The customer display over the real cashier view, API client and the local Supabase stand-in:
a member with a phone and a discount level, two sales, and what the member's screen shows."""

import uuid
from decimal import Decimal

from PySide6.QtCore import Qt

from pos_app.core.customer.screen import CustomerScreen
from pos_app.core.receipt.model import ReceiptHeader
from pos_app.core.sale.journal import Journal
from pos_app.core.sale.service import SaleService, Till
from pos_app.ui.cashier import CashierView
from pos_app.ui.customer_display import CustomerDisplay
from pos_app.ui.customer_display_feed import CustomerDisplayFeed
from pos_app.ui.i18n import Language
from tests.pos.api_shop import Shop, new_operator, service_rpc, signed_in

from .cashier_kit import WAIT
from .helpers import shop_settings, sign_in

PHONE = "+8613912345678"


def shop_with_a_member_who_has_a_phone(gateway) -> Shop:
    code = f"T{uuid.uuid4().hex[:10].upper()}"
    service_rpc(gateway, "create_merchant", {"p_code": code, "p_name": f"Test shop {code}",
                                             "p_settlement_mode": "t_plus_1", "p_timezone": "Asia/Shanghai",
                                             "p_currency": "CNY"})
    phone = PHONE[:-4] + f"{uuid.uuid4().int % 10000:04d}"  # one member per phone
    member = service_rpc(gateway, "create_member_profile", {"p_name": "Mei Lin", "p_phone": phone,
                                                            "p_email": f"mei-{uuid.uuid4().hex[:8]}@member.test"})
    card_id = service_rpc(gateway, "list_member_cards", {"p_member_id": member})[0]["card_id"]
    shop = Shop(gateway, code, new_operator(gateway, code, "cashier"), new_operator(gateway, code, "manager"), card_id)
    shop.top_up("1100.00")
    shop.phone = phone
    return shop


def test_two_sales_on_the_member_screen_with_a_discount_only_the_last_four_and_the_members_language(
        qtbot, tmp_path, gateway):
    shop = shop_with_a_member_who_has_a_phone(gateway)
    card = service_rpc(gateway, "get_card_summary", {"p_card_id": shop.card_id})
    client = signed_in(shop, shop.cashier)
    with Journal(tmp_path / "journal.sqlite3") as journal:
        sales = SaleService(client, journal, Till(shop.code, "lane-1", shop.cashier.email))
        cashier_language = Language("en")
        view = CashierView(sales, cashier_language, ReceiptHeader("Test shop", "Asia/Shanghai", "CNY",
                                                                   cashier_email=shop.cashier.email, terminal="lane-1"))
        screen = CustomerScreen("CNY")
        display = CustomerDisplay(screen, "zh_TW", "Test shop")
        CustomerDisplayFeed(view, screen, view)
        for w in (view, display):
            qtbot.addWidget(w)
            w.show()
        display.resize(1024, 768)

        def words() -> str:
            return "\n".join(display.texts())

        codes = []

        def sale(amount: str) -> None:
            codes.append(shop.qr())
            view.controller.scan(codes[-1])
            view.amount_field.setText(amount)
            view.charge()
            qtbot.waitUntil(lambda: display.shown.tone == "ok", timeout=WAIT)

        # (CLDR's zh_TW writes the yuan "CN¥", to tell it from Taiwan's dollar.)
        # A first sale of 1,000.00 on the base level: no discount, 1,000 points (silver from now on).
        sale("1000.00")
        assert words().split("\n") == ["Test shop", "金額", "CN¥1,000.00", "已付", "CN¥1,000.00", "付後餘額",
                                       "CN¥100.00", "獲得積分", "+1000", f"卡號 •••• {card['card_no'][-4:]}",
                                       "謝謝惠顧，歡迎再來！"]
        assert view.notice.text() == "Paid ¥1,000.00."  # the cashier reads English
        qtbot.keyClick(view.amount_field, Qt.Key.Key_Escape)
        assert words() == "Test shop\n歡迎光臨"

        # The second, on silver (2 % off): the server's discount, balance after and points.
        sale("50.00")
        assert words().split("\n") == ["Test shop", "金額", "CN¥50.00", "您的優惠", "−CN¥1.00", "已付", "CN¥49.00",
                                       "付後餘額", "CN¥51.00", "獲得積分", "+49", f"卡號 •••• {card['card_no'][-4:]}",
                                       "謝謝惠顧，歡迎再來！"]
        assert shop.balance() == Decimal("51.00")
        text = words()
        assert "1,000.00" not in text and "CN¥100.00" not in text and "+1000" not in text  # nothing of the first
        # Nothing a member behind could use: no card number, no phone, no email, no payment code.
        assert len(card["card_no"]) > 4 and card["card_no"] not in text and card["card_no"][:-4] not in text
        assert shop.phone not in text and shop.phone[-8:] not in text and "@" not in text
        assert not any(code in text or code[:12] in text for code in codes)

        cashier_language.set("zh_CN")  # F12 at the counter
        assert "謝謝惠顧，歡迎再來！" in words() and view.notice.text() == "已收款 ¥49.00。"
        view.close()


def test_the_counter_opens_the_display_set_on_in_the_members_language_and_closes_it_on_sign_out(
        qtbot, make_shell, shop):
    shell = make_shell(shop_settings(shop, customer_display="on", customer_language="zh_TW"))
    window = sign_in(qtbot, shell, shop.cashier.email, shop.cashier.password)
    display = shell.customer_display.display
    qtbot.waitUntil(display.isVisible, timeout=WAIT)
    assert display.texts() == [window.shop.text(), "歡迎光臨"]
    assert window.sign_out_button.text() == "Sign &out"  # the cashier's own language is English
    qtbot.waitUntil(lambda: window.cashier.amount_field.hasFocus(), timeout=WAIT)  # the keyboard stays at the counter
    window.shortcuts["sign_out"].activated.emit()
    qtbot.waitUntil(lambda: not display.isVisible(), timeout=WAIT)
    assert shell.customer_display is None


def test_by_default_the_member_reads_the_shops_language_whatever_f12_does(qtbot, make_shell, shop):
    shell = make_shell(shop_settings(shop, language="zh_CN"))
    window = sign_in(qtbot, shell, shop.cashier.email, shop.cashier.password)
    link = shell.customer_display
    assert not link.display.isVisible()  # one screen, "auto": closed until asked for
    window.shortcuts["language"].activated.emit()  # F12: the cashier reads English
    qtbot.waitUntil(lambda: window.cashier.amount_field.hasFocus(), timeout=WAIT)
    qtbot.keyClick(window.cashier.amount_field, Qt.Key.Key_D,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(link.display.isVisible, timeout=WAIT)
    assert link.display.texts()[1] == "欢迎光临" and link.button.text() == "Customer display  (Ctrl+Shift+D)"


def paid_on_the_member_screen(qtbot, shell, shop, amount: str):
    """The cashier signed in at `shell`, one charge of `amount` paid and shown to the member."""
    window = sign_in(qtbot, shell, shop.cashier.email, shop.cashier.password)
    display = shell.customer_display.display
    qtbot.waitUntil(window.cashier.isVisible, timeout=WAIT)
    window.cashier.controller.scan(shop.qr())
    window.cashier.amount_field.setText(amount)
    window.cashier.charge()
    qtbot.waitUntil(lambda: display.shown.tone == "ok", timeout=WAIT)
    return window, display


def test_closing_the_shift_takes_the_last_sale_off_the_member_screen_at_once(qtbot, make_shell, shop):
    import time
    import uuid as _uuid

    from pos_app.core.customer.screen import WELCOME_AFTER_SECONDS

    shop.top_up("100.00")
    signed_in(shop, shop.manager).register_terminal("lane-1", "Lane")
    signed_in(shop, shop.cashier).open_shift("lane-1", Decimal("0"), str(_uuid.uuid4()))
    shell = make_shell(shop_settings(shop, terminal_name="lane-1", customer_display="on", customer_language="zh_CN"))
    window, display = paid_on_the_member_screen(qtbot, shell, shop, "8.00")
    paid_at = time.monotonic()
    assert "谢谢惠顾，欢迎再来！" in display.texts()

    page = window.cashier_page
    page.shortcuts["close"].activated.emit()  # F8
    dialog = page.close_dialog
    qtbot.waitUntil(lambda: dialog.reconciliation is not None, timeout=WAIT)
    dialog.counted_field.setText("0")
    dialog.submit()
    qtbot.waitUntil(lambda: not shell.services.shift.is_open, timeout=WAIT)
    qtbot.waitUntil(lambda: display.texts() == [window.shop.text(), "欢迎光临"], timeout=WAIT)
    assert time.monotonic() - paid_at < WELCOME_AFTER_SECONDS  # the close did it, not the while after a sale


def test_locking_the_counter_takes_the_last_sale_off_the_member_screen(qtbot, make_shell, shop):
    shell = make_shell(shop_settings(shop, customer_display="on", customer_language="zh_CN"))
    window, display = paid_on_the_member_screen(qtbot, shell, shop, "6.00")
    shell.lock()  # Ctrl+L, the Lock button or the idle time all come here
    assert shell.lock_panel is not None
    assert display.texts() == [window.shop.text(), "欢迎光临"]  # nothing of the sale for the next person
