"""Typed amounts become two-place Decimals or a reason the cashier can read; amounts show in the
merchant's currency."""

from decimal import Decimal

import pytest

from pos_app.core.money import AmountError, check_amount, format_amount, from_api, parse_amount


@pytest.mark.parametrize("typed, expected", [
    ("12", "12.00"), ("12.5", "12.50"), ("12.50", "12.50"), ("0.01", "0.01"), ("12.", "12.00"),
    (".5", "0.50"), (" 7 \n", "7.00"), ("1,234.50", "1234.50"), ("100,000", "100000.00"),
    ("１２．５", "12.50"), ("１２。５", "12.50"), ("１，２３４", "1234.00"), ("1.230", "1.23"),
    ("100000.00", "100000.00"), ("007", "7.00"),
])
def test_what_a_cashier_types_becomes_a_two_place_decimal(typed, expected):
    got = parse_amount(typed)
    assert isinstance(got, Decimal) and str(got) == expected


@pytest.mark.parametrize("typed, reason", [
    ("", "empty"), ("   ", "empty"), ("0", "zero"), ("0.00", "zero"), ("-0", "zero"),
    ("-5", "negative"), ("－５", "negative"), ("1.234", "too_many_decimals"), ("0.001", "too_many_decimals"),
    ("abc", "not_a_number"), ("12a", "not_a_number"), ("1e3", "not_a_number"), ("1.2.3", "not_a_number"),
    ("12,5", "not_a_number"), ("1,23,456", "not_a_number"), ("+5", "not_a_number"), ("¥12", "not_a_number"),
    ("NaN", "not_finite"), ("Infinity", "not_finite"), ("-inf", "not_finite"),
    ("100000.01", "above_cap"), ("1,000,000", "above_cap"),
])
def test_what_the_counter_refuses_comes_with_a_reason(typed, reason):
    with pytest.raises(AmountError) as e:
        parse_amount(typed)
    assert e.value.reason == reason


def test_the_cap_is_configurable():
    assert parse_amount("150000", cap=Decimal("200000")) == Decimal("150000.00")
    with pytest.raises(AmountError) as e:
        parse_amount("50.01", cap=Decimal("50"))
    assert e.value.reason == "above_cap"


def test_check_amount_applies_the_same_rules_to_decimals_and_refuses_floats():
    assert check_amount(Decimal("3.1")) == Decimal("3.10")
    for bad, reason in [(Decimal("NaN"), "not_finite"), (Decimal("-1"), "negative"),
                        (Decimal("0.005"), "too_many_decimals"), (0.1, "not_a_number")]:
        with pytest.raises(AmountError) as e:
            check_amount(bad)
        assert e.value.reason == reason


def test_api_numbers_are_read_through_str_so_no_float_noise_gets_in():
    assert from_api(0.1) == Decimal("0.1")
    assert from_api(20) == Decimal("20") and from_api("19.99") == Decimal("19.99")
    assert from_api(0.1) + from_api(0.2) == Decimal("0.3")
    for bad in (None, True, "twelve"):
        with pytest.raises(TypeError):
            from_api(bad)


@pytest.mark.parametrize("amount, currency, language, shown", [
    ("1234.5", "CNY", "en", "¥1,234.50"), ("1234.5", "CNY", "zh_CN", "¥1,234.50"),
    ("12", "USD", "en", "$12.00"), ("12", "USD", "zh_CN", "US$12.00"), ("3", "EUR", "en", "€3.00"),
    ("1000", "JPY", "en", "JP¥1,000.00"), ("12", "CHF", "en", "CHF 12.00"), ("12", "cny", "fr", "¥12.00"),
    ("-3", "EUR", "zh_CN", "-€3.00"), ("0.005", "CNY", "en", "¥0.01"), ("-12.5", "XYZ", "en", "-XYZ 12.50"),
])
def test_amounts_are_shown_in_the_merchants_currency(amount, currency, language, shown):
    assert format_amount(Decimal(amount), currency, language) == shown


def test_formatting_refuses_floats():
    with pytest.raises(TypeError):
        format_amount(12.5, "CNY")
