"""PostgREST's query-string grammar for shaping an RPC result: select, filters, order, limit/offset.

Read the way PostgREST's QueryParams does: `select`, `columns` and `on_conflict` are reserved;
keys ending in `order`, `limit`, `offset`, `and`, `or` shape the result; every other key is a
filter `col=[not.]op.value`. On GET/HEAD a value without an operator is a function argument
(`?n=5&i=gt.2`: `n` is an argument, `i` a filter); on POST every such key must be a filter.
Only parsing happens here: names become SQL identifiers, values bind parameters, later
(statement.py), after they are checked against the function's result columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import ApiError

# Operators whose value is one string; like/ilike take `*` as the wildcard.
SIMPLE_OPERATORS = {"eq": "=", "neq": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<=",
                    "like": "LIKE", "ilike": "ILIKE", "match": "~", "imatch": "~*"}
# Operators PostgREST knows that the stand-in does not apply (answered PGRST127, never a 5xx).
UNSUPPORTED_OPERATORS = ("cs", "cd", "ov", "sl", "sr", "nxr", "nxl", "adj", "fts", "plfts", "phfts", "wfts")
IS_VALUES = {"null": "IS NULL", "not_null": "IS NOT NULL", "true": "IS TRUE", "false": "IS FALSE",
             "unknown": "IS UNKNOWN"}
_SHAPING_SUFFIXES = ("order", "limit", "offset", "and", "or")
_RESERVED = ("select", "columns", "on_conflict")
# PostgREST's identifier characters (pIdentifier), dash-separated words allowed.
_FIELD = re.compile(r"[A-Za-z0-9_ $]+(?:-[A-Za-z0-9_ $]+)*")
_INTEGER = re.compile(r"\s*-?[0-9]+\s*")


@dataclass(frozen=True)
class Filter:
    column: str
    negated: bool
    operator: str  # a key of SIMPLE_OPERATORS, "in", "is" or "isdistinct"
    value: str | tuple[str, ...]


@dataclass(frozen=True)
class OrderTerm:
    column: str
    descending: bool
    nulls: str | None  # "first", "last" or None (PostgreSQL's default for the direction)


@dataclass(frozen=True)
class SelectItem:
    column: str  # "*" for every column
    alias: str | None = None
    cast: str | None = None


@dataclass
class Shaping:
    select: list[SelectItem] = field(default_factory=lambda: [SelectItem("*")])
    filters: list[Filter] = field(default_factory=list)
    order: list[OrderTerm] = field(default_factory=list)
    limit: int | None = None  # from `limit=`; None: not given or not an integer (PostgREST ignores it)
    offset: int | None = None


def _parse_error(what: str, text: str, column: int, details: str) -> ApiError:
    # PostgREST renders Parsec's position: "\"failed to parse filter (x)\" (line 1, column 1)".
    return ApiError(400, "PGRST100", f'"failed to parse {what} ({text})" (line 1, column {column})', details)


def not_implemented(details: str) -> ApiError:
    return ApiError(400, "PGRST127", "Feature not implemented", details)


def _field_name(text: str, what: str, whole: str) -> str:
    """A column name: PostgREST's identifier characters, or a double-quoted name."""
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    stripped = text.strip()
    if "->" in stripped:
        raise not_implemented("The local stand-in does not filter, order or select on JSON paths "
                              "of an RPC result")
    if not stripped or not _FIELD.fullmatch(stripped):
        bad = next((i for i, c in enumerate(text) if not (c.isalnum() or c in "_ $-")), 0)
        raise _parse_error(what, whole, bad + 1,
                           f'unexpected "{text[bad:bad + 1]}" expecting field name (* or [a..z0..9_$])')
    return stripped


def parse_filter(key: str, value: str) -> Filter | None:
    """The filter of `key=value`, or None when the value has no operator (PostgREST's NoOpExpr)."""
    negated = False
    rest = value
    if rest.startswith("not."):
        negated, rest = True, rest[4:]
    op, dot, operand = rest.partition(".")
    quant = re.fullmatch(r"([a-z]+)\((any|all)\)", op)
    if not dot or (op not in SIMPLE_OPERATORS and op not in ("in", "is", "isdistinct")
                   and op not in UNSUPPORTED_OPERATORS and not quant):
        if negated:
            raise _parse_error("filter", value, 5, 'unexpected end of input expecting operator (eq, gt, ...)')
        return None
    column = _filter_column(key)
    if quant or op in UNSUPPORTED_OPERATORS:
        raise not_implemented(f"The local stand-in does not apply the '{op}' operator on RPC results")
    if op == "in":
        return Filter(column, negated, "in", _list_value(value, operand))
    if op == "is":
        if operand.lower() not in IS_VALUES:
            raise _parse_error("filter", value, len(value) - len(operand) + 1,
                               'unexpected "' + operand[:1] + '" expecting isVal:'
                               ' (null, not_null, true, false, unknown)')
        return Filter(column, negated, "is", operand.lower())
    return Filter(column, negated, op, operand)


