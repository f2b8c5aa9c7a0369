"""What the manager view's end-to-end tests share: the shop's journal, two payments rung up by
the cashier (the shop itself is conftest's), and a ManagerView built for an operator with a real
MpsClient and SaleService (the same code path as the app). A test module imports the fixtures
by their `*_fixture` names; pytest knows them as `journal` and `paid`."""

from __future__ import annotations

import pytest

from pos_app.core.receipt.model import ReceiptHeader
from pos_app.core.sale.journal import Journal
from pos_app.core.sale.service import SaleService, Till
from pos_app.ui.i18n import Language
from pos_app.ui.manager import ManagerView
from tests.pos.api_shop import signed_in

from .helpers import WAIT


@pytest.fixture(name="journal")
def journal_fixture(tmp_path):
    with Journal(tmp_path / "journal.sqlite3") as j:
        yield j


def sales_for(shop, who, journal, **client_kwargs) -> SaleService:
    return SaleService(signed_in(shop, who, **client_kwargs), journal, Till(merchant_code=shop.code, terminal="lane-1",
                                                              operator=who.email))


@pytest.fixture(name="paid")
def paid_fixture(shop, journal):
    """Two payments rung up by the cashier: 30.00 and 12.30."""
    cashier = sales_for(shop, shop.cashier, journal)
    return [cashier.run(cashier.prepare_charge(amount, shop.qr())).result for amount in ("30", "12.30")]


def view_for(qtbot, shop, who, journal, language=None, now=None, **client_kwargs) -> ManagerView:
    sales = sales_for(shop, who, journal, **client_kwargs)
    info = sales.api.session_info()
    counter = ReceiptHeader(info["merchant_name"], info["timezone"], info["currency"], cashier_email=who.email,
                             terminal="lane-1")
    view = ManagerView(sales.api, sales, language or Language("en"), info, counter, now=now)
    qtbot.addWidget(view)
    return view


def find(qtbot, view, text):
    panel = view.refunds
    with qtbot.waitSignal(panel.controller.payment_shown, timeout=WAIT):
        panel.find(text)
    return panel.controller.payment
