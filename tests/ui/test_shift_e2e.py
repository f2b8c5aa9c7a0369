"""The shift at the counter in the window, over HTTP against the stand-in (issue 8): the "Open
shift" screen stands in for the sale screen until the terminal's shift is open; bad floats and
counts are refused where they are typed; the close dialog counts the drawer, shows the difference
as it is typed, settles the journal by key and shows any disagreement; X at any time."""

from __future__ import annotations

import uuid
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from pos_app.core.connectivity import Link
from pos_app.core.shift.cash import CNY
from tests.pos.api_shop import signed_in

from .helpers import WAIT, shop_settings, sign_in

LANE = "lane-1"


def _counter(qtbot, make_shell, shop, who, *, register: str | None = LANE, language: str = "en"):
    if register:
        signed_in(shop, shop.manager).register_terminal(register, "Lane")
    shell = make_shell(shop_settings(shop, terminal_name=LANE, language=language))
    window = sign_in(qtbot, shell, who.email, who.password)
    page = window.cashier_page
    qtbot.waitUntil(lambda: page.standing is not None, timeout=WAIT)
    return shell, window, page


def _open_shifts(shop) -> list:
    return [s for s in signed_in(shop, shop.manager).list_shifts() if s.is_open]


def test_a_cashier_sees_the_open_shift_screen_and_opens_it_with_the_float_and_enter(qtbot, make_shell, shop):
    shell, window, page = _counter(qtbot, make_shell, shop, shop.cashier)
    assert page.stack.currentWidget() is page.open_panel and not window.cashier.isVisible()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.open_panel.float_field, timeout=WAIT)
    qtbot.keyClicks(page.open_panel.float_field, "100")
    qtbot.keyClick(page.open_panel.float_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.cashier.isVisible(), timeout=WAIT)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.cashier.amount_field, timeout=WAIT)
    assert shell.services.shift.is_open and "¥100.00" in page.bar_label.text()
    [opened] = _open_shifts(shop)
    assert opened.opening_float == Decimal("100.00") and opened.shift_id == shell.services.shift.shift_id


def test_a_float_with_letters_negative_or_a_third_decimal_is_refused_and_nothing_is_opened(qtbot, make_shell, shop):
    shell, window, page = _counter(qtbot, make_shell, shop, shop.cashier, language="zh_CN")
    panel = page.open_panel
    qtbot.keyClicks(panel.float_field, "12a-5")  # the field takes the digits only
    assert panel.float_field.text() == "125"
    for typed, words in (("12a", "金额格式不正确"), ("-5", "不能为负数"), ("1.234", "两位小数")):
        panel.float_field.setText(typed)  # a paste, past the field's own checks
        qtbot.keyClick(panel.float_field, Qt.Key.Key_Return)
        assert panel.problem.isVisible() and words in panel.problem.text(), (typed, panel.problem.text())
    qtbot.wait(200)
    assert _open_shifts(shop) == [] and not shell.services.shift.is_open
    panel.float_field.setText("0")  # an empty drawer is a float too
    qtbot.keyClick(panel.float_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.cashier.isVisible(), timeout=WAIT)
    assert _open_shifts(shop)[0].opening_float == Decimal("0.00")


def test_a_cashier_at_a_counter_not_registered_yet_is_told_a_manager_opens_its_first_shift(qtbot, make_shell, shop):
    _, window, page = _counter(qtbot, make_shell, shop, shop.cashier, register="lane-9")
    assert page.standing.mode == "unregistered" and not window.cashier.isVisible()
    assert "manager" in page.open_panel.problem.text() and not page.open_panel.float_field.isVisible()


def test_in_a_shop_without_terminals_a_cashier_sells_as_before(qtbot, make_shell, shop):
    _, window, page = _counter(qtbot, make_shell, shop, shop.cashier, register=None)
    assert page.standing.mode == "free"
    qtbot.waitUntil(window.cashier.isVisible, timeout=WAIT)
    assert not page.close_button.isVisible()  # nothing to close, and a cashier does not start shifts


def test_a_manager_registers_the_counter_by_opening_its_first_shift(qtbot, make_shell, shop):
    shell, window, page = _counter(qtbot, make_shell, shop, shop.manager, register=None)
    qtbot.waitUntil(window.cashier.isVisible, timeout=WAIT)
    page.shortcuts["close"].activated.emit()  # F8: "Open a shift…"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.open_panel.float_field, timeout=WAIT)
    assert LANE in page.open_panel.explain.text()
    qtbot.keyClicks(page.open_panel.float_field, "50")
    qtbot.keyClick(page.open_panel.float_field, Qt.Key.Key_Return)
    qtbot.waitUntil(window.cashier.isVisible, timeout=WAIT)
    assert _open_shifts(shop)[0].terminal_code == LANE


