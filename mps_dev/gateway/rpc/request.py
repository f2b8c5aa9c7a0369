"""Reading an /rpc request the way PostgREST's ApiRequest does: schema, arguments, media types."""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import parse_qsl

from starlette.requests import Request

from .. import errors, nesting
from . import shaping
from .statement import Arguments

JSON_TYPES = ("application/json", "application/vnd.pgrst.object+json", "application/vnd.pgrst.object")
RAW_TYPES = ("text/plain", "text/xml", "application/octet-stream")
FORM_TYPE = "application/x-www-form-urlencoded"


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


@dataclass(frozen=True)
class Media:
    """The answer's media type: a JSON array/value, or one object; nulls stripped or kept."""

    single: bool = False
    strip_nulls: bool = False

    def content_type(self) -> str:
        nulls = ";nulls=stripped" if self.strip_nulls else ""
        if self.single:
            return f"application/vnd.pgrst.object+json{nulls}; charset=utf-8"
        if self.strip_nulls:
            return "application/vnd.pgrst.array+json;nulls=stripped; charset=utf-8"
        return "application/json; charset=utf-8"


def negotiate(request: Request) -> Media:
    """PostgREST's choice among what `Accept` offers; ApiError PGRST107 for nothing it serves."""
    accept = request.headers.get("accept")
    if not accept or not accept.strip():
        return Media()
    offered: list[tuple[float, int, str, dict[str, str]]] = []
    for i, item in enumerate(accept.split(",")):
        parts = [p.strip() for p in item.split(";")]
        params = {}
        for p in parts[1:]:
            key, _eq, value = p.partition("=")
            params[key.strip().lower()] = value.strip()
        try:
            q = float(params.get("q", "1"))
        except ValueError:
            q = 0.0
        offered.append((-q, i, parts[0].lower(), params))
    for _q, _i, mt, params in sorted(offered, key=lambda o: (o[0], o[1])):
        stripped = params.get("nulls") == "stripped"
        if mt in ("application/json", "application/*", "*/*"):
            return Media()
        if mt in ("application/vnd.pgrst.object+json", "application/vnd.pgrst.object"):
            return Media(single=True, strip_nulls=stripped)
        if mt in ("application/vnd.pgrst.array+json", "application/vnd.pgrst.array"):
            return Media(strip_nulls=stripped)
    raise errors.unacceptable_media([mt for _q, _i, mt, _p in offered])


def from_query(request: Request) -> tuple[Call, shaping.Shaping]:
    """A GET/HEAD call: arguments and shaping from the query string."""
    args, shape = shaping.split_query(_query_pairs(request), is_read=True)
    return Call(frozenset(args), Arguments(direct=args), None), shape


def shaping_of_post(request: Request) -> shaping.Shaping:
    """A POST's query string: only shaping and filters (its arguments are in the body)."""
    return shaping.split_query(_query_pairs(request), is_read=False)[1]


def _query_pairs(request: Request) -> list[tuple[str, str]]:
    # The API key is the gateway's, never PostgREST's: it is removed before anything reads them.
    return [(k, v) for k, v in parse_qsl(request.url.query, keep_blank_values=True) if k != "apikey"]


def _reject_constant(name: str):
    raise ValueError(name)


def from_body(request: Request, body: bytes) -> Call:
    media = _mime(request.headers.get("content-type")) or "application/json"
    if media in JSON_TYPES:
        if not body.strip():
            return Call(frozenset(), Arguments(json_text="{}"), "application/json")
        try:
            text = body.decode("utf-8")
        except ValueError:
            raise errors.invalid_body("Empty or invalid json") from None
        if nesting.too_deep(text):
            raise errors.too_deeply_nested(nesting.MAX_JSON_DEPTH)
        try:
            value = json.loads(text, parse_constant=_reject_constant)
        except (ValueError, RecursionError):
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
