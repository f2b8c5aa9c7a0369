"""The manager's view: refunds, the business day, settlements and shifts, as four tabs. Built from
injected parts, so the app shell wires it and tests hand in a real client on the stand-in."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from pos_app.core.receipt.model import ReceiptHeader
from pos_app.core.sale.service import SaleService

from ..i18n import Language
from . import text  # noqa: F401 - registers the labels
from .day_panel import DayPanel
from .refund_panel import RefundPanel
from .settlement_panel import SettlementPanel
from .shift_panel import ShiftPanel

# Big touch targets: every button and field at least 44 px tall (a fingertip), text 14 px.
_STYLE = """
QPushButton { min-height: 44px; padding: 0 14px; font-size: 14px; }
QLineEdit, QDateEdit { min-height: 40px; font-size: 15px; }
QLabel { font-size: 14px; }
QTableView, QHeaderView { font-size: 14px; }
QTabBar::tab { min-height: 40px; min-width: 120px; font-size: 14px; }
"""


@dataclass(frozen=True)
class Merchant:
    """What the view needs of `merchant_session_info`."""

    name: str
    currency: str
    timezone: str
    role: str

    @classmethod
    def of(cls, info: Mapping[str, Any] | Any) -> Merchant:
        """From the RPC's answer (a mapping) or an object with its fields (`signin.Operator`)."""
        get = info.get if isinstance(info, Mapping) else (lambda k, d=None: getattr(info, k, d))
        return cls(name=str(get("merchant_name") or get("name") or ""), currency=str(get("currency") or "CNY"),
                   timezone=str(get("timezone") or "UTC"), role=str(get("role") or ""))


class ManagerView(QWidget):
    """Refunds (`refunds`), the day (`day`), settlements (`settlements`) and shifts (`shifts`)
    for a manager.

    `api`: an `MpsClient` (get_tx, list_transactions, daily_summary, list_settlements,
    generate_settlement, list_shifts, get_shift); `sales`: the counter's SaleService, through whose journal refunds go;
    `merchant`: `merchant_session_info`'s answer (or an object with its fields); `counter`: the
    receipt ReceiptHeader printed on refund receipts; `now`: a clock (aware datetime) for tests;
    `escpos_device`: the thermal printer a shift's report may go to.
    """

    def __init__(self, api: Any, sales: SaleService, language: Language, merchant: Mapping[str, Any] | Any,
                 counter: ReceiptHeader, *, now: Callable[[], datetime] | None = None,
                 escpos_device: str | Path | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.language = language
        self.merchant = Merchant.of(merchant)
        m = self.merchant
        self.refunds = RefundPanel(api, sales, language, m.currency, m.timezone, counter, now)
        self.day = DayPanel(api, language, m.currency, m.timezone, now)
        self.settlements = SettlementPanel(api, language, m.timezone, now)
        self.shifts = ShiftPanel(api, language, m.name, m.timezone, now, escpos_device)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.refunds, "")
        self.tabs.addTab(self.day, "")
        self.tabs.addTab(self.settlements, "")
        self.tabs.addTab(self.shifts, "")
        self.tabs.currentChanged.connect(self._tab_shown)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.tabs)
        self.setStyleSheet(_STYLE)
        self._loaded: set[int] = set()
        language.changed.connect(self.retranslate)
        self.retranslate()

    def refresh(self) -> None:
        """Fetch what each tab shows: today's payments, the chosen day, the settlements, the shifts."""
        self.refunds.controller.load_today()
        self.day.load()
        self.settlements.controller.refresh()
        self.shifts.load()
        self._loaded = {0, 1, 2, 3}

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._tab_shown(self.tabs.currentIndex())

    def _tab_shown(self, index: int) -> None:
        # Each tab fetches on its first showing, not at construction: a view built for a
        # manager who never opens it costs no requests.
        if index in self._loaded or index < 0:
            return
        self._loaded.add(index)
        (self.refunds.controller.load_today, self.day.load, self.settlements.controller.refresh,
         self.shifts.load)[index]()

    def retranslate(self) -> None:
        t = self.language.t
        for i, key in enumerate(("mgr.tab.refunds", "mgr.tab.day", "mgr.tab.settlements", "mgr.tab.shifts")):
            self.tabs.setTabText(i, t(key))