def test_x_read_out_shows_the_running_figures(qtbot, make_shell, shop):
    shell, window, page = _counter(qtbot, make_shell, shop, shop.cashier)
    signed_in(shop, shop.cashier).open_shift(LANE, Decimal("80"), str(uuid.uuid4()))
    page.look()
    qtbot.waitUntil(window.cashier.isVisible, timeout=WAIT)
    page.shortcuts["x"].activated.emit()  # F11
    qtbot.waitUntil(lambda: page.report is not None and page.report.isVisible(), timeout=WAIT)
    body = "\n".join(page.report.view.lines())
    assert "X READ-OUT" in body and "¥80.00" in body and not page.report.document.duplicate
    page.report.accept()


def test_the_close_counts_the_drawer_settles_the_journal_shows_a_difference_and_gives_the_z(
        qtbot, make_shell, shop, transport):
    signed_in(shop, shop.manager).register_terminal(LANE, "Lane")
    signed_in(shop, shop.cashier).open_shift(LANE, Decimal("100"), str(uuid.uuid4()))
    shell, window, page = _counter(qtbot, make_shell, shop, shop.cashier, register=None)
    qtbot.waitUntil(window.cashier.isVisible, timeout=WAIT)
    services = shell.services
    shift_id = services.shift.shift_id
    sales = services.sale_for(shell.operator)
    # A sale the counter began and never heard of again (the app died while sending it).
    services.journal.begin(key=str(uuid.uuid4()), kind="charge", merchant_code=shop.code, terminal=LANE,
                           operator=sales.counter.operator, amount=Decimal("9.00"))
    # A finished row the server never had: a defect the close must show.
    ghost = str(uuid.uuid4())
    services.journal.begin(key="ghost", kind="charge", merchant_code=shop.code, terminal=LANE,
                           operator=sales.counter.operator, amount=Decimal("3.00"))
    services.journal.mark_done("ghost", {"tx_id": ghost, "shift_id": shift_id, "paid_amount": "3.00"})
    qtbot.waitUntil(lambda: services.monitor.status.link is Link.ONLINE, timeout=WAIT)

    page.shortcuts["close"].activated.emit()  # F8
    dialog = page.close_dialog
    qtbot.waitUntil(lambda: dialog.reconciliation is not None, timeout=WAIT)
    listed = [dialog.reconcile_list.item(i).text() for i in range(dialog.reconcile_list.count())]
    assert any("Settled: payment ¥9.00" in line and "voided" in line for line in listed), listed
    assert any("not on the server" in line and ghost in line for line in listed), listed
    assert "DEFECT" in dialog.reconcile_status.text()
    assert dialog.expected_value.text() == "¥100.00"

    # The count helper: one ¥100 note and three ¥0.5 coins; the difference follows as typed.
    qtbot.keyClicks(dialog.pieces[CNY[0]], "1")
    qtbot.keyClicks(dialog.pieces[CNY[7]], "3")
    assert dialog.counted_field.text() == "101.50" and dialog.difference_value.text() == "¥1.50"
    qtbot.keyClicks(dialog.pieces[CNY[8]], "x")
    assert "whole number" in dialog.problem.text()
    dialog.pieces[CNY[8]].clear()
    dialog.counted_field.setText("-1")
    assert "negative" in dialog.problem.text()
    dialog.submit()
    qtbot.wait(200)
    assert services.shift.is_open  # nothing sent
    # Offline: refused at once, nothing sent.
    dialog.counted_field.setText("99.50")
    assert dialog.difference_value.text() == "-¥0.50"
    transport.down = True
    qtbot.waitUntil(lambda: services.monitor.status.link is not Link.ONLINE, timeout=WAIT)
    dialog.submit()
    assert "not closed" in dialog.problem.text() and services.shift.is_open
    transport.down = False
    qtbot.waitUntil(lambda: services.monitor.status.link is Link.ONLINE, timeout=WAIT)
    dialog.note_field.setText("fifty fen short")
    qtbot.keyClick(dialog.note_field, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.report is not None and page.report.isVisible(), timeout=WAIT)
    body = "\n".join(page.report.view.lines())
    assert "Z 000001" in body and "¥0.50 short" in body and "fifty fen short" in body, body
    assert not page.report.document.duplicate
    assert not services.shift.is_open and page.stack.currentWidget() is page.open_panel
    z = signed_in(shop, shop.manager).get_shift(shift_id)
    assert (z.counted_cash, z.difference, z.z_number) == (Decimal("99.50"), Decimal("-0.50"), 1)
    page.report.accept()


