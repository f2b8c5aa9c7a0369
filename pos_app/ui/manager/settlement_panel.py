"""The settlement screen: the merchant's settlements in a table, and a period (whole local
days, yesterday by default) to settle; the figures of the one chosen or just generated."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from pos_app.core.day import business_day
from pos_app.core.money import format_amount, from_api

from ..i18n import Language
from .day_edit import DayEdit, qdate
from .day_panel import LEGEND_STYLE, net_legend, shown
from .failures import Say
from .models import SettlementsModel, settlement_period
from .settlement_controller import SettlementController
from .tables import make_table


class SettlementPanel(QWidget):
    def __init__(self, api: Any, language: Language, timezone: str, now=None, parent=None):
        super().__init__(parent)
        self.language = language
        self.timezone = timezone
        clock = now or (lambda: datetime.now(UTC))
        self.controller = SettlementController(api, language, timezone, clock, self)
        self.shown: Mapping[str, Any] | None = None
        self._say = lambda: ""  # the message, rebuilt in the current language on a switch
        self._list_say: Say | None = None

        today = business_day.today(timezone, clock())
        yesterday = today - timedelta(days=1)
        self.from_label = QLabel()
        self.first = DayEdit(yesterday)
        self.to_label = QLabel()
        self.last = DayEdit(yesterday)
        for edit, label in ((self.first, self.from_label), (self.last, self.to_label)):
            edit.setMaximumDate(qdate(today))  # no day after today can be settled (today says why)
            label.setBuddy(edit)
        self.generate_button = QPushButton()
        self.reload_button = QPushButton()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.figures = QLabel()
        self.figures.setWordWrap(True)
        self.figures.setStyleSheet("font-size: 16px;")
        self.net_legend = QLabel()  # how its net is made, as on the day screen
        self.net_legend.setWordWrap(True)
        self.net_legend.setStyleSheet(LEGEND_STYLE)
        self.list_note = QLabel()
        self.list_note.setWordWrap(True)
        self.list_note.hide()
        self.model = SettlementsModel(language, timezone, self)
        self.table = make_table(self.model)

        row = QHBoxLayout()
        for w in (self.from_label, self.first, self.to_label, self.last, self.generate_button):
            row.addWidget(w)
        row.addStretch(1)
        row.addWidget(self.reload_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(self.figures)
        layout.addWidget(self.net_legend)
        layout.addWidget(self.list_note)
        layout.addWidget(self.table, 1)

        self.generate_button.clicked.connect(lambda: self.generate())
        self.reload_button.clicked.connect(self.controller.refresh)
        self.table.clicked.connect(lambda index: self._show(self.model.row(index.row()), replayed=False))
        self.table.activated.connect(lambda index: self._show(self.model.row(index.row()), replayed=False))
        self.controller.listed.connect(self._listed)
        self.controller.list_failed.connect(self._list_failed)
        self.controller.generated.connect(lambda s: self._show(s, replayed=bool(s.get("replayed")), generated=True))
        self.controller.failed.connect(self._failed)
        self.controller.busy_changed.connect(lambda busy: self.generate_button.setEnabled(not busy))
        language.changed.connect(self.retranslate)
        self.retranslate()
        self._render()

    def generate(self, first: date | None = None, last: date | None = None) -> None:
        """Settle the days `first` to `last` (the chosen ones by default)."""
        if first is not None:
            self.first.set_day(first)
        if last is not None:
            self.last.set_day(last)
        self._message(lambda: "")
        self.controller.generate(self.first.day(), self.last.day())

    def _message(self, say) -> None:
        self._say = say
        shown(self.message, say())

    def _failed(self, say: Say) -> None:
        # The figures shown belong to another settlement than the one asked for: they go, so no
        # one reads them as this period's.
        self.shown = None
        self._render()
        self._message(lambda: say(self.language.code))

    def _listed(self, rows: list) -> None:
        self._list_say = None
        self.list_note.hide()
        self.model.set_rows(rows)

    def _list_failed(self, say: Say) -> None:
        # Said above the list; the figures of a settlement just generated are still right.
        self._list_say = say
        self.list_note.setText(say(self.language.code))
        self.list_note.show()

    def _show(self, settlement: Mapping[str, Any], replayed: bool, generated: bool = False) -> None:
        self.shown = settlement
        if generated:
            key = "mgr.settlement_replayed" if replayed else "mgr.settlement_new"
            self._message(lambda: self.language.t(key))
        self._render()

    def _render(self) -> None:
        s = self.shown
        if s is None:
            shown(self.figures, "")
            shown(self.net_legend, "")
            return
        self.figures.show()
        self.net_legend.show()
        lang = self.language.code

        def money(key):
            return format_amount(from_api(s[key]), s.get("currency") or "", lang)
        self.figures.setText(self.language.t(
            "mgr.settlement_figures", period=settlement_period(s, s.get("timezone") or self.timezone),
            pcount=s["payments_count"], paid=money("payments_paid"), rcount=s["refunds_count"],
            refunds=money("refunds_amount"), tcount=s["topups_count"], topups=money("topups_amount"),
            net=money("net_amount")))
        self.net_legend.setText(net_legend(self.language, *(from_api(s[k]) for k in
                                                            ("payments_paid", "refunds_amount", "topups_amount",
                                                             "net_amount")),
                                           lambda v: format_amount(v, s.get("currency") or "", lang)))

    def retranslate(self) -> None:
        t = self.language.t
        self.from_label.setText(t("mgr.from"))
        self.to_label.setText(t("mgr.to"))
        self.generate_button.setText(t("mgr.generate"))
        self.reload_button.setText(t("mgr.reload_settlements"))
        shown(self.message, self._say())
        if self._list_say is not None:
            self.list_note.setText(self._list_say(self.language.code))
        self._render()
