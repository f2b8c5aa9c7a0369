"""A business day's figures: typed from the summary, checked to add up, cut at local midnight,
and the day read-out (which closes nothing) rendered as text and ESC/POS."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from pos_app.core.day import business_day, read_out
from pos_app.core.day.report import Figures, from_summary, plain_amount, problems
from pos_app.core.receipt.escpos import BOLD_ON, CHINESE_ON, ENCODING, FEED_AND_CUT, INIT
from pos_app.core.receipt.text import display_width

from .day_fixture import LI, summary

PRINTED = datetime(2030, 1, 31, 14, 5, tzinfo=UTC)  # 22:05 in Shanghai


def test_the_summary_becomes_typed_figures_in_hour_order():
    raw = summary()
    raw["by_hour"].reverse()  # the order on the wire is not relied on
    report = from_summary(raw)
    assert report.day == date(2030, 1, 31) and report.merchant_name == "星巴克 Corner"
    assert report.totals.payments_paid == Decimal("192.50") and type(report.totals.payments_count) is int
    assert [h.payments_count for h in report.by_hour][9] == 2 and len(report.by_hour) == 24
    assert report.by_cashier[0].email == "李娜@shop.test" and report.email_of(LI) == "李娜@shop.test"
    assert report.email_of("someone-else") == "" and report.period_start.tzinfo is not None


def test_a_consistent_day_has_no_problems():
    assert problems(from_summary(summary())) == []


def test_a_net_that_is_not_paid_less_refunds_less_topups_is_named():
    raw = summary()
    raw["totals"]["net_amount"] = Decimal("172.50")
    found = problems(from_summary(raw))
    assert any(p.startswith("day: net 172.50") for p in found)


def test_hours_or_cashiers_that_do_not_sum_to_the_totals_are_named():
    raw = summary()
    raw["by_hour"][14]["payments_count"] = 2
    raw["by_cashier"].pop()
    found = problems(from_summary(raw))
    assert "the hours do not sum to the day's totals (payments_count)" in found
    assert any(p.startswith("the cashiers do not sum") and "payments_paid" in p for p in found)


def test_figures_add_field_by_field():
    a = Figures(payments_count=1, payments_paid=Decimal("1.10"))
    assert (a + a).payments_count == 2 and (a + a).payments_paid == Decimal("2.20")


def test_plain_amounts_have_two_decimals_and_never_a_negative_zero():
    assert [plain_amount(Decimal(v)) for v in ("0", "-0.00", "1234.5", "-3")] == ["0.00", "0.00", "1234.50", "-3.00"]


def test_a_business_day_is_cut_at_the_merchants_midnight():
    start, end = business_day.period(date(2030, 1, 31), date(2030, 1, 31), "Asia/Shanghai")
    assert start == datetime(2030, 1, 30, 16, tzinfo=UTC) and (end - start).total_seconds() == 24 * 3600
    # Late evening UTC is already tomorrow in Shanghai.
    assert business_day.today("Asia/Shanghai", datetime(2030, 1, 31, 17, tzinfo=UTC)) == date(2030, 2, 1)
    with pytest.raises(ValueError):
        business_day.period(date(2030, 2, 1), date(2030, 1, 31), "Asia/Shanghai")


def test_a_daylight_saving_day_is_23_hours_long():
    start, end = business_day.period(date(2030, 3, 10), date(2030, 3, 10), "America/New_York")
    assert (end - start).total_seconds() == 23 * 3600


def test_the_day_read_out_text_shows_the_day_the_net_and_each_cashier():
    lines = read_out.render_text(from_summary(summary()), PRINTED, width=32, language="en")
    text = "\n".join(lines)
    assert "DAY READ-OUT" in text and "Not a close" in text and "(Z)" not in text
    assert "2030-01-31" in text and "2030-01-31 22:05:00" in text
    assert any(line.startswith("NET") and line.endswith("¥72.50") for line in lines)
    assert any(line.startswith("Refunded") and line.endswith("-¥20.00") for line in lines)
    assert "李娜@shop.test" in text and "wang@shop.test" in text
    assert all(display_width(line) <= 32 for line in lines)


def test_the_day_read_out_says_when_it_covers_only_the_cashiers_own_transactions():
    report = dataclasses.replace(from_summary(summary()), scope="own")
    assert any("仅本人交易" in line for line in read_out.render_text(report, PRINTED, language="zh_CN"))
    assert not any("Own transactions" in line for line in read_out.render_text(from_summary(summary()), PRINTED))


def test_the_day_read_out_prints_in_chinese_on_a_thermal_printer():
    job = read_out.render_escpos(from_summary(summary()), PRINTED, width=32, language="zh_CN")
    assert job.startswith(INIT + CHINESE_ON) and job.endswith(FEED_AND_CUT) and BOLD_ON in job
    assert "营业日读数".encode(ENCODING) in job and "￥72.50".encode(ENCODING) in job


def test_the_day_read_out_prints_the_days_cash_from_its_shifts_when_known():
    from pos_app.core.day.shift_cash import day_cash

    from .test_shift_report import closed, open_shift

    cash = day_cash([closed(), open_shift()])
    lines = read_out.render_text(from_summary(summary()), PRINTED, width=40, language="en", cash=cash)
    assert any("Cash (shifts opened this day)" in line for line in lines)
    for label, value in (("Shifts", "2"), ("Still open", "1"), ("= Expected cash", "¥306.00"),
                         ("Counted, closed shifts", "¥152.00"), ("Difference", "-¥1.00 short")):
        assert any(line.startswith(label) and line.endswith(value) for line in lines), (label, value)
    assert not any("Cash (" in line for line in read_out.render_text(from_summary(summary()), PRINTED))
    chinese = read_out.render_text(from_summary(summary()), PRINTED, width=32, language="zh_TW", cash=cash)
    assert any("短款" in line for line in chinese)
