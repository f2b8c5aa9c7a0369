"""The cashier's shop operations over the real API client and the stand-in: a gold member is
previewed before Charge, pays card + cash for a sale the balance does not cover, and the shift
counts both parts; a pay-out from the cash drawer prints its slip and counts in the shift."""

import uuid
from decimal import Decimal

from PySide6.QtCore import Qt

from pos_app.core.receipt.model import ReceiptHeader, ReceiptKind
from pos_app.core.sale.journal import Journal
from pos_app.core.sale.service import SaleService, Till
from pos_app.core.shift.current import CurrentShift
from pos_app.ui.cashier import CashierView
from pos_app.ui.i18n import Language
from tests.pos.api_shop import build_shop, signed_in
from tests.pos.test_cash_tender_e2e import make_gold

from .cashier_kit import WAIT


def test_preview_split_sale_and_pay_out_against_the_stand_in(qtbot, tmp_path, gateway):
    shop = build_shop(gateway)  # the card holds 100.00
    make_gold(shop)  # 5 % off
    signed_in(shop, shop.manager).register_terminal("lane-1", "Lane 1")
    client = signed_in(shop, shop.cashier)
    shift = CurrentShift()
    shift.set(client.open_shift("lane-1", Decimal("50.00"), str(uuid.uuid4())))
    with Journal(tmp_path / "journal.sqlite3") as journal:
        sales = SaleService(client, journal, Till(shop.code, "Lane 1", shop.cashier.email), shift=shift)
        view = CashierView(sales, Language("en"), ReceiptHeader("Test shop", "Asia/Shanghai", "CNY",
                                                                  cashier_email=shop.cashier.email, terminal="Lane 1"),
                           preview_qr=client.preview_qr)
        qtbot.addWidget(view)
        view.show()
        qtbot.waitExposed(view, timeout=WAIT)
        view.amount_field.setText("150.00")
        view.controller.scan(shop.qr())
        qtbot.waitUntil(view.split_button.isVisible, timeout=WAIT)
        label = view.payer_label.text()
        assert "Gold" in label and "discount 5%" in label and "short of this sale ¥142.50 by ¥42.50" in label
        assert view.split_button.text() == "Card ¥100.00 + rest ¥42.50 in cash\n(F7)"
        view.charge_split()
        qtbot.waitUntil(lambda: view.receipt_panel.receipt is not None, timeout=WAIT)
        receipt = view.receipt_panel.receipt
        assert (receipt.raw_amount, receipt.discount_amount, receipt.amount) == (
            Decimal("150.00"), Decimal("7.50"), Decimal("142.50"))
        assert (receipt.card_paid, receipt.cash_paid) == (Decimal("100.00"), Decimal("42.50"))
        assert shop.balance() == Decimal("0.00")

        dialog = view.open_cash_dialog()
        dialog.select_kind("pay_out")
        dialog.amount.setText("10.00")
        dialog.reason.setText("window cleaner")
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: view.receipt_panel.receipt.kind is ReceiptKind.CASH, timeout=WAIT)
        assert view.receipt_panel.receipt.reason == "window cleaner"
        x = client.get_shift(shift.shift_id)
        assert (x.payments_paid, x.cash_sales_amount, x.pay_outs_amount, x.expected_cash) == (
            Decimal("100.00"), Decimal("42.50"), Decimal("10.00"), Decimal("82.50"))
        assert journal.unfinished() == []
        view.close()
