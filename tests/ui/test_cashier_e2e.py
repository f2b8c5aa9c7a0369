"""The cashier view over the real API client and the local Supabase stand-in."""

from decimal import Decimal

from pos_app.core.receipt.model import ReceiptHeader
from pos_app.core.sale.journal import Journal
from pos_app.core.sale.service import SaleService, Till
from pos_app.ui.cashier import CashierView
from pos_app.ui.i18n import Language
from tests.pos.api_shop import build_shop, signed_in

from .cashier_kit import WAIT, double_click


def test_a_real_charge_from_the_view_moves_the_balance_once(qtbot, tmp_path, gateway):
    shop = build_shop(gateway)
    client = signed_in(shop, shop.cashier)
    with Journal(tmp_path / "journal.sqlite3") as journal:
        sales = SaleService(client, journal, Till(shop.code, "lane-1", shop.cashier.email))
        view = CashierView(sales, Language("en"), ReceiptHeader("Test shop", "Asia/Shanghai", "CNY",
                                                                  cashier_email=shop.cashier.email, terminal="lane-1"),
                           list_transactions=client.list_transactions, get_tx=client.get_tx)
        qtbot.addWidget(view)
        view.show()
        qtbot.waitExposed(view, timeout=WAIT)
        view.controller.scan(shop.qr())
        view.amount_field.setText("12.30")
        double_click(qtbot, view.charge_button)
        qtbot.waitUntil(lambda: view.receipt_panel.receipt is not None, timeout=WAIT)
        receipt = view.receipt_panel.receipt
        assert receipt.amount == Decimal("12.30") and receipt.card_last4
        assert shop.balance() == Decimal("87.70")
        # Today's list is refreshed after the sale and holds it; a reprint is its copy.
        qtbot.waitUntil(lambda: view.today_model.rowCount() == 1, timeout=WAIT)
        assert view.today_model.row_at(0)["tx_id"] == receipt.tx_id
        view.controller.reprint(receipt.tx_id)
        qtbot.waitUntil(lambda: view.receipt_panel.receipt.copy, timeout=WAIT)
        assert view.receipt_panel.receipt.tx_id == receipt.tx_id
        view.close()


def test_a_chinese_receipt_names_the_members_level_in_chinese(qtbot, tmp_path, gateway):
    from pypdf import PdfReader

    shop = build_shop(gateway)
    client = signed_in(shop, shop.cashier)
    with Journal(tmp_path / "journal.sqlite3") as journal:
        sales = SaleService(client, journal, Till(shop.code, "lane-1", shop.cashier.email))
        view = CashierView(sales, Language("zh_CN"), ReceiptHeader("Test shop", "Asia/Shanghai", "CNY",
                                                                     cashier_email=shop.cashier.email,
                                                                     terminal="lane-1"))
        qtbot.addWidget(view)
        view.show()
        view.controller.scan(shop.qr())
        view.amount_field.setText("3.00")
        view.charge()
        qtbot.waitUntil(lambda: view.receipt_panel.receipt is not None, timeout=WAIT)
        assert view.receipt_panel.receipt.level_code == "base"  # the server's code for a new member
        text = "".join(page.extract_text() for page in PdfReader(view.save_receipt_pdf(tmp_path / "r.pdf")).pages)
        assert "普通会员" in text and "base" not in text
        view.close()


def test_a_charge_over_the_balance_says_the_balance_available(qtbot, tmp_path, gateway):
    shop = build_shop(gateway)  # the card holds 100.00
    client = signed_in(shop, shop.cashier)
    with Journal(tmp_path / "journal.sqlite3") as journal:
        sales = SaleService(client, journal, Till(shop.code, "lane-1", shop.cashier.email))
        language = Language("en")
        view = CashierView(sales, language, ReceiptHeader("Test shop", "Asia/Shanghai", "CNY",
                                                            cashier_email=shop.cashier.email, terminal="lane-1"))
        qtbot.addWidget(view)
        view.show()
        view.controller.scan(shop.qr())
        view.amount_field.setText("150.00")
        view.charge()
        qtbot.waitUntil(lambda: "too low" in view.notice.text(), timeout=WAIT)
        assert "Balance on the card: ¥100.00." in view.notice.text()
        language.set("zh_CN")
        assert "卡内余额：¥100.00。" in view.notice.text()
        assert shop.balance() == Decimal("100.00") and view.receipt_panel.receipt is None
        view.close()
