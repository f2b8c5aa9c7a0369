"""The manager's shifts, against the stand-in over HTTP: the Shifts tab lists open and closed
shifts per terminal with who opened and closed them and the drawer's figures, a terminal chosen
from the keyboard filters the list, the shift chosen shows its Z (closed) or X read-out (open),
a reprint is marked DUPLICATE, a cashier's list holds only their own shifts, and the day screen's
cash equals what the database holds for the shifts opened that day."""

from __future__ import annotations

import uuid
from decimal import Decimal

import psycopg
import pytest
from PySide6.QtCore import Qt

from pos_app.core.day import business_day
from pos_app.core.receipt.escpos import ENCODING
from pos_app.ui.i18n import Language
from pos_app.ui.manager.shift_panel import ShiftPanel
from tests.pos.api_shop import signed_in

from .manager_kit import WAIT, journal_fixture, view_for  # noqa: F401 - fixtures


def key() -> str:
    return f"POS1-{uuid.uuid4()}"


@pytest.fixture
def shifts(shop):
    """T1: the cashier's shift, float 100, a top-up 50, a pay-out 12.50, closed counted 137.00
    (0.50 short): Z 1. T2: the manager's shift, float 20, a pay-in 5, still open."""
    manager, cashier = signed_in(shop, shop.manager), signed_in(shop, shop.cashier)
    manager.register_terminal("T1", "Front counter")
    manager.register_terminal("T2", "Back bar")
    first = cashier.open_shift("T1", Decimal("100.00"), key())
    cashier.recharge_by_qr(shop.qr(), "50.00", key(), shift_id=first.shift_id)
    cashier.cash_movement(first.shift_id, "pay_out", Decimal("12.50"), key(), reason="milk")
    z = cashier.close_shift(first.shift_id, Decimal("137.00"), key(), note="coin missing")
    second = manager.open_shift("T2", Decimal("20.00"), key())
    manager.cash_movement(second.shift_id, "pay_in", Decimal("5.00"), key(), reason="change")
    return z, second


def shifts_tab(qtbot, shop, journal, language=None):
    view = view_for(qtbot, shop, shop.manager, journal, language=language)
    panel = view.shifts
    with qtbot.waitSignal(panel.controller.listed, timeout=WAIT):
        view.tabs.setCurrentIndex(view.tabs.indexOf(panel))
        view.show()
    return view, panel


def values(panel) -> list[str]:
    return [r.value for r in panel.slip.rows]


def test_the_shifts_tab_lists_open_and_closed_shifts_with_who_and_the_drawer(qtbot, shop, journal, shifts):
    z, _open = shifts
    view, panel = shifts_tab(qtbot, shop, journal)
    model = panel.model
    assert view.tabs.tabText(view.tabs.indexOf(panel)) == "Shifts (&Z)"
    assert model.rowCount() == 2
    rows = {model.cell(i, "terminal"): i for i in range(2)}
    t1, t2 = rows["Front counter (T1)"], rows["Back bar (T2)"]
    assert [model.cell(t1, c) for c in ("number", "status", "opened_by", "closed_by")] == [
        "Z 000001", "closed", shop.cashier.email, shop.cashier.email]
    assert [model.cell(t1, c) for c in ("expected", "counted", "difference")] == ["¥137.50", "¥137.00",
                                                                                  "-¥0.50 short"]
    assert [model.cell(t2, c) for c in ("number", "status", "opened_by", "closed_by", "counted")] == [
        "X", "open", shop.manager.email, "", ""]
    assert model.cell(t2, "expected") == "¥25.00" and shop.manager.email in model.cell(t2, "cashiers")
    assert z.z_number == 1


def test_a_terminal_chosen_with_the_keyboard_lists_only_its_shifts(qtbot, shop, journal, shifts):
    _view, panel = shifts_tab(qtbot, shop, journal)
    assert [panel.terminal.itemText(i) for i in range(panel.terminal.count())] == [
        "All terminals", "Front counter (T1)", "Back bar (T2)"]  # by code
    panel.terminal.setFocus()
    with qtbot.waitSignal(panel.controller.listed, timeout=WAIT):
        qtbot.keyClick(panel.terminal, Qt.Key.Key_Down)  # to Front counter (T1): listed at once
    assert panel.chosen_terminal() == "T1"
    assert [panel.model.cell(i, "number") for i in range(panel.model.rowCount())] == ["Z 000001"]
    with qtbot.waitSignal(panel.controller.listed, timeout=WAIT):
        qtbot.keyClick(panel.terminal, Qt.Key.Key_Down)
    assert [panel.model.cell(i, "terminal") for i in range(panel.model.rowCount())] == ["Back bar (T2)"]
    assert panel.terminal.count() == 3  # a filtered list keeps offering every terminal seen


