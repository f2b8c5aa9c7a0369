"""The day read-out: what a business day took, gave back and netted, in total and per cashier.
It closes nothing (a shift closes with its own numbered Z, `shift.report`), so it never calls
itself a Z. Laid out as the same rows a receipt uses (`receipt.layout.Row`), so it renders as
monospaced text for the screen, a PDF or a system printer (`render_text`) and as ESC/POS bytes
for the thermal printer (`render_escpos`) with the receipt's own renderers."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from ..money import format_amount
from ..receipt.escpos import rows_escpos
from ..receipt.layout import Row
from ..receipt.text import row_lines
from ..shift.report import difference_text
from ..translations import N_, text
from .report import DayReport, Figures
from .shift_cash import DayCash

LABELS: dict[str, tuple[str, str]] = {
    "title": N_("day_read_out", "DAY READ-OUT"),
    "not_a_close": N_("day_read_out", "Not a close: each shift closes with its own Z"),
    "own": N_("day_read_out", "Own transactions only"),
    "day": N_("day_read_out", "Business day"),
    "zone": N_("day_read_out", "Time zone"),
    "printed": N_("day_read_out", "Printed"),
    "payments": N_("day_read_out", "Payments"),
    "raw": N_("day_read_out", "Amount"),
    "discount": N_("day_read_out", "Discount"),
    "paid": N_("day_read_out", "Paid"),
    "refunds": N_("day_read_out", "Refunds"),
    "refunded": N_("day_read_out", "Refunded"),
    "topups": N_("day_read_out", "Top-ups"),
    "topped_up": N_("day_read_out", "Topped up"),
    "net": N_("day_read_out", "NET"),
    "by_cashier": N_("day_read_out", "By cashier"),
    "platform": N_("day_read_out", "(platform)"),
    "end": N_("day_read_out", "End of report"),
    "cash": N_("day_read_out", "Cash (shifts opened this day)"),
    "shifts": N_("day_read_out", "Shifts"),
    "still_open": N_("day_read_out", "Still open"),
    "float": N_("day_read_out", "Opening floats"),
    "cash_topups": N_("day_read_out", "+ Top-ups"),
    "cash_sales": N_("day_read_out", "+ Cash sales"),
    "pay_ins": N_("day_read_out", "+ Pay-ins"),
    "pay_outs": N_("day_read_out", "- Pay-outs"),
    "drops": N_("day_read_out", "- Drops"),
    "expected": N_("day_read_out", "= Expected cash"),
    "closed_expected": N_("day_read_out", "Expected, closed shifts"),
    "counted": N_("day_read_out", "Counted, closed shifts"),
    "difference": N_("day_read_out", "Difference"),
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


def _cash_rows(c: DayCash, w: dict[str, str], money, currency: str, language: str) -> list[Row]:
    out = [Row("rule"), Row("center", w["cash"]), Row("pair", str(c.shifts), w["shifts"]),
           Row("pair", str(c.open_shifts), w["still_open"]),
           Row("pair", money(c.opening_float), w["float"]), Row("pair", money(c.topups), w["cash_topups"]),
           Row("pair", money(c.cash_sales), w["cash_sales"]), Row("pair", money(c.pay_ins), w["pay_ins"]),
           Row("pair", money(-c.pay_outs), w["pay_outs"]), Row("pair", money(-c.drops), w["drops"]),
           Row("pair", money(c.expected), w["expected"])]
    if c.closed_shifts:
        out += [Row("pair", money(c.expected_closed), w["closed_expected"]),
                Row("pair", money(c.counted), w["counted"]),
                Row("pair", difference_text(c.difference, currency, language), w["difference"])]
    return out


def rows(report: DayReport, printed_at: datetime, language: str = "en", cash: DayCash | None = None) -> list[Row]:
    """The report's rows in `language`; `printed_at` (aware) is shown on the merchant's clock.
    Refunds and top-ups are shown negative: they are taken off the net. `cash`: the day's cash
    from its shifts (`shift_cash`), printed after the totals when known."""
    w = {key: text(marked, language) for key, marked in LABELS.items()}

    def money(amount):
        return format_amount(amount, report.currency, language)

    local = printed_at.astimezone(ZoneInfo(report.timezone)).strftime("%Y-%m-%d %H:%M:%S")
    out = [Row("title", report.merchant_name), Row("center", w["title"]), Row("center", w["not_a_close"])]
    if report.scope == "own":
        out.append(Row("center", w["own"]))
    out += [Row("rule"), Row("pair", report.day.isoformat(), w["day"]), Row("pair", report.timezone, w["zone"]),
            Row("pair", local, w["printed"]), Row("rule")]
    out += _figure_rows(report.totals, w, money)
    if cash is not None:
        out += _cash_rows(cash, w, money, report.currency, language)
    if report.by_cashier:
        out += [Row("rule"), Row("center", w["by_cashier"])]
        for c in report.by_cashier:
            out += [Row("rule"), Row("text", c.email or w["platform"])]
            out += _figure_rows(c.figures, w, money)
    out += [Row("rule"), Row("center", w["end"])]
    return out


def render_text(report: DayReport, printed_at: datetime, width: int = 32, language: str = "en",
                cash: DayCash | None = None) -> list[str]:
    """The report as lines of at most `width` columns (CJK characters count two)."""
    return [line for row in rows(report, printed_at, language, cash) for line in row_lines(row, width)]


def render_escpos(report: DayReport, printed_at: datetime, width: int = 32, language: str = "zh_CN",
                  cash: DayCash | None = None) -> bytes:
    """The report as an ESC/POS print job (GB18030 text, bold title, feed and cut)."""
    return rows_escpos(rows(report, printed_at, language, cash), width)
