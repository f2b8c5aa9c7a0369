"""Which rows of the result a call asked for, and how PostgREST reports the part it answers.

`limit`/`offset` in the query string and, on GET only, a `Range: first-last` header (PostgREST
ignores Range on other methods) narrow the rows; the answer's Content-Range is
`first-last/total` (total `*` unless a count was asked for), with 206 for a part of a counted
total and 416 for an offset past its end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import ApiError

_RANGE = re.compile(r"([0-9]+)-([0-9]*)")


@dataclass(frozen=True)
class Window:
    offset: int
    limit: int | None  # None: to the end


def _invalid(details: str) -> ApiError:
    return ApiError(416, "PGRST103", "Requested range not satisfiable", details)


def requested(method: str, range_header: str | None, limit: int | None, offset: int | None) -> Window:
    lower, upper = 0, None  # inclusive bounds; None: unbounded
    if method == "GET" and range_header is not None:
        m = _RANGE.fullmatch(range_header.strip())
        if m:
            lower = int(m.group(1))
            upper = int(m.group(2)) if m.group(2) else None
            if upper is not None and upper < lower:
                raise _invalid("The lower boundary must be lower than or equal to the upper boundary"
                               " in the Range header.")
    if offset is not None:
        if offset < 0:
            raise ApiError(400, "2201X", "OFFSET must not be negative")
        lower = max(lower, offset)
    if limit is not None:
        if limit < 0:
            raise _invalid("Limit should be greater than or equal to zero.")
        last = (offset or 0) + limit - 1
        upper = last if upper is None else min(upper, last)
        if limit == 0:
            return Window(lower, 0)
    if upper is not None and upper < lower:
        return Window(lower, 0)
    return Window(lower, None if upper is None else upper - lower + 1)


def status_and_range(window: Window, rows: int, total: int | None) -> tuple[int, str, ApiError | None]:
    """(status, Content-Range, the 416 error when the offset is past a counted total)."""
    first, last = window.offset, window.offset + rows - 1
    shown_total = "*" if total is None else str(total)
    span = f"{first}-{last}" if rows > 0 and total != 0 else "*"
    content_range = f"{span}/{shown_total}"
    if total is None:
        return 200, content_range, None
    if first > total:
        return 416, content_range, _invalid(f"An offset of {first} was requested, but there are only {total} rows.")
    if rows < total:
        return 206, content_range, None
    return 200, content_range, None
