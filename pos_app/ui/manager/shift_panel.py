"""The shifts screen: the shifts that ran in the chosen local days, open and closed, per terminal
(all, or one), with who opened and closed them, the Z number and the drawer's expected, counted
and difference. The shift chosen shows its document beside the list: an open shift's X read-out
(read afresh), a closed shift's Z; a reprint of a Z is marked DUPLICATE."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from pos_app.core.api.shifts import Shift
from pos_app.core.day import business_day
from pos_app.core.shift.report import ShiftDocument, rows

from ..common.receipt_widget import SlipWidget
from ..common.shift_report_dialog import ShiftReportDialog
from ..i18n import Language
from .day_edit import DayEdit, qdate
from .day_panel import shown
from .failures import Say
from .models import ShiftsModel
from .shift_controller import LIMIT, ShiftController
from .tables import make_table


class ShiftPanel(QWidget):
    def __init__(self, api: Any, language: Language, shop: str, timezone: str,
                 now: Callable[[], datetime] | None = None, escpos_device: str | Path | None = None, parent=None):
        super().__init__(parent)
        self.language = language
        self.shop = shop
        self.timezone = timezone
        self._now = now or (lambda: datetime.now(UTC))
        self._device = escpos_device
        self.controller = ShiftController(api, language, timezone, self)
        self.document: ShiftDocument | None = None
        self.report_dialog: ShiftReportDialog | None = None
        self._say = lambda: ""  # the message, rebuilt in the current language on a switch

        today = business_day.today(timezone, self._now())
        self.from_label, self.to_label, self.terminal_label = QLabel(), QLabel(), QLabel()
        self.first, self.last = DayEdit(today), DayEdit(today)
        for edit, label in ((self.first, self.from_label), (self.last, self.to_label)):
            edit.setMaximumDate(qdate(today))
            label.setBuddy(edit)
        self.terminal = QComboBox()
        self.terminal.setMinimumContentsLength(16)
        # A terminal is shown as "name (code)": the box grows to the longest, never cuts it.
        self.terminal.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.terminal_label.setBuddy(self.terminal)
        self.show_button = QPushButton()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()
        self.model = ShiftsModel(language, timezone, self)
        self.table = make_table(self.model)
        self.table.setTabKeyNavigation(False)  # arrows move between shifts; Tab goes on to the reprint
        self.slip = SlipWidget()
        scroll = QScrollArea()
        scroll.setWidget(self.slip)
        scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        scroll.setStyleSheet("QScrollArea { background: #e8e8e8; }")
        scroll.setMinimumWidth(self.slip.sizeHint().width() + 24)
        self.report_button = QPushButton()

        top = QHBoxLayout()
        for w in (self.from_label, self.first, self.to_label, self.last, self.terminal_label, self.terminal,
                  self.show_button):
            top.addWidget(w)
        top.addStretch(1)
        side = QVBoxLayout()
        side.addWidget(scroll, 1)
        side.addWidget(self.report_button)
        body = QHBoxLayout()
        body.addWidget(self.table, 3)
        body.addLayout(side, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addLayout(body, 1)
        self.setTabOrder(self.show_button, self.table)
        self.setTabOrder(self.table, self.report_button)

        self.show_button.clicked.connect(lambda: self.load())
        self.terminal.activated.connect(lambda _index: self.load())  # a terminal chosen lists its shifts
        self.report_button.clicked.connect(lambda: self.open_report())
        self.table.selectionModel().currentRowChanged.connect(self._chosen)
        self.table.activated.connect(lambda _index: self.open_report())
        self.controller.listed.connect(self._listed)
        self.controller.list_failed.connect(self._list_failed)
        self.controller.read.connect(self._read)
        self.controller.read_failed.connect(lambda say: self._message(lambda: say(self.language.code)))
        self.controller.busy_changed.connect(lambda busy: self.show_button.setEnabled(not busy))
        language.changed.connect(self.retranslate)
        self.retranslate()
        self._show_document(None)

    def chosen_terminal(self) -> str | None:
        return self.terminal.currentData() or None

    def load(self, first: date | None = None, last: date | None = None, terminal_code: str | None = None) -> None:
        """List the shifts of the local days `first` to `last` (the chosen ones by default), of
        one terminal when one is chosen (or given)."""
        if first is not None:
            self.first.set_day(first)
        if last is not None:
            self.last.set_day(last)
        if terminal_code is not None:
            self._choose_terminal(terminal_code)
        if self.last.day() < self.first.day():
            self._message(lambda: self.language.t("mgr.shift_bad_period"))
            return
        self._message(lambda: "")
        self.controller.list(self.first.day(), self.last.day(), self.chosen_terminal())

    def _choose_terminal(self, code: str) -> None:
        if self.terminal.findData(code) < 0:
            self.terminal.addItem(code, code)
        self.terminal.setCurrentIndex(self.terminal.findData(code))

    def _listed(self, shifts: list[Shift]) -> None:
        self._fill_terminals()
        self.model.set_rows(shifts)
        if not shifts:
            self._show_document(None)
            self._message(lambda: self.language.t("mgr.no_shifts"))
            return
        if len(shifts) >= LIMIT:
            self._message(lambda: self.language.t("mgr.shifts_too_many", count=LIMIT))
        # The newest shift is chosen at once: its document shows, and the arrows move from it.
        self.table.selectRow(0)
        self.table.setCurrentIndex(self.model.index(0, 0))

    def _fill_terminals(self) -> None:
        chosen = self.chosen_terminal()
        self.terminal.blockSignals(True)
        self.terminal.clear()
        self.terminal.addItem(self.language.t("mgr.all_terminals"), "")
        for code, name in sorted(self.controller.terminals.items()):
            self.terminal.addItem(f"{name} ({code})", code)
        if chosen:
            self._choose_terminal(chosen)
        self.terminal.blockSignals(False)

    def _list_failed(self, say: Say) -> None:
        # What is listed belongs to another period or terminal than the one asked for: it goes.
        self.model.set_rows([])
        self._show_document(None)
        self._message(lambda: say(self.language.code))

    def _chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        shift = self.model.row(current.row())
        self._show_document(shift)
        if shift.is_open:
            self.controller.read_shift(shift.shift_id)  # the X read-out is its figures now

    def _read(self, shift: Shift) -> None:
        current = self.selected()
        if current is not None and current.shift_id == shift.shift_id:
            self._show_document(shift)

    def selected(self) -> Shift | None:
        index = self.table.currentIndex()
        return self.model.row(index.row()) if index.isValid() else None

    def _show_document(self, shift: Shift | None) -> None:
        self.document = ShiftDocument(shift, self.shop, self.timezone) if shift is not None else None
        self.slip.show_rows(rows(self.document, self.language.code) if self.document else [])
        self._label_report_button()

    def open_report(self) -> ShiftReportDialog | None:
        """The chosen shift's document in its window, to print or save: a closed shift's Z as
        a DUPLICATE (it was printed at its close), an open shift's X read-out as read now."""
        doc = self.document
        if doc is None:
            return None
        if doc.is_close:
            doc = ShiftDocument(doc.shift, doc.shop, doc.timezone, duplicate=True, printed_at=self._now())
        self.report_dialog = ShiftReportDialog(doc, self.language, escpos_device=self._device, parent=self)
        self.report_dialog.open()
        return self.report_dialog

    def _label_report_button(self) -> None:
        doc = self.document
        self.report_button.setEnabled(doc is not None)
        key = "mgr.reprint_z" if doc is None or doc.is_close else "mgr.print_x"
        self.report_button.setText(self.language.t(key))

    def _message(self, say) -> None:
        self._say = say
        shown(self.message, say())

    def retranslate(self, _code: str | None = None) -> None:
        t = self.language.t
        self.from_label.setText(t("mgr.from"))
        self.to_label.setText(t("mgr.to"))
        self.terminal_label.setText(t("mgr.terminal"))
        self.show_button.setText(t("mgr.show"))
        self._fill_terminals()
        shown(self.message, self._say())
        self._show_document(self.document.shift if self.document else None)
