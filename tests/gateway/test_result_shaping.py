"""PostgREST's shaping of an RPC result over raw HTTP: select=, filters, order, limit/offset and
Range, Prefer: count=…, nulls=stripped; bad shaping gets PostgREST's codes and changes nothing."""

from __future__ import annotations

import pytest

ITEMS = "/rest/v1/rpc/t_items"


def ids(r) -> list[int]:
    assert r.status_code in (200, 206), r.text
    return [row["id"] for row in r.json()]


def post(http, headers, params=None, body=None, extra=None):
    return http.post(ITEMS, params=params, json={"n": 5} if body is None else body,
                     headers={**headers, **(extra or {})})


def test_get_query_parameter_with_an_operator_is_a_filter_not_an_argument(http, anon_headers):
    # Used to be 404 PGRST202: `id` is no argument of t_items.
    r = http.get(ITEMS, params={"n": 5, "id": "gt.2"}, headers=anon_headers)
    assert ids(r) == [3, 4, 5]


def test_get_defaults_still_apply_with_only_filters(http, anon_headers):
    assert ids(http.get(ITEMS, params={"id": "lte.2"}, headers=anon_headers)) == [1, 2]


@pytest.mark.parametrize("column,expr,expected", [
    ("id", "eq.3", [3]), ("id", "neq.3", [1, 2, 4, 5]), ("id", "gt.3", [4, 5]), ("id", "gte.3", [3, 4, 5]),
    ("id", "lt.3", [1, 2]), ("id", "lte.3", [1, 2, 3]), ("id", "in.(1,4,9)", [1, 4]), ("id", "in.()", []),
    ("tag", "is.null", [1, 3, 5]), ("tag", "not.is.null", [2, 4]), ("tag", "is.not_null", [2, 4]),
    ("name", "like.Item-*", [1, 2, 3, 4, 5]), ("name", "like.item-*", []), ("name", "ilike.item-*", [1, 2, 3, 4, 5]),
    ("name", "ilike.*-4", [4]), ("price", "gt.4.5", [4, 5]), ("id", "not.in.(1,2)", [3, 4, 5]),
    ("tag", "eq.even", [2, 4]), ("name", "match.^Item-[12]$", [1, 2]), ("name", "imatch.^ITEM-5", [5]),
    ("tag", "isdistinct.even", [1, 3, 5]), ("name", 'in.("Item-1","Item-2")', [1, 2]),
])
def test_filters_on_post(http, anon_headers, column, expr, expected):
    assert ids(post(http, anon_headers, {column: expr})) == expected


def test_several_filters_are_anded(http, anon_headers):
    r = post(http, anon_headers, [("id", "gt.1"), ("id", "lt.5"), ("tag", "is.null")])
    assert ids(r) == [3]


def test_select_chooses_renames_and_casts_columns(http, anon_headers):
    r = post(http, anon_headers, {"select": "id,label:name,price::text", "id": "eq.2"})
    assert r.json() == [{"id": 2, "label": "Item-2", "price": "3.0"}]


def test_order_limit_offset_and_content_range(http, anon_headers):
    r = post(http, anon_headers, {"order": "id.desc", "limit": "2", "offset": "1", "select": "id"})
    assert r.status_code == 200 and r.json() == [{"id": 4}, {"id": 3}]
    assert r.headers["content-range"] == "1-2/*"


def test_order_with_nulls_first_and_last(http, anon_headers):
    assert ids(post(http, anon_headers, {"order": "tag.desc.nullslast,id.asc"})) == [2, 4, 1, 3, 5]
    assert ids(post(http, anon_headers, {"order": "tag.asc.nullsfirst,id.desc"})) == [5, 3, 1, 4, 2]


def test_count_exact_gives_the_filtered_total_and_206_for_a_part(http, anon_headers):
    r = post(http, anon_headers, {"id": "gt.1", "limit": "2"}, extra={"Prefer": "count=exact"})
    assert r.status_code == 206 and ids(r) == [2, 3]
    assert r.headers["content-range"] == "0-1/4"
    assert r.headers["preference-applied"] == "count=exact"


