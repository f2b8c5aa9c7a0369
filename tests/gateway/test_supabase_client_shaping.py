"""The official `supabase` Python client's filters, order, limit and count on rpc(), unchanged."""

from __future__ import annotations

import pytest
from postgrest.exceptions import APIError

from .conftest import make_client


@pytest.fixture
def client(gw):
    return make_client(gw)


def test_rpc_with_filters_order_and_limit(client):
    res = client.rpc("t_items", {"n": 5}).gt("id", 1).neq("id", 3).order("price", desc=True).limit(2).execute()
    assert [row["id"] for row in res.data] == [5, 4]


def test_rpc_exact_count_is_the_filtered_total(client):
    res = client.rpc("t_items", {"n": 5}, count="exact").is_("tag", "null").limit(1).execute()
    assert res.count == 3 and [row["id"] for row in res.data] == [1]


def test_rpc_range_and_in(client):
    res = client.rpc("t_items", {"n": 5}).in_("id", [1, 2, 3, 4]).order("id").range(1, 2).execute()
    assert [row["id"] for row in res.data] == [2, 3]


def test_rpc_like_ilike_and_select(client):
    res = client.rpc("t_items", {"n": 5}).select("id,name").ilike("name", "%-2").execute()
    assert res.data == [{"id": 2, "name": "Item-2"}]
    res = client.rpc("t_items", {"n": 5}).like("name", "Item-%").lte("id", 2).gte("id", 2).execute()
    assert [row["id"] for row in res.data] == [2]


def test_rpc_get_with_filters(client):
    res = client.rpc("t_items", {"n": 4}, get=True).eq("tag", "even").execute()
    assert [row["id"] for row in res.data] == [2, 4]


def test_rpc_single_after_a_filter(client):
    res = client.rpc("t_items", {"n": 5}).eq("id", 4).single().execute()
    assert res.data["id"] == 4


def test_rpc_bad_filter_column_is_api_error_42703(client):
    with pytest.raises(APIError) as e:
        client.rpc("t_items", {"n": 5}).eq("nope", 1).execute()
    assert e.value.code == "42703" and e.value.message == "column t_items.nope does not exist"


def test_rpc_strip_nulls(client):
    res = client.rpc("t_items", {"n": 2}).select("id,tag").strip_nulls().execute()
    assert res.data == [{"id": 1}, {"id": 2, "tag": "even"}]
