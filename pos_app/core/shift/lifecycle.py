"""The shift's life at this counter, Qt-free: find the terminal's open shift at sign-in, open one
with its float, read the X figures, close it with the count (after `reconcile`), each on a worker;
the checks of what the cashier typed (`prepare_*`) answer at once, on the UI thread.

Keys: an open or a close gets its idempotency key from the app, kept (in memory) until an answer
settles it, so a retry after no answer resends the same request under the same key: an open of
unknown outcome never becomes two open attempts, a close never two closes. Across a restart none
is needed: the next start finds the shift open (the open landed) or closed (the close landed)
on the server. A second open answered by `shift_conflict` (MP014) means the terminal has an
open shift already: it is fetched and adopted, not reported as a failure.

The handover: the shift belongs to the counter, not to the cashier. A cashier who signs in where
a colleague's shift is open finds it (the server lists every open shift to a cashier, as their
own part: docs/supabase_rpc.md, "What a cashier sees of a shift") and sells into it at once.
Closing it stays the opener's or a manager's: `may_close` says so before anything is counted,
and a `forbidden` close is told as `close_not_opener`. `shift_open_unseen` is left only for a
server that still hides a colleague's open shift (the first release of shifts).

Where the counter stands (`Standing.mode`):
- `open`: the terminal's shift is open; selling works.
- `closed`: the terminal is registered, no shift is open: the counter shows "Open shift".
- `unregistered`: the shop runs shifts (it registered some terminal) but not this one: a manager
  or owner registers it by opening its first shift; a cashier is told a manager must.
- `free`: the shop has registered no terminal at all, so it does not run shifts: selling works
  as it always did (the server asks for a shift only once a terminal exists); a manager may open
  the first shift, which registers this terminal and switches the shop to shifts.
- `bad_name`: the shop runs shifts and this counter's terminal name is not a valid terminal code:
  nothing can be opened until a manager corrects it in Settings.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from ..api.errors import ApiError
from ..api.shifts import Shift, Terminal
from ..money import AmountError
from .cash import parse_cash
from .current import CurrentShift
from .terminal import terminal_code

MAX_NOTE = 500  # characters, as merchant_close_shift's p_note allows
SELLING = ("open", "free")


class ShiftApi(Protocol):
    """The part of `MpsClient` the shift's life uses."""

    def session_info(self) -> dict[str, Any]: ...

    def list_shifts(self, *, terminal_code: str | None = None, limit: int = 100) -> list[Shift]: ...

    def register_terminal(self, terminal_code: str, name: str) -> Terminal: ...

    def open_shift(self, terminal_code: str, opening_float: Decimal, key: str) -> Shift: ...

    def get_shift(self, shift_id: str) -> Shift: ...

    def close_shift(self, shift_id: str, counted_cash: Decimal, key: str, note: str | None = None, *,
                    terminal_code: str | None = None) -> Shift: ...


