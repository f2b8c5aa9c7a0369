"""A shift's report as a document: the Z report of a closed shift (numbered, final) or the X
read-out of an open one (running figures, closes nothing). Laid out as the receipt's rows
(`receipt.layout.Row`), so it shows on screen, prints on a system printer or as a PDF and goes to
the thermal printer as ESC/POS with the receipt's own renderers, CJK columns counted alike.

The word "Z" means a closed shift here and nowhere else: the day's figures that close nothing
are the day read-out (`day.read_out`). A reprint is marked DUPLICATE at the top and the bottom,
so a second paper is never taken for a second close.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from ..api.shifts import OperatorFigures, Shift
from ..money import format_amount
from ..receipt.escpos import rows_escpos
from ..receipt.layout import Row
from ..receipt.text import row_lines
from ..translations import N_, text

LABELS: dict[str, tuple[str, str]] = {
    "title_z": N_("shift_report", "SHIFT CLOSE"),
    "title_x": N_("shift_report", "X READ-OUT"),
    "not_a_close": N_("shift_report", "X read-out, not a close"),
    "duplicate": N_("shift_report", "*** DUPLICATE ***"),
    "duplicate_note": N_("shift_report", "Reprint of a closed shift: not a new close"),
    "terminal": N_("shift_report", "Terminal"),
    "opened": N_("shift_report", "Opened"),
    "opened_by": N_("shift_report", "Opened by"),
    "closed": N_("shift_report", "Closed"),
    "closed_by": N_("shift_report", "Closed by"),
    "read_at": N_("shift_report", "Read at"),
    "reprinted": N_("shift_report", "Reprinted"),
    "zone": N_("shift_report", "Time zone"),
    "cards": N_("shift_report", "Card payments"),
    "count": N_("shift_report", "Count"),
    "raw": N_("shift_report", "Amount"),
    "discount": N_("shift_report", "Discount"),
    "paid": N_("shift_report", "Paid"),
    "refunds": N_("shift_report", "Refunds to card ({count})"),
    "drawer": N_("shift_report", "Cash drawer"),
    "float": N_("shift_report", "Opening float"),
    "topups": N_("shift_report", "+ Top-ups ({count})"),
    "cash_sales": N_("shift_report", "+ Cash sales ({count})"),
    "pay_ins": N_("shift_report", "+ Pay-ins ({count})"),
    "pay_outs": N_("shift_report", "- Pay-outs ({count})"),
    "drops": N_("shift_report", "- Drops ({count})"),
    "expected": N_("shift_report", "= Expected cash"),
    "formula": N_("shift_report", "Expected = float + top-ups + cash sales + pay-ins - pay-outs - drops. "
                                  "Card payments and refunds never touch the drawer."),
    "counted": N_("shift_report", "Counted"),
    "difference": N_("shift_report", "Difference"),
    "over": N_("shift_report", "{amount} over"),
    "short": N_("shift_report", "{amount} short"),
    "even": N_("shift_report", "{amount} even"),
    "note": N_("shift_report", "Note: {note}"),
    "by_operator": N_("shift_report", "By operator"),
    "platform": N_("shift_report", "(platform)"),
    "op_payments": N_("shift_report", "Payments ({count})"),
    "op_refunds": N_("shift_report", "Refunds ({count})"),
    "op_topups": N_("shift_report", "Top-ups ({count})"),
    "op_moves": N_("shift_report", "Cash movements"),
    "op_cash_in": N_("shift_report", "Cash in"),
    "op_cash_out": N_("shift_report", "Cash out"),
    "own_part": N_("shift_report", "Your part of this shift"),
    "own_part_note": N_("shift_report", "Only what you rang up. The drawer's expected cash and the other "
                                        "cashiers' figures are for the cashier who opened the shift or a manager."),
    "end_z": N_("shift_report", "End of {number}"),
    "end_x": N_("shift_report", "End of X read-out"),
}

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"  # fixed width on paper and in files, as on receipts


def z_label(z_number: int) -> str:
    """A close's number as printed and named everywhere: "Z 000123"."""
    return f"Z {z_number:06d}"


