"""What the shift screens do, apart from how they look: find the terminal's shift, open it, read
it out, reconcile and close it, each `ShiftDesk` call on a worker; outcomes come back as signals.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QObject, Signal

from pos_app.core.api.errors import ApiError, CallFailed, NotSignedIn, Unreachable
from pos_app.core.shift.lifecycle import ShiftDesk, ShiftRefused, Standing
from pos_app.core.shift.reconcile import Reconciliation, reconcile
from pos_app.ui.common.worker import run_in_background


def reason_of(error: BaseException) -> str:
    """A `messages` name for what went wrong on a worker."""
    if isinstance(error, ShiftRefused):
        return error.reason
    if isinstance(error, ApiError):
        return "not_signed_in" if error.needs_sign_in else error.name
    if isinstance(error, Unreachable):
        return "offline"
    if isinstance(error, NotSignedIn):
        return "not_signed_in"
    if isinstance(error, CallFailed):
        return "outcome_unknown"
    return "unexpected"


class ShiftController(QObject):
    standing = Signal(object)  # a Standing, whenever it may have changed
    busy = Signal(bool)
    look_failed = Signal(str)  # messages name
    open_failed = Signal(str)  # messages name; the open's outcome may be unknown (open_pending)
    read_out = Signal(object)  # a Shift (the X figures)
    read_failed = Signal(str)
    reconciled = Signal(object, object)  # a Reconciliation, and the fresh Shift (expected cash)
    reconcile_failed = Signal(str)
    closed = Signal(object)  # the Z report (a closed Shift)
    close_failed = Signal(str)
    _holder_changed = Signal(object)  # from whatever thread set the shift: queued to this one

    def __init__(self, desk: ShiftDesk, sales: Any, list_transactions: Callable[..., list[dict[str, Any]]],
                 is_online: Callable[[], bool] = lambda: True):
        super().__init__()
        self.desk = desk
        self.sales = sales
        self._list = list_transactions
        self.is_online = is_online
        self._holder_changed.connect(self._on_holder)
        # Until detach(): the shell detaches it when the window closes, before this object goes.
        self._unsubscribe = desk.holder.subscribe(self._holder_changed.emit)

    def detach(self) -> None:
        """Stop following the terminal's shift (the view is going away)."""
        self._unsubscribe()

    def _on_holder(self, shift) -> None:
        mode = self.desk.standing.mode
        if shift is None and mode == "open":
            self.desk.standing = Standing("closed", None, True)
            self.standing.emit(self.desk.standing)

    def _work(self, fn: Callable[[], Any], on_done: Callable[[Any], None], on_failed: Callable[[str], None]) -> None:
        self.busy.emit(True)

        def done(result: Any) -> None:
            self.busy.emit(False)
            on_done(result)

        def failed(error: BaseException) -> None:
            self.busy.emit(False)
            on_failed(reason_of(error))

        run_in_background(fn, on_done=done, on_failed=failed)

    # -- sign-in, open ---------------------------------------------------------------------

    def find(self) -> None:
        self._work(self.desk.find, self.standing.emit, self.look_failed.emit)

    def open(self, typed: str) -> None:
        """Open with the typed float (checked here first: nothing is sent when it is wrong)."""
        pending = self.desk.open_pending
        if pending is None:
            try:
                amount = self.desk.prepare_cash(typed)
            except ShiftRefused as e:
                self.open_failed.emit(e.reason)
                return
        else:
            amount = pending  # an open without an answer is resent as it was
        self._work(lambda: self.desk.open(amount), self.standing.emit, self._open_failed)

    def _open_failed(self, reason: str) -> None:
        self.open_failed.emit(reason)
        if reason == "shift_open_unseen":
            self.standing.emit(self.desk.standing)

    # -- X, close --------------------------------------------------------------------------

    def x_readout(self) -> None:
        def done(shift) -> None:
            self.read_out.emit(shift)
            self.standing.emit(self.desk.standing)

        self._work(self.desk.read_out, done, self.read_failed.emit)

    def reconcile(self) -> None:
        """Settle the journal by key and compare it with the server (and read the expected cash)."""
        if not self.is_online():
            self.reconcile_failed.emit("close_offline")
            return
        shift_id = self.desk.holder.shift_id
        own = not self.desk.can_manage

        def run() -> tuple[Reconciliation, Any]:
            found = reconcile(self.sales, self._list, shift_id, own_rows_only=own)
            try:
                fresh = self.desk.read_out()
            except ApiError:
                fresh = self.desk.holder.shift  # a cashier in another's shift may not read it
            return found, fresh

        self._work(run, lambda got: self.reconciled.emit(*got), self.reconcile_failed.emit)

    def close(self, counted: Decimal, note: str | None) -> None:
        if not self.is_online():
            self.close_failed.emit("close_offline")
            return

        def run():
            return self.desk.close(counted, note, unsettled=len(self.sales.unsettled()))

        def done(z) -> None:
            self.closed.emit(z)
            self.standing.emit(self.desk.standing)

        self._work(run, done, self.close_failed.emit)