def test_an_open_without_an_answer_is_retried_as_the_same_open(qtbot, make_shell, shop, transport):
    shell, window, page = _counter(qtbot, make_shell, shop, shop.cashier)
    panel = page.open_panel
    qtbot.keyClicks(panel.float_field, "30")
    transport.down = True
    qtbot.keyClick(panel.float_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Retry" in panel.open_button.text(), timeout=WAIT)
    assert not panel.float_field.isEnabled() and "¥30.00" in panel.explain.text()
    assert "No connection" in panel.problem.text() and not window.cashier.isVisible()
    transport.down = False
    panel.float_field.setText("99")  # frozen: the retry sends what was sent
    panel.submit()
    qtbot.waitUntil(window.cashier.isVisible, timeout=WAIT)
    [opened] = _open_shifts(shop)
    assert opened.opening_float == Decimal("30.00")


def test_before_the_shift_is_open_no_sale_key_reaches_the_sale_screen(qtbot, make_shell, shop):
    shell, window, page = _counter(qtbot, make_shell, shop, shop.cashier)
    window.cashier.controller.scan(shop.qr())  # a scanner burst arms the (hidden) sale
    window.cashier.amount_field.setText("5.00")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.open_panel.float_field, timeout=WAIT)
    for key in (Qt.Key.Key_F4, Qt.Key.Key_F9, Qt.Key.Key_F10):  # top-up, retry, check
        qtbot.keyClick(QApplication.focusWidget(), key)
    qtbot.keyClick(page.open_panel.float_field, Qt.Key.Key_Return)  # Enter opens (here: refused, empty)
    qtbot.wait(300)
    assert shell.services.journal.unfinished() == []  # nothing was even begun
    assert shop.balance() == Decimal("100.00") and "drawer" in page.open_panel.problem.text()


def test_a_cashier_signing_in_after_a_colleague_opened_the_shift_sells_into_it_and_is_told_who_closes_it(
        qtbot, make_shell, shop):
    """The handover at a fresh start: A opened lane-1's shift elsewhere; B signs in here and goes
    straight to the sale screen; B's sale is in A's shift under B; F8 says who closes it (in
    both languages) and opens no count; F11 shows B's own part, not A's figures or the drawer."""
    from tests.pos.api_shop import new_operator

    signed_in(shop, shop.manager).register_terminal(LANE, "Lane")
    a = signed_in(shop, shop.cashier)
    opened = a.open_shift(LANE, Decimal("100"), str(uuid.uuid4()))
    a.charge_by_qr(shop.qr(), Decimal("30.00"), str(uuid.uuid4()), shift_id=opened.shift_id)  # A's sale
    b = new_operator(shop.gateway, shop.code, "cashier")
    shell, window, page = _counter(qtbot, make_shell, shop, b, register=None)
    assert page.standing.mode == "open" and page.stack.currentWidget() is window.cashier
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.cashier.amount_field, timeout=WAIT)
    assert shell.services.shift.shift_id == opened.shift_id
    assert shop.cashier.email in page.bar_label.text() and "¥100.00" in page.bar_label.text()
    assert "open under another operator" not in page.open_panel.problem.text()

    view = window.cashier
    view.controller.scan(shop.qr())
    view.amount_field.setText("12.00")
    view.charge()
    qtbot.waitUntil(lambda: "Paid ¥12.00" in view.notice.text(), timeout=WAIT)
    mine = [t for t in signed_in(shop, shop.manager).list_transactions(shift_id=opened.shift_id)
            if t["operator_user_id"] == b.user_id]
    assert [(t["kind"], Decimal(str(t["amount"]))) for t in mine] == [("payment", Decimal("12.00"))]

    page.shortcuts["close"].activated.emit()  # F8: B may not close A's shift
    assert page.close_dialog is None and page.bar_problem.isVisible()
    assert "opened by another operator" in page.bar_problem.text() and "PIN" in page.bar_problem.text()
    shell.language.set("zh_CN")  # F12: the same refusal in the other language
    assert "其他操作员" in page.bar_problem.text(), page.bar_problem.text()
    shell.language.set("en")
    assert signed_in(shop, shop.manager).get_shift(opened.shift_id).is_open

    page.shortcuts["x"].activated.emit()  # F11: B's own part only
    qtbot.waitUntil(lambda: page.report is not None and page.report.isVisible(), timeout=WAIT)
    body = "\n".join(page.report.view.lines())
    assert "Your part of this shift" in body and "¥12.00" in body, body
    assert "¥30.00" not in body and "Expected cash" not in body and shop.cashier.email in body  # who opened it
    page.report.accept()
