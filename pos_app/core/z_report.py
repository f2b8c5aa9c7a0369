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
from .translations import N_, text

LABELS: dict[str, tuple[str, str]] = {
    "title": N_("z_report", "CLOSING REPORT (Z)"),
    "own": N_("z_report", "Own shift only"),
    "day": N_("z_report", "Business day"),
    "zone": N_("z_report", "Time zone"),
    "printed": N_("z_report", "Printed"),
    "payments": N_("z_report", "Payments"),
    "raw": N_("z_report", "Amount"),
    "discount": N_("z_report", "Discount"),
    "paid": N_("z_report", "Paid"),
    "refunds": N_("z_report", "Refunds"),
    "refunded": N_("z_report", "Refunded"),
    "topups": N_("z_report", "Top-ups"),
    "topped_up": N_("z_report", "Topped up"),
    "net": N_("z_report", "NET"),
    "by_cashier": N_("z_report", "By cashier"),
    "platform": N_("z_report", "(platform)"),
    "end": N_("z_report", "End of report"),
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
