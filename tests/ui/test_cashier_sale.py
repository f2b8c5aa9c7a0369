"""A sale at the cashier view: amount, code, Charge, and what the cashier then sees."""

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from pos_app.core.messages import message_for

from .cashier_kit import WAIT, Kit, balance, open_kit


@pytest.fixture
def kit(qtbot, tmp_path):
    yield from open_kit(qtbot, tmp_path)


def test_an_amount_and_a_pasted_code_then_charge_show_the_receipt_with_the_paid_amount(kit):
    code = kit.api.card("100.00")
    kit.enter_amount("12.30")
    kit.paste_code(code)
    kit.qtbot.waitUntil(lambda: "Card ready" in kit.view.card_status.text(), timeout=WAIT)
    assert code.split(".")[2] not in kit.view.card_status.text()  # the secret is never shown
    kit.qtbot.mouseClick(kit.view.charge_button, Qt.MouseButton.LeftButton)
    receipt = kit.wait_receipt()
    assert receipt.amount == Decimal("12.30") and receipt.counter.shop.startswith("Corner Tea")
    assert "¥12.30" in kit.view.notice.text()
    assert balance(kit) == Decimal("87.70")
    assert kit.view.amount_field.text() == "" and "Card ready" not in kit.view.card_status.text()


def test_enter_in_the_amount_field_charges_and_the_keypad_builds_the_amount(kit):
    kit.view.controller.scan(kit.api.card("50.00"))
    for key in ("7", ".", "5", "0", "0"):  # the third decimal is ignored
        kit.qtbot.mouseClick(kit.view.keypad.buttons[key], Qt.MouseButton.LeftButton)
    assert kit.view.amount_field.text() == "7.50"
    kit.view.amount_field.setFocus()
    kit.qtbot.keyClick(kit.view.amount_field, Qt.Key.Key_Return)
    assert kit.wait_receipt().amount == Decimal("7.50")


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_a_refusal_says_what_happened_and_what_to_do_in_the_cashiers_language(qtbot, tmp_path, language):
    k = Kit(qtbot, tmp_path, language)
    try:
        k.view.controller.scan(k.api.card("5.00"))
        k.view.amount_field.setText("12.30")
        k.view.charge()
        words = str(message_for("insufficient_balance", language))
        k.qtbot.waitUntil(lambda: k.view.notice.text() == words, timeout=WAIT)
        assert k.view.charge_button.isEnabled() and k.view.pending_panel.isHidden()
        other = "en" if language == "zh_CN" else "zh_CN"
        k.language.set(other)  # re-labelled live
        assert k.view.notice.text() == str(message_for("insufficient_balance", other))
    finally:
        k.close()


def test_charge_without_a_code_or_with_a_bad_amount_is_refused_before_any_request(kit):
    kit.view.amount_field.setText("12.30")
    kit.view.charge()
    assert kit.view.notice.text() == str(message_for("empty"))
    kit.view.controller.scan(kit.api.card("5.00"))
    kit.view.amount_field.setText("1.234")
    kit.view.charge()
    assert kit.view.notice.text() == str(message_for("amount_too_many_decimals"))
    assert kit.api.calls == []


def test_a_receipt_code_scanned_for_a_payment_is_named_before_any_request(kit):
    kit.view.controller.scan("MPSTX1.0b4f6a2e-1d2c-4e5f-8a9b-0c1d2e3f4a5b")
    assert kit.view.notice.text() == str(message_for("receipt_code_for_payment"))
    assert "Card ready" not in kit.view.card_status.text() and kit.api.calls == []


def test_a_cash_topup_takes_the_same_path_and_shows_its_receipt(kit):
    kit.view.controller.scan(kit.api.card("10.00"))
    kit.view.amount_field.setText("50")
    kit.qtbot.mouseClick(kit.view.topup_button, Qt.MouseButton.LeftButton)
    receipt = kit.wait_receipt()
    assert receipt.kind.value == "topup" and receipt.balance_after == Decimal("60.00")
    assert balance(kit) == Decimal("60.00")
