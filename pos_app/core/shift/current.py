"""Which shift is open at this terminal, known to every part of the counter that moves money.

One holder per terminal (the shift belongs to the counter, not to the operator: a cashier who
takes over keeps selling into the open shift). The sale path reads `shift_id` when it sends a
charge, refund or top-up, so every money call names its shift; the shift screens set and clear
it. Thread-safe: sales run on workers while the window opens or closes the shift.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from ..api.shifts import Shift

Listener = Callable[["Shift | None"], None]


class CurrentShift:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._shift: Shift | None = None
        self._listeners: list[Listener] = []

    @property
    def shift(self) -> Shift | None:
        """The open shift's last known figures, or None when the terminal has no open shift."""
        with self._lock:
            return self._shift

    @property
    def shift_id(self) -> str | None:
        with self._lock:
            return self._shift.shift_id if self._shift is not None else None

    @property
    def is_open(self) -> bool:
        return self.shift_id is not None

    def set(self, shift: Shift | None) -> None:
        """The shift now open (or its fresher figures); None, or a closed shift, clears it."""
        if shift is not None and not shift.is_open:
            shift = None
        with self._lock:
            self._shift = shift
            listeners = list(self._listeners)
        for listener in listeners:
            listener(shift)

    def clear(self) -> None:
        self.set(None)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener(shift)` on every change; returns the function that unsubscribes."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe
