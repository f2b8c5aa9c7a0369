"""The cashier screen's shop operations: who is paying shown before Charge (and never holding a
charge up), the card + cash offer when the balance is short with its one receipt, and the cash
drawer dialog with its refusals and slip."""

from __future__ import annotations

import threading
from decimal import Decimal
from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt

from pos_app.core.messages import message_for
from pos_app.core.receipt.model import ReceiptKind
from pos_app.core.receipt.text import render_text

from .cashier_kit import Kit, open_kit
from .helpers import WAIT

OPEN = SimpleNamespace(shift_id="shift-1", is_open=True, shift=SimpleNamespace(terminal_code="lane-1"))


@pytest.fixture
def kit(qtbot, tmp_path):
    yield from open_kit(qtbot, tmp_path, shift=OPEN, with_preview=True)


def shown(kit, words: str) -> None:
    kit.qtbot.waitUntil(lambda: words in kit.view.payer_label.text() and kit.view.payer_label.isVisible(),
                        timeout=WAIT)


# -- who is paying ---------------------------------------------------------------------------


def test_the_member_and_the_balance_after_are_shown_before_charge(kit):
    code = kit.api.card("100.00")
    kit.api.rates["0001"] = Decimal("0.0500")
    kit.paste_code(code)
    shown(kit, "A**")
    label = kit.view.payer_label.text()
    assert "Gold" in label and "discount 5%" in label and "•••• 0001" in label and "¥100.00" in label
    assert code.split(".")[2] not in label and not kit.view.split_button.isVisible()
    kit.enter_amount("50")
    shown(kit, "balance after ¥52.50")  # 50 less 5 % is 47.50, as the server takes it
    assert "¥47.50" in kit.view.payer_label.text()
    assert [fn for fn, _k, _c in kit.api.calls] == ["preview"]  # nothing charged to learn it
    kit.view.charge()
    assert kit.wait_receipt().amount == Decimal("47.50") and kit.api.balances["0001"] == Decimal("52.50")
    kit.qtbot.waitUntil(lambda: not kit.view.payer_label.isVisible(), timeout=WAIT)  # the code is spent


def test_a_member_without_a_discount_is_shown_without_a_discount_part(kit):
    kit.paste_code(kit.api.card("100.00"))
    shown(kit, "A**")
    label = kit.view.payer_label.text()
    assert "discount" not in label and "•••• 0001" in label and "¥100.00" in label
    kit.view.language.set("zh_CN")
    assert "折扣" not in kit.view.payer_label.text() and "0%" not in kit.view.payer_label.text()


def test_a_scan_then_enter_charges_at_once_and_a_late_preview_is_dropped(kit):
    release = threading.Event()
    kit.api.fail_next(lambda fn, key: release.wait(WAIT / 1000))  # the preview hangs on the network
    code = kit.api.card("100.00")
    kit.enter_amount("10")
    kit.paste_code(code)
    kit.view.amount_field.setFocus()
    kit.qtbot.keyClick(kit.view.amount_field, Qt.Key.Key_Return)
    assert kit.wait_receipt().amount == Decimal("10.00")  # charged while the preview still hangs
    release.set()
    kit.qtbot.waitUntil(lambda: any(fn == "preview" for fn, _k, _c in kit.api.calls), timeout=WAIT)
    kit.qtbot.wait(200)  # let the late answer arrive: it names a code that is spent
    assert not kit.view.payer_label.isVisible() and kit.view.payer is None


def test_a_preview_refusal_is_said_like_a_charges(kit):
    kit.api.fail_next("qr_expired")
    kit.paste_code(kit.api.card("100.00"))
    words = str(message_for("qr_expired"))
    kit.qtbot.waitUntil(lambda: kit.view.notice.text() == words, timeout=WAIT)
    assert not kit.view.payer_label.isVisible()


# -- the split tender ------------------------------------------------------------------------


def test_a_short_balance_offers_card_plus_cash_and_one_receipt_shows_both(kit):
    kit.paste_code(kit.api.card("30.00"))
    kit.enter_amount("50")
    kit.qtbot.waitUntil(kit.view.split_button.isVisible, timeout=WAIT)
    assert kit.view.split_button.text() == "Card ¥30.00 + rest ¥20.00 in cash\n(F7)"
    assert "short of this sale ¥50.00 by ¥20.00" in kit.view.payer_label.text()
    kit.view.amount_field.setFocus()
    kit.qtbot.keyClick(kit.view.amount_field, Qt.Key.Key_F7)
    receipt = kit.wait_receipt()
    assert (receipt.kind, receipt.amount, receipt.card_paid, receipt.cash_paid) == (
        ReceiptKind.PAYMENT, Decimal("50.00"), Decimal("30.00"), Decimal("20.00"))
    assert "¥20.00" in kit.view.notice.text() and "cash" in kit.view.notice.text()
    text = "\n".join(render_text(kit.view.receipt_panel.receipt, width=42))
    assert "by card" in text and "in cash" in text
    assert kit.api.balances["0001"] == Decimal("0") and kit.api.movements == [("cash_sale", Decimal("20.00"), None)]
    assert not kit.view.split_button.isVisible() and kit.view.amount_field.text() == ""