def test_the_chosen_shift_shows_its_z_or_its_x_read_out_and_a_reprint_says_duplicate(qtbot, shop, journal, shifts):
    z, still_open = shifts
    _view, panel = shifts_tab(qtbot, shop, journal)
    row_of = {panel.model.row(i).shift_id: i for i in range(panel.model.rowCount())}
    panel.table.setFocus()
    panel.table.setCurrentIndex(panel.model.index(row_of[z.shift_id], 0))
    assert "Z 000001" in values(panel) and "*** DUPLICATE ***" not in values(panel)
    assert panel.report_button.text() == "Re&print Z (DUPLICATE)…"
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)  # Enter on the row opens the reprint
    dialog = panel.report_dialog
    qtbot.waitExposed(dialog, timeout=WAIT)
    dup = [r.value for r in dialog.view.slip.rows]
    assert dup.count("*** DUPLICATE ***") == 2 and "Z 000001" in dup
    assert dialog.document.file_stem().endswith("-000001-DUPLICATE")
    text = "\n".join(dialog.view.lines())
    assert "Reprinted" in text and "coin missing" in text and "-¥0.50 short" in text
    dialog.accept()

    with qtbot.waitSignal(panel.controller.read, timeout=WAIT):  # an open shift is read afresh
        panel.table.setCurrentIndex(panel.model.index(row_of[still_open.shift_id], 0))
    assert "X read-out, not a close" in values(panel) and not any(v.startswith("Z 0") for v in values(panel))
    assert panel.report_button.text() == "&Print X read-out…"
    panel.report_button.setFocus()
    qtbot.keyClick(panel.report_button, Qt.Key.Key_Space)
    assert "DUPLICATE" not in "\n".join(panel.report_dialog.view.lines())
    panel.report_dialog.accept()


def test_the_shifts_speak_chinese_on_the_list_and_the_slip(qtbot, shop, journal, shifts):
    language = Language("en")
    view, panel = shifts_tab(qtbot, shop, journal, language)
    language.set("zh_CN")
    assert view.tabs.tabText(view.tabs.indexOf(panel)) == "班次(&Z)"
    assert panel.model.headerData(panel.model.column_index("difference"), Qt.Orientation.Horizontal) == "差额"
    closed_row = next(i for i in range(2) if panel.model.cell(i, "number") == "Z 000001")
    assert panel.model.cell(closed_row, "difference") == "短款 -¥0.50"
    panel.table.setCurrentIndex(panel.model.index(closed_row, 0))
    assert "结班报表" in values(panel) and panel.report_button.text() == "重印 Z 报表（副本）(&P)…"


def test_a_cashiers_list_holds_only_their_own_shifts(qtbot, shop, shifts):
    panel = ShiftPanel(signed_in(shop, shop.cashier), Language("en"), "Shop", "Asia/Shanghai")
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.controller.listed, timeout=WAIT):
        panel.load()
    assert [panel.model.cell(i, "terminal") for i in range(panel.model.rowCount())] == ["Front counter (T1)"]


