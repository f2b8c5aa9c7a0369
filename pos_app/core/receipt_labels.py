"""The words on a receipt, in English and Simplified Chinese (the languages of `messages`)."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title_payment": "PAYMENT RECEIPT",
        "title_refund": "REFUND RECEIPT",
        "title_topup": "TOP-UP RECEIPT",
        "copy": "*** COPY - REPRINT ***",
        "time": "Time",
        "terminal": "Terminal",
        "cashier": "Cashier",
        "card": "Card",
        "raw_amount": "Amount",
        "discount": "Discount",
        "paid": "Paid",
        "refund_amount": "Refunded",
        "topup_amount": "Topped up",
        "refundable": "Still refundable",
        "points_earned": "Points earned",
        "points_reversed": "Points reversed",
        "level": "Level",
        "balance_after": "Card balance",
        "tx_id": "Transaction",
        "original_tx_id": "Original payment",
        "reason": "Reason",
        "scan_hint": "Scan this code for refunds",
        "thanks": "Thank you",
    },
    "zh_CN": {
        "title_payment": "消费小票",
        "title_refund": "退款凭证",
        "title_topup": "充值凭证",
        "copy": "*** 重印副本 ***",
        "time": "时间",
        "terminal": "终端",
        "cashier": "收银员",
        "card": "卡号",
        "raw_amount": "消费金额",
        "discount": "会员优惠",
        "paid": "实付金额",
        "refund_amount": "退款金额",
        "topup_amount": "充值金额",
        "refundable": "可退余额",
        "points_earned": "本次积分",
        "points_reversed": "扣回积分",
        "level": "会员等级",
        "balance_after": "卡内余额",
        "tx_id": "交易号",
        "original_tx_id": "原交易号",
        "reason": "退款原因",
        "scan_hint": "退款请扫描此码",
        "thanks": "谢谢惠顾",
    },
}


# The membership levels the schema seeds (server_sql/mps_schema.sql), named for a member. A level a
# platform adds later (upsert_membership_level) has no words here: the receipt shows its code.
LEVEL_NAMES: dict[str, dict[str, str]] = {
    "en": {"base": "Base", "silver": "Silver", "gold": "Gold", "platinum": "Platinum"},
    "zh_CN": {"base": "普通会员", "silver": "银卡会员", "gold": "金卡会员", "platinum": "白金会员"},
}


def level_name(code: str, language: str) -> str:
    """A level's name in `language` ("base" is "Base" / "普通会员"); the code itself if unknown."""
    return LEVEL_NAMES.get(language, LEVEL_NAMES["en"]).get(code.lower(), code)


def labels(language: str) -> dict[str, str]:
    """The receipt's words in `language` ("en", "zh_CN"); English for any other."""
    return LABELS.get(language, LABELS["en"])