def test_a_cash_part_left_unknown_waits_in_the_pending_panel_and_retry_completes_the_sale(kit):
    kit.paste_code(kit.api.card("30.00"))
    kit.enter_amount("50")
    kit.qtbot.waitUntil(kit.view.split_button.isVisible, timeout=WAIT)
    kit.api.fail_next(None, "unreachable")  # the card part goes through, the cash part finds no line
    kit.view.charge_split()
    kit.qtbot.waitUntil(lambda: not kit.view.pending_panel.isHidden(), timeout=WAIT)
    assert "the cash part ¥20.00 is not recorded yet" in kit.view.notice.text()
    assert kit.api.movements == [] and not kit.view.charge_button.isEnabled()  # the counter waits for it
    kit.view.controller.retry()
    kit.qtbot.waitUntil(lambda: kit.view.receipt_panel.receipt.cash_paid is not None, timeout=WAIT)
    assert kit.view.receipt_panel.receipt.card_paid == Decimal("30.00")
    assert kit.api.movements == [("cash_sale", Decimal("20.00"), None)] and kit.charges() == 1
    kit.qtbot.waitUntil(kit.view.pending_panel.isHidden, timeout=WAIT)
    assert kit.view.charge_button.isEnabled() and kit.journal.unfinished() == []


def test_a_card_part_of_unknown_outcome_is_held_as_the_sale_and_what_the_member_pays(kit):
    # A gold member (5 % off) with 100.00 buys for 150.00: the card is charged 105.26 before its
    # discount, which takes the 100.00 on it; the rest of the 142.50 is 42.50 in cash.
    kit.api.rates["0001"] = Decimal("0.0500")
    kit.paste_code(kit.api.card("100.00"))
    kit.enter_amount("150")
    kit.qtbot.waitUntil(kit.view.split_button.isVisible, timeout=WAIT)
    kit.api.fail_next("lost_answer")  # the card part went through, the counter does not know
    kit.view.charge_split()
    panel = kit.view.pending_panel
    kit.qtbot.waitUntil(lambda: not panel.isHidden(), timeout=WAIT)
    assert panel.amount.text() == ("Split sale ¥150.00: card part ¥100.00 (the card's whole balance),"
                                   " then ¥42.50 in cash")
    assert "105.26" not in panel.amount.text()
    kit.view.language.set("zh_CN")
    assert "¥150.00" in panel.amount.text() and "¥42.50" in panel.amount.text() and "Split" not in panel.amount.text()
    kit.view.language.set("en")
    kit.api.fail_next(None, "unreachable")  # Retry: the card part is answered, the cash part finds no line
    kit.view.controller.retry()
    kit.qtbot.waitUntil(lambda: "is not recorded yet" in panel.amount.text(), timeout=WAIT)
    assert panel.amount.text() == ("Split sale ¥150.00: card part ¥100.00 is paid; the cash part ¥42.50"
                                   " is not recorded yet")
    kit.view.controller.retry()
    kit.qtbot.waitUntil(panel.isHidden, timeout=WAIT)
    assert kit.view.receipt_panel.receipt.cash_paid == Decimal("42.50")
    assert len(kit.api.payments) == 1 and kit.api.balances["0001"] == Decimal("0")  # charged once


def test_a_split_sale_on_hold_settled_when_the_line_came_back_gives_its_one_receipt_and_frees_the_counter(kit):
    kit.paste_code(kit.api.card("30.00"))
    kit.enter_amount("50")
    kit.qtbot.waitUntil(kit.view.split_button.isVisible, timeout=WAIT)
    kit.api.fail_next("lost_answer")  # the card part went through unanswered
    kit.view.charge_split()
    panel = kit.view.pending_panel
    kit.qtbot.waitUntil(lambda: not panel.isHidden(), timeout=WAIT)
    kit.view.show_recovered(kit.sales.recover())  # the window's recovery, as the shell runs it
    kit.qtbot.waitUntil(lambda: kit.view.receipt_panel.receipt is not None
                        and kit.view.receipt_panel.receipt.cash_paid is not None, timeout=WAIT)
    kit.qtbot.waitUntil(panel.isHidden, timeout=WAIT)
    assert kit.view.charge_button.isEnabled() and kit.journal.unfinished() == []
    assert kit.api.movements == [("cash_sale", Decimal("20.00"), None)] and len(kit.api.payments) == 1