def database_cash(dsn: str, merchant_code: str, tz: str) -> dict[str, Decimal]:
    """The day's cash as the database holds it: the shifts of the merchant opened today (local),
    their floats, their top-ups, their movements by kind, and the closed ones' counts."""
    start, end = business_day.period(business_day.today(tz), business_day.today(tz), tz)
    with psycopg.connect(dsn) as conn:
        shifts = conn.execute(
            "select s.id, s.opening_float, s.status, s.counted_cash from app.shifts s"
            " join app.merchants m on m.id = s.merchant_id"
            " where m.code = %s and s.opened_at >= %s and s.opened_at < %s", (merchant_code, start, end)).fetchall()
        ids = [s[0] for s in shifts]
        topups = conn.execute("select coalesce(sum(amount), 0) from app.transactions"
                              " where shift_id = any(%s) and kind = 'recharge'", (ids,)).fetchone()[0]
        kinds = dict(conn.execute("select kind, sum(amount) from app.cash_movements where shift_id = any(%s)"
                                  " group by kind", (ids,)).fetchall())
        closed_ids = [s[0] for s in shifts if s[2] == "closed"]
        closed_expected = conn.execute(
            "select coalesce(sum(s.opening_float), 0)"
            " + (select coalesce(sum(t.amount), 0) from app.transactions t"
            "    where t.shift_id = any(%(ids)s) and t.kind = 'recharge')"
            " + (select coalesce(sum(case when c.kind in ('pay_in', 'cash_sale') then c.amount else -c.amount end), 0)"
            "    from app.cash_movements c where c.shift_id = any(%(ids)s))"
            " from app.shifts s where s.id = any(%(ids)s)", {"ids": closed_ids}).fetchone()[0]
    zero = Decimal("0.00")
    out = {"float": sum((s[1] for s in shifts), zero), "topups": topups,
           **{k: kinds.get(k, zero) for k in ("pay_in", "pay_out", "drop", "cash_sale")},
           "counted": sum((s[3] for s in shifts if s[2] == "closed"), zero), "closed_expected": closed_expected}
    out["expected"] = out["float"] + topups + out["cash_sale"] + out["pay_in"] - out["pay_out"] - out["drop"]
    return out


def test_the_days_cash_equals_the_database_for_the_shifts_opened_that_day(qtbot, shop, journal, shifts):
    view = view_for(qtbot, shop, shop.manager, journal)
    day = view.day
    with qtbot.waitSignal(day.controller.cash_loaded, timeout=WAIT):
        day.load()
    cash, db = day.cash, database_cash(shop.gateway.dsn, shop.code, "Asia/Shanghai")
    assert (cash.shifts, cash.open_shifts) == (2, 1)
    assert (cash.opening_float, cash.topups, cash.cash_sales, cash.pay_ins, cash.pay_outs, cash.drops) == (
        db["float"], db["topups"], db["cash_sale"], db["pay_in"], db["pay_out"], db["drop"])
    assert cash.expected == db["expected"] == Decimal("162.50")
    assert (cash.counted, cash.expected_closed) == (db["counted"], db["closed_expected"])
    assert cash.difference == db["counted"] - db["closed_expected"] == Decimal("-0.50")
    assert day.cash_shifts.text() == "2 shifts, 1 still open"
    assert day.cash_sum.text() == ("Float ¥120.00 + top-ups ¥50.00 + cash sales ¥0.00 + pay-ins ¥5.00"
                                   " − pay-outs ¥12.50 − drops ¥0.00 = expected ¥162.50")
    assert day.cash_counted.text() == "Closed shifts: expected ¥137.50, counted ¥137.00, difference -¥0.50 short"
    paper = day.read_out_lines()  # the day read-out prints the same cash
    assert any(line.startswith("= Expected cash") and line.endswith("¥162.50") for line in paper)
    assert any(line.startswith("Difference") and line.endswith("-¥0.50 short") for line in paper)
    view.language.set("zh_TW")
    assert day.cash_shifts.text() == "2 個班次，1 個進行中"
    assert "短款 -CN¥0.50" in day.cash_counted.text()  # CLDR's zh_TW names the yuan CN¥


def test_a_reprint_goes_to_the_thermal_printer_marked_duplicate_and_tab_walks_the_screen(qtbot, shop, shifts,
                                                                                         tmp_path):
    device = tmp_path / "lp0"
    panel = ShiftPanel(signed_in(shop, shop.manager), Language("zh_CN"), "Demo 茶馆", "Asia/Shanghai",
                       escpos_device=str(device))
    qtbot.addWidget(panel)
    panel.show()
    with qtbot.waitSignal(panel.controller.listed, timeout=WAIT):
        panel.load(terminal_code="T1")
    assert panel.model.rowCount() == 1 and panel.model.cell(0, "number") == "Z 000001"
    panel.show_button.setFocus()
    qtbot.keyClick(panel.show_button, Qt.Key.Key_Tab)
    assert panel.focusWidget() is panel.table
    qtbot.keyClick(panel.table, Qt.Key.Key_Tab)
    assert panel.focusWidget() is panel.report_button
    qtbot.keyClick(panel.report_button, Qt.Key.Key_Space)
    dialog = panel.report_dialog
    with qtbot.waitSignal(dialog.view.status, timeout=WAIT):
        dialog.view.thermal_button.click()
    job = device.read_bytes()
    assert job.count("*** 重印副本 ***".encode(ENCODING)) == 2 and "Z 000001".encode(ENCODING) in job
    dialog.accept()
