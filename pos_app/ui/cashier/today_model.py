"""Today's own transactions as a table: named columns, rows from `merchant_list_transactions`,
cell text from `core.today`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from pos_app.core.today import COLUMNS, cell
from pos_app.ui.i18n import Language

_Index = QModelIndex | QPersistentModelIndex
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class TodayModel(QAbstractTableModel):
    COLUMNS = COLUMNS

    def __init__(self, language: Language, tz: str, currency: str):
        super().__init__()
        self._language, self._tz, self._currency = language, tz, currency
        self._rows: list[Mapping[str, Any]] = []
        language.changed.connect(self._relabel)

    def set_rows(self, rows: list[Mapping[str, Any]]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Mapping[str, Any]:
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            row = self._rows[index.row()]
            if column == "kind":
                kind = row.get("kind", "")
                return self._language.t(f"cashier.kind.{kind}") if kind in ("payment", "refund", "recharge") else kind
            return cell(row, column, tz=self._tz, currency=self._currency, language=self._language.code)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == "amount":
            return _RIGHT
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._language.t(f"cashier.col.{COLUMNS[section]}")
        return None

    def _relabel(self, _code: str) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(COLUMNS) - 1))
