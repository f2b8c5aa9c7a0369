"""What a receipt says, in order, independent of the medium: a list of rows that the screen's
text renderer and the thermal printer's ESC/POS renderer both lay out. One place decides the
content, so the screen and the paper never disagree."""

from __future__ import annotations

from dataclasses import dataclass

from ..money import format_amount
from ..receipt_labels import labels, level_name
from .model import Receipt, ReceiptKind


@dataclass(frozen=True)
class Row:
    """One row: `style` is title (centred, bold, tall), center, pair (label left, value
    right), text (left, wrapped), rule (a line across), or qr (`value` is the payload)."""

    style: str
    value: str = ""
    label: str = ""


def rows(receipt: Receipt, language: str = "en", card_dot: str = "•") -> list[Row]:
    """The receipt's rows in `language`."""
    w = labels(language)
    r = receipt

    def money(amount):
        return format_amount(amount, r.currency, language)

    title = f"title_{r.movement_kind}" if r.kind is ReceiptKind.CASH else f"title_{r.kind.value}"
    out = [Row("title", r.counter.shop), Row("center", w[title])]
    if r.copy:
        out.append(Row("title", w["copy"]))
    out += [Row("rule"), Row("pair", r.local_time.strftime("%Y-%m-%d %H:%M:%S"), w["time"])]
    if r.counter.terminal:
        out.append(Row("pair", r.counter.terminal, w["terminal"]))
    if r.counter.cashier:
        out.append(Row("pair", r.counter.cashier, w["cashier"]))
    if r.card_last4:
        out.append(Row("pair", r.masked_card(card_dot), w["card"]))
    out.append(Row("rule"))

    if r.kind is ReceiptKind.PAYMENT:
        out += [Row("pair", money(r.raw_amount), w["raw_amount"]),
                Row("pair", money(-r.discount_amount), w["discount"]),
                Row("pair", money(r.amount), w["paid"])]
        if r.cash_paid is not None:  # a split sale: the two tenders add up to the paid amount
            out += [Row("pair", money(r.card_paid), w["paid_card"]),
                    Row("pair", money(r.cash_paid), w["paid_cash"])]
        if r.points is not None:
            out.append(Row("pair", f"+{r.points}", w["points_earned"]))
    elif r.kind is ReceiptKind.REFUND:
        out.append(Row("pair", money(r.amount), w["refund_amount"]))
        if r.refundable_remaining is not None:
            out.append(Row("pair", money(r.refundable_remaining), w["refundable"]))
        if r.points:
            out.append(Row("pair", f"-{r.points}", w["points_reversed"]))
    elif r.kind is ReceiptKind.CASH:
        out.append(Row("pair", money(r.amount), w["cash_amount"]))
    else:
        out.append(Row("pair", money(r.amount), w["topup_amount"]))
    if r.level_code:
        out.append(Row("pair", level_name(r.level_code, language), w["level"]))
    if r.balance_after is not None:
        out.append(Row("pair", money(r.balance_after), w["balance_after"]))

    out += [Row("rule"), Row("pair", r.tx_id, w["slip_id" if r.kind is ReceiptKind.CASH else "tx_id"])]
    if r.original_tx_id:
        out.append(Row("pair", r.original_tx_id, w["original_tx_id"]))
    if r.reason:
        out.append(Row("pair", r.reason, w["slip_reason" if r.kind is ReceiptKind.CASH else "reason"]))
    if r.qr_payload:
        out += [Row("qr", r.qr_payload), Row("center", w["scan_hint"])]
    if r.kind is ReceiptKind.CASH:
        out += [Row("rule"), Row("pair", "_" * 16, w["slip_signature"])]
    else:
        out.append(Row("center", w["thanks"]))
    return out
