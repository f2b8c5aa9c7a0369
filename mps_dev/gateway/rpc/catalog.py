"""What PostgREST's schema cache knows about functions, read from pg_proc on each call.

Reading the catalog per request (one indexed query) stands in for Supabase's schema cache,
which an event trigger reloads after every DDL: a function created a moment ago is callable.
"""

from __future__ import annotations

from dataclasses import dataclass

from psycopg import AsyncConnection

from ..errors import ApiError


@dataclass(frozen=True)
class Param:
    name: str  # '' for an unnamed parameter
    type: str  # format_type(): safe to splice into SQL, it comes from the catalog
    required: bool
    variadic: bool


@dataclass(frozen=True)
class Routine:
    schema: str
    name: str
    params: tuple[Param, ...]
    volatile: bool
    returns_set: bool
    returns_composite: bool
    returns_void: bool
    # The result's column names (OUT/TABLE parameters or the composite type's attributes):
    # what select=, filters and order= may name. Empty for scalar results.
    columns: tuple[str, ...] = ()

    @property
    def returns_scalar(self) -> bool:
        return not self.returns_composite


_CANDIDATES_SQL = """
select p.oid::bigint, p.provolatile = 'v', p.proretset, p.prorettype = 'pg_catalog.void'::regtype,
       (t.typtype = 'c' or (p.prorettype = 'pg_catalog.record'::regtype
          and coalesce('o' = any(p.proargmodes::text[]) or 'b' = any(p.proargmodes::text[])
                       or 't' = any(p.proargmodes::text[]), false))),
       coalesce((
         select json_agg(json_build_array(a.name, pg_catalog.format_type(a.typ, null),
                                          a.input_no <= p.pronargs - p.pronargdefaults, a.mode = 'v')
                         order by a.input_no)
         from (
           select coalesce(p.proargnames[x.ord], '') as name, x.typ,
                  coalesce(p.proargmodes[x.ord]::text, 'i') as mode,
                  row_number() over (order by x.ord) as input_no
           from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) with ordinality as x(typ, ord)
           where coalesce(p.proargmodes[x.ord]::text, 'i') in ('i', 'b', 'v')
         ) a), '[]'::json),
       coalesce(
         (select json_agg(coalesce(p.proargnames[x.ord], 'column' || x.ord) order by x.ord)
          from unnest(p.proargmodes::text[]) with ordinality as x(mode, ord) where x.mode in ('o', 'b', 't')),
         (select json_agg(a.attname order by a.attnum) from pg_catalog.pg_attribute a
          where a.attrelid = t.typrelid and a.attnum > 0 and not a.attisdropped),
         '[]'::json)
from pg_catalog.pg_proc p
join pg_catalog.pg_namespace n on n.oid = p.pronamespace
join pg_catalog.pg_type t on t.oid = p.prorettype
where n.nspname = %s and p.proname = %s and p.prokind = 'f'
order by p.oid
"""


async def candidates(conn: AsyncConnection, schema: str, name: str) -> list[Routine]:
    if "\x00" in name:
        return []  # no catalog name holds a NUL byte, and the driver could not even send it
    rows = await (await conn.execute(_CANDIDATES_SQL, (schema, name))).fetchall()
    return [
        Routine(schema, name, tuple(Param(*p) for p in params), volatile, retset, composite, void,
                tuple(columns) if composite else ())
        for _oid, volatile, retset, void, composite, params, columns in rows
    ]


# Content types whose raw body goes to a function's single unnamed parameter of this type.
SINGLE_PARAM_TYPES = {"application/json": ("json", "jsonb"), "text/plain": ("text",),
                      "text/xml": ("xml",), "application/octet-stream": ("bytea",)}


def _single_unnamed(r: Routine, media: str | None) -> bool:
    return (media is not None and len(r.params) == 1 and r.params[0].name == ""
            and r.params[0].type in SINGLE_PARAM_TYPES.get(media, ()))


def _matches(r: Routine, keys: frozenset[str], raw_media: bool) -> bool:
    if not r.params:
        return not keys and not raw_media
    required = {p.name for p in r.params if p.required}
    optional = {p.name for p in r.params if not p.required}
    return required <= keys and keys - required <= optional


def choose(routines: list[Routine], schema: str, name: str, keys: frozenset[str],
           *, media: str | None, is_post: bool) -> Routine:
    """PostgREST's findProc: named-argument matches first, then the single-unnamed-parameter
    fallback; none → PGRST202, several → PGRST203."""
    post_media = media if is_post else None
    raw_media = post_media in ("text/plain", "text/xml", "application/octet-stream")
    named = [r for r in routines if _matches(r, keys, raw_media)]
    single = [r for r in routines if r not in named and _single_unnamed(r, post_media)]
    chosen = named or single
    if len(chosen) == 1:
        return chosen[0]
    if chosen:
        raise _ambiguous(chosen)
    raise _not_found(schema, name, sorted(keys), post_media, routines)


def _ambiguous(routines: list[Routine]) -> ApiError:
    sigs = ", ".join(
        f"{r.schema}.{r.name}(" + ", ".join(f"{p.name} => {p.type}" for p in r.params) + ")"
        for r in routines)
    return ApiError(300, "PGRST203", f"Could not choose the best candidate function between: {sigs}",
                    None, "Try renaming the parameters or the function itself in the database so "
                    "function overloading can be resolved")


def _not_found(schema: str, name: str, keys: list[str], media: str | None,
               overloads: list[Routine]) -> ApiError:
    func = f"{schema}.{name}"
    raw_single = media in ("text/plain", "text/xml", "application/octet-stream")
    if keys:
        in_message = "(" + ", ".join(keys) + ")"
        searched = (" with parameters " if len(keys) > 1 else " with parameter ") + ", ".join(keys)
    else:
        in_message = searched = " without parameters"
    message = f"Could not find the function {func}{'' if raw_single else in_message} in the schema cache"
    unnamed = {"text/plain": "text", "text/xml": "xml", "application/octet-stream": "bytea"}
    if raw_single:
        searched = f" with a single unnamed {unnamed[media]} parameter"
    elif media == "application/json":
        searched += " or with a single unnamed json/jsonb parameter"
    details = f"Searched for the function {func}{searched}, but no matches were found in the schema cache."
    hint = None
    if overloads and not raw_single:
        # PostgREST suggests the closest overload by a fuzzy match; the stand-in names the
        # overloads' parameters when there is exactly one, and says nothing otherwise.
        named = [r for r in overloads if all(p.name for p in r.params)]
        if len(named) == 1:
            params = ", ".join(sorted(p.name for p in named[0].params))
            hint = f"Perhaps you meant to call the function {func}({params})"
    return ApiError(404, "PGRST202", message, details, hint)