def test_count_exact_of_the_whole_result_is_200(http, anon_headers):
    r = post(http, anon_headers, extra={"Prefer": "count=exact"})
    assert r.status_code == 200 and r.headers["content-range"] == "0-4/5"


def test_count_of_an_empty_result(http, anon_headers):
    r = post(http, anon_headers, {"id": "gt.99"}, extra={"Prefer": "count=exact"})
    assert r.status_code == 200 and r.json() == [] and r.headers["content-range"] == "*/0"


def test_count_planned_gives_no_total_and_estimated_the_exact_one(http, anon_headers):
    # PostgREST 12-14 count a function's rows for exact and estimated; planned has no estimate.
    r = post(http, anon_headers, {"limit": "1"}, extra={"Prefer": "count=planned"})
    assert r.headers["content-range"] == "0-0/*" and r.headers["preference-applied"] == "count=planned"
    r = post(http, anon_headers, {"limit": "1"}, extra={"Prefer": "count=estimated"})
    assert r.status_code == 206 and r.headers["content-range"] == "0-0/5"


def test_range_header_applies_to_get_only(http, anon_headers):
    r = http.get(ITEMS, params={"n": 5}, headers={**anon_headers, "Range": "1-2", "Prefer": "count=exact"})
    assert r.status_code == 206 and ids(r) == [2, 3] and r.headers["content-range"] == "1-2/5"
    r = post(http, anon_headers, extra={"Range": "1-2", "Prefer": "count=exact"})
    assert r.status_code == 200 and ids(r) == [1, 2, 3, 4, 5] and r.headers["content-range"] == "0-4/5"


def test_head_gives_the_count_without_a_body(http, anon_headers):
    r = http.head(ITEMS, params={"n": 5, "id": "gte.4"}, headers={**anon_headers, "Prefer": "count=exact"})
    assert r.status_code == 200 and r.content == b"" and r.headers["content-range"] == "0-1/2"


def test_offset_past_the_total_is_416_pgrst103(http, anon_headers):
    r = post(http, anon_headers, {"offset": "7"}, extra={"Prefer": "count=exact"})
    assert r.status_code == 416
    assert r.json() == {"code": "PGRST103", "message": "Requested range not satisfiable",
                        "details": "An offset of 7 was requested, but there are only 5 rows.", "hint": None}


def test_negative_limit_and_reversed_range_are_416(http, anon_headers):
    r = post(http, anon_headers, {"limit": "-1"})
    assert r.status_code == 416 and r.json()["details"] == "Limit should be greater than or equal to zero."
    r = http.get(ITEMS, headers={**anon_headers, "Range": "3-1"})
    assert r.status_code == 416 and r.json()["code"] == "PGRST103"


def test_limit_zero_gives_no_rows(http, anon_headers):
    r = post(http, anon_headers, {"limit": "0"})
    assert r.status_code == 200 and r.json() == []


def test_nulls_stripped_media_type(http, anon_headers):
    accept = "application/vnd.pgrst.array+json;nulls=stripped"
    r = post(http, anon_headers, {"id": "lte.2", "select": "id,tag"}, extra={"Accept": accept})
    assert r.json() == [{"id": 1}, {"id": 2, "tag": "even"}]
    assert r.headers["content-type"].startswith("application/vnd.pgrst.array+json;nulls=stripped")
    r = post(http, anon_headers, {"id": "eq.1", "select": "id,tag"},
             extra={"Accept": "application/vnd.pgrst.object+json;nulls=stripped"})
    assert r.json() == {"id": 1}


def test_return_minimal_leaves_a_call_answered_in_full(http, anon_headers):
    # PostgREST 12-14 apply return= to table writes only; a function's result is always sent.
    r = post(http, anon_headers, {"id": "eq.1"}, extra={"Prefer": "return=minimal"})
    assert r.status_code == 200 and ids(r) == [1] and "preference-applied" not in r.headers