@dataclass(frozen=True)
class ShiftDocument:
    """What is printed for `shift`: its shop's name, the merchant's IANA zone (every time is on
    the merchant's clock, as receipts and the day are), and whether this is a reprint
    (`duplicate`, with `printed_at`, when the reprint was made, if known)."""

    shift: Shift
    shop: str
    timezone: str
    duplicate: bool = False
    printed_at: datetime | None = None

    @classmethod
    def for_operator(cls, shift: Shift, operator, *, duplicate: bool = False,
                     printed_at: datetime | None = None) -> ShiftDocument:
        """The document as the signed-in operator's shop prints it (`session.signin.Operator`,
        or anything with `merchant_name` and `timezone`)."""
        return cls(shift, operator.merchant_name, operator.timezone, duplicate, printed_at)

    @property
    def is_close(self) -> bool:
        """A Z report: the shift is closed and numbered. An open shift gives an X read-out."""
        return not self.shift.is_open and self.shift.z_number is not None

    @property
    def number(self) -> str:
        """"Z 000123" for a close; "X" for a read-out (it has no number)."""
        return z_label(self.shift.z_number) if self.is_close else "X"

    def local(self, moment: datetime | None) -> str:
        return "" if moment is None else moment.astimezone(ZoneInfo(self.timezone)).strftime(TIME_FORMAT)

    def title(self, language: str = "en") -> str:
        """A one-line name for a window or a print job: "Z 000123 · Till 1", "X read-out · Till 1"."""
        name = self.number if self.is_close else text(LABELS["not_a_close"], language)
        dup = f" · {text(LABELS['duplicate'], language)}" if self.duplicate else ""
        return f"{name} · {self.shift.terminal_name}{dup}"

    def file_stem(self) -> str:
        """A file name (without extension) that says what it holds: Z-SHOP-000123, or
        X-SHOP-TILL1-20300131-1405 for a read-out (when its figures were taken)."""
        s = self.shift
        if self.is_close:
            stem = f"Z-{s.merchant_code}-{s.z_number:06d}"
        else:
            when = s.generated_at or s.opened_at
            stamp = when.astimezone(ZoneInfo(self.timezone)).strftime("%Y%m%d-%H%M")
            stem = f"X-{s.merchant_code}-{s.terminal_code}-{stamp}"
        return f"{stem}-DUPLICATE" if self.duplicate else stem


def person(email: str | None, user_id: str | None, platform: str) -> str:
    """Who did it, as a person reads it: the email, else the id, else the platform."""
    return email or user_id or platform


def difference_words(difference: Decimal, money, w: dict[str, str]) -> str:
    """The difference with its sign said in words: "+¥1.00 over" (more cash than expected),
    "-¥2.00 short" (less), "¥0.00 even"."""
    if difference > 0:
        return w["over"].format(amount="+" + money(difference))
    if difference < 0:
        return w["short"].format(amount=money(difference))
    return w["even"].format(amount=money(Decimal("0.00")))


def difference_text(difference: Decimal, currency: str, language: str = "en") -> str:
    """`difference_words` in `language` for a list or a screen: "-¥2.00 short"."""
    w = {key: text(LABELS[key], language) for key in ("over", "short", "even")}
    return difference_words(difference, lambda a: format_amount(a, currency, language), w)


def who_opened(shift: Shift, platform: str = "") -> str:
    """The email of who opened the shift (the id if the server named no email)."""
    return person((shift.raw or {}).get("opened_by_email"), shift.opened_by, platform)


def who_closed(shift: Shift, platform: str = "") -> str:
    """The email of who closed it; "" while it is open."""
    if shift.is_open:
        return ""
    return person((shift.raw or {}).get("closed_by_email"), shift.closed_by, platform)


def _operator_rows(o: OperatorFigures, w: dict[str, str], money) -> list[Row]:
    return [Row("text", person(o.email, o.operator_user_id, w["platform"])),
            Row("pair", money(o.payments_paid), w["op_payments"].format(count=o.payments_count)),
            Row("pair", money(-o.refunds_amount), w["op_refunds"].format(count=o.refunds_count)),
            Row("pair", money(o.topups_amount), w["op_topups"].format(count=o.topups_count)),
            Row("pair", str(o.cash_movements_count), w["op_moves"]),
            Row("pair", money(o.cash_in), w["op_cash_in"]),
            Row("pair", money(-o.cash_out), w["op_cash_out"])]


def _own_part_rows(doc: ShiftDocument, w: dict[str, str], money) -> list[Row]:
    """A cashier's read-out of a shift someone else opened: their own sales and cash only, no
    drawer total (the server sends none: it is everyone's cash)."""
    s = doc.shift
    out = [Row("rule"), Row("title", w["own_part"]), Row("text", w["own_part_note"]),
           Row("rule"), Row("center", w["cards"]),
           Row("pair", str(s.payments_count), w["count"]),
           Row("pair", money(s.payments_raw), w["raw"]),
           Row("pair", money(-s.payments_discount), w["discount"]),
           Row("pair", money(s.payments_paid), w["paid"]),
           Row("pair", money(-s.refunds_amount), w["refunds"].format(count=s.refunds_count)),
           Row("rule"), Row("center", w["drawer"]),
           Row("pair", money(s.topups_amount), w["topups"].format(count=s.topups_count)),
           Row("pair", money(s.cash_sales_amount), w["cash_sales"].format(count=s.cash_sales_count)),
           Row("pair", money(s.pay_ins_amount), w["pay_ins"].format(count=s.pay_ins_count)),
           Row("pair", money(-s.pay_outs_amount), w["pay_outs"].format(count=s.pay_outs_count)),
           Row("pair", money(-s.drops_amount), w["drops"].format(count=s.drops_count))]
    end = w["end_z"].format(number=doc.number) if doc.is_close else w["end_x"]
    return out + [Row("rule"), Row("center", end)]


