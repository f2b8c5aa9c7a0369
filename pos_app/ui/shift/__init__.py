"""The shift at the counter: the "Open shift" screen that stands in for the sale screen until
the terminal's shift is open, the shift bar (X read-out, close), the close dialog and the X/Z
report view."""

from .page import CounterPage

__all__ = ["CounterPage"]
