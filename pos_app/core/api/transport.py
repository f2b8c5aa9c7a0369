"""One HTTP exchange over an injected httpx client, its failures typed by what was sent."""

from __future__ import annotations

import httpx

from .errors import OutcomeUnknown, Unreachable

# Raised before any byte of the request left: the server cannot have acted on it.
_NOTHING_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


def send(http: httpx.Client, request: httpx.Request) -> httpx.Response:
    """Send `request`; raise `Unreachable` if nothing was sent, `OutcomeUnknown` if the answer
    was lost (read/write timeout, connection dropped mid-request). The response is read."""
    try:
        return http.send(request)
    except _NOTHING_SENT as e:
        raise Unreachable(f"{type(e).__name__} to {request.url.host}") from e
    except httpx.RequestError as e:  # sent, then the answer was lost or unreadable
        raise OutcomeUnknown(f"{type(e).__name__} during {request.method} {request.url.path}") from e
