"""The cashier view for a signed-in operator: what the shell knows after sign-in (the operator
from `merchant_session_info`, the API client, the sale service) turned into the view's parts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pos_app.core.receipt.model import ReceiptHeader
from pos_app.core.sale.service import SaleService
from pos_app.core.scanning.camera import FrameSource
from pos_app.core.session.signin import Operator
from pos_app.ui.i18n import Language

from .view import CashierView


def cashier_view_for(sales: SaleService, client: Any, language: Language, operator: Operator, *,
                     terminal: str = "", camera: Callable[[], FrameSource] | None = None,
                     escpos_device: str | Path | None = None, escpos_width: int = 32) -> CashierView:
    """A CashierView whose receipts name the operator's shop, timezone and currency, whose
    today's list and reprints come from `client` (an MpsClient)."""
    counter = ReceiptHeader.for_operator(operator, terminal)
    return CashierView(sales, language, counter, camera=camera, list_transactions=client.list_transactions,
                       get_tx=client.get_tx, preview_qr=getattr(client, "preview_qr", None),
                       escpos_device=escpos_device, escpos_width=escpos_width)
