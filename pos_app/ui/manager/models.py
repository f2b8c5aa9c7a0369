"""The manager view's tables: a payment's past refunds, today's payments to pick from, the
day per cashier, the shifts, and the settlements. Each is a `RowsModel` with its named columns; amounts are
shown in the merchant's currency and the current language, times on the merchant's clock."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pos_app.core.api.shifts import Shift
from pos_app.core.day.report import CashierDay
from pos_app.core.money import format_amount, from_api
from pos_app.core.shift.report import difference_text, who_closed, who_opened, z_label

from ..common.table_model import Column, RowsModel
from ..i18n import Language

ROLES = ("cashier", "manager", "owner")


def _when(value: Any, tz: str, fmt: str = "%H:%M:%S") -> str:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.astimezone(ZoneInfo(tz)).strftime(fmt)


class RefundsModel(RowsModel):
    """The refunds already made on one payment (`refund_check.PastRefund` rows)."""

    def __init__(self, language: Language, currency: str, tz: str, parent=None):
        def money(v, lang):
            return format_amount(v, currency, lang)
        super().__init__([
            Column("time", "mgr.col.time", lambda r, _: _when(r.created_at, tz, "%Y-%m-%d %H:%M")),
            Column("amount", "mgr.col.amount", lambda r, lang: money(r.amount, lang), numeric=True),
            Column("points", "mgr.col.points", lambda r,
                   _: "" if r.points_reversed is None else f"-{r.points_reversed}",
                   numeric=True),
            Column("reason", "mgr.col.reason", lambda r, _: r.reason or ""),
        ], language, parent)


class PaymentsModel(RowsModel):
    """Today's payments (rows of `merchant_list_transactions`), to pick one to refund."""

    def __init__(self, language: Language, currency: str, tz: str, parent=None):
        def money(v, lang):
            return "" if v is None else format_amount(from_api(v), currency, lang)
        super().__init__([
            Column("time", "mgr.col.time", lambda r, _: _when(r["created_at"], tz)),
            Column("card", "mgr.col.card", lambda r, _: f"•••• {r['card_last4']}" if r.get("card_last4") else ""),
            Column("paid", "mgr.col.paid", lambda r, lang: money(r.get("paid_amount"), lang), numeric=True),
            Column("refundable", "mgr.col.refundable", lambda r, lang: money(r.get("refundable_remaining"), lang),
                   numeric=True),
            Column("tx", "mgr.col.tx", lambda r, _: str(r["tx_id"])),
        ], language, parent)

    def update_payment(self, tx_id: str, refunded_total: Any, remaining: Any) -> bool:
        """Show a payment's figures as just read from the server (after a refund), in place: the
        list must not keep offering what was already given back. False if it is not listed."""
        for i, row in enumerate(self._rows):
            if str(row["tx_id"]) == tx_id:
                self._rows[i] = {**row, "refunded_total": str(refunded_total), "refundable_remaining": str(remaining)}
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(self.columns) - 1))
                return True
        return False


class CashiersModel(RowsModel):
    """The day per cashier (`day_report.CashierDay`)."""

    def __init__(self, language: Language, currency: str, parent=None):
        def money(v, lang):
            return format_amount(v, currency, lang)

        def who(c: CashierDay, lang: str) -> str:
            return c.email or language.t("mgr.platform")
        super().__init__([
            Column("cashier", "mgr.col.cashier", who),
            Column("role", "mgr.col.role",
                   lambda c, _: language.t(f"mgr.role.{c.role}") if c.role in ROLES else (c.role or "")),
            Column("payments", "mgr.col.payments", lambda c, _: str(c.figures.payments_count), numeric=True),
            Column("paid", "mgr.col.paid", lambda c, lang: money(c.figures.payments_paid, lang), numeric=True),
            Column("refunds", "mgr.col.refunds", lambda c, lang: money(c.figures.refunds_amount, lang), numeric=True),
            Column("topups", "mgr.col.topups", lambda c, lang: money(c.figures.topups_amount, lang), numeric=True),
            Column("net", "mgr.col.net", lambda c, lang: money(c.figures.net_amount, lang), numeric=True,
                   tip="mgr.col.net_tip"),
        ], language, parent)


