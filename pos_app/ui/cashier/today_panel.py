"""The cashier's own transactions today, with reprint of any of them."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QHeaderView, QPushButton, QTableView, QVBoxLayout, QWidget

from pos_app.ui.i18n import Language

from . import text  # noqa: F401 - registers the labels
from .today_model import TodayModel


class TodayPanel(QWidget):
    refresh = Signal()
    reprint = Signal(str)  # tx id

    def __init__(self, language: Language, model: TodayModel, parent: QWidget | None = None):
        super().__init__(parent)
        self._language = language
        self.model = model
        self.table = QTableView()
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(40)  # rows a finger can hit
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _i: self._reprint_selected())
        self.refresh_button, self.reprint_button = QPushButton(), QPushButton()
        self.refresh_button.clicked.connect(self.refresh)
        self.reprint_button.clicked.connect(self._reprint_selected)
        row = QHBoxLayout()
        for b in (self.refresh_button, self.reprint_button):
            b.setMinimumHeight(48)
            row.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        language.changed.connect(self.retranslate)
        self.retranslate()

    def _reprint_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.reprint.emit(str(self.model.row_at(rows[0].row())["tx_id"]))

    def retranslate(self, _code: str | None = None) -> None:
        self.refresh_button.setText(self._language.t("cashier.refresh"))
        self.reprint_button.setText(self._language.t("cashier.reprint"))
