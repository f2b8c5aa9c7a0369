"""Receipts: the model from real-shaped RPC answers, the text layout in columns, the ESC/POS bytes."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal

import pytest

from pos_app.core.receipt.escpos import (
    ALIGN_CENTER,
    ALIGN_LEFT,
    BOLD_OFF,
    BOLD_ON,
    CHINESE_ON,
    ENCODING,
    FEED_AND_CUT,
    INIT,
    TALL_OFF,
    TALL_ON,
    qr_commands,
    render_escpos,
)
from pos_app.core.receipt.model import ReceiptHeader, ReceiptKind, from_charge, from_refund, from_topup, from_tx
from pos_app.core.receipt.text import display_width, render_text, wrap
from pos_app.core.scanning.codes import ReceiptCode, classify

TX = "0b8c2f4e-5d6a-4b7c-8d9e-0f1a2b3c4d5e"
REFUND_TX = "9d1e2f30-4a5b-4c6d-8e7f-a0b1c2d3e4f5"
SHANGHAI = ReceiptHeader("星巴克 Starbucks 北京国贸三期商城店", "Asia/Shanghai", "CNY",
                   cashier_name="李娜", cashier_email="lina@shop.test", terminal="Counter 1")

# Shaped as docs/supabase_rpc.md says, amounts as the API client hands them over (Decimal).
CHARGE = {
    "tx_id": TX, "kind": "payment", "merchant_code": "SHOP001", "currency": "CNY",
    "card_id": "5f0c9a8e-1111-4222-8333-944455566677", "card_last4": "1234", "card_type": "prepaid",
    "member_id": "6a1b2c3d-0000-4000-8000-000000000001", "operator_user_id": "7b2c3d4e-0000-4000-8000-000000000002",
    "raw_amount": Decimal("199.00"), "discount_rate": Decimal("0.1000"), "discount_amount": Decimal("19.90"),
    "paid_amount": Decimal("179.10"), "balance_after": Decimal("820.90"), "points_earned": 179,
    "level_code": "GOLD", "created_at": "2024-05-01T16:30:05.123456+00:00", "replayed": False,
}
REFUND = {
    "refund_tx_id": REFUND_TX, "original_tx_id": TX, "merchant_code": "SHOP001", "currency": "CNY",
    "card_id": CHARGE["card_id"], "card_last4": "1234", "member_id": CHARGE["member_id"],
    "operator_user_id": CHARGE["operator_user_id"], "refund_amount": Decimal("50.00"),
    "refunded_total": Decimal("50.00"), "refundable_remaining": Decimal("129.10"),
    "balance_after": Decimal("870.90"), "points_reversed": 49, "level_code": "GOLD",
    "reason": "顾客退回一件商品，包装完好，已核对小票与会员卡信息无误", "created_at": "2024-05-02T02:00:00+00:00",
    "replayed": False,
}
TOPUP = {
    "tx_id": "1c2d3e4f-5a6b-4c7d-8e9f-000000000003", "kind": "recharge", "card_id": CHARGE["card_id"],
    "card_last4": "1234", "card_type": "prepaid", "member_id": CHARGE["member_id"],
    "operator_user_id": CHARGE["operator_user_id"], "amount": Decimal("100.00"),
    "balance_after": Decimal("970.90"), "created_at": "2024-05-02T03:00:00+00:00", "replayed": False,
    "merchant_code": "SHOP001", "currency": "CNY",
}


def test_a_charge_answer_becomes_a_payment_receipt_with_decimal_amounts():
    r = from_charge(CHARGE, SHANGHAI)
    assert r.kind is ReceiptKind.PAYMENT and r.tx_id == TX
    assert (r.raw_amount, r.discount_amount, r.amount, r.balance_after) == (
        Decimal("199.00"), Decimal("19.90"), Decimal("179.10"), Decimal("820.90"))
    assert all(isinstance(v, Decimal) for v in (r.raw_amount, r.discount_amount, r.amount, r.balance_after))
    assert r.points == 179 and r.level_code == "GOLD" and r.card_last4 == "1234"
    assert not r.copy


def test_amounts_sent_as_json_numbers_or_strings_arrive_exact():
    r = from_charge(CHARGE | {"paid_amount": 179.1, "raw_amount": "199.00", "discount_amount": 19.9}, SHANGHAI)
    assert r.amount == Decimal("179.1") and r.raw_amount == Decimal("199.00")
    assert r.discount_amount == Decimal("19.9")


def test_a_payment_receipts_qr_is_the_code_the_refund_screen_recognises():
    r = from_charge(CHARGE, SHANGHAI)
    assert r.qr_payload == f"MPSTX1.{TX}"
    assert classify(r.qr_payload) == ReceiptCode(TX)


def test_a_refund_answer_becomes_a_refund_receipt_pointing_at_its_payment():
    r = from_refund(REFUND, SHANGHAI)
    assert r.kind is ReceiptKind.REFUND and r.tx_id == REFUND_TX and r.original_tx_id == TX
    assert r.amount == Decimal("50.00") and r.refundable_remaining == Decimal("129.10")
    assert r.balance_after == Decimal("870.90") and r.points == 49
    assert classify(r.qr_payload) == ReceiptCode(TX)  # a further refund starts from either receipt


def test_a_counter_top_up_answer_becomes_a_top_up_receipt_without_a_refund_code():
    r = from_topup(TOPUP, SHANGHAI)
    assert r.kind is ReceiptKind.TOPUP and r.amount == Decimal("100.00")
    assert r.balance_after == Decimal("970.90") and r.qr_payload is None
    assert r.raw_amount is None and r.points is None


def test_the_receipt_shows_what_the_counter_needs_in_english():
    text = "\n".join(render_text(from_charge(CHARGE, SHANGHAI), width=48, language="en"))
    for expected in ("PAYMENT RECEIPT", "星巴克", "Cashier", "李娜", "Counter 1", "•••• 1234",
                     "¥199.00", "-¥19.90", "¥179.10", "+179", "¥820.90", "Gold", TX):
        assert expected in text, expected
    assert "5f0c9a8e" not in text  # the card's id is not on paper, only its last four digits


def test_the_cashiers_email_stands_in_for_a_missing_name():
    counter = ReceiptHeader("Shop", "UTC", "CNY", cashier_email="lina@shop.test")
    assert "lina@shop.test" in "\n".join(render_text(from_charge(CHARGE, counter), 48))


def test_local_time_is_on_the_merchants_clock():
    shanghai = "\n".join(render_text(from_charge(CHARGE, SHANGHAI), 32))
    utc = ReceiptHeader("Shop", "UTC", "CNY")
    in_utc = "\n".join(render_text(from_charge(CHARGE, utc), 32))
    # 16:30 UTC is already the next day in Shanghai: the receipt belongs to that business day.
    assert "2024-05-02 00:30:05" in shanghai and "2024-05-01" not in shanghai
    assert "2024-05-01 16:30:05" in in_utc
    assert from_charge(CHARGE, SHANGHAI).local_time.utcoffset().total_seconds() == 8 * 3600


@pytest.mark.parametrize("width", [16, 24, 32, 48])
@pytest.mark.parametrize("language", ["en", "zh_CN", "zh_TW"])
def test_every_line_fits_the_width_counting_chinese_as_two_columns(width, language):
    for receipt in (from_charge(CHARGE, SHANGHAI), dataclasses.replace(from_refund(REFUND, SHANGHAI), copy=True),
                    from_topup(TOPUP, SHANGHAI)):
        lines = render_text(receipt, width, language)
        too_wide = [line for line in lines if display_width(line) > width]
        assert too_wide == []
    # The check means something: these lines would pass a len() count while being wider.
    assert any(display_width(line) > len(line) for line in lines)


def test_pairs_are_right_aligned_to_the_full_width():
    lines = render_text(from_charge(CHARGE, SHANGHAI), 32, "zh_CN")
    paid = next(line for line in lines if line.startswith("实付金额"))
    assert paid.endswith("¥179.10") and display_width(paid) == 32


def test_wrap_splits_chinese_between_characters_and_english_between_words():
    assert wrap("一二三四五六", 5) == ["一二", "三四", "五六"]
    assert wrap("scan this code", 9) == ["scan this", "code"]
    assert wrap(TX, 20) == [TX[:20], TX[20:]]


def test_a_refund_receipt_in_chinese_shows_what_was_refunded_and_is_left():
    text = "\n".join(render_text(from_refund(REFUND, SHANGHAI), 32, "zh_CN"))
    for expected in ("退款凭证", "退款金额", "¥50.00", "可退余额", "¥129.10", "扣回积分", "-49",
                     "原交易号", "退款原因", "顾客退回"):
        assert expected in text, expected


def test_a_receipt_in_traditional_chinese_speaks_as_taiwan_and_hong_kong_do():
    text = "\n".join(render_text(from_charge(CHARGE, SHANGHAI), 32, "zh_TW"))
    for expected in ("消費收據", "收銀員", "李娜", "消費金額", "會員優惠", "實付金額", "卡內餘額", "本次點數",
                     "金卡會員",
                     "交易號", "退款請掃描此碼", "謝謝惠顧", "CN¥179.10", "-CN¥19.90"):
        assert expected in text, expected
    assert "小票" not in text and "实付" not in text  # neither mainland wording nor Simplified characters
    paid = next(line for line in text.splitlines() if line.startswith("實付金額"))
    assert display_width(paid) == 32  # the layout's fixed width holds in the new language
    topup = "\n".join(render_text(from_topup(TOPUP, SHANGHAI), 32, "zh_TW"))
    assert "儲值憑證" in topup and "儲值金額" in topup


def test_a_reprint_marks_itself_as_a_copy():
    original = from_charge(CHARGE, SHANGHAI)
    reprint = dataclasses.replace(original, copy=True)
    assert reprint.copy and not original.copy
    assert not any("COPY" in line for line in render_text(original, 32))
    assert any("COPY" in line for line in render_text(reprint, 32))
    assert "重印副本".encode(ENCODING) in render_escpos(reprint)
    assert "重印副本".encode(ENCODING) not in render_escpos(original)


def test_past_transactions_reprint_from_merchant_get_tx_as_copies():
    payment = {**{k: CHARGE[k] for k in ("tx_id", "kind", "card_last4", "raw_amount", "discount_amount",
                                         "paid_amount", "balance_after", "level_code", "created_at", "currency")},
               "amount": Decimal("179.10"), "points_delta": 179, "merchant_name": "Shop"}
    refund = {"tx_id": REFUND_TX, "kind": "refund", "card_last4": "1234", "amount": Decimal("50.00"),
              "balance_after": Decimal("870.90"), "points_delta": -49, "original_tx_id": TX,
              "reason": None, "created_at": "2024-05-02T02:00:00+00:00", "currency": "CNY"}
    topup = {"tx_id": TOPUP["tx_id"], "kind": "recharge", "card_last4": "1234", "amount": Decimal("100.00"),
             "balance_after": Decimal("970.90"), "points_delta": 0, "created_at": TOPUP["created_at"]}
    p, r, t = (from_tx(row, SHANGHAI) for row in (payment, refund, topup))
    assert p.copy and r.copy and t.copy
    assert (p.kind, p.amount, p.points, p.qr_payload) == (ReceiptKind.PAYMENT, Decimal("179.10"), 179, f"MPSTX1.{TX}")
    assert (r.kind, r.amount, r.points, r.original_tx_id) == (ReceiptKind.REFUND, Decimal("50.00"), 49, TX)
    assert (t.kind, t.amount, t.currency) == (ReceiptKind.TOPUP, Decimal("100.00"), "CNY")
    with pytest.raises(ValueError):
        from_tx(payment | {"kind": "settlement"}, SHANGHAI)


def test_escpos_output_initialises_prints_chinese_in_gb18030_and_cuts():
    data = render_escpos(from_charge(CHARGE, SHANGHAI), width=32, language="zh_CN")
    assert data.startswith(INIT + CHINESE_ON)
    assert data.endswith(FEED_AND_CUT)
    text = data.decode(ENCODING)
    for label in ("星巴克", "消费小票", "收银员", "李娜", "实付金额", "卡内余额", "本次积分", "交易号",
                  "退款请扫描此码"):
        assert label in text, label
    assert "**** 1234" in text and "•" not in text  # printer fonts have no bullet
    assert "￥179.10" in text  # the full-width yen that GB2312 printer fonts carry


def test_escpos_title_is_bold_and_lines_fit_the_paper():
    receipt = from_refund(REFUND, SHANGHAI)
    data = render_escpos(receipt, width=32)
    bold = re.search(rb"\x1bE\x01(.*?)\x1bE\x00", data, re.S)
    assert bold and "星巴克".encode(ENCODING) in bold.group(1)
    for command in (INIT, CHINESE_ON, ALIGN_LEFT, ALIGN_CENTER, BOLD_ON, BOLD_OFF, TALL_ON, TALL_OFF,
                    FEED_AND_CUT, qr_commands(receipt.qr_payload)):
        data = data.replace(command, b"")
    lines = data.decode(ENCODING).split("\n")
    assert any("顾客退回" in line for line in lines)
    assert [line for line in lines if display_width(line) > 32] == []


def test_escpos_prints_the_transaction_qr_with_the_gs_k_commands():
    receipt = from_charge(CHARGE, SHANGHAI)
    data = render_escpos(receipt)
    payload = f"MPSTX1.{TX}".encode("ascii")
    assert qr_commands(receipt.qr_payload) in data
    store = re.search(rb"\x1d\(k(.)(.)1P0", data, re.S)
    assert store, "no QR store command"
    size = store.group(1)[0] + 256 * store.group(2)[0]
    assert data[store.end():store.end() + size - 3] == payload
    assert b"\x1d(k\x03\x001Q0" in data[store.end():]  # then printed


def test_a_top_up_prints_no_qr():
    data = render_escpos(from_topup(TOPUP, SHANGHAI))
    assert b"\x1d(k" not in data
    assert "充值凭证".encode(ENCODING) in data


def test_a_done_attempt_gets_the_receipt_of_its_kind():
    from pos_app.core.receipt.model import ReceiptHeader, ReceiptKind, from_result

    shop = ReceiptHeader("Shop", "Asia/Shanghai", "CNY")
    charge = {"tx_id": "t", "paid_amount": "9.00", "raw_amount": "10.00", "discount_amount": "1.00",
              "balance_after": "91.00", "created_at": "2030-01-31T01:00:00+00:00"}
    assert from_result("charge", charge, shop).kind is ReceiptKind.PAYMENT
    topup = {"tx_id": "t", "amount": "50", "balance_after": "150", "created_at": "2030-01-31T01:00:00+00:00"}
    assert from_result("topup", topup, shop).kind is ReceiptKind.TOPUP
    with pytest.raises(ValueError):
        from_result("gift", topup, shop)


# -- cash slips and the split sale's receipt -------------------------------------------------

MOVEMENT = {"movement_id": "3c4d5e6f-0000-4000-8000-00000000000a", "shift_id": "4d5e6f70-0000-4000-8000-00000000000b",
            "kind": "pay_out", "amount": Decimal("12.30"), "reason": "window cleaner", "operator_user_id": None,
            "created_at": "2030-01-31T08:00:00+00:00", "terminal_code": "lane-1", "currency": "CNY", "replayed": False}


def test_a_pay_out_slip_names_its_kind_amount_and_reason_and_no_card():
    from pos_app.core.receipt.model import from_cash_movement

    slip = from_cash_movement(MOVEMENT, SHANGHAI)
    assert (slip.kind, slip.movement_kind, slip.amount, slip.balance_after) == (ReceiptKind.CASH, "pay_out",
                                                                              Decimal("12.30"), None)
    text = "\n".join(render_text(slip, width=42, language="en"))
    assert "PAY-OUT SLIP" in text and "What for" in text and "window cleaner" in text and "12.30" in text
    assert "Card balance" not in text and "Scan this code" not in text and MOVEMENT["movement_id"] in text
    # The drawer's record, signed by whoever took the cash: not a "thank you" to a customer.
    assert "Thank you" not in text and any(ln.startswith("Signed") and "____" in ln for ln in text.splitlines())
    assert "CASH DROP SLIP" in "\n".join(render_text(dataclasses.replace(slip, movement_kind="drop"), width=42))


def test_a_split_sale_has_one_receipt_with_both_tenders_adding_up_to_the_paid_total():
    from pos_app.core.receipt.model import from_split

    card = CHARGE | {"raw_amount": Decimal("105.26"), "discount_amount": Decimal("5.26"),
                     "paid_amount": Decimal("100.00"), "balance_after": Decimal("0.00")}
    cash = MOVEMENT | {"kind": "cash_sale", "amount": Decimal("42.50"), "reason": None}
    receipt = from_split(card, cash, Decimal("150.00"), SHANGHAI)
    assert receipt.card_paid + receipt.cash_paid == receipt.amount == Decimal("142.50")
    assert (receipt.raw_amount, receipt.discount_amount) == (Decimal("150.00"), Decimal("7.50"))
    lines = render_text(receipt, width=42, language="en")
    assert any("by card" in ln and "100.00" in ln for ln in lines)
    assert any("in cash" in ln and "42.50" in ln for ln in lines)
    assert any("Paid" in ln and "142.50" in ln for ln in lines) and any("-¥7.50" in ln for ln in lines)
