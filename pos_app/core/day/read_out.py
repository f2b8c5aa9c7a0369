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
from ..translations import N_, text
from .report import DayReport, Figures

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
