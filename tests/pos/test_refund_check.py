"""The refund screen's view of a payment and its check of a typed refund."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pos_app.core.sale.refund_check import RefundInputError, check_refund, payment_from_tx

TX = {
    "tx_id": "0b8c2f4e-5d6a-4b7c-8d9e-0f1a2b3c4d5e", "kind": "payment", "card_last4": "1234",
    "raw_amount": Decimal("100.00"), "discount_amount": Decimal("5.00"), "paid_amount": Decimal("95.00"),
    "created_at": "2030-01-31T02:00:00+00:00", "currency": "CNY", "refunded_total": Decimal("30.00"),
    "refundable_remaining": Decimal("65.00"),
    "refunds": [
        {"refund_tx_id": "r2", "refund_amount": Decimal("20.00"), "reason": "第二次", "points_reversed": 20,
         "operator_user_id": "m", "created_at": "2030-01-31T05:00:00+00:00"},
        {"refund_tx_id": "r1", "refund_amount": Decimal("10.00"), "reason": None, "points_reversed": None,
         "operator_user_id": "m", "created_at": "2030-01-31T03:00:00+00:00"},
    ],
}


def test_a_payment_shows_what_was_paid_each_refund_oldest_first_and_what_is_left():
    p = payment_from_tx(TX)
    assert (p.paid_amount, p.refunded_total, p.remaining) == (Decimal("95.00"), Decimal("30.00"), Decimal("65.00"))
    assert [r.refund_tx_id for r in p.refunds] == ["r1", "r2"] and p.refunds[1].points_reversed == 20
    assert p.refundable


def test_a_fully_refunded_payment_or_a_top_up_is_not_refundable():
    assert not payment_from_tx(TX | {"refundable_remaining": Decimal("0")}).refundable
    topup = payment_from_tx({"tx_id": "t", "kind": "recharge", "created_at": "2030-01-31T02:00:00+00:00",
                             "amount": Decimal("50"), "refunded_total": None, "refundable_remaining": None})
    assert not topup.refundable and topup.remaining == Decimal("0.00")


@pytest.mark.parametrize("typed, reason", [("", "amount_empty"), ("abc", "amount_not_a_number"),
                                           ("0", "amount_zero"), ("1.234", "amount_too_many_decimals"),
                                           ("65.01", "refund_exceeds_paid")])
def test_a_bad_refund_amount_is_named(typed, reason):
    with pytest.raises(RefundInputError) as e:
        check_refund(typed, Decimal("65.00"), "")
    assert e.value.reason == reason


def test_the_whole_remainder_in_full_width_digits_is_fine_and_a_blank_reason_is_none():
    assert check_refund("６５．００", Decimal("65.00"), "   ") == (Decimal("65.00"), None)
    assert check_refund("1", Decimal("65.00"), " 退货 ") == (Decimal("1.00"), "退货")


def test_a_reason_of_more_than_500_characters_is_refused():
    assert check_refund("1", Decimal("2"), "字" * 500)[1] == "字" * 500
    with pytest.raises(RefundInputError) as e:
        check_refund("1", Decimal("2"), "字" * 501)
    assert e.value.reason == "reason_too_long"
