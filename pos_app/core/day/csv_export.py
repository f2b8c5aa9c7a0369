"""A business day as one CSV file for a spreadsheet: the day's totals, per cashier, per hour,
and every transaction, as four sections, each a header row and its rows, one blank line
between sections.

Decisions, so that any spreadsheet reads it the same way:
- Column names are fixed English snake_case (the API's own names): a file is read by programs
  and by accountants' formulas, which must not break when the counter's language changes.
- Amounts have two decimals, a "." point, no symbol and no grouping ("1234.50"); counts are
  integers. The currency is stated once, in the heading rows.
- Times are the merchant's local time, `YYYY-MM-DD HH:MM:SS`, the zone stated in the heading.
- The bytes are UTF-8 with a byte order mark (`csv_bytes`): Excel on Windows opens a file
  without one as the ANSI code page and garbles Chinese names; LibreOffice and Python
  (`utf-8-sig`) read it either way. Rows end with CRLF, as RFC 4180 has it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from ..money import from_api
from .report import FIGURES, DayReport, Figures, plain_amount

BOM = "\ufeff"
TX_COLUMNS = ("created_at", "tx_id", "kind", "operator_email", "operator_user_id", "card_last4",
              "raw_amount", "discount_amount", "paid_amount", "amount", "refunded_total",
              "refundable_remaining", "original_tx_id", "reason")
_TX_AMOUNTS = {"raw_amount", "discount_amount", "paid_amount", "amount", "refunded_total", "refundable_remaining"}


def _safe(text: str) -> str:
    """Free text (a reason, a name) that a spreadsheet would run as a formula is kept as text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _cells(f: Figures) -> list[str]:
    return [plain_amount(v) if k not in ("payments_count", "refunds_count", "topups_count") else str(v)
            for k, v in f.as_dict().items()]


def _local(value: Any, tz: ZoneInfo) -> str:
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return when.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")


def _tx_cells(row: Mapping[str, Any], report: DayReport, tz: ZoneInfo) -> list[str]:
    out = []
    for col in TX_COLUMNS:
        if col == "created_at":
            out.append(_local(row["created_at"], tz))
        elif col == "operator_email":
            out.append(report.email_of(row.get("operator_user_id")))
        elif col in _TX_AMOUNTS:
            value = row.get(col)
            out.append("" if value is None else plain_amount(from_api(value)))
        else:
            value = row.get(col)
            out.append("" if value is None else _safe(str(value)))
    return out


def csv_rows(report: DayReport, transactions: Iterable[Mapping[str, Any]]) -> list[list[str]]:
    """The file's rows, sections separated by an empty row."""
    tz = ZoneInfo(report.timezone)
    rows: list[list[str]] = [
        ["merchant_code", "merchant_name", "day", "timezone", "currency", "scope", "period_start", "period_end"],
        [report.merchant_code, _safe(report.merchant_name), report.day.isoformat(), report.timezone, report.currency,
         report.scope, _local(report.period_start, tz), _local(report.period_end, tz)],
        [],
        ["section", *FIGURES],
        ["totals", *_cells(report.totals)],
        [],
        ["cashier_email", "role", "operator_user_id", *FIGURES],
    ]
    rows += [[_safe(c.email or ""), c.role or "", c.operator_user_id or "",
              *_cells(c.figures)] for c in report.by_cashier]
    rows += [[], ["hour", *FIGURES]]
    rows += [[f"{h:02d}", *_cells(f)] for h, f in enumerate(report.by_hour)]
    rows += [[], list(TX_COLUMNS)]
    rows += [_tx_cells(t, report, tz) for t in transactions]
    return rows


def csv_text(report: DayReport, transactions: Iterable[Mapping[str, Any]]) -> str:
    """The CSV as text (CRLF line ends, no byte order mark)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(csv_rows(report, transactions))
    return buffer.getvalue()


def csv_bytes(report: DayReport, transactions: Iterable[Mapping[str, Any]]) -> bytes:
    """The file's bytes: UTF-8 with a byte order mark, for Excel."""
    return (BOM + csv_text(report, transactions)).encode("utf-8")
