"""A small read-only table model with named columns and `set_rows()` (after Vorta's event log
model): each column is a label key and a function from a row to its cell text, so a model is
its list of columns, and a test reads cells by column name without a window."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from ..i18n import Language


@dataclass(frozen=True)
class Column:
    name: str
    label: str  # an i18n key
    cell: Callable[[Any, str], str]  # (row, language code) -> the text shown
    numeric: bool = False  # right-aligned, as figures are
    tip: str = ""  # an i18n key: the header's tooltip, saying how a figure is made


class RowsModel(QAbstractTableModel):
    """Rows of any kind shown through `columns`; headers and cells follow the language."""

    def __init__(self, columns: Sequence[Column], language: Language, parent=None):
        super().__init__(parent)
        self.columns = list(columns)
        self.language = language
        self._rows: list[Any] = []
        language.changed.connect(self._relabel)

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, index: int) -> Any:
        return self._rows[index]

    def rows(self) -> list[Any]:
        return list(self._rows)

    def column_index(self, name: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.name == name)

    def cell(self, row: int, name: str) -> str:
        """The text shown at `row` in the column called `name`."""
        return self.data(self.index(row, self.column_index(name)))

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.cell(self._rows[index.row()], self.language.code)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            column = self.columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return self.language.t(column.label)
            if role == Qt.ItemDataRole.ToolTipRole and column.tip:
                return self.language.t(column.tip)
        return super().headerData(section, orientation, role)

    def _relabel(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.columns) - 1)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self.columns) - 1))
