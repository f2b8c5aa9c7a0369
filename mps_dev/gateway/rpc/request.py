"""Reading an /rpc request the way PostgREST's ApiRequest does: schema, arguments, media types."""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import parse_qsl

from starlette.requests import Request

from .. import errors
from .statement import Arguments

JSON_TYPES = ("application/json", "application/vnd.pgrst.object+json", "application/vnd.pgrst.object")
RAW_TYPES = ("text/plain", "text/xml", "application/octet-stream")
FORM_TYPE = "application/x-www-form-urlencoded"
# Query parameters that PostgREST reads as result filters or options, never as arguments. The
# API key is removed too: the gateway in front of PostgREST consumes it.
RESERVED_QUERY = {"select", "columns", "order", "limit", "offset", "on_conflict", "and", "or", "apikey"}


@dataclass(frozen=True)
class Call:
    keys: frozenset[str]
    args: Arguments
    media: str | None  # the request body's media type (POST only)
    is_array: bool = False  # a JSON array body: only a single unnamed json parameter takes it


def _mime(value: str | None) -> str:
    return (value or "").split(";", 1)[0].strip().lower()


def schema_of(request: Request, exposed: tuple[str, ...]) -> str:
    header = "content-profile" if request.method == "POST" else "accept-profile"
    schema = request.headers.get(header)
    if schema is None:
        return exposed[0]
    if schema not in exposed:
        raise errors.unacceptable_schema(schema, exposed)
    return schema


def wants_single_object(request: Request) -> bool:
    """True for `application/vnd.pgrst.object+json`; ApiError PGRST107 for nothing we can serve."""
    accept = request.headers.get("accept")
    if not accept or not accept.strip():
        return False
    offered: list[tuple[float, int, str]] = []
    for i, item in enumerate(accept.split(",")):
        parts = [p.strip() for p in item.split(";")]
        q = 1.0
        for p in parts[1:]:
            if p.startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        offered.append((-q, i, parts[0].lower()))
    for _q, _i, mt in sorted(offered):
        if mt in ("application/json", "application/*", "*/*"):
            return False
        if mt in ("application/vnd.pgrst.object+json", "application/vnd.pgrst.object"):
            return True
    raise errors.unacceptable_media([mt for _q, _i, mt in offered])


def from_query(request: Request) -> Call:
    # Repeated keys: the last value wins.
    values = {k: v for k, v in parse_qsl(request.url.query, keep_blank_values=True) if k not in RESERVED_QUERY}
    return Call(frozenset(values), Arguments(direct=values), None)


def _reject_constant(name: str):
    raise ValueError(name)


def from_body(request: Request, body: bytes) -> Call:
    media = _mime(request.headers.get("content-type")) or "application/json"
    if media in JSON_TYPES:
        if not body.strip():
            return Call(frozenset(), Arguments(json_text="{}"), "application/json")
        try:
            text = body.decode("utf-8")
            value = json.loads(text, parse_constant=_reject_constant)
        except ValueError:
            raise errors.invalid_body("Empty or invalid json") from None
        if isinstance(value, dict):
            return Call(frozenset(value), Arguments(json_text=text), "application/json")
        if isinstance(value, list):
            return Call(frozenset(), Arguments(positional=text, is_positional=True), "application/json", True)
        # PostgREST turns any other JSON value into an empty argument list.
        return Call(frozenset(), Arguments(json_text="{}"), "application/json")
    if media == FORM_TYPE:
        try:
            pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            raise errors.invalid_body("Empty or invalid json") from None
        values = dict(pairs)
        return Call(frozenset(values), Arguments(direct=values), media)
    if media in RAW_TYPES:
        raw: object = body if media == "application/octet-stream" else body.decode("utf-8", "replace")
        return Call(frozenset(), Arguments(positional=raw, is_positional=True), media)
    raise errors.invalid_body(f"Content-Type not acceptable: {media}")
