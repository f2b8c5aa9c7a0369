"""The shift's document: a closed shift's Z report (numbered, final) and an open shift's X
read-out, on the merchant's clock, in both languages, within the paper's columns (CJK counted
two), DUPLICATE at the top and the bottom of a reprint, and the same rows as ESC/POS."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from pos_app.core.api.shifts import Shift
from pos_app.core.receipt.escpos import ENCODING
from pos_app.core.receipt.text import display_width
from pos_app.core.shift.report import ShiftDocument, render_escpos, render_text, rows, text_file, z_label

CASHIER = "11111111-1111-1111-1111-111111111111"
MANAGER = "22222222-2222-2222-2222-222222222222"


def shift_json(**over) -> dict:
    """A shift as `merchant_get_shift` answers it: opened 09:00 Shanghai (01:00 UTC), float 100,
    two top-ups 80, a cash sale 15.50, a pay-in 20, a pay-out 12.50, a drop 50: expected 153.00."""
    d = {
        "shift_id": "5f0c1d9e-0000-4000-8000-000000000001", "merchant_code": "M001", "currency": "CNY",
        "terminal_code": "T1", "terminal_name": "Front counter", "status": "closed",
        "opened_by": CASHIER, "opened_by_email": "cashier@shop.example", "opened_at": "2030-01-31T01:00:00+00:00",
        "opening_float": "100.00", "payments_count": 3, "payments_raw": "300.00", "payments_discount": "30.00",
        "payments_paid": "270.00", "refunds_count": 1, "refunds_amount": "25.00", "topups_count": 2,
        "topups_amount": "80.00", "pay_ins_count": 1, "pay_ins_amount": "20.00", "pay_outs_count": 1,
        "pay_outs_amount": "12.50", "drops_count": 1, "drops_amount": "50.00", "cash_sales_count": 1,
        "cash_sales_amount": "15.50", "expected_cash": "153.00",
        "by_operator": [
            {"operator_user_id": CASHIER, "email": "cashier@shop.example", "payments_count": 3,
             "payments_paid": "270.00", "refunds_count": 0, "refunds_amount": "0.00", "topups_count": 2,
             "topups_amount": "80.00", "cash_movements_count": 3, "cash_in": "35.50", "cash_out": "12.50"},
            {"operator_user_id": MANAGER, "email": "manager@shop.example", "payments_count": 0,
             "payments_paid": "0.00", "refunds_count": 1, "refunds_amount": "25.00", "topups_count": 0,
             "topups_amount": "0.00", "cash_movements_count": 1, "cash_in": "0.00", "cash_out": "50.00"}],
        "z_number": 123, "closed_by": MANAGER, "closed_by_email": "manager@shop.example",
        "closed_at": "2030-01-31T10:30:00+00:00", "counted_cash": "152.00", "difference": "-1.00",
        "note": "one note missing",
    }
    d.update(over)
    return d


def closed(**over) -> Shift:
    return Shift.from_json(shift_json(**over))


def open_shift(**over) -> Shift:
    values = dict(status="open", z_number=None, closed_by=None, closed_by_email=None, closed_at=None,
                  counted_cash=None, difference=None, note=None, generated_at="2030-01-31T06:05:00+00:00")
    values.update(over)
    return Shift.from_json(shift_json(**values))


def doc(shift: Shift, **kw) -> ShiftDocument:
    return ShiftDocument(shift, "Tea House 茶馆", "Asia/Shanghai", **kw)


def joined(lines: list[str]) -> str:
    return "\n".join(lines)


def test_a_closed_shift_prints_its_numbered_z_with_every_figure_on_the_merchants_clock():
    lines = render_text(doc(closed()), width=40)
    text = joined(lines)
    assert "Z 000123" in text and "SHIFT CLOSE" in text and "X read-out" not in text
    assert "Front counter (T1)" in text
    assert "2030-01-31 09:00:00" in text and "2030-01-31 18:30:00" in text  # UTC+8, not UTC
    assert "cashier@shop.example" in text and "manager@shop.example" in text
    for label, value in (("Opening float", "¥100.00"), ("+ Top-ups (2)", "¥80.00"), ("+ Cash sales (1)", "¥15.50"),
                         ("+ Pay-ins (1)", "¥20.00"), ("- Pay-outs (1)", "-¥12.50"), ("- Drops (1)", "-¥50.00"),
                         ("= Expected cash", "¥153.00"), ("Counted", "¥152.00"), ("Paid", "¥270.00"),
                         ("Discount", "-¥30.00"), ("Refunds to card (1)", "-¥25.00")):
        assert any(line.startswith(label) and line.endswith(value) for line in lines), (label, value)
    assert any(line.startswith("Difference") and line.endswith("-¥1.00 short") for line in lines)
    assert "Note: one note missing" in text
    assert "End of Z 000123" in text and "DUPLICATE" not in text


def test_the_drawer_lines_as_printed_add_up_to_the_expected_cash():
    shift = closed()
    parts = (shift.opening_float + shift.topups_amount + shift.cash_sales_amount + shift.pay_ins_amount
             - shift.pay_outs_amount - shift.drops_amount)
    assert parts == shift.expected_cash == Decimal("153.00")
    assert any("float + top-ups + cash sales + pay-ins - pay-outs - drops" in line
               for line in render_text(doc(shift), width=200))


@pytest.mark.parametrize(("difference", "words"), [("2.50", "+¥2.50 over"), ("0.00", "¥0.00 even"),
                                                   ("-0.01", "-¥0.01 short")])
def test_the_difference_says_over_or_short_in_words_not_only_by_its_sign(difference, words):
    lines = render_text(doc(closed(difference=difference)), width=40)
    assert any(line.startswith("Difference") and line.endswith(words) for line in lines)


def test_an_open_shift_is_an_x_read_out_that_says_it_closes_nothing():
    text = joined(render_text(doc(open_shift()), width=40))
    assert "X READ-OUT" in text and "X read-out, not a close" in text
    assert "Z 0" not in text and "SHIFT CLOSE" not in text
    assert "Read at" in text and "2030-01-31 14:05:00" in text  # generated_at on the merchant's clock
    assert "Counted" not in text and "Difference" not in text
    assert "= Expected cash" in text and "End of X read-out" in text


def test_a_reprint_says_duplicate_at_the_top_and_the_bottom():
    reprint = doc(closed(), duplicate=True, printed_at=datetime(2030, 2, 1, 2, 0, tzinfo=UTC))
    lines = render_text(reprint, width=40)
    marks = [i for i, line in enumerate(lines) if "*** DUPLICATE ***" in line]
    assert len(marks) == 2 and marks[0] <= 2 and marks[1] >= len(lines) - 3
    assert any(line.startswith("Reprinted") and line.endswith("2030-02-01 10:00:00") for line in lines)
    assert [r.style for r in rows(reprint) if "DUPLICATE" in r.value] == ["title", "title"]  # bold and tall
    assert reprint.file_stem() == "Z-M001-000123-DUPLICATE" and "DUPLICATE" in reprint.title()


def test_names_and_file_names_say_which_document_it_is():
    assert z_label(7) == "Z 000007"
    assert doc(closed()).file_stem() == "Z-M001-000123" and doc(closed()).title() == "Z 000123 · Front counter"
    assert doc(open_shift()).file_stem() == "X-M001-T1-20300131-1405"


@pytest.mark.parametrize("language", ["zh_CN", "zh_TW"])
@pytest.mark.parametrize("width", [32, 48])
def test_in_chinese_every_line_fits_the_paper_counting_a_cjk_character_as_two(language, width):
    for shift in (closed(), open_shift()):
        lines = render_text(doc(shift, duplicate=True), width=width, language=language)
        assert all(display_width(line) <= width for line in lines)
        assert any(display_width(line) > len(line) for line in lines)  # Chinese was laid out


def test_the_chinese_z_says_short_over_and_duplicate_in_chinese():
    text = joined(render_text(doc(closed(), duplicate=True), width=40, language="zh_CN"))
    assert "Z 000123" in text and "短款" in text and "重印" in text and "预计现金" in text
    assert "長款" in joined(render_text(doc(closed(difference="3.00")), width=40, language="zh_TW"))
    assert "SHIFT" not in text and "Opened" not in text


def test_the_z_goes_to_a_thermal_printer_as_escpos_in_gb18030():
    job = render_escpos(doc(closed(), duplicate=True), width=32, language="zh_CN")
    assert job.startswith(b"\x1b@\x1c&") and job.endswith(b"\x1bd\x03\x1dVA\x03")
    assert "Z 000123".encode(ENCODING) in job and "预计现金".encode(ENCODING) in job
    assert job.count(b"\x1bE\x01\x1d!\x01") >= 4  # shop, DUPLICATE twice, the number: bold and tall


def test_the_text_file_is_the_lines_on_screen():
    d = doc(closed())
    assert text_file(d, 40).splitlines() == render_text(d, 40)


def test_an_operator_without_email_is_named_by_id_and_the_platform_as_such():
    shift = closed(opened_by=None, opened_by_email=None, by_operator=[
        {"operator_user_id": None, "email": None, "payments_count": 0, "payments_paid": "0", "refunds_count": 0,
         "refunds_amount": "0", "topups_count": 0, "topups_amount": "0", "cash_movements_count": 0,
         "cash_in": "0", "cash_out": "0"}])
    lines = render_text(doc(shift), width=40)
    assert any(line.startswith("Opened by") and line.endswith("(platform)") for line in lines)


def test_the_document_of_a_signed_in_operator_takes_the_shop_and_its_clock():
    from pos_app.core.session.signin import Operator

    op = Operator("u", "c@shop.test", "cashier", "M001", "Tea House", "CNY", "Asia/Shanghai")
    d = ShiftDocument.for_operator(closed(), op, duplicate=True)
    assert (d.shop, d.timezone, d.duplicate) == ("Tea House", "Asia/Shanghai", True)


@pytest.mark.parametrize("language", ["en", "zh_CN", "zh_TW"])
def test_a_cashiers_own_part_of_a_colleagues_shift_shows_their_figures_and_no_drawer_total(language):
    """What the server gives a cashier in a shift someone else opened (scope "own"): their own
    sales and cash only; the drawer's expected cash and the other operators are not printed."""
    own = {"operator_user_id": MANAGER, "email": "manager@shop.example", "payments_count": 1,
           "payments_paid": "12.00", "refunds_count": 0, "refunds_amount": "0.00", "topups_count": 0,
           "topups_amount": "0.00", "cash_movements_count": 0, "cash_in": "0.00", "cash_out": "0.00"}
    shift = open_shift(scope="own", expected_cash=None, payments_count=1, payments_raw="12.00",
                       payments_discount="0.00", payments_paid="12.00", refunds_count=0, refunds_amount="0.00",
                       topups_count=0, topups_amount="0.00", pay_ins_count=0, pay_ins_amount="0.00",
                       pay_outs_count=0, pay_outs_amount="0.00", drops_count=0, drops_amount="0.00",
                       cash_sales_count=0, cash_sales_amount="0.00", by_operator=[own])
    assert shift.own_part and shift.expected_cash is None
    english = "\n".join(render_text(doc(shift), 40, "en"))
    assert "Your part of this shift" in english and "¥12.00" in english
    assert "Expected" not in english and "cashier@shop.example" in english  # who opened it, not their figures
    assert "By operator" not in english and "Opening float" not in english
    lines = render_text(doc(shift), 32, language)
    assert all(display_width(line) <= 32 for line in lines)
    assert render_escpos(doc(shift), 32, language).decode(ENCODING, errors="ignore")
