"""The manager view's parts without a window: table models, the per-hour chart, the refund
dialog's check, live re-labelling."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from pos_app.core.day.report import from_summary
from pos_app.core.messages import message_for
from pos_app.core.sale.refund_check import payment_from_tx
from pos_app.ui.i18n import Language
from pos_app.ui.manager import text  # noqa: F401 - registers the labels
from pos_app.ui.manager.hour_chart import LABEL_ROOM, TOP_ROOM, HourChart
from pos_app.ui.manager.models import CashiersModel, PaymentsModel, RefundsModel, SettlementsModel
from pos_app.ui.manager.refund_dialog import RefundDialog
from tests.pos.day_fixture import summary, transactions
from tests.pos.test_refund_check import TX

H = Qt.Orientation.Horizontal


def test_the_cashier_table_shows_each_cashier_in_the_currency_and_follows_the_language():
    lang = Language("en")
    model = CashiersModel(lang, "CNY")
    model.set_rows(list(from_summary(summary()).by_cashier))
    assert model.rowCount() == 2 and model.columnCount() == 7
    assert [model.cell(0, c) for c in ("cashier", "role", "payments", "paid", "refunds", "topups", "net")] == [
        "李娜@shop.test", "cashier", "2", "¥142.50", "¥0.00", "¥100.00", "¥42.50"]
    assert model.headerData(0, H) == "Cashier"
    changed = []
    model.headerDataChanged.connect(lambda *a: changed.append(a))
    lang.set("zh_CN")
    assert changed and model.headerData(0, H) == "收银员" and model.cell(1, "role") == "店长"
    assert model.data(model.index(0, model.column_index("net")), Qt.ItemDataRole.TextAlignmentRole) & int(
        Qt.AlignmentFlag.AlignRight)


def test_a_platform_row_is_named_as_such():
    raw = summary()
    raw["by_cashier"][0]["email"] = None
    raw["by_cashier"][0]["operator_user_id"] = None
    model = CashiersModel(Language("zh_CN"), "CNY")
    model.set_rows(list(from_summary(raw).by_cashier))
    assert model.cell(0, "cashier") == "（平台）"


def test_refunds_of_a_payment_show_time_on_the_merchants_clock_amount_and_reason():
    model = RefundsModel(Language("en"), "CNY", "Asia/Shanghai")
    model.set_rows(list(payment_from_tx(TX).refunds))
    assert [model.cell(i, "time") for i in range(2)] == ["2030-01-31 11:00", "2030-01-31 13:00"]
    assert [model.cell(i, "amount") for i in range(2)] == ["¥10.00", "¥20.00"]
    assert model.cell(1, "reason") == "第二次" and model.cell(1, "points") == "-20" and model.cell(0, "points") == ""


def test_todays_payments_show_the_card_paid_and_refundable():
    model = PaymentsModel(Language("en"), "CNY", "Asia/Shanghai")
    model.set_rows(transactions()[1:])
    assert [model.cell(0, c) for c in ("time", "card", "paid", "refundable")] == ["14:00:00", "•••• 1234", "¥50.00",
                                                                                  "¥30.00"]
    assert model.row(0)["tx_id"] == model.cell(0, "tx")


def test_settlements_show_their_period_as_local_days_and_their_figures():
    s = {"period_start": "2030-01-30T16:00:00+00:00", "period_end": "2030-01-31T16:00:00+00:00",
         "timezone": "Asia/Shanghai", "currency": "CNY", "payments_count": 3, "payments_paid": Decimal("192.5"),
         "refunds_amount": Decimal("20"), "topups_amount": Decimal("100"), "net_amount": Decimal("72.50"),
         "source": "manual"}
    month = s | {"period_start": "2029-12-31T16:00:00+00:00", "source": "scheduled"}
    model = SettlementsModel(Language("en"), "Asia/Shanghai")
    model.set_rows([s, month])
    assert model.cell(0, "period") == "2030-01-31" and model.cell(1, "period") == "2030-01-01 – 2030-01-31"
    assert model.cell(0, "paid") == "¥192.50" and model.cell(0, "net") == "¥72.50"
    assert (model.cell(0, "source"), model.cell(1, "source")) == ("(platform)", "the schedule")


def test_a_settlement_made_by_hand_names_the_person_not_their_user_id():
    s = {"period_start": "2030-01-30T16:00:00+00:00", "period_end": "2030-01-31T16:00:00+00:00",
         "timezone": "Asia/Shanghai", "currency": "CNY", "payments_count": 0, "payments_paid": "0",
         "refunds_amount": "0", "topups_amount": "0", "net_amount": "0", "source": "manual",
         "created_by": "5f0c4a57-0000-4000-8000-000000000001"}
    language = Language("zh_CN")
    model = SettlementsModel(language, "Asia/Shanghai")
    model.set_rows([s | {"created_by_email": "li@shop.test", "created_by_name": "李经理"},
                    s | {"created_by_email": "li@shop.test", "created_by_name": None}])
    assert [model.cell(i, "source") for i in range(2)] == ["李经理", "li@shop.test"]
    assert model.headerData(model.column_index("source"), Qt.Orientation.Horizontal) == "生成人"


def test_the_chart_has_24_bars_with_heights_proportional_to_each_hour(qtbot):
    chart = HourChart()
    qtbot.addWidget(chart)
    chart.resize(480, 200 + LABEL_ROOM + TOP_ROOM)  # a 200 px plot
    values = [Decimal(0)] * 24
    values[9], values[14], values[20] = Decimal("200.00"), Decimal("50.00"), Decimal("100.00")
    chart.set_values(values)
    rects = chart.bar_rects()
    assert len(rects) == 24
    plot = rects[9].height()
    assert plot == pytest.approx(200)
    assert rects[14].height() == pytest.approx(plot / 4) and rects[20].height() == pytest.approx(plot / 2)
    assert all(r.height() == 0 for i, r in enumerate(rects) if i not in (9, 14, 20))
    assert len({round(r.bottom(), 6) for r in rects}) == 1  # one baseline
    assert all(rects[i].right() <= rects[i + 1].left() for i in range(23))  # left to right, apart


def test_the_drawn_chart_fills_exactly_the_bars(qtbot):
    chart = HourChart()
    qtbot.addWidget(chart)
    chart.resize(480, 200 + LABEL_ROOM + TOP_ROOM)
    values = [Decimal(0)] * 24
    values[9], values[14] = Decimal("200"), Decimal("50")
    chart.set_values(values, "¥200.00")
    image = chart.grab().toImage()
    bar = HourChart.BAR.rgb()

    def column_height(rect):
        x = int(rect.center().x())
        return sum(1 for y in range(image.height()) if QColor(image.pixel(x, y)).rgb() == bar)

    rects = chart.bar_rects()
    assert column_height(rects[9]) == pytest.approx(rects[9].height(), abs=1)
    assert column_height(rects[14]) == pytest.approx(rects[14].height(), abs=1)
    assert column_height(rects[3]) == 0


def test_the_chart_takes_24_values_only():
    with pytest.raises(ValueError):
        HourChart().set_values([Decimal(1)] * 23)


@pytest.mark.parametrize("typed, reason, name", [
    ("30.01", "", "refund_exceeds_paid"), ("abc", "", "amount_not_a_number"), ("", "", "amount_empty"),
    ("1", "字" * 501, "reason_too_long")])
def test_the_refund_dialog_writes_the_problem_into_its_label(qtbot, typed, reason, name):
    dialog = RefundDialog(Decimal("30.00"), "CNY", Language("en"))
    qtbot.addWidget(dialog)
    dialog.amount.clear()
    qtbot.keyClicks(dialog.amount, typed)
    dialog.reason.setPlainText(reason)
    assert dialog.validate() is None
    assert dialog.problem.text() == str(message_for(name, "en"))


def test_the_refund_dialog_offers_all_that_is_left_and_gives_the_checked_values(qtbot):
    dialog = RefundDialog(Decimal("30.00"), "CNY", Language("zh_CN"))
    qtbot.addWidget(dialog)
    assert dialog.values["amount"] == "30.00" and "¥30.00" in dialog.amount_label.text()
    dialog.reason.setPlainText(" 顾客退货 ")
    assert dialog.validate() == (Decimal("30.00"), "顾客退货") and dialog.problem.text() == ""
    dialog.amount.setText("１２．５")
    assert dialog.validate() == (Decimal("12.50"), "顾客退货")