def test_the_offer_follows_the_amount_and_goes_when_the_balance_covers_it(kit):
    kit.paste_code(kit.api.card("30.00"))
    kit.enter_amount("40")
    kit.qtbot.waitUntil(kit.view.split_button.isVisible, timeout=WAIT)
    assert "¥10.00 in cash" in kit.view.split_button.text()
    kit.view.amount_field.setText("25")
    assert not kit.view.split_button.isVisible() and "balance after ¥5.00" in kit.view.payer_label.text()


# -- the cash drawer -------------------------------------------------------------------------


def open_drawer(kit):
    kit.view.activateWindow()  # a shortcut reaches only the active window
    kit.qtbot.waitUntil(kit.view.isActiveWindow, timeout=WAIT)
    kit.view.amount_field.setFocus()
    kit.qtbot.keyClick(kit.view.amount_field, Qt.Key.Key_F6)
    kit.qtbot.waitUntil(lambda: kit.view.cash_dialog is not None and kit.view.cash_dialog.isVisible(), timeout=WAIT)
    return kit.view.cash_dialog


@pytest.mark.parametrize("typed, reason", [("abc", "amount_not_a_number"), ("-5", "amount_negative"),
                                           ("1.005", "amount_too_many_decimals")])
def test_a_bad_amount_is_refused_as_it_is_typed_and_nothing_is_sent(kit, typed, reason):
    dialog = open_drawer(kit)
    kit.qtbot.waitUntil(dialog.amount.hasFocus, timeout=WAIT)  # the amount is typed first
    kit.qtbot.keyClicks(dialog.amount, typed)
    assert dialog.problem.text() == str(message_for(reason)) and dialog.problem.isVisible()
    kit.qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)  # OK: refused again, the dialog stays
    assert dialog.isVisible() and dialog.problem.text() == str(message_for(reason))
    assert kit.api.calls == [] and kit.journal.unfinished() == []


def test_a_pay_out_needs_a_reason_then_prints_its_slip(kit):
    dialog = open_drawer(kit)
    dialog.select_kind("pay_out")
    kit.qtbot.keyClicks(dialog.amount, "12.30")
    kit.qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.problem.text() == str(message_for("cash_reason_needed"))
    kit.qtbot.waitUntil(dialog.reason.hasFocus, timeout=WAIT)  # the cursor goes where the fix is typed
    assert kit.api.calls == []
    kit.qtbot.keyClicks(dialog.reason, "window cleaner")
    kit.qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    slip = kit.wait_receipt()
    assert (slip.kind, slip.movement_kind, slip.amount, slip.reason) == (ReceiptKind.CASH, "pay_out",
                                                                       Decimal("12.30"), "window cleaner")
    assert "PAY-OUT SLIP" in "\n".join(render_text(kit.view.receipt_panel.receipt, width=42))
    assert kit.view.notice.text() == "Paid out ¥12.30." and not dialog.isVisible()
    assert kit.api.movements == [("pay_out", Decimal("12.30"), "window cleaner")]
    kit.qtbot.waitUntil(kit.view.amount_field.hasFocus, timeout=WAIT)


def test_a_drop_is_refused_in_chinese_without_its_reason(qtbot, tmp_path):
    k = Kit(qtbot, tmp_path, "zh_CN", shift=OPEN)
    try:
        dialog = open_drawer(k)
        dialog.select_kind("drop")
        qtbot.keyClicks(dialog.amount, "200")
        qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)
        assert dialog.problem.text() == str(message_for("cash_reason_needed", "zh_CN"))
        assert dialog.problem.text() != str(message_for("cash_reason_needed", "en")) and k.api.calls == []
    finally:
        k.close()


def test_no_cash_moves_without_an_open_shift(qtbot, tmp_path):
    k = Kit(qtbot, tmp_path, shift=SimpleNamespace(shift_id=None, is_open=False, shift=None))
    try:
        dialog = open_drawer(k)
        words = str(message_for("cash_no_shift"))
        assert dialog.problem.text() == words  # said as soon as the drawer opens
        qtbot.keyClicks(dialog.amount, "10")
        qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)
        assert dialog.isVisible() and dialog.problem.text() == words and k.api.calls == []
    finally:
        k.close()
