"""A `merchant_daily_summary` answer shaped as docs/supabase_rpc.md says, amounts as the API
client hands them over (Decimal), with a Chinese shop and cashier name."""

from __future__ import annotations

from decimal import Decimal

ZERO = {"payments_count": 0, "payments_raw": Decimal("0"), "payments_discount": Decimal("0"),
        "payments_paid": Decimal("0"), "refunds_count": 0, "refunds_amount": Decimal("0"),
        "topups_count": 0, "topups_amount": Decimal("0"), "net_amount": Decimal("0")}
LI = "7b2c3d4e-0000-4000-8000-000000000002"
WANG = "7b2c3d4e-0000-4000-8000-000000000003"


def figures(pc, raw, disc, paid, rc, ramt, tc, tamt, net):
    return {"payments_count": pc, "payments_raw": Decimal(raw), "payments_discount": Decimal(disc),
            "payments_paid": Decimal(paid), "refunds_count": rc, "refunds_amount": Decimal(ramt),
            "topups_count": tc, "topups_amount": Decimal(tamt), "net_amount": Decimal(net)}


def summary() -> dict:
    hours = [{"hour": h, **ZERO} for h in range(24)]
    hours[9] = {"hour": 9, **figures(2, "150.00", "7.50", "142.50", 0, "0.00", 1, "100.00", "42.50")}
    hours[14] = {"hour": 14, **figures(1, "50.00", "0.00", "50.00", 1, "20.00", 0, "0.00", "30.00")}
    return {
        "merchant_code": "SHOP001", "merchant_name": "星巴克 Corner", "currency": "CNY",
        "timezone": "Asia/Shanghai", "day": "2030-01-31",
        "period_start": "2030-01-30T16:00:00+00:00", "period_end": "2030-01-31T16:00:00+00:00",
        "scope": "merchant", "role": "manager", "generated_at": "2030-01-31T10:00:00+00:00",
        "totals": figures(3, "200.00", "7.50", "192.50", 1, "20.00", 1, "100.00", "72.50"),
        "by_cashier": [
            {"operator_user_id": LI, "role": "cashier", "email": "李娜@shop.test",
             **figures(2, "150.00", "7.50", "142.50", 0, "0.00", 1, "100.00", "42.50")},
            {"operator_user_id": WANG, "role": "manager", "email": "wang@shop.test",
             **figures(1, "50.00", "0.00", "50.00", 1, "20.00", 0, "0.00", "30.00")},
        ],
        "by_hour": hours,
    }


def transactions() -> list[dict]:
    """The day's rows as merchant_list_transactions gives them, newest first."""
    return [
        {"tx_id": "aaaaaaaa-0000-4000-8000-000000000004", "kind": "refund", "created_at": "2030-01-31T06:30:00+00:00",
         "card_last4": "1234", "operator_user_id": WANG, "raw_amount": None, "discount_amount": None,
         "paid_amount": None, "amount": Decimal("20.00"), "refunded_total": None, "refundable_remaining": None,
         "original_tx_id": "aaaaaaaa-0000-4000-8000-000000000003", "reason": "=顾客退货, 包装完好"},
        {"tx_id": "aaaaaaaa-0000-4000-8000-000000000003", "kind": "payment", "created_at": "2030-01-31T06:00:00+00:00",
         "card_last4": "1234", "operator_user_id": WANG, "raw_amount": Decimal("50.00"),
         "discount_amount": Decimal("0"), "paid_amount": Decimal("50.00"), "amount": Decimal("50.00"),
         "refunded_total": Decimal("20.00"), "refundable_remaining": Decimal("30.00"), "original_tx_id": None,
         "reason": None},
    ]
