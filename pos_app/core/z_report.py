"""The closing (Z) report of a business day: what the day took, gave back and netted, in total
and per cashier. Laid out as the same rows a receipt uses (`receipt_layout.Row`), so it renders
as monospaced text for the screen, a PDF or a system printer (`render_text`) and as ESC/POS bytes
for the thermal printer (`render_escpos`) with the receipt's own renderers."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from .day.report import DayReport, Figures
from .money import format_amount
from .receipt.escpos import rows_escpos
from .receipt.layout import Row
from .receipt.text import row_lines

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "CLOSING REPORT (Z)", "own": "Own shift only", "day": "Business day", "zone": "Time zone",
        "printed": "Printed", "payments": "Payments", "raw": "Amount", "discount": "Discount", "paid": "Paid",
        "refunds": "Refunds", "refunded": "Refunded", "topups": "Top-ups", "topped_up": "Topped up",
        "net": "NET", "by_cashier": "By cashier", "platform": "(platform)", "end": "End of report",
    },
    "zh_CN": {
        "title": "日结报表 (Z)", "own": "仅本人班次", "day": "营业日", "zone": "时区",
        "printed": "打印时间", "payments": "消费笔数", "raw": "消费金额", "discount": "会员优惠", "paid": "实收金额",
        "refunds": "退款笔数", "refunded": "退款金额", "topups": "充值笔数", "topped_up": "充值金额",
        "net": "净额", "by_cashier": "按收银员", "platform": "（平台）", "end": "报表结束",
    },
}


def _figure_rows(f: Figures, w: dict[str, str], money) -> list[Row]:
    return [Row("pair", str(f.payments_count), w["payments"]),
            Row("pair", money(f.payments_raw), w["raw"]),
            Row("pair", money(-f.payments_discount), w["discount"]),
            Row("pair", money(f.payments_paid), w["paid"]),
            Row("pair", str(f.refunds_count), w["refunds"]),
            Row("pair", money(-f.refunds_amount), w["refunded"]),
            Row("pair", str(f.topups_count), w["topups"]),
            Row("pair", money(-f.topups_amount), w["topped_up"]),
            Row("pair", money(f.net_amount), w["net"])]


def rows(report: DayReport, printed_at: datetime, language: str = "en") -> list[Row]:
    """The report's rows in `language`; `printed_at` (aware) is shown on the merchant's clock.
    Refunds and top-ups are shown negative: they are taken off the net."""
    w = LABELS.get(language, LABELS["en"])

    def money(amount):
        return format_amount(amount, report.currency, language)

    local = printed_at.astimezone(ZoneInfo(report.timezone)).strftime("%Y-%m-%d %H:%M:%S")
    out = [Row("title", report.merchant_name), Row("center", w["title"])]
    if report.scope == "own":
        out.append(Row("center", w["own"]))
    out += [Row("rule"), Row("pair", report.day.isoformat(), w["day"]), Row("pair", report.timezone, w["zone"]),
            Row("pair", local, w["printed"]), Row("rule")]
    out += _figure_rows(report.totals, w, money)
    if report.by_cashier:
        out += [Row("rule"), Row("center", w["by_cashier"])]
        for c in report.by_cashier:
            out += [Row("rule"), Row("text", c.email or w["platform"])]
            out += _figure_rows(c.figures, w, money)
    out += [Row("rule"), Row("center", w["end"])]
    return out


def render_text(report: DayReport, printed_at: datetime, width: int = 32, language: str = "en") -> list[str]:
    """The report as lines of at most `width` columns (CJK characters count two)."""
    return [line for row in rows(report, printed_at, language) for line in row_lines(row, width)]


def render_escpos(report: DayReport, printed_at: datetime, width: int = 32, language: str = "zh_CN") -> bytes:
    """The report as an ESC/POS print job (GB18030 text, bold title, feed and cut)."""
    return rows_escpos(rows(report, printed_at, language), width)
