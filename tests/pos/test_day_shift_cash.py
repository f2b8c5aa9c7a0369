"""The day's cash from its shifts: a shift belongs to the business day it was opened in, cut at
the merchant's local midnight (a late shift is counted once, wholly on its opening day), the
drawers' parts add up to the expected cash, and counted and the difference come from closed
shifts only."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from pos_app.core.day.shift_cash import DayCash, TooManyShifts, day_cash, fetch_day_shifts, opened_in

from .test_shift_report import closed, open_shift

TZ = "Asia/Shanghai"  # UTC+8: local midnight of 2030-01-31 is 2030-01-30 16:00 UTC
DAY = date(2030, 1, 31)


def at(utc: str, **over):
    return closed(opened_at=utc, **over)


def test_a_shift_belongs_to_the_local_day_it_was_opened_in():
    before = at("2030-01-30T15:59:59+00:00", shift_id="before")  # 23:59:59 on the 30th, local
    first = at("2030-01-30T16:00:00+00:00", shift_id="first")  # 00:00 on the 31st
    late = at("2030-01-31T15:30:00+00:00", shift_id="late", closed_at="2030-01-31T18:00:00+00:00")  # to 02:00
    after = at("2030-01-31T16:00:00+00:00", shift_id="after")  # 00:00 on 1 Feb
    assert [s.shift_id for s in opened_in([before, first, late, after], DAY, TZ)] == ["first", "late"]
    assert [s.shift_id for s in opened_in([late], date(2030, 2, 1), TZ)] == []  # never counted twice


def test_the_days_cash_sums_every_part_and_the_parts_add_up_to_the_expected_cash():
    a = closed()  # float 100, top-ups 80, cash sales 15.50, pay-ins 20, pay-outs 12.50, drops 50: 153
    b = open_shift(opening_float="50.00", topups_amount="10.00", cash_sales_amount="0.00", pay_ins_amount="0.00",
                   pay_outs_amount="5.00", drops_amount="0.00", expected_cash="55.00")
    cash = day_cash([a, b])
    assert (cash.shifts, cash.open_shifts, cash.closed_shifts) == (2, 1, 1)
    assert cash.opening_float == Decimal("150.00") and cash.topups == Decimal("90.00")
    assert cash.pay_outs == Decimal("17.50") and cash.drops == Decimal("50.00")
    assert cash.expected == cash.drawer_sum == Decimal("208.00")
    # The open shift has not been counted: the count is compared with the closed shifts only.
    assert (cash.expected_closed, cash.counted, cash.difference) == (Decimal("153.00"), Decimal("152.00"),
                                                                     Decimal("-1.00"))


def test_a_day_without_shifts_has_no_cash_and_all_zero():
    assert day_cash([]) == DayCash() and DayCash().drawer_sum == Decimal("0.00")


def test_the_days_shifts_are_asked_for_that_local_day_and_the_ones_opened_before_left_out():
    asked = []

    class Api:
        def list_shifts(self, **kw):
            asked.append(kw)
            return [at("2030-01-30T10:00:00+00:00", shift_id="yesterday", closed_at="2030-01-30T17:00:00+00:00"),
                    at("2030-01-31T01:00:00+00:00", shift_id="today")]

    assert [s.shift_id for s in fetch_day_shifts(Api(), DAY, TZ)] == ["today"]
    assert [(kw["since"].isoformat(), kw["until"].isoformat()) for kw in asked] == [
        ("2030-01-30T16:00:00+00:00", "2030-01-31T16:00:00+00:00")]


def test_a_day_with_more_shifts_than_one_answer_holds_is_refused_rather_than_summed_short():
    class Api:
        def list_shifts(self, **kw):
            return [at("2030-01-31T01:00:00+00:00", shift_id=str(i)) for i in range(kw["limit"])]

    with pytest.raises(TooManyShifts):
        fetch_day_shifts(Api(), DAY, TZ)
