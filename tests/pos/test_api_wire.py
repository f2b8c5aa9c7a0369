"""Money on the wire: never a float out, never a float back."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

import pytest

from pos_app.core.api import wire


def test_decimal_amounts_go_out_as_plain_strings():
    assert wire.amount(Decimal("12.30")) == "12.30"
    assert wire.amount(Decimal("1E+1")) == "10"  # no exponent for the server to misread
    assert wire.amount(7) == "7" and wire.amount("0.50") == "0.50"


@pytest.mark.parametrize("bad", [0.1, True])
def test_float_and_bool_amounts_are_refused(bad):
    with pytest.raises(TypeError):
        wire.amount(bad)


def test_a_string_that_is_not_a_number_is_refused_here():
    with pytest.raises(InvalidOperation):
        wire.amount("12,50")


def test_a_float_anywhere_in_the_params_is_refused():
    with pytest.raises(TypeError):
        wire.encode({"p_tag": {"weight": 1.5}})


def test_dates_times_and_decimals_are_encoded_as_text():
    body = json.loads(wire.encode({"p_day": date(2030, 1, 31), "p_amount": Decimal("3.10"),
                                   "p_from": datetime(2030, 1, 31, 16, tzinfo=UTC)}))
    assert body == {"p_day": "2030-01-31", "p_amount": "3.10", "p_from": "2030-01-31T16:00:00+00:00"}


def test_a_time_without_a_zone_is_refused():
    with pytest.raises(ValueError):
        wire.encode({"p_from": datetime(2030, 1, 31, 16)})


def test_answers_come_back_without_floats():
    got = wire.decode(b'{"paid_amount": 0.30, "net_amount": 0, "points_earned": 12, "discount_rate": 0.05,'
                      b' "rows": [{"balance_after": 99.7}], "note": "1.5"}')
    assert got == {"paid_amount": Decimal("0.30"), "net_amount": Decimal("0"), "points_earned": 12,
                   "discount_rate": Decimal("0.05"), "rows": [{"balance_after": Decimal("99.7")}], "note": "1.5"}
    assert type(got["points_earned"]) is int and type(got["net_amount"]) is Decimal