class ShiftRefused(Exception):
    """Not done, nothing sent; `reason` is a `messages` name."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Standing:
    mode: str  # open, closed, unregistered, free, bad_name (see the module's text)
    shift: Shift | None = None
    can_open: bool = False  # this operator may open a shift here now

    @property
    def sells(self) -> bool:
        """Charges, top-ups and cash movements may start."""
        return self.mode in SELLING


@dataclass(frozen=True)
class _Pending:
    """A call sent without an answer: resent as it was, under the same key."""

    key: str
    amount: Decimal
    note: str | None = None
    shift_id: str | None = None


def _new_key() -> str:
    return str(uuid.uuid4())


class ShiftDesk:
    """One terminal's shift for one signed-in operator. `holder` is the terminal's
    `CurrentShift` (Services.shift), which the sale path reads."""

    def __init__(self, api: ShiftApi, holder: CurrentShift, terminal_name: str, *, can_manage: bool,
                 new_key: Callable[[], str] = _new_key):
        self.api = api
        self.holder = holder
        self.terminal_name = terminal_name
        self.code = terminal_code(terminal_name)
        self.can_manage = can_manage
        self._new_key = new_key
        self._open: _Pending | None = None
        self._close: _Pending | None = None
        self.standing = Standing("closed")
        self.user_id: str | None = None  # the signed-in operator's, from the server (find)

    # -- checks (UI thread) ----------------------------------------------------------------

    @staticmethod
    def prepare_cash(text: str) -> Decimal:
        """A typed float or count, or ShiftRefused (`amount_…`, `cash_negative`, `cash_empty`):
        letters, negative, a third decimal, nothing typed."""
        try:
            return parse_cash(text)
        except AmountError as e:
            own = {"negative": "cash_negative", "empty": "cash_empty"}
            raise ShiftRefused(own.get(e.reason, f"amount_{e.reason}")) from e

    @staticmethod
    def prepare_note(text: str | None) -> str | None:
        note = (text or "").strip() or None
        if note is not None and len(note) > MAX_NOTE:
            raise ShiftRefused("note_too_long")
        return note

    @property
    def open_pending(self) -> Decimal | None:
        """The float of an open sent without an answer (Retry resends it), or None."""
        return self._open.amount if self._open is not None else None

    @property
    def may_close(self) -> bool:
        """This operator may close the open shift: a manager or owner, or the cashier who
        opened it (contract §9). Another cashier keeps selling in it and is told who closes."""
        shift = self.standing.shift if self.standing.mode == "open" else None
        if shift is None or self.can_manage:
            return True
        return self.user_id is None or shift.opened_by == self.user_id

    @property
    def close_pending(self) -> tuple[Decimal, str | None] | None:
        """The count and note of a close sent without an answer, or None."""
        return (self._close.amount, self._close.note) if self._close is not None else None

    # -- work (worker thread) --------------------------------------------------------------

    def find(self) -> Standing:
        """Where this counter stands, from the server; sets the terminal's current shift."""
        info = self.api.session_info()
        runs_shifts = bool(info.get("runs_shifts"))
        self.user_id = str(info["user_id"]) if info.get("user_id") else None
        if self.code is None:
            self.holder.clear()
            mode = "bad_name" if runs_shifts else "free"
            return self._stand(Standing(mode, None, False))
        try:
            shifts = self.api.list_shifts(terminal_code=self.code, limit=5)
        except ApiError as e:
            if e.name != "not_found":
                raise
            self.holder.clear()  # the terminal is not registered
            return self._stand(Standing("unregistered" if runs_shifts else "free", None, self.can_manage))
        found = next((s for s in shifts if s.is_open), None)
        held = self.holder.shift
        if found is None and held is not None and held.terminal_code == self.code and not self.can_manage:
            # A server of the first release of shifts hides a colleague's open shift from a
            # cashier: one adopted earlier in this run is invisible to them, not closed.
            found = held
        self.holder.set(found)
        if found is not None:
            self._open = None
            return self._stand(Standing("open", found, False))
        return self._stand(Standing("closed", None, True))

    def _stand(self, standing: Standing) -> Standing:
        self.standing = standing
        return standing

    def open(self, opening_float: Decimal) -> Standing:
        """Open the terminal's shift (registering the terminal first when a manager opens the
        first one). Raises ShiftRefused, ApiError (a refusal), CallFailed (no answer: Retry
        resends the same open)."""
        if self.code is None:
            raise ShiftRefused("terminal_name_invalid")
        if self.standing.mode in ("unregistered", "free"):
            if not self.can_manage:
                raise ShiftRefused("first_shift_needs_manager")
            self.api.register_terminal(self.code, self.terminal_name)
        pending = self._open = self._open or _Pending(self._new_key(), opening_float)
        try:
            shift = self.api.open_shift(self.code, pending.amount, pending.key)
        except ApiError as e:
            if e.name == "shift_conflict":
                self._open = None
                adopted = self.find()  # the terminal's shift is open already: continue in it
                if adopted.mode != "open":
                    raise ShiftRefused("shift_open_unseen") from e
                return adopted
            if not e.after_unknown:
                self._open = None  # refused outright: nothing was opened under this key
            raise
        self._open = None
        self.holder.set(shift)
        return self._stand(Standing("open", shift, False))

    def read_out(self) -> Shift:
        """The open shift's running figures (the X read-out), fresh from the server."""
        shift_id = self.holder.shift_id
        if shift_id is None:
            raise ShiftRefused("no_open_shift")
        shift = self.api.get_shift(shift_id)
        self.holder.set(shift)  # fresher figures, or a shift a manager closed meanwhile
        if not shift.is_open:
            self._stand(Standing("closed", None, True))
        return shift

    def close(self, counted: Decimal, note: str | None, unsettled: int) -> Shift:
        """Close the open shift with the counted cash; the Z report. `unsettled`: how many
        journal attempts are still unsettled (the close refuses while any is). A close sent
        without an answer is resent as it was (same key, count and note)."""
        if not self.may_close:
            raise ShiftRefused("close_not_opener")
        if unsettled:
            raise ShiftRefused("close_unsettled")
        shift_id = self.holder.shift_id
        if shift_id is None:
            raise ShiftRefused("no_open_shift")
        if self._close is not None and self._close.shift_id != shift_id:
            self._close = None
        pending = self._close = self._close or _Pending(self._new_key(), counted, note, shift_id)
        try:
            z = self.api.close_shift(pending.shift_id, pending.amount, pending.key, pending.note,
                                     terminal_code=self.code)
        except ApiError as e:
            if not e.after_unknown:
                self._close = None
            if e.name == "shift_closed":
                self.holder.clear()  # closed by someone else meanwhile
                self._stand(Standing("closed", None, True))
            if e.name == "forbidden" and not self.can_manage:
                raise ShiftRefused("close_not_opener") from e  # another cashier's shift
            raise
        self._close = None
        self.holder.set(z)  # closed: the counter has no open shift now
        self._stand(Standing("closed", None, True))
        return z
