"""Generated hostile requests for every route of the stand-in: never a 5xx, the database unchanged.

For every function in the catalog's `public` schema (the shipped RPCs and the gateway's test
functions) and every /auth/v1 route, hypothesis builds requests from hostile parts: bodies
(binary, truncated or deeply nested JSON, NULs, lone surrogates, huge numbers, wrong types for
each parameter), query strings (filters, select/order/limit garbage, the function's own argument
names), headers (Accept, Prefer, Range, profiles, Content-Type, API version) and tokens (none,
the anon key, a signed-in non-operator's token, forged, tampered, `alg` lists and objects,
expired, signed with another secret). Identities never include the service role or a real
session's sign-out: with those a well-formed request may rightly change data.

Each route's cases run between two digests of every table of the database, which must match.
The figures (cases per route, 5xx seen) are printed at the end of the run. More cases:
MPS_HOSTILE_EXAMPLES=500 (per route).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import psycopg
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from mps_dev.gateway import jwt
from mps_dev.gateway.auth import errors as auth_errors
from mps_dev.gateway.auth.users import validate_new_user

from .hostile_figures import FIGURES

EXAMPLES = int(os.environ.get("MPS_HOSTILE_EXAMPLES", "60"))
ROOT = Path(__file__).resolve().parents[2]
SQL_FILES = (ROOT / "server_sql" / "mps_rpc.sql", Path(__file__).with_name("functions.sql"))
# Test-only functions that any anonymous caller may use to write: a generated well-formed call
# there is a legitimate write, not a fault, so they are left out of the sweep.
WRITERS_OPEN_TO_ANON = {"t_note", "t_note_rows"}


def _function_names() -> list[str]:
    names: set[str] = set()
    for f in SQL_FILES:
        names |= set(re.findall(r"create or replace function public\.([a-z_0-9]+)\s*\(", f.read_text(), re.I))
    return sorted(names - WRITERS_OPEN_TO_ANON)


FUNCTIONS = _function_names()
# (route, grant_type): None sends none, "*" a generated one.
AUTH_ROUTES = {"token?grant_type=password": "password", "token?grant_type=refresh_token": "refresh_token",
               "token?grant_type=*": "*", "logout": None, "user": None, "admin/users": None, "health": None,
               "<any path>": None}
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=False,
                    suppress_health_check=list(HealthCheck))

# -- strategies ------------------------------------------------------------------------------

PRINTABLE = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7e), max_size=40)
NASTY_TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["\u0000", "a\u0000b", "\ud800", "'; drop table auth.users; --", "%00", "\\", '"', "",
                     " ", "null", "NaN", "1e999999", "-0", "9" * 400, "\u202e", "😀" * 10]),
)


def nested_json(levels: int) -> str:
    return "[" * levels + "]" * levels


JSON_LEAF = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                      NASTY_TEXT, st.integers(min_value=10**30, max_value=10**60))
JSON_VALUE = st.recursive(JSON_LEAF, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                              st.dictionaries(NASTY_TEXT, inner, max_size=4)),
                          max_leaves=12)
RAW_NESTING = st.integers(min_value=400, max_value=70_000).map(nested_json)


def json_bodies(keys: list[str]) -> st.SearchStrategy[bytes]:
    """Bodies: objects with the route's own keys and others, raw nesting, garbage bytes."""
    key = st.one_of(st.sampled_from(keys), NASTY_TEXT) if keys else NASTY_TEXT
    value = st.one_of(JSON_VALUE, RAW_NESTING.map(lambda s: {"__raw__": s}))

    def encode(obj: dict) -> bytes:
        parts = []
        for k, v in obj.items():
            v_text = v["__raw__"] if isinstance(v, dict) and "__raw__" in v else json.dumps(v)
            parts.append(json.dumps(k) + ":" + v_text)
        return ("{" + ",".join(parts) + "}").encode("utf-8", "surrogatepass")

    objects = st.dictionaries(key, value, max_size=6).map(encode)
    return st.one_of(
        objects,
        objects.map(lambda b: b[: max(1, len(b) // 2)]),  # truncated
        st.binary(max_size=120),
        RAW_NESTING.map(str.encode),
        JSON_VALUE.map(lambda v: json.dumps(v).encode()),
        st.sampled_from([b"", b"{", b"[", b'{"a":}', b"\xff\xfe", b"\x00", b"NaN", b'{"x": Infinity}',
                         b"[" * 100_000, b'"' * 1000]),
    )


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def forged_tokens(gw) -> st.SearchStrategy[str]:
    other = jwt.new_secret()
    headers = st.one_of(
        st.fixed_dictionaries({"alg": st.one_of(st.sampled_from(["HS256", "HS512", "none", "RS256", "ES256", ""]),
                                                st.lists(st.text(max_size=5), max_size=3),
                                                st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
                                                st.integers(), st.none())}),
        JSON_VALUE,
    )
    claims = st.one_of(st.fixed_dictionaries({"role": st.sampled_from(["service_role", "postgres", "anon", "x"]),
                                              "exp": st.one_of(st.integers(), st.text(max_size=5))}), JSON_VALUE)

    def assemble(h, c, sig):
        return f"{_b64(json.dumps(h).encode())}.{_b64(json.dumps(c).encode())}.{sig}"

    return st.one_of(
        st.builds(assemble, headers, claims, st.one_of(st.just(""), PRINTABLE.map(lambda s: _b64(s.encode())))),
        st.builds(lambda c: jwt.sign(c, other), st.fixed_dictionaries({"role": st.just("service_role")})),
        st.just(jwt.sign({"role": "service_role", "exp": int(time.time()) - 3600}, gw.jwt_secret)),
        st.builds(lambda n: _b64(nested_json(n).encode()) + ".e30.c2ln", st.integers(400, 20_000)),
        PRINTABLE,
    )


def authorizations(gw, user_token: str | None) -> st.SearchStrategy[str | None]:
    tokens = [forged_tokens(gw), st.just(gw.anon_key)]
    if user_token:
        # Often a real signed-in (non-operator) user, so that calls get past 42501 into the RPCs.
        tokens += [st.just(user_token)] * 3
    token = st.one_of(*tokens)
    return st.one_of(st.none(), token.map(lambda t: f"Bearer {t}"),
                     st.builds(lambda scheme, t: f"{scheme} {t}", st.sampled_from(["bearer", "Basic", "Bearer  ", ""]),
                               token),
                     PRINTABLE)


def header_sets(gw, user_token: str | None) -> st.SearchStrategy[dict[str, str]]:
    # Mostly absent, so that many cases get past the headers to the function call itself.
    maybe = lambda s: st.one_of(st.none(), st.none(), st.none(), s)  # noqa: E731
    fields = {
        "Authorization": maybe(authorizations(gw, user_token)),
        "Content-Type": maybe(st.one_of(st.sampled_from([
            "application/json", "application/json; charset=utf-8", "text/plain", "text/xml", "image/png",
            "application/x-www-form-urlencoded", "application/octet-stream", "application/vnd.pgrst.object+json",
            "multipart/form-data; boundary=x", ""]), PRINTABLE)),
        "Accept": maybe(st.one_of(st.sampled_from([
            "application/vnd.pgrst.object+json", "application/vnd.pgrst.array+json;nulls=stripped", "text/csv",
            "application/json;q=abc", "*/*;q=0", "application/vnd.pgrst.plan+json"]), PRINTABLE)),
        "Prefer": maybe(st.one_of(st.sampled_from([
            "count=exact", "count=planned", "count=estimated", "return=minimal", "handling=strict, x=y",
            "tx=rollback", "params=single-object", "max-affected=-1", "timezone=Mars/Base"]), PRINTABLE)),
        "Range": maybe(st.one_of(st.sampled_from(["0-0", "5-1", "1-", "-1", "99999999999999999999-"]), PRINTABLE)),
        "Accept-Profile": maybe(st.sampled_from(["public", "auth", "app", "", "pg_catalog"])),
        "Content-Profile": maybe(st.sampled_from(["public", "auth", "app", "", "extensions"])),
        "X-Supabase-Api-Version": maybe(st.one_of(st.just("2024-01-01"), PRINTABLE)),
        "Origin": maybe(PRINTABLE),
        # Mostly the anon key, so that most cases reach the service behind the gateway (a
        # number picks it: hypothesis avoids repeating a case, which would favour garbage).
        "apikey": st.builds(lambda pick, garbage: gw.anon_key if pick < 8 else (garbage if pick == 8 else None),
                            st.integers(0, 9), PRINTABLE),
    }
    return st.fixed_dictionaries(fields).map(lambda d: {k: v for k, v in d.items() if v is not None})


def query_pairs(keys: list[str]) -> st.SearchStrategy[list[tuple[str, str]]]:
    key = st.one_of(st.sampled_from([*keys, "select", "order", "limit", "offset", "or", "and", "columns", "x.y",
                                     "on_conflict", "apikey"]), NASTY_TEXT)
    value = st.one_of(
        st.builds(lambda op, v: f"{op}.{v}", st.sampled_from(
            ["eq", "neq", "gt", "gte", "lt", "lte", "like", "ilike", "in", "is", "not.eq", "not.in", "cs", "fts",
             "eq(any)", "isdistinct", "match", "noop", "not"]), NASTY_TEXT),
        NASTY_TEXT, RAW_NESTING.map(lambda s: s[:3000]), st.integers().map(str),
    )
    return st.lists(st.tuples(key, value), max_size=5)


def quoted(text: str, safe: str = "") -> str:
    return quote(text.encode("utf-8", "surrogatepass"), safe=safe)


def query_string(pairs: list[tuple[str, str]]) -> str:
    """Any text as a query string, lone surrogates and NULs included (percent-encoded bytes)."""
    return "&".join(f"{quoted(k)}={quoted(v)}" for k, v in pairs)


def safe_headers(headers: dict[str, str]) -> dict[str, str]:
    """Header values as HTTP can carry them (latin-1, no CR/LF/NUL)."""
    out = {}
    for k, v in headers.items():
        v = re.sub(r"[\r\n\x00]", "", v).strip(" \t")
        try:
            v.encode("latin-1")
        except UnicodeEncodeError:
            v = v.encode("utf-8", "surrogatepass").decode("latin-1")
        out[k] = v
    return out


# -- the database digest ---------------------------------------------------------------------

def digest(conn: psycopg.Connection) -> dict[str, str]:
    tables = conn.execute(
        "select format('%I.%I', n.nspname, c.relname) from pg_class c join pg_namespace n on n.oid = c.relnamespace "
        "where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema') "
        "and n.nspname not like 'pg_toast%' order by 1").fetchall()
    out = {}
    for (name,) in tables:
        row = conn.execute(f"select count(*), md5(coalesce(string_agg(t::text, '|' order by t::text), '')) "
                           f"from {name} t").fetchone()
        out[name] = f"{row[0]}:{row[1]}"
    return out


# -- fixtures --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def hostile(gw):
    """A client, a superuser connection and a signed-in user who operates no merchant."""
    user = gw.create_user()
    with httpx.Client(base_url=gw.url, timeout=60) as client:
        r = client.post("/auth/v1/token", params={"grant_type": "password"}, headers={"apikey": gw.anon_key},
                        json={"email": user["email"], "password": user["password"]})
        r.raise_for_status()
        with psycopg.connect(gw.dsn, autocommit=True) as conn:
            yield client, conn, r.json()["access_token"]


def _routine_keys(conn: psycopg.Connection, name: str) -> list[str]:
    rows = conn.execute("select coalesce(array_to_json(p.proargnames), '[]') from pg_proc p "
                        "join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public' and p.proname = %s",
                        (name,)).fetchall()
    keys = {k for (names,) in rows for k in names if k}
    return sorted(keys | {"id", "name", "tag", "amount"})


def _run(route: str, conn: psycopg.Connection, send) -> None:
    """Run the route's generated cases between two digests; record the figures."""
    figures = FIGURES.setdefault(route, {"cases": 0, "5xx": 0, "statuses": {}})
    before = digest(conn)
    try:
        send(figures)
    finally:
        after = digest(conn)
    changed = sorted(t for t in set(before) | set(after) if before.get(t) != after.get(t))
    assert changed == [], f"{route}: hostile requests changed {changed}"


def _record(figures: dict, r: httpx.Response, description: str) -> None:
    figures["cases"] += 1
    figures["statuses"][r.status_code] = figures["statuses"].get(r.status_code, 0) + 1
    if r.status_code >= 500:
        figures["5xx"] += 1
    assert r.status_code < 500, f"{description} → {r.status_code} {r.text[:300]}"
    assert "Traceback" not in r.text


# -- the sweep -------------------------------------------------------------------------------

def test_the_sweep_covers_the_whole_catalog(hostile):
    _client, conn, _token = hostile
    in_catalog = {n for (n,) in conn.execute(
        "select distinct p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace "
        "where n.nspname = 'public' and p.prokind = 'f'")}
    assert in_catalog - WRITERS_OPEN_TO_ANON == set(FUNCTIONS)


@pytest.mark.parametrize("fn", FUNCTIONS)
def test_hostile_rpc_calls(gw, hostile, fn):
    client, conn, user_token = hostile
    keys = _routine_keys(conn, fn)

    @SETTINGS
    @given(method=st.sampled_from(["POST"] * 6 + ["GET"] * 3 + ["HEAD", "PUT", "DELETE", "OPTIONS"]),
           body=json_bodies(keys), headers=header_sets(gw, user_token), query=query_pairs(keys),
           path_suffix=st.sampled_from(["", "", "", "/", "%00", "'", "/../x"]))
    def case(figures, method, body, headers, query, path_suffix):
        headers = safe_headers(headers)
        r = client.request(method, f"/rest/v1/rpc/{fn}{path_suffix}?{query_string(query)}", headers=headers,
                           content=body if method not in ("GET", "HEAD") else None)
        _record(figures, r, f"{method} {fn}{path_suffix} q={query!r} h={headers!r} body={body[:200]!r}")

    _run(f"rpc/{fn}", conn, lambda figures: case(figures))


@pytest.mark.parametrize("route", list(AUTH_ROUTES))
def test_hostile_auth_calls(gw, hostile, route):
    client, conn, user_token = hostile
    path = route.split("?", 1)[0]
    grant = AUTH_ROUTES[route]
    keys = ["email", "password", "refresh_token", "phone", "data", "gotrue_meta_security", "user_metadata",
            "app_metadata", "email_confirm", "role"]
    # A real user's token may read /user but must not end a real session (that is a rightful change).
    token = user_token if path == "user" else None

    @SETTINGS
    @given(body=json_bodies(keys), headers=header_sets(gw, token), query=query_pairs(["grant_type", "scope"]),
           grant_type=NASTY_TEXT, method=st.sampled_from(["POST"] * 4 + ["GET", "PUT", "DELETE"]),
           as_service=st.booleans(), any_path=NASTY_TEXT)
    def case(figures, body, headers, query, grant_type, method, as_service, any_path):
        headers = safe_headers(headers)
        target = quoted(any_path, safe="/") if path == "<any path>" else path
        params = [(k, v) for k, v in query if k != "grant_type"] if grant else list(query)
        if grant:
            params.append(("grant_type", grant_type if grant == "*" else grant))
        if path == "admin/users" and as_service:
            # With the service key a well-formed body rightly creates a user: only malformed ones.
            try:
                validate_new_user(json.loads(body))
                assume(False)
            except (ValueError, RecursionError, TypeError, AttributeError, auth_errors.AuthError):
                pass
            headers = {**headers, "apikey": gw.service_key, "Authorization": f"Bearer {gw.service_key}"}
        if path in ("user", "health") and method == "POST":
            method = "GET"
        r = client.request(method, f"/auth/v1/{target}?{query_string(params)}", headers=headers,
                           content=body if method != "GET" else None)
        _record(figures, r, f"{method} /auth/v1/{target} q={params!r} h={headers!r} body={body[:200]!r}")

    _run(f"auth/{route}", conn, lambda figures: case(figures))


@pytest.mark.parametrize("name", ["tables"])
def test_hostile_table_paths(gw, hostile, name):
    client, conn, user_token = hostile

    @SETTINGS
    @given(table=NASTY_TEXT, headers=header_sets(gw, user_token), method=st.sampled_from(["GET", "POST", "PATCH"]))
    def case(figures, table, headers, method):
        headers = safe_headers(headers)
        path = "/rest/v1/" + quoted(table, safe="/")
        r = client.request(method, path, headers=headers)
        _record(figures, r, f"{method} {path} h={headers!r}")

    _run("rest/<table>", conn, lambda figures: case(figures))


def test_digest_sees_a_change(hostile):
    """The digest is not blind: a row added anywhere changes it."""
    _client, conn, _token = hostile
    before = digest(conn)
    conn.execute("insert into gwtest.notes (note) values (%s)", (hashlib.sha256(b"digest").hexdigest(),))
    assert digest(conn) != before