def _filter_column(key: str) -> str:
    if "." in key.replace("->", ""):
        # `embedded.column=...`: the stand-in embeds no resources.
        resource = key.split(".", 1)[0]
        raise ApiError(400, "PGRST108", f"'{resource}' is not an embedded resource in this request", None,
                       f"Verify that '{resource}' is included in the 'select' query parameter.")
    return _field_name(key, "tree path", key)


def _list_value(whole: str, operand: str) -> tuple[str, ...]:
    """`(a,"b,c",d)`: PostgREST's pListVal; a quoted element may hold commas and parentheses."""
    text = operand.strip()
    if not (text.startswith("(") and text.endswith(")")):
        raise _parse_error("filter", whole, len(whole) - len(operand) + 1, 'unexpected end of input expecting "("')
    inner, items, i = text[1:-1], [], 0
    if inner.strip() == "":
        return ()
    while True:
        end = inner.find(",", i)
        end = len(inner) if end < 0 else end
        if inner.startswith('"', i):
            j, buf = i + 1, []
            while j < len(inner) and inner[j] != '"':
                step = 2 if inner[j] == "\\" and j + 1 < len(inner) else 1
                buf.append(inner[j + step - 1])
                j += step
            if j < len(inner) and (j + 1 == len(inner) or inner[j + 1] == ","):
                items.append("".join(buf))
                end = j + 1
            else:
                items.append(inner[i:end])
        else:
            items.append(inner[i:end])
        if end >= len(inner):
            return tuple(items)
        i = end + 1


def parse_order(value: str) -> list[OrderTerm]:
    terms = []
    for raw in value.split(","):
        parts = raw.strip().split(".")
        column = _field_name(parts[0], "order", value)
        descending, nulls = False, None
        rest = parts[1:]
        if rest and rest[0] in ("asc", "desc"):
            descending = rest.pop(0) == "desc"
        if rest and rest[0] in ("nullsfirst", "nullslast"):
            nulls = rest.pop(0)[5:]
        if rest:
            raise _parse_error("order", value, len(value) - len(".".join(rest)) + 1,
                               'unexpected "' + rest[0][:1] + '" expecting "asc", "desc", "nullsfirst" or "nullslast"')
        terms.append(OrderTerm(column, descending, nulls))
    return terms


def parse_select(value: str) -> list[SelectItem]:
    if value.strip() == "":
        return [SelectItem("*")]
    items = []
    for raw in value.split(","):
        text = raw.strip()
        if "(" in text or text.startswith("..."):
            if text.endswith("count()") or ".count()" in text or re.search(r"\.(sum|avg|max|min)\(\)", text):
                raise ApiError(400, "PGRST123", "Use of aggregate functions is not allowed")
            raise not_implemented("The local stand-in embeds no resources in RPC results")
        if text == "*":
            items.append(SelectItem("*"))
            continue
        alias = None
        m = re.fullmatch(r'((?:"[^"]*")|[^:"]+):(?!:)(.*)', text)
        if m:
            alias, text = _field_name(m.group(1), "select parameter", value), m.group(2)
        cast = None
        if "::" in text:
            text, cast = text.split("::", 1)
            if not re.fullmatch(r"[A-Za-z0-9_ ]+", cast.strip()):
                raise _parse_error("select parameter", value, len(value) - len(cast) + 1,
                                   'unexpected character expecting a type name')
            cast = cast.strip()
        items.append(SelectItem(_field_name(text, "select parameter", value), alias, cast))
    return items


def _integer(value: str) -> int | None:
    """Haskell's readMaybe on an Integer, as PostgREST reads limit and offset."""
    return int(value) if _INTEGER.fullmatch(value) else None


def split_query(pairs: list[tuple[str, str]], *, is_read: bool) -> tuple[dict[str, str], Shaping]:
    """(function arguments, result shaping) of the query string's pairs."""
    args: dict[str, str] = {}
    shaping = Shaping()
    for key, value in pairs:
        last = key.rsplit(".", 1)[-1]
        if key in _RESERVED:
            if key == "select":
                shaping.select = parse_select(value)
            continue
        if last in _SHAPING_SUFFIXES:
            if key != last:
                resource = key.rsplit(".", 1)[0]
                raise ApiError(400, "PGRST108", f"'{resource}' is not an embedded resource in this request",
                               None, f"Verify that '{resource}' is included in the 'select' query parameter.")
            if key == "order":
                shaping.order = parse_order(value)
            elif key == "limit":
                shaping.limit = _integer(value)
            elif key == "offset":
                shaping.offset = _integer(value)
            else:
                raise not_implemented("The local stand-in does not apply and=/or= logic trees on RPC results")
            continue
        parsed = parse_filter(key, value)
        if parsed is not None:
            shaping.filters.append(parsed)
        elif is_read:
            args[key] = value  # a repeated argument keeps its last value
        else:
            raise _parse_error("filter", value, 1,
                               'unexpected "' + value[:1] + '" expecting "not" or operator (eq, gt, ...)')
    return args, shaping
