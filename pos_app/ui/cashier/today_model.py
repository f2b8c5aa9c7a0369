"""Today's own transactions as a table: the shared `RowsModel` with one column per
`core.day.rows.COLUMNS`, rows from `merchant_list_transactions`, cell text from `core.day.rows`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pos_app.core.day.rows import COLUMNS, KINDS, cell
from pos_app.ui.i18n import Language

from ..common.table_model import Column, RowsModel


class TodayModel(RowsModel):
    COLUMNS = COLUMNS

    def __init__(self, language: Language, tz: str, currency: str, parent=None):
        def text(name: str):
            def of(row: Mapping[str, Any], lang: str) -> str:
                if name == "kind":
                    kind = row.get("kind", "")
                    return language.t(f"cashier.kind.{kind}") if kind in KINDS else kind
                return cell(row, name, tz=tz, currency=currency, language=lang)
            return of
        super().__init__([Column(name, f"cashier.col.{name}", text(name), numeric=name == "amount")
                          for name in COLUMNS], language, parent)

    def row_at(self, row: int) -> Mapping[str, Any]:
        return self.row(row)
