"""How deeply a JSON text nests, measured without parsing it, and the gateway's limit on that.

Python's json parser recurses (a few thousand levels raise RecursionError) and PostgreSQL's JSON
input fails with 54001 "stack depth limit exceeded" somewhere past that, which PostgREST answers
500. The gateway measures the nesting of every JSON body and of every text it would cast to
json/jsonb, and refuses more than MAX_JSON_DEPTH levels with a 400 before anything parses it.
No real request of this project nests past a handful of levels.
"""

from __future__ import annotations

import re

MAX_JSON_DEPTH = 512

# Brackets and string literals: brackets inside strings do not nest anything.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]', re.S)


def depth(text: str) -> int:
    """The deepest bracket nesting of a JSON text (0 for a scalar). Malformed text is measured
    as far as its brackets go; parsing it is the caller's business."""
    if "[" not in text and "{" not in text:
        return 0
    level = deepest = 0
    for m in _TOKENS.finditer(text):
        c = m.group()[0]
        if c in "[{":
            level += 1
            if level > deepest:
                deepest = level
        elif c in "]}":
            level -= 1
    return deepest


def too_deep(text: str | bytes) -> bool:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return depth(text) > MAX_JSON_DEPTH
