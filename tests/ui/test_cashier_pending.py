"""An unknown outcome keeps the sale on hold, and nothing can charge it twice."""

import threading
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from pos_app.core.messages import message_for
from pos_app.core.sale.journal import Journal
from pos_app.core.sale.service import SaleService, Till

from .cashier_kit import SHOP, WAIT, Kit, balance, double_click, open_kit


@pytest.fixture
def kit(qtbot, tmp_path):
    yield from open_kit(qtbot, tmp_path)


def start_charge(kit, amount: str = "12.30", fund: str = "100.00") -> None:
    kit.view.controller.scan(kit.api.card(fund))
    kit.view.amount_field.setText(amount)
    kit.qtbot.mouseClick(kit.view.charge_button, Qt.MouseButton.LeftButton)


def test_a_lost_answer_leaves_the_pending_panel_and_retry_completes_it_once(kit):
    kit.api.fail_next("lost_answer")  # the server charged, the answer never came
    start_charge(kit)
    panel = kit.view.pending_panel
    kit.qtbot.waitUntil(lambda: panel.isVisible(), timeout=WAIT)
    assert panel.retry_button.isEnabled() and not kit.view.charge_button.isEnabled()
    assert str(message_for("outcome_unknown").problem) in panel.words.text()
    kit.view.controller.scan(kit.api.card("100.00"))  # a second scan must not unblock Charge
    assert not kit.view.charge_button.isEnabled()
    kit.qtbot.mouseClick(panel.retry_button, Qt.MouseButton.LeftButton)
    receipt = kit.wait_receipt()
    assert receipt.amount == Decimal("12.30") and panel.isHidden() and kit.view.charge_button.isEnabled()
    keys = {key for fn, key, _ in kit.api.calls if fn == "charge"}
    assert len(keys) == 1 and kit.charges() == 2  # the retry reused the sale's key
    assert balance(kit) == Decimal("87.70")  # moved once


def test_check_settles_a_pending_sale_that_never_reached_the_server_as_not_charged(kit):
    kit.api.fail_next("lost_request")
    start_charge(kit)
    panel = kit.view.pending_panel
    kit.qtbot.waitUntil(lambda: panel.isVisible(), timeout=WAIT)
    kit.qtbot.mouseClick(panel.check_button, Qt.MouseButton.LeftButton)
    kit.qtbot.waitUntil(lambda: panel.isHidden(), timeout=WAIT)
    assert kit.view.notice.text() == str(message_for("voided"))
    assert kit.view.charge_button.isEnabled() and balance(kit) == Decimal("100.00")


def test_double_clicking_charge_sends_one_request(kit):
    gate = threading.Event()
    kit.api.fail_next(lambda fn, key: gate.wait(WAIT / 1000))  # hold the first request in flight
    kit.view.controller.scan(kit.api.card("100.00"))
    kit.view.amount_field.setText("9.99")
    double_click(kit.qtbot, kit.view.charge_button)
    kit.qtbot.waitUntil(lambda: len(kit.api.calls) == 1, timeout=WAIT)
    assert not kit.view.charge_button.isEnabled()
    kit.view.amount_field.setFocus()
    kit.qtbot.keyClick(kit.view.amount_field, Qt.Key.Key_Return)  # Enter charges, but not now
    kit.view.controller.scan(kit.api.card("100.00"))  # nor does a second scan
    gate.set()
    kit.wait_receipt()
    assert kit.charges() == 1 and balance(kit) == Decimal("90.01")


def test_a_sale_left_pending_by_an_earlier_run_is_shown_at_start_and_check_settles_it(qtbot, tmp_path):
    k = Kit(qtbot, tmp_path)
    try:
        # An earlier run on this counter: the request went out and the app died.
        earlier = SaleService(k.api, Journal(tmp_path / "journal.sqlite3"), Till("SHOP", "lane-1", "ann"))
        k.api.fail_next("lost_answer")
        earlier.run(earlier.prepare_charge("20", k.api.card("100.00")))
        k.api.fail_next("unreachable")  # and the network is still down at start
        k.view.recover()
        panel = k.view.pending_panel
        qtbot.waitUntil(lambda: panel.isVisible(), timeout=WAIT)
        assert not panel.retry_button.isEnabled()  # the code is gone with the old run
        assert not k.view.charge_button.isEnabled()
        qtbot.mouseClick(panel.check_button, Qt.MouseButton.LeftButton)
        receipt = k.wait_receipt()
        assert receipt.amount == Decimal("20.00") and panel.isHidden() and k.view.charge_button.isEnabled()
        assert receipt.counter == SHOP
    finally:
        k.close()


def test_recover_at_start_reports_a_settled_sale(qtbot, tmp_path):
    k = Kit(qtbot, tmp_path)
    try:
        earlier = SaleService(k.api, Journal(tmp_path / "journal.sqlite3"), Till("SHOP", "lane-1", "ann"))
        k.api.fail_next("lost_request")
        earlier.run(earlier.prepare_charge("20", k.api.card("100.00")))
        k.view.show_recovered(k.sales.recover())
        assert "not charged" in k.view.notice.text() and k.view.charge_button.isEnabled()
    finally:
        k.close()


def test_recover_at_start_tells_a_top_up_as_a_top_up_not_as_a_sale(qtbot, tmp_path):
    k = Kit(qtbot, tmp_path)
    try:
        earlier = SaleService(k.api, Journal(tmp_path / "journal.sqlite3"), Till("SHOP", "lane-1", "ann"))
        k.api.fail_next("lost_request")
        earlier.run(earlier.prepare_topup("20", k.api.card("100.00")))
        k.view.show_recovered(k.sales.recover())
        assert k.view.notice.text() == ("Top-up of ¥20.00 from the last run did not happen: the card was not"
                                        " credited. Top it up again, or give the cash back.")
        k.view.language.set("zh_CN")
        assert "充值" in k.view.notice.text() and "交易" not in k.view.notice.text()
    finally:
        k.close()


# -- settled by another path while on hold ----------------------------------------------------


def test_a_sale_on_hold_settled_when_the_line_came_back_frees_the_counter(kit):
    kit.api.fail_next("unreachable")  # the line is down: the sale never left
    start_charge(kit)
    panel = kit.view.pending_panel
    kit.qtbot.waitUntil(panel.isVisible, timeout=WAIT)
    # The line is back: the window's recovery (ui/recovery.py) settles it by its key and tells
    # this view, as the shell does.
    kit.view.show_recovered(kit.sales.recover())
    kit.qtbot.waitUntil(panel.isHidden, timeout=WAIT)
    assert kit.view.charge_button.isEnabled() and balance(kit) == Decimal("100.00")
    start_charge(kit, "5.00")  # the counter sells again
    assert kit.wait_receipt().amount == Decimal("5.00")


def test_retry_on_a_sale_something_else_settled_frees_the_counter(kit):
    kit.api.fail_next("unreachable")
    start_charge(kit)
    panel = kit.view.pending_panel
    kit.qtbot.waitUntil(panel.isVisible, timeout=WAIT)
    kit.sales.recover()  # settled elsewhere (the close's reconciliation), this view not told
    kit.qtbot.mouseClick(panel.retry_button, Qt.MouseButton.LeftButton)
    kit.qtbot.waitUntil(panel.isHidden, timeout=WAIT)
    assert kit.view.charge_button.isEnabled() and kit.journal.unfinished() == []
