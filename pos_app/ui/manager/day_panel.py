"""The day screen: pick a business day (today on the merchant's clock by default), see its
payments, discounts, refunds, top-ups and net, per cashier and per hour, and the cash in the
drawers of the shifts opened that day (`core.day.shift_cash` says why those); export the CSV and
print or save the day read-out (it closes nothing: each shift closes with its own Z, on the
Shifts tab)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from pos_app.core.day import business_day, read_out
from pos_app.core.day.report import DayReport, problems
from pos_app.core.day.shift_cash import DayCash
from pos_app.core.money import format_amount
from pos_app.core.shift.report import difference_text

from ..common.printing import print_lines_with_dialog, write_pdf
from ..common.save_dialog import ask_save_path
from ..i18n import Language
from .day_controller import DayController
from .day_edit import DayEdit, qdate
from .failures import Say, file_failure
from .hour_chart import HourChart
from .models import CashiersModel
from .tables import make_table

# The legend under a net: smaller and quieter than the figures, still easy to read.
LEGEND_STYLE = "color: #444; font-size: 13px;"
READ_OUT_WIDTH = 40  # columns of the day read-out on a page (a roll takes 32, but a page has room)


def shown(label: QLabel, text: str) -> None:
    """Set a label's words and show it only when it has some: an empty label still takes a
    line, and a screen of empty lines pushes what is said away from what it is about."""
    label.setText(text)
    label.setVisible(bool(text))


def net_legend(language: Language, paid, refunds, topups, net, money) -> str:
    """How net is made, with the figures it is made of, and what a net below zero means (the
    server's formula, app.report_totals: paid − refunds − counter top-ups)."""
    t = language.t
    legend = t("mgr.net_legend", paid=money(paid), refunds=money(refunds), topups=money(topups), net=money(net))
    if net < 0:
        owed = t("mgr.net_owed_platform", amount=money(-net))
        legend += owed if language.code.startswith("zh") else f" {owed}"
    return legend


class DayPanel(QWidget):
    def __init__(self, api: Any, language: Language, currency: str, timezone: str, now=None, parent=None):
        super().__init__(parent)
        self.language = language
        self.currency = currency
        self.timezone = timezone
        self._now = now or (lambda: datetime.now(UTC))
        self.controller = DayController(api, language, timezone, self._now, self)
        self.report: DayReport | None = None
        self._say = lambda: ""  # the message, rebuilt in the current language on a switch

        today = business_day.today(timezone, self._now())
        self.day_label = QLabel()
        self.day = DayEdit(today)
        self.day.setMaximumDate(qdate(today))  # the server refuses later days
        self.day_label.setBuddy(self.day)
        self.show_button = QPushButton()
        self.payments = QLabel()
        self.refunds = QLabel()
        self.topups = QLabel()
        self.net = QLabel()
        self.net.setStyleSheet("font-size: 20px; font-weight: bold;")
        # How net is made, under it: a negative net on a day of top-ups is right, and says why.
        self.net_legend = QLabel()
        self.net_legend.setWordWrap(True)
        self.net_legend.setStyleSheet(LEGEND_STYLE)
        self.scope_note = QLabel()
        # The day's cash, from its shifts: a title, how many shifts, the drawer's sum, the count.
        self.cash: DayCash | None = None
        self._cash_say = None  # why the cash is missing (a Say), said again on a switch
        self.cash_title = QLabel()
        self.cash_title.setStyleSheet("font-weight: bold;")
        self.cash_shifts = QLabel()
        self.cash_sum = QLabel()
        self.cash_sum.setWordWrap(True)
        self.cash_counted = QLabel()
        self.cash_counted.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.cashiers = CashiersModel(language, currency, self)
        self.cashier_table = make_table(self.cashiers)
        self.hour_label = QLabel()
        self.chart = HourChart()
        self.csv_button = QPushButton()
        self.print_read_out_button = QPushButton()
        self.read_out_pdf_button = QPushButton()

        top = QHBoxLayout()
        top.addWidget(self.day_label)
        top.addWidget(self.day)
        top.addWidget(self.show_button)
        top.addStretch(1)
        for b in (self.csv_button, self.print_read_out_button, self.read_out_pdf_button):
            top.addWidget(b)
        counts = QVBoxLayout()
        for label in (self.payments, self.refunds, self.topups):
            counts.addWidget(label)
        counts.addStretch(1)
        net_box = QVBoxLayout()
        net_box.addWidget(self.net)
        net_box.addWidget(self.net_legend)
        net_box.addStretch(1)
        figures = QHBoxLayout()
        figures.addLayout(counts)
        figures.addSpacing(24)
        figures.addLayout(net_box, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(figures)
        for label in (self.cash_title, self.cash_shifts, self.cash_sum, self.cash_counted):
            layout.addWidget(label)
        layout.addWidget(self.scope_note)
        layout.addWidget(self.message)
        body = QHBoxLayout()
        body.addWidget(self.cashier_table, 3)
        chart_box = QVBoxLayout()
        chart_box.addWidget(self.hour_label)
        chart_box.addWidget(self.chart, 1)
        body.addLayout(chart_box, 2)
        layout.addLayout(body, 1)

        self.show_button.clicked.connect(lambda: self.load(self.chosen_day()))
        self.csv_button.clicked.connect(self._ask_csv)
        self.print_read_out_button.clicked.connect(self.print_read_out)
        self.read_out_pdf_button.clicked.connect(self._ask_read_out_pdf)
        self.controller.loaded.connect(self._show)
        self.controller.load_failed.connect(self._load_failed)
        self.controller.cash_loaded.connect(self._cash_loaded)
        self.controller.cash_failed.connect(self._cash_failed)
        self.controller.failed.connect(self._say_failure)
        self.controller.exported.connect(
            lambda path, n: self._message(lambda: self.language.tn("mgr.exported", n, path=path)))
        self.controller.busy_changed.connect(self._busy)
        language.changed.connect(self.retranslate)
        self._busy(False)
        self.retranslate()

    def chosen_day(self) -> date:
        return self.day.date().toPython()

    def load(self, day: date | None = None) -> None:
        """Show `day` (the chosen one by default)."""
        if day is not None:
            self.day.set_day(day)
        self._message(lambda: "")
        self.controller.load(self.chosen_day())

    def export_csv(self, path: str | Path) -> None:
        """Write the shown day's CSV to `path`; `controller.exported` when done."""
        self._message(lambda: self.language.t("mgr.exporting"))
        self.controller.export_csv(path)

    def read_out_lines(self) -> list[str]:
        if self.report is None:
            return []
        return read_out.render_text(self.report, self._now(), READ_OUT_WIDTH, self.language.code, self.cash)

    def save_read_out_pdf(self, path: str | Path) -> Path | None:
        """The day read-out of the shown day as a PDF at `path`."""
        if self.report is None:
            return None
        try:
            saved = write_pdf(self.read_out_lines(), path, self.read_out_title())
        except OSError as e:
            error = e  # `e` is gone after the except block; the words are said again on a switch
            self._say_failure(lambda lang: file_failure(error, lang, str(path)))
            return None
        self._message(lambda: self.language.t("mgr.saved", path=str(saved)))
        return saved

    def print_read_out(self) -> bool:
        if self.report is None:
            return False
        return print_lines_with_dialog(self.read_out_lines(), self.read_out_title(), self)

    def _ask_csv(self) -> None:
        if self.report is None:
            return
        path = ask_save_path(self, self.language.t("mgr.export_csv"), self.csv_name(), "CSV (*.csv)")
        if path:
            self.export_csv(path)

    def _ask_read_out_pdf(self) -> None:
        if self.report is None:
            return
        path = ask_save_path(self, self.language.t("mgr.read_out_pdf"), self.read_out_pdf_name(), "PDF (*.pdf)")
        if path:
            self.save_read_out_pdf(path)

    def csv_name(self) -> str:
        return f"Day-{self.report.merchant_code}-{self.report.day}.csv" if self.report else ""

    def read_out_pdf_name(self) -> str:
        return f"Day-read-out-{self.report.merchant_code}-{self.report.day}.pdf" if self.report else ""

    def read_out_title(self) -> str:
        return f"Day read-out {self.report.merchant_code} {self.report.day}" if self.report else ""

    def _say_failure(self, say: Say) -> None:
        self._message(lambda: say(self.language.code))

    def _load_failed(self, say: Say) -> None:
        # The figures on screen are of another day than the one chosen: they go.
        self.report = None
        self.cash, self._cash_say = None, None
        self.cashiers.set_rows([])
        self.chart.set_values([0] * 24)
        self._render_figures()
        self._say_failure(say)
        self._busy(False)

    def _message(self, say) -> None:
        self._say = say
        shown(self.message, say())

    def _show(self, report: DayReport) -> None:
        self.report = report
        self.cashiers.set_rows(list(report.by_cashier))
        self._render_chart()
        found = problems(report)
        self._message(lambda: self.language.t("mgr.day_inconsistent", problems="; ".join(found)) if found else "")
        self._render_figures()
        self._busy(False)

    def _cash_loaded(self, cash: DayCash) -> None:
        self.cash, self._cash_say = cash, None
        self._render_cash()

    def _cash_failed(self, say: Say) -> None:
        self.cash, self._cash_say = None, say
        self._render_cash()

    def _render_cash(self) -> None:
        t = self.language.t
        r, c = self.report, self.cash
        labels = (self.cash_title, self.cash_shifts, self.cash_sum, self.cash_counted)
        if r is None or (c is None and self._cash_say is None):
            for label in labels:
                shown(label, "")
            return
        shown(self.cash_title, t("mgr.day_cash_title"))
        if c is None:
            shown(self.cash_shifts, t("mgr.day_cash_failed", reason=self._cash_say(self.language.code)))
            shown(self.cash_sum, "")
            shown(self.cash_counted, "")
            return
        if c.shifts == 0:
            shown(self.cash_shifts, t("mgr.day_cash_none"))
            shown(self.cash_sum, "")
            shown(self.cash_counted, "")
            return

        def money(v):
            return format_amount(v, r.currency, self.language.code)
        shown(self.cash_shifts, self.language.tn("mgr.day_cash_shifts", c.shifts, open=c.open_shifts))
        shown(self.cash_sum, t("mgr.day_cash_in", float=money(c.opening_float), topups=money(c.topups),
                               cash_sales=money(c.cash_sales), pay_ins=money(c.pay_ins), pay_outs=money(c.pay_outs),
                               drops=money(c.drops), expected=money(c.expected)))
        shown(self.cash_counted, t("mgr.day_cash_counted", expected=money(c.expected_closed),
                                   counted=money(c.counted),
                                   difference=difference_text(c.difference, r.currency, self.language.code))
              if c.closed_shifts else "")

    def _render_figures(self) -> None:
        self._render_cash()
        t = self.language.t
        r = self.report
        if r is None:
            for label in (self.payments, self.refunds, self.topups, self.net, self.net_legend, self.scope_note):
                label.setText("")
                label.hide()  # no empty band between the day and what is said about it
            self.net.setToolTip("")
            return
        for label in (self.payments, self.refunds, self.topups, self.net, self.net_legend):
            label.show()

        def money(v):
            return format_amount(v, r.currency, self.language.code)
        f = r.totals
        self.payments.setText(t("mgr.day_payments", count=f.payments_count, raw=money(f.payments_raw),
                                discount=money(f.payments_discount), paid=money(f.payments_paid)))
        self.refunds.setText(t("mgr.day_refunds", count=f.refunds_count, amount=money(f.refunds_amount)))
        self.topups.setText(t("mgr.day_topups", count=f.topups_count, amount=money(f.topups_amount)))
        self.net.setText(t("mgr.day_net", net=money(f.net_amount)))
        legend = net_legend(self.language, f.payments_paid, f.refunds_amount, f.topups_amount, f.net_amount, money)
        self.net_legend.setText(legend)
        self.net.setToolTip(legend)
        self.scope_note.setText(t("mgr.day_own") if r.scope == "own" else "")
        self.scope_note.setVisible(r.scope == "own")

    def _busy(self, busy: bool) -> None:
        self.show_button.setEnabled(not busy)
        for b in (self.csv_button, self.print_read_out_button, self.read_out_pdf_button):
            b.setEnabled(not busy and self.report is not None)

    def retranslate(self) -> None:
        t = self.language.t
        self.day_label.setText(t("mgr.day"))
        self.show_button.setText(t("mgr.show"))
        self.hour_label.setText(t("mgr.per_hour"))
        self.csv_button.setText(t("mgr.export_csv"))
        self.print_read_out_button.setText(t("mgr.print_read_out"))
        self.read_out_pdf_button.setText(t("mgr.read_out_pdf"))
        shown(self.message, self._say())
        self._render_figures()
        self._render_chart()

    def _render_chart(self) -> None:
        r = self.report
        if r is None:
            return

        def money(v):
            return format_amount(v, r.currency, self.language.code)
        paid = [h.payments_paid for h in r.by_hour]
        tips = [self.language.tn("mgr.hour_tip", h.payments_count, start=f"{hour:02d}:00",
                                 end=f"{(hour + 1) % 24:02d}:00",
                                 paid=money(h.payments_paid), refunds=money(h.refunds_amount),
                                 topups=money(h.topups_amount))
                for hour, h in enumerate(r.by_hour)]
        self.chart.set_values(paid, money(max(paid)), tips)

