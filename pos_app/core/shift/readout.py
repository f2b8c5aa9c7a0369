"""A shift's figures as text for the counter's screen, a PDF or a printer: the X read-out of an
open shift, or the Z report of a closed one (numbered). Laid out with the receipt's rows, like
the day's Z (`pos_app/core/z_report.py`). The manager's shift tab has its own document; this is
the counter's plain one, shown right after a close and on X."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from ..api.shifts import Shift
from ..money import format_amount
from ..receipt.layout import Row
from ..receipt.text import row_lines
from ..translations import N_, text

LABELS: dict[str, tuple[str, str]] = {
    "x_title": N_("shift_report", "SHIFT READ-OUT (X)"),
    "z_title": N_("shift_report", "SHIFT CLOSED (Z {number})"),
    "terminal": N_("shift_report", "Terminal"),
    "opened": N_("shift_report", "Opened"),
    "closed": N_("shift_report", "Closed"),
    "taken": N_("shift_report", "Figures at"),
    "float": N_("shift_report", "Opening float"),
    "payments": N_("shift_report", "Card payments"),
    "paid": N_("shift_report", "Paid by card"),
    "refunds": N_("shift_report", "Refunds"),
    "refunded": N_("shift_report", "Refunded to cards"),
    "topups": N_("shift_report", "Cash top-ups"),
    "topped_up": N_("shift_report", "Top-up cash"),
    "cash_sales": N_("shift_report", "Cash part of sales"),
    "pay_ins": N_("shift_report", "Pay-ins"),
    "pay_outs": N_("shift_report", "Pay-outs"),
    "drops": N_("shift_report", "Drops to the safe"),
    "expected": N_("shift_report", "EXPECTED CASH"),
    "counted": N_("shift_report", "Counted cash"),
    "difference": N_("shift_report", "Difference"),
    "note": N_("shift_report", "Note"),
    "end": N_("shift_report", "End of report"),
}


def rows(shift: Shift, timezone: str, language: str = "en") -> list[Row]:
    """The figures' rows in `language`, times on the merchant's clock."""
    w = {key: text(marked, language) for key, marked in LABELS.items()}
    zone = ZoneInfo(timezone)

    def money(amount):
        return format_amount(amount, shift.currency, language)

    def when(moment: datetime | None) -> str:
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else ""

    title = w["z_title"].format(number=shift.z_number) if not shift.is_open else w["x_title"]
    out = [Row("title", title), Row("rule"), Row("pair", shift.terminal_name or shift.terminal_code, w["terminal"]),
           Row("pair", when(shift.opened_at), w["opened"])]
    if shift.is_open:
        out.append(Row("pair", when(shift.generated_at), w["taken"]))
    else:
        out.append(Row("pair", when(shift.closed_at), w["closed"]))
    out += [Row("rule"),
            Row("pair", str(shift.payments_count), w["payments"]), Row("pair", money(shift.payments_paid), w["paid"]),
            Row("pair", str(shift.refunds_count), w["refunds"]),
            Row("pair", money(shift.refunds_amount), w["refunded"]),
            Row("rule"),
            Row("pair", money(shift.opening_float), w["float"]),
            Row("pair", f"{shift.topups_count} · {money(shift.topups_amount)}", w["topups"]),
            Row("pair", f"{shift.cash_sales_count} · {money(shift.cash_sales_amount)}", w["cash_sales"]),
            Row("pair", f"{shift.pay_ins_count} · {money(shift.pay_ins_amount)}", w["pay_ins"]),
            Row("pair", f"{shift.pay_outs_count} · {money(-shift.pay_outs_amount)}", w["pay_outs"]),
            Row("pair", f"{shift.drops_count} · {money(-shift.drops_amount)}", w["drops"]),
            Row("pair", money(shift.expected_cash), w["expected"])]
    if not shift.is_open:
        out += [Row("pair", money(shift.counted_cash), w["counted"]),
                Row("pair", money(shift.difference), w["difference"])]
        if shift.note:
            out += [Row("text", f'{w["note"]}: {shift.note}')]
    out += [Row("rule"), Row("center", w["end"])]
    return out


def render_text(shift: Shift, timezone: str, width: int = 40, language: str = "en") -> list[str]:
    """The figures as monospaced lines."""
    return [line for row in rows(shift, timezone, language) for line in row_lines(row, width)]