def settlement_period(s: Mapping[str, Any], tz: str) -> str:
    """`2030-01-31` for one local day, else `2030-01-01 – 2030-01-31` (the last day included)."""
    start = datetime.fromisoformat(str(s["period_start"])).astimezone(ZoneInfo(tz))
    end = datetime.fromisoformat(str(s["period_end"])).astimezone(ZoneInfo(tz))
    whole_days = start.time() == end.time() == datetime.min.time()
    if whole_days:
        last = end.date().fromordinal(end.date().toordinal() - 1)
        return start.date().isoformat() if last == start.date() else f"{start.date()} – {last}"
    return f"{start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M}"


class SettlementsModel(RowsModel):
    """Settlements as `merchant_list_settlements` gives them, newest period first."""

    def __init__(self, language: Language, tz: str, parent=None):
        def money(s, key, lang):
            return format_amount(from_api(s[key]), s.get("currency") or "", lang)
        super().__init__([
            Column("period", "mgr.col.period", lambda s, _: settlement_period(s, s.get("timezone") or tz)),
            Column("payments", "mgr.col.payments", lambda s, _: str(s["payments_count"]), numeric=True),
            Column("paid", "mgr.col.paid", lambda s, lang: money(s, "payments_paid", lang), numeric=True),
            Column("refunds", "mgr.col.refunds", lambda s, lang: money(s, "refunds_amount", lang), numeric=True),
            Column("topups", "mgr.col.topups", lambda s, lang: money(s, "topups_amount", lang), numeric=True),
            Column("net", "mgr.col.net", lambda s, lang: money(s, "net_amount", lang), numeric=True,
                   tip="mgr.col.net_tip"),
            Column("source", "mgr.col.source", lambda s, _: made_by(s, language)),
        ], language, parent)


def made_by(s: Mapping[str, Any], language: Language) -> str:
    """Who made a settlement, as a person reads it: the operator's name (or email) for one
    generated by hand, the schedule's, or the platform's (the service role names no one)."""
    if s.get("source") == "scheduled":
        return language.t("mgr.made_by_schedule")
    return str(s.get("created_by_name") or s.get("created_by_email") or language.t("mgr.platform"))


class ShiftsModel(RowsModel):
    """Shifts as `merchant_list_shifts` gives them (`api.shifts.Shift`), newest opening first:
    open and closed, per terminal, the drawer's expected and counted cash and the difference
    said over or short (first, so they show without scrolling), then who opened and closed them
    and who worked in them."""

    def __init__(self, language: Language, tz: str, parent=None):
        def money(s: Shift, value, lang: str) -> str:
            return "" if value is None else format_amount(value, s.currency, lang)

        def when(value) -> str:
            return "" if value is None else _when(value, tz, "%Y-%m-%d %H:%M")

        def status(s: Shift, _lang: str) -> str:
            return language.t("mgr.shift_open") if s.is_open else language.t("mgr.shift_closed")

        def difference(s: Shift, lang: str) -> str:
            return "" if s.difference is None else difference_text(s.difference, s.currency, lang)

        super().__init__([
            Column("number", "mgr.col.z", lambda s, _: z_label(s.z_number) if s.z_number is not None else "X"),
            Column("status", "mgr.col.status", status),
            Column("terminal", "mgr.col.terminal", lambda s, _: f"{s.terminal_name} ({s.terminal_code})"),
            Column("opened", "mgr.col.opened", lambda s, _: when(s.opened_at)),
            Column("expected", "mgr.col.expected", lambda s, lang: money(s, s.expected_cash, lang), numeric=True,
                   tip="mgr.col.expected_tip"),
            Column("counted", "mgr.col.counted", lambda s, lang: money(s, s.counted_cash, lang), numeric=True),
            Column("difference", "mgr.col.difference", difference, numeric=True),
            Column("opened_by", "mgr.col.opened_by", lambda s, _: who_opened(s, language.t("mgr.platform"))),
            Column("closed", "mgr.col.closed", lambda s, _: when(s.closed_at)),
            Column("closed_by", "mgr.col.closed_by", lambda s, _: who_closed(s, language.t("mgr.platform"))),
            Column("cashiers", "mgr.col.cashiers",
                   lambda s, _: ", ".join(o.email or language.t("mgr.platform") for o in s.by_operator)),
        ], language, parent)
