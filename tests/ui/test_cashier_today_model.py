"""Today's table model, with no window: named columns, rows in, words per language."""

from PySide6.QtCore import Qt

from pos_app.ui.cashier.today_model import TodayModel
from pos_app.ui.i18n import Language

from .helpers import WAIT

ROWS = [{"tx_id": "t1", "kind": "payment", "created_at": "2030-01-31T01:02:03+00:00", "paid_amount": "12.30",
         "card_last4": "4242"},
        {"tx_id": "t2", "kind": "refund", "created_at": "2030-01-31T02:00:00+00:00", "amount": "5.00"}]


def test_rows_fill_named_columns_with_local_times_and_signed_amounts(qtbot):
    model = TodayModel(Language("en"), "Asia/Shanghai", "CNY")
    assert model.rowCount() == 0 and model.columnCount() == 5
    with qtbot.waitSignal(model.modelReset, timeout=WAIT):
        model.set_rows(ROWS)
    cells = [[model.data(model.index(r, c)) for c in range(5)] for r in range(2)]
    assert cells[0] == ["09:02:03", "Payment", "¥12.30", "•••• 4242", "t1"]
    assert cells[1] == ["10:00:00", "Refund", "-¥5.00", "", "t2"]
    assert model.headerData(2, Qt.Orientation.Horizontal) == "Amount"
    assert model.row_at(1)["tx_id"] == "t2"


def test_a_language_switch_relabels_headers_and_kinds(qtbot):
    language = Language("en")
    model = TodayModel(language, "Asia/Shanghai", "CNY")
    model.set_rows(ROWS)
    with qtbot.waitSignal(model.headerDataChanged, timeout=WAIT):
        language.set("zh_CN")
    assert model.headerData(1, Qt.Orientation.Horizontal) == "类型"
    assert model.data(model.index(1, 1)) == "退款"