def rows(doc: ShiftDocument, language: str = "en") -> list[Row]:
    """The document's rows in `language`. Money out of the drawer is shown negative, money in
    positive, so the drawer's lines add up to the expected cash as printed."""
    w = {key: text(marked, language) for key, marked in LABELS.items()}
    s = doc.shift

    def money(amount: Decimal) -> str:
        return format_amount(amount, s.currency, language)

    out = [Row("title", doc.shop)]
    if doc.duplicate:
        out.append(Row("title", w["duplicate"]))
    if doc.is_close:
        out += [Row("center", w["title_z"]), Row("title", doc.number)]
    else:
        out += [Row("center", w["title_x"]), Row("center", w["not_a_close"])]
    out += [Row("rule"), Row("pair", f"{s.terminal_name} ({s.terminal_code})", w["terminal"]),
            Row("pair", doc.local(s.opened_at), w["opened"]),
            Row("pair", who_opened(s, w["platform"]), w["opened_by"])]
    if doc.is_close:
        out += [Row("pair", doc.local(s.closed_at), w["closed"]),
                Row("pair", who_closed(s, w["platform"]), w["closed_by"])]
    elif s.generated_at is not None:
        out.append(Row("pair", doc.local(s.generated_at), w["read_at"]))
    if doc.duplicate and doc.printed_at is not None:
        out.append(Row("pair", doc.local(doc.printed_at), w["reprinted"]))
    out.append(Row("pair", doc.timezone, w["zone"]))

    if s.own_part:
        return out + _own_part_rows(doc, w, money)

    out += [Row("rule"), Row("center", w["cards"]),
            Row("pair", str(s.payments_count), w["count"]),
            Row("pair", money(s.payments_raw), w["raw"]),
            Row("pair", money(-s.payments_discount), w["discount"]),
            Row("pair", money(s.payments_paid), w["paid"]),
            Row("pair", money(-s.refunds_amount), w["refunds"].format(count=s.refunds_count))]

    out += [Row("rule"), Row("center", w["drawer"]),
            Row("pair", money(s.opening_float), w["float"]),
            Row("pair", money(s.topups_amount), w["topups"].format(count=s.topups_count)),
            Row("pair", money(s.cash_sales_amount), w["cash_sales"].format(count=s.cash_sales_count)),
            Row("pair", money(s.pay_ins_amount), w["pay_ins"].format(count=s.pay_ins_count)),
            Row("pair", money(-s.pay_outs_amount), w["pay_outs"].format(count=s.pay_outs_count)),
            Row("pair", money(-s.drops_amount), w["drops"].format(count=s.drops_count)),
            Row("pair", money(s.expected_cash), w["expected"]),
            Row("text", w["formula"])]
    if s.counted_cash is not None:
        out.append(Row("pair", money(s.counted_cash), w["counted"]))
    if s.difference is not None:
        out.append(Row("pair", difference_words(s.difference, money, w), w["difference"]))
    if s.note:
        out.append(Row("text", w["note"].format(note=s.note)))

    if s.by_operator:
        out += [Row("rule"), Row("center", w["by_operator"])]
        for o in s.by_operator:
            out += [Row("rule"), *_operator_rows(o, w, money)]

    end = w["end_z"].format(number=doc.number) if doc.is_close else w["end_x"]
    out += [Row("rule"), Row("center", end)]
    if doc.duplicate:
        out += [Row("title", w["duplicate"]), Row("center", w["duplicate_note"])]
    return out


def render_text(doc: ShiftDocument, width: int = 32, language: str = "en") -> list[str]:
    """The document as lines of at most `width` columns (a CJK character counts two): the
    screen's and a text file's form. 32 fits 58 mm paper, 48 fits 80 mm."""
    if width < 16:
        raise ValueError("a shift report needs at least 16 columns")
    return [line for row in rows(doc, language) for line in row_lines(row, width)]


def text_file(doc: ShiftDocument, width: int = 40, language: str = "en") -> str:
    """The document as a text file's content (UTF-8, one line each, ending in a newline)."""
    return "\n".join(render_text(doc, width, language)) + "\n"


def render_escpos(doc: ShiftDocument, width: int = 32, language: str = "zh_CN") -> bytes:
    """The document as an ESC/POS job (GB18030 text; titles and DUPLICATE bold and tall)."""
    return rows_escpos(rows(doc, language), width)
