"""Today's list: the business day starts at the merchant's midnight; each cell's text."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from pos_app.core.day.business_day import day_start
from pos_app.core.day.rows import amount_of, cell

PAYMENT = {"tx_id": "t1", "kind": "payment", "created_at": "2030-01-31T01:02:03+00:00",
           "paid_amount": 12.3, "raw_amount": "12.30", "amount": None, "card_last4": "4242"}
REFUND = {"tx_id": "t2", "kind": "refund", "created_at": "2030-01-31T02:00:00+00:00", "amount": "5.00"}


def test_today_starts_at_midnight_in_the_merchants_zone_not_utc():
    # 20:00 UTC on the 30th is already the 31st in Shanghai.
    start = day_start("Asia/Shanghai", datetime(2030, 1, 30, 20, 0, tzinfo=UTC))
    assert start.isoformat() == "2030-01-31T00:00:00+08:00"


def test_a_refund_counts_out_and_amounts_never_go_through_float():
    assert amount_of(PAYMENT) == Decimal("12.3") and amount_of(REFUND) == Decimal("-5.00")


def test_cells_show_local_time_money_and_a_masked_card():
    kw = dict(tz="Asia/Shanghai", currency="CNY")
    assert cell(PAYMENT, "time", **kw) == "09:02:03"
    assert cell(PAYMENT, "amount", **kw) == "¥12.30"
    assert cell(REFUND, "amount", **kw) == "-¥5.00"
    assert cell(PAYMENT, "card", **kw) == "•••• 4242" and cell(REFUND, "card", **kw) == ""
    with pytest.raises(ValueError):
        cell(PAYMENT, "nope", **kw)
