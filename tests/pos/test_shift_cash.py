"""What a cashier types as cash in the drawer, and the count by denomination (CNY)."""

from decimal import Decimal

import pytest

from pos_app.core.money import AmountError
from pos_app.core.shift.cash import CNY, count_total, parse_cash, parse_pieces
from pos_app.core.shift.lifecycle import ShiftDesk, ShiftRefused
from pos_app.core.shift.terminal import terminal_code


def test_a_float_or_count_may_be_zero_but_not_letters_negative_or_a_third_decimal():
    assert parse_cash("0") == Decimal("0.00") and parse_cash("150.5") == Decimal("150.50")
    for bad, reason in (("12a", "not_a_number"), ("-5", "negative"), ("1.234", "too_many_decimals"), ("", "empty")):
        with pytest.raises(AmountError) as e:
            parse_cash(bad)
        assert e.value.reason == reason
    with pytest.raises(ShiftRefused) as refused:
        ShiftDesk.prepare_cash("abc")
    assert refused.value.reason == "amount_not_a_number"


def test_the_yuan_count_adds_notes_and_coins():
    assert [str(d.value) for d in CNY] == ["100", "50", "20", "10", "5", "1", "1", "0.5", "0.1"]
    pieces = dict.fromkeys(CNY, 0)
    pieces[CNY[0]] = 2  # 2 x 100
    pieces[CNY[7]] = 3  # 3 x 0.5
    pieces[CNY[8]] = 4  # 4 x 0.1
    assert count_total(pieces) == Decimal("201.90")
    assert parse_pieces("") == 0 and parse_pieces("12") == 12
    for bad in ("1.5", "-1", "x"):
        with pytest.raises(ValueError):
            parse_pieces(bad)


def test_only_a_valid_terminal_code_names_the_terminal():
    assert terminal_code(" lane-1 ") == "lane-1" and terminal_code("A_B-9") == "A_B-9"
    for bad in ("", "Front desk", "收银台", "x" * 33, None):
        assert terminal_code(bad) is None


def test_a_note_over_500_characters_is_refused():
    assert ShiftDesk.prepare_note("  ") is None
    with pytest.raises(ShiftRefused):
        ShiftDesk.prepare_note("x" * 501)
