"""Where the shell composes the window's work views for one signed-in operator, from the counter's
services: the cashier view always, the manager view for managers and owners
(`merchant_session_info`'s role)."""

from __future__ import annotations

from pos_app.core.connectivity import Link
from pos_app.core.receipt.model import ReceiptHeader
from pos_app.core.scanning.camera import OpenCVCamera
from pos_app.core.services import Services
from pos_app.core.session.signin import Operator
from pos_app.core.settings import Settings
from pos_app.core.shift.current import CurrentShift
from pos_app.core.shift.lifecycle import ShiftDesk

from .cashier import CashierView, cashier_view_for
from .customer_display_link import CustomerDisplayLink
from .i18n import Language
from .main_window import MainWindow
from .manager import ManagerView
from .shift import CounterPage
from .shift.controller import ShiftController


def cashier_view(services: Services, operator: Operator, language: Language) -> CashierView:
    settings = services.settings
    return cashier_view_for(services.sale_for(operator), services.client, language, operator,
                            terminal=settings.terminal_name, camera=lambda: OpenCVCamera(settings.camera_index),
                            escpos_device=settings.escpos_device or None)


def manager_view(services: Services, operator: Operator, language: Language) -> ManagerView | None:
    """Refunds, the day, settlements and shifts: for managers and owners only (the server enforces it
    too; a cashier is not shown screens that would only answer "forbidden")."""
    if not operator.can_manage:
        return None
    return ManagerView(services.client, services.sale_for(operator), language, operator,
                       ReceiptHeader.for_operator(operator, services.settings.terminal_name),
                       escpos_device=services.settings.escpos_device or None)


def counter_page(services: Services, operator: Operator, language: Language, sale_view: CashierView) -> CounterPage:
    """The cashier's tab: the sale screen behind the terminal's shift (open it first)."""
    desk = ShiftDesk(services.client, services.shift, services.settings.terminal_name,
                     can_manage=operator.can_manage)
    controller = ShiftController(desk, services.sale_for(operator), services.client.list_transactions,
                                 is_online=lambda: services.monitor.status.link is Link.ONLINE)
    return CounterPage(sale_view, controller, language, shop=operator.merchant_name, timezone=operator.timezone,
                       currency=operator.currency, escpos_device=services.settings.escpos_device or None)


def customer_display_for(window: MainWindow, operator: Operator, language: Language, settings: Settings,
                         shop_language: str, shift: CurrentShift | None = None) -> CustomerDisplayLink:
    """The member's display for `window`'s cashier view, speaking the `customer_language`
    setting, or the shop's language (`shop_language`) when that is empty; `shift` is the
    terminal's (its close brings the welcome back)."""
    return CustomerDisplayLink(window, window.cashier, language, shop=operator.merchant_name,
                               currency=operator.currency, member_language=settings.customer_language or shop_language,
                               mode=settings.customer_display, shift=shift)
