"""The manager view as a whole, with a stand-in API that answers at once: built from
merchant_session_info or an Operator, re-labelled live, each tab loaded on first showing; and
the Z report's page drawing keeps the amounts' right edge straight whatever the script."""

from __future__ import annotations

from datetime import UTC, date, datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFontMetrics, QImage

from pos_app.core.receipt.model import ReceiptHeader
from pos_app.core.receipt.text import pair
from pos_app.core.session.signin import Operator
from pos_app.ui.common.printing import draw_lines, mono_font
from pos_app.ui.i18n import Language
from pos_app.ui.manager import ManagerView, Merchant
from tests.pos.day_fixture import summary

from .helpers import WAIT

INFO = {"merchant_name": "星巴克 Corner", "currency": "CNY", "timezone": "Asia/Shanghai", "role": "manager"}
NOW = datetime(2030, 1, 31, 10, tzinfo=UTC)  # 18:00 in Shanghai


class Api:
    def __init__(self):
        self.calls = []

    def daily_summary(self, day=None):
        self.calls.append(("daily_summary", day))
        return summary()

    def list_transactions(self, **kw):
        self.calls.append(("list_transactions", kw.get("kind")))
        return []

    def list_settlements(self, **kw):
        self.calls.append(("list_settlements", None))
        return []

    def list_shifts(self, **kw):
        self.calls.append(("list_shifts", None))
        return []


def make(qtbot, api, language):
    view = ManagerView(api, None, language, INFO, ReceiptHeader("星巴克 Corner", "Asia/Shanghai", "CNY"),
                       now=lambda: NOW)
    qtbot.addWidget(view)
    return view


def test_the_merchant_comes_from_session_info_or_from_a_signed_in_operator():
    op = Operator("u", "m@shop.test", "owner", "SHOP001", "星巴克 Corner", "CNY", "Asia/Shanghai")
    assert Merchant.of(op) == Merchant.of(INFO | {"role": "owner"}) == Merchant("星巴克 Corner", "CNY", "Asia/Shanghai",
                                                                               "owner")


def test_each_tab_fetches_on_its_first_showing_only(qtbot):
    api = Api()
    view = make(qtbot, api, Language("en"))
    assert api.calls == []  # built but never shown: no request
    view.show()
    qtbot.waitUntil(lambda: ("list_transactions", "payment") in api.calls, timeout=WAIT)
    view.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: view.day.report is not None, timeout=WAIT)
    assert ("daily_summary", date(2030, 1, 31)) in api.calls  # today on the merchant's clock
    view.tabs.setCurrentIndex(0)
    view.tabs.setCurrentIndex(1)
    assert [c for c in api.calls if c[0] == "daily_summary"] == [("daily_summary", date(2030, 1, 31))]


def test_the_whole_view_relabels_when_the_language_changes(qtbot):
    language = Language("en")
    view = make(qtbot, Api(), language)
    with qtbot.waitSignal(view.day.controller.loaded, timeout=WAIT):
        view.day.load()
    assert view.tabs.tabText(1) == "The &day" and view.day.net.text() == "Net: ¥72.50"
    assert view.refunds.refund_all_button.text() == "Refund &all"
    language.set("zh_CN")
    assert [view.tabs.tabText(i) for i in range(3)] == ["退款(&R)", "日报(&D)", "结算(&S)"]
    assert view.day.net.text() == "净额：¥72.50" and view.day.payments.text().startswith("支付：3 笔")
    assert view.refunds.refund_all_button.text() == "全额退款(&A)" and view.refunds.summary.text() == "尚未选择支付。"
    assert view.settlements.generate_button.text() == "生成结算单(&G)"
    assert view.day.cashiers.headerData(0, Qt.Orientation.Horizontal) == "收银员"


def test_the_settlement_dates_default_to_yesterday_and_the_day_to_today(qtbot):
    view = make(qtbot, Api(), Language("en"))
    assert view.day.chosen_day() == date(2030, 1, 31)
    assert view.day.day.maximumDate().toPython() == date(2030, 1, 31)  # the server refuses later days
    assert view.settlements.first.date().toPython() == view.settlements.last.date().toPython() == date(2030, 1, 30)


def _right_edges(image: QImage, lines: int, step: int) -> list[int]:
    edges = []
    for i in range(lines):
        xs = [x for y in range(i * step, (i + 1) * step) for x in range(image.width())
              if QColor(image.pixel(x, y)).lightness() < 128]
        edges.append(max(xs))
    return edges


def test_a_page_keeps_the_amounts_right_edge_straight_with_chinese_labels(qtbot):
    lines = [*pair("Amount", "¥200.00", 32), *pair("消费金额", "¥200.00", 32), *pair("实收金额合计", "¥200.00", 32)]
    image = QImage(400, 200, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    draw_lines(image, lines)
    step = QFontMetrics(mono_font(), image).lineSpacing()
    edges = _right_edges(image, 3, step)
    assert max(edges) - min(edges) <= 1, edges
