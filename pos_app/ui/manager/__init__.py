"""The manager's view: refunds, the business day, settlements (pos.md "Refunds", "The day")."""

from .view import ManagerView, Merchant

__all__ = ["ManagerView", "Merchant"]
