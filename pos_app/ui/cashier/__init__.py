"""The cashier's screen: amount, scanning (USB scanner, camera, pasted code), charge and top-up,
the outcome (receipt, refusal, pending), and today's own transactions."""

from .build import cashier_view_for
from .view import CashierView

__all__ = ["CashierView", "cashier_view_for"]
