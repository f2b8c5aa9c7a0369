"""Reading a request body under the gateway's size limit."""

from __future__ import annotations

from starlette.requests import Request

from . import errors

# Past this much, stop draining and let the connection close: a client that keeps sending is
# not going to read our answer anyway.
_DRAIN_FACTOR = 16


async def read_limited(request: Request, limit: int) -> bytes:
    """The whole body, or ApiError 413. An oversized body is drained (not kept) before answering,
    so that an ordinary client finishes sending and reads the 413 instead of a reset."""
    declared = request.headers.get("content-length")
    too_big = declared is not None and declared.isdigit() and int(declared) > limit
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            too_big = True
        if too_big:
            chunks.clear()
            if size > limit * _DRAIN_FACTOR:
                break
        else:
            chunks.append(chunk)
    if too_big:
        raise errors.payload_too_large(limit)
    return b"".join(chunks)