def test_strict_handling_refuses_unknown_preferences(http, anon_headers):
    r = post(http, anon_headers, extra={"Prefer": "handling=strict, count=exact, bogus=1"})
    assert r.status_code == 400
    assert r.json()["code"] == "PGRST122" and r.json()["details"] == "Invalid preferences: bogus=1"
    r = post(http, anon_headers, extra={"Prefer": "bogus=1"})
    assert r.status_code == 200


def test_filter_on_a_column_the_result_lacks_is_42703(http, anon_headers):
    r = post(http, anon_headers, {"nope": "eq.1"})
    assert r.status_code == 400
    assert r.json() == {"code": "42703", "message": "column t_items.nope does not exist", "details": None, "hint": None}
    for params in ({"select": "id,nope"}, {"order": "nope"}):
        assert post(http, anon_headers, params).json()["code"] == "42703"


@pytest.mark.parametrize("params,code", [
    ({"id": "noop.1"}, "PGRST100"), ({"id": "1"}, "PGRST100"), ({"tag": "is.maybe"}, "PGRST100"),
    ({"id": "in.1,2"}, "PGRST100"), ({"order": "id.sideways"}, "PGRST100"), ({"order": "id;drop"}, "PGRST100"),
    ({"items.id": "eq.1"}, "PGRST108"), ({"or": "(id.eq.1,id.eq.2)"}, "PGRST127"), ({"id": "cs.{1}"}, "PGRST127"),
    ({"select": "count()"}, "PGRST123"), ({"select": "other(*)"}, "PGRST127"), ({"id": "eq.abc"}, "22P02"),
    ({"offset": "-1"}, "2201X"),
])
def test_bad_shaping_gets_postgrest_codes(http, anon_headers, params, code):
    r = post(http, anon_headers, params)
    assert 400 <= r.status_code < 500, r.text
    assert r.json()["code"] == code and set(r.json()) == {"code", "message", "details", "hint"}


def test_unparsable_filter_message_is_postgrest_s(http, anon_headers):
    r = post(http, anon_headers, {"id": "noop.1"})
    assert r.json()["message"] == '"failed to parse filter (noop.1)" (line 1, column 1)'


def test_get_value_without_operator_stays_an_argument(http, anon_headers):
    # As in PostgREST: `x=1` on GET is an argument, so an unknown one is PGRST202.
    r = http.get(ITEMS, params={"n": 2, "x": "1"}, headers=anon_headers)
    assert r.status_code == 404 and r.json()["code"] == "PGRST202"


@pytest.mark.parametrize("params", [
    {'id"; delete from gwtest.notes; --': "eq.1"},
    {"id": "eq.1; delete from gwtest.notes"},
    {"select": 'id,"name"" from gwtest.notes; --"'},
    {"order": '"id"" desc; delete from gwtest.notes; --"'},
    {"name": "in.(x') or true; --,y)"},
    {"select": "id::text; delete from gwtest.notes"},
])
def test_names_and_values_cannot_inject_sql(http, anon_headers, db, params):
    db.execute("insert into gwtest.notes (note) values ('injection-canary')")
    before = db.execute("select count(*) from gwtest.notes").fetchone()[0]
    r = post(http, anon_headers, params)
    # Refused, or read as a plain value that matches nothing; never run as SQL.
    assert (400 <= r.status_code < 500) or (r.status_code == 200 and r.json() == []), r.text
    assert db.execute("select count(*) from gwtest.notes").fetchone()[0] == before


def test_scalar_results_take_no_column_filters(http, anon_headers):
    r = http.post("/rest/v1/rpc/t_add", params={"x": "eq.1"}, json={"a": 1}, headers=anon_headers)
    assert r.status_code == 400 and r.json()["message"] == "column t_add.x does not exist"


def test_single_object_after_a_filter(http, anon_headers):
    r = post(http, anon_headers, {"id": "eq.3"}, extra={"Accept": "application/vnd.pgrst.object+json"})
    assert r.status_code == 200 and r.json()["id"] == 3
