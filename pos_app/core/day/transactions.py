"""All of a period's transactions, fetched page by page with the keyset `merchant_list_transactions`
offers (the last row's `created_at` and `tx_id`): unlike an offset, a sale rung up meanwhile
never makes a row repeat or go missing between pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

PAGE = 200


class ListsTransactions(Protocol):
    def list_transactions(self, *, since: datetime | None = None, until: datetime | None = None,
                          limit: int = 50, before: tuple[str, str] | None = None,
                          operator_user_id: str | None = None, kind: str | None = None) -> list[dict[str, Any]]: ...


def fetch_all(api: ListsTransactions, since: datetime, until: datetime, *, kind: str | None = None,
              page: int = PAGE) -> list[dict[str, Any]]:
    """Every transaction in `[since, until)` (of `kind`, if given), newest first."""
    rows: list[dict[str, Any]] = []
    before: tuple[str, str] | None = None
    while True:
        got = api.list_transactions(since=since, until=until, limit=page, before=before, kind=kind)
        rows += got
        if len(got) < page:
            return rows
        last = got[-1]
        before = (_text(last["created_at"]), str(last["tx_id"]))


def _text(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)
