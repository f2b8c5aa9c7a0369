"""The day's CSV, exactly: heading, totals, per cashier, per hour, every transaction; UTF-8 with
a byte order mark so Excel reads Chinese; and the day's rows fetched with keyset paging."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from pos_app.core.day.csv_export import BOM, csv_bytes, csv_text
from pos_app.core.day.report import from_summary
from pos_app.core.day.transactions import fetch_all

from .day_fixture import LI, WANG, summary, transactions

FIG = ("payments_count,payments_raw,payments_discount,payments_paid,refunds_count,refunds_amount,"
       "topups_count,topups_amount,net_amount")
ZERO_HOUR = ",0,0.00,0.00,0.00,0,0.00,0,0.00,0.00"


def test_the_csv_holds_each_section_exactly():
    text = csv_text(from_summary(summary()), transactions())
    expected = [
        "merchant_code,merchant_name,day,timezone,currency,scope,period_start,period_end",
        "SHOP001,星巴克 Corner,2030-01-31,Asia/Shanghai,CNY,merchant,2030-01-31 00:00:00,2030-02-01 00:00:00",
        "",
        "section," + FIG,
        "totals,3,200.00,7.50,192.50,1,20.00,1,100.00,72.50",
        "",
        "cashier_email,role,operator_user_id," + FIG,
        f"李娜@shop.test,cashier,{LI},2,150.00,7.50,142.50,0,0.00,1,100.00,42.50",
        f"wang@shop.test,manager,{WANG},1,50.00,0.00,50.00,1,20.00,0,0.00,30.00",
        "",
        "hour," + FIG,
        *[f"{h:02d}" + ZERO_HOUR for h in range(9)],
        "09,2,150.00,7.50,142.50,0,0.00,1,100.00,42.50",
        *[f"{h:02d}" + ZERO_HOUR for h in range(10, 14)],
        "14,1,50.00,0.00,50.00,1,20.00,0,0.00,30.00",
        *[f"{h:02d}" + ZERO_HOUR for h in range(15, 24)],
        "",
        "created_at,tx_id,kind,operator_email,operator_user_id,card_last4,raw_amount,discount_amount,"
        "paid_amount,amount,refunded_total,refundable_remaining,original_tx_id,reason",
        f"2030-01-31 14:30:00,aaaaaaaa-0000-4000-8000-000000000004,refund,wang@shop.test,{WANG},1234,,,,20.00,,,"
        "aaaaaaaa-0000-4000-8000-000000000003,\"'=顾客退货, 包装完好\"",
        f"2030-01-31 14:00:00,aaaaaaaa-0000-4000-8000-000000000003,payment,wang@shop.test,{WANG},1234,50.00,0.00,"
        "50.00,50.00,20.00,30.00,,",
    ]
    assert text == "\r\n".join(expected) + "\r\n"


def test_the_file_is_utf8_with_a_byte_order_mark_and_reads_back_with_chinese_intact():
    data = csv_bytes(from_summary(summary()), transactions())
    assert data.startswith(BOM.encode("utf-8")) and data[3:].decode("utf-8").startswith("merchant_code,")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[1][1] == "星巴克 Corner" and rows[7][0] == "李娜@shop.test"
    assert rows[-2][-1] == "'=顾客退货, 包装完好"  # a formula-looking reason stays text


class PagedApi:
    """Serves `rows` (newest first) the way merchant_list_transactions pages them."""

    def __init__(self, rows):
        self.rows = rows
        self.calls = []

    def list_transactions(self, *, since=None, until=None, limit=50, before=None, operator_user_id=None, kind=None):
        self.calls.append({"since": since, "until": until, "limit": limit, "before": before, "kind": kind})
        start = 0
        if before is not None:
            start = next(i for i, r in enumerate(self.rows) if (r["created_at"], r["tx_id"]) == before) + 1
        return self.rows[start:start + limit]


def test_all_of_a_days_rows_are_fetched_page_by_page_with_the_last_rows_keys():
    rows = [{"tx_id": f"{i:08d}-0000-4000-8000-000000000000", "created_at": f"2030-01-31T10:{59 - i:02d}:00+00:00"}
            for i in range(7)]
    api = PagedApi(rows)
    since, until = datetime(2030, 1, 30, 16, tzinfo=UTC), datetime(2030, 1, 31, 16, tzinfo=UTC)
    got = fetch_all(api, since, until, page=3)
    assert got == rows
    assert [c["before"] for c in api.calls] == [None, (rows[2]["created_at"], rows[2]["tx_id"]),
                                                (rows[5]["created_at"], rows[5]["tx_id"])]
    assert all(c["since"] == since and c["until"] == until and c["limit"] == 3 for c in api.calls)


def test_a_full_last_page_costs_one_more_empty_call_and_nothing_more():
    rows = [{"tx_id": f"t{i}", "created_at": f"2030-01-31T10:0{i}:00+00:00"} for i in range(4)]
    api = PagedApi(rows)
    assert fetch_all(api, None, None, page=2, kind="payment") == rows
    assert len(api.calls) == 3 and api.calls[0]["kind"] == "payment"
