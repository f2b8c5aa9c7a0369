"""The work views the window holds, built for one signed-in operator: the cashier view always,
the manager view for managers and owners (`merchant_session_info`'s role)."""

from __future__ import annotations

from pos_app.core.receipt import model as receipt
from pos_app.core.scanning.camera import OpenCVCamera
from pos_app.core.services import Services
from pos_app.core.session.signin import Operator

from .cashier import CashierView, cashier_view_for
from .i18n import Language
from .manager import ManagerView


def counter_for(services: Services, operator: Operator) -> receipt.ReceiptHeader:
    """Who sells where, as the manager's refund receipts name it."""
    return receipt.ReceiptHeader(shop=operator.merchant_name, timezone=operator.timezone, currency=operator.currency,
                           cashier_email=operator.email, terminal=services.settings.terminal_name)


def cashier_view(services: Services, operator: Operator, language: Language) -> CashierView:
    settings = services.settings
    return cashier_view_for(services.sale_for(operator), services.client, language, operator,
                            terminal=settings.terminal_name, camera=lambda: OpenCVCamera(settings.camera_index),
                            escpos_device=settings.escpos_device or None)


def manager_view(services: Services, operator: Operator, language: Language) -> ManagerView | None:
    """Refunds, the day and settlements: for managers and owners only (the server enforces it
    too; a cashier is not shown screens that would only answer "forbidden")."""
    if not operator.can_manage:
        return None
    return ManagerView(services.client, services.sale_for(operator), language, operator,
                       counter_for(services, operator))
