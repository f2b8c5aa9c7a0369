"""The on-screen keypad builds only amounts the counter accepts."""

import pytest

from pos_app.core.sale.keypad import press


def typed(*keys: str, start: str = "") -> str:
    text = start
    for key in keys:
        text = press(text, key)
    return text


def test_digits_and_a_point_make_an_amount():
    assert typed("1", "2", ".", "5", "0") == "12.50"


def test_a_third_decimal_and_a_second_point_are_ignored():
    assert typed("3", ".", "1", "4", "9", ".") == "3.14"


def test_double_zero_adds_two_zeros_but_never_a_leading_zero():
    assert typed("00") == "0"
    assert typed("00", "00", "7") == "7"
    assert typed("5", "00") == "500"
    assert typed("5", ".", "00") == "5.00"
    assert typed("5", ".", "1", "00") == "5.10"


def test_a_point_first_reads_as_zero_point():
    assert typed(".", "5") == "0.5"


def test_backspace_and_clear():
    assert typed("1", "2", "back") == "1"
    assert typed("back") == ""
    assert typed("1", "2", ".", "3", "clear") == ""


def test_no_more_integer_digits_than_the_cap_allows():
    assert typed(*"1234567") == "123456"


def test_an_unknown_key_is_a_bug():
    with pytest.raises(ValueError):
        press("", "x")
