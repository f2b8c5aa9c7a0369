"""MpsClient's shop-operations calls (contract §9) against the stand-in: typed answers with
Decimal amounts, MP014/MP015 arriving named with words in both languages, bad input refused
before anything is sent, a lost answer retried by key, and a removed operator refused."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal

import pytest

from pos_app.core.api import ApiError, CashMovement, Preview, Shift
from pos_app.core.messages import message_for
from tests.secrets_seen import remember

from .api_shop import FaultyTransport, new_operator, signed_in


def key() -> str:
    return f"POS1-{uuid.uuid4()}"


@pytest.fixture
def counter(shop):
    """The shop with terminal T1 registered by its manager; the cashier's client."""
    signed_in(shop, shop.manager).register_terminal("T1", "Front counter")
    return signed_in(shop, shop.cashier)


def test_a_whole_shift_through_the_client_in_decimal(shop, counter):
    opened = counter.open_shift("T1", Decimal("100.00"), key())
    assert isinstance(opened, Shift) and opened.is_open and opened.opening_float == Decimal("100.00")
    who = counter.preview_qr(qr := shop.qr())
    assert isinstance(who, Preview) and who.member_display == "T**" and who.balance == Decimal("100.00")
    assert isinstance(who.discount_rate, Decimal) and who.qr_single_use is True
    sale = counter.charge_by_qr(qr, "30.00", key(), shift_id=opened.shift_id)  # the previewed code still pays
    assert sale["shift_id"] == opened.shift_id and shop.balance() == Decimal("70.00")
    counter.recharge_by_qr(shop.qr(), "50.00", key(), shift_id=opened.shift_id)
    out = counter.cash_movement(opened.shift_id, "pay_out", Decimal("12.50"), key(), reason="milk")
    assert isinstance(out, CashMovement) and out.amount == Decimal("12.50") and out.kind == "pay_out"
    x = counter.get_shift(opened.shift_id)
    assert x.expected_cash == Decimal("137.50") and x.generated_at is not None and x.z_number is None
    z = counter.close_shift(opened.shift_id, "137.00", key(), note="0.50 short")
    assert (z.status, z.z_number, z.counted_cash, z.difference) == ("closed", 1, Decimal("137.00"), Decimal("-0.50"))
    assert (z.payments_count, z.payments_paid, z.topups_amount) == (1, Decimal("30.00"), Decimal("50.00"))
    assert all(isinstance(v, Decimal) for v in (z.expected_cash, z.pay_outs_amount, z.drops_amount))
    assert [o.operator_user_id for o in z.by_operator] == [shop.cashier.user_id]
    assert counter.get_shift(opened.shift_id) == z
    listed = signed_in(shop, shop.manager).list_shifts(terminal_code="T1")
    assert [s.shift_id for s in listed] == [opened.shift_id]


def test_shift_conflict_and_shift_closed_arrive_named_with_words_for_the_cashier(shop, counter):
    first = counter.open_shift("T1", "0", key())
    with pytest.raises(ApiError) as err:
        counter.open_shift("T1", "0", key())
    e = err.value
    assert (e.status, e.code, e.name, e.is_business) == (400, "MP014", "shift_conflict", True)
    counter.close_shift(first.shift_id, "0", key())
    with pytest.raises(ApiError) as err:
        counter.cash_movement(first.shift_id, "pay_in", "5.00", key())
    assert (err.value.code, err.value.name) == ("MP015", "shift_closed")
    with pytest.raises(ApiError) as err:
        counter.recharge_by_qr(shop.qr(), "5.00", key(), shift_id=first.shift_id)
    assert err.value.name == "shift_closed" and shop.balance() == Decimal("100.00")
    assert "Open a new shift" in str(message_for("shift_closed", "en"))
    assert "开新班次" in str(message_for("shift_closed", "zh_CN"))
    assert "结班" in str(message_for("shift_conflict", "zh_CN"))


def test_floats_and_a_pay_out_without_a_reason_are_refused_before_anything_is_sent(shop):
    signed_in(shop, shop.manager).register_terminal("T1", "Front")
    transport = FaultyTransport()
    client = signed_in(shop, shop.cashier, transport=transport)
    with pytest.raises(TypeError):
        client.open_shift("T1", 100.0, key())  # type: ignore[arg-type]
    shift = client.open_shift("T1", "100", key())
    for kind, reason in (("pay_out", None), ("drop", "   "), ("refund", "x")):
        with pytest.raises(ValueError):
            client.cash_movement(shift.shift_id, kind, "1.00", key(), reason=reason)
    with pytest.raises(TypeError):
        client.close_shift(shift.shift_id, 0.1 + 0.2, key())  # type: ignore[arg-type]
    assert len(transport.rpc_bodies("merchant_open_shift")) == 1
    assert transport.rpc_bodies("merchant_cash_movement") == transport.rpc_bodies("merchant_close_shift") == []
    with pytest.raises(ApiError) as err:  # the server refuses a third decimal all the same
        client.close_shift(shift.shift_id, "1.005", key())
    assert err.value.name == "invalid_amount"


def test_a_close_whose_answer_was_lost_is_retried_by_key_and_gives_the_same_z(shop):
    signed_in(shop, shop.manager).register_terminal("T1", "Front")
    transport = FaultyTransport()
    client = signed_in(shop, shop.cashier, transport=transport)
    shift = client.open_shift("T1", "20.00", key())
    transport.script = ["lose_answer", "pass"]
    z = client.close_shift(shift.shift_id, "20.00", k := key())
    bodies = transport.rpc_bodies("merchant_close_shift")
    assert len(bodies) == 2 and bodies[0] == bodies[1] and json.loads(bodies[0])["p_idempotency_key"] == k
    assert z.replayed is True and z.z_number == 1  # the first try closed it; the retry read that back


def test_a_removed_operator_is_refused_on_the_next_call_with_the_token_it_holds(shop, counter):
    owner = new_operator(shop.gateway, shop.code, "owner")
    assert counter.session_info()["role"] == "cashier"
    gone = signed_in(shop, owner).remove_operator(shop.cashier.user_id)
    assert gone["previous_role"] == "cashier"
    with pytest.raises(ApiError) as err:
        counter.open_shift("T1", "0", key())
    assert (err.value.status, err.value.name, err.value.is_forbidden) == (403, "forbidden", True)


def test_the_stand_in_offers_every_shop_operations_rpc_by_name(shop):
    """The gateway reads its catalog from pg_proc: each §9 RPC (and each money RPC with its new
    p_shift_id) resolves to exactly one function, neither PGRST202 nor PGRST203."""
    import httpx

    from .api_shop import service_rpc

    calls = {
        "merchant_register_terminal": {"p_merchant_code": shop.code, "p_terminal_code": "S1", "p_name": "Side"},
        "merchant_list_shifts": {"p_merchant_code": shop.code},
        "merchant_preview_qr": {"p_merchant_code": shop.code, "p_qr_plain": shop.qr()},
        "set_card_binding_password": {"p_card_id": shop.card_id, "p_old_password": None,
                                      "p_new_password": remember("stand-in-pass-1")},
    }
    for fn, params in calls.items():
        assert service_rpc(shop.gateway, fn, params) is not None, fn
    shift = service_rpc(shop.gateway, "merchant_open_shift", {
        "p_merchant_code": shop.code, "p_terminal_code": "S1", "p_opening_float": "0", "p_idempotency_key": key()})
    for fn, params in {
        "merchant_charge_by_qr": lambda: {"p_qr_plain": shop.qr(), "p_raw_amount": "1.00"},
        "merchant_recharge_by_qr": lambda: {"p_qr_plain": shop.qr(), "p_amount": "1.00"},
        "merchant_cash_movement": lambda: {"p_kind": "pay_in", "p_amount": "1.00"},
    }.items():
        got = service_rpc(shop.gateway, fn, {"p_merchant_code": shop.code, "p_idempotency_key": key(),
                                             "p_shift_id": shift["shift_id"], **params()})
        assert got["shift_id"] == shift["shift_id"], fn
    for fn, params in {"merchant_get_shift": {"p_shift_id": shift["shift_id"]},
                       "merchant_close_shift": {"p_shift_id": shift["shift_id"], "p_counted_cash": "2.00",
                                                "p_idempotency_key": key()}}.items():
        assert service_rpc(shop.gateway, fn, {"p_merchant_code": shop.code, **params})["shift_id"] == shift["shift_id"]
    r = httpx.post(f"{shop.gateway.url}/rest/v1/rpc/remove_merchant_user", headers=shop.gateway.service_headers(),
                   json={"p_merchant_code": shop.code, "p_user_id": shop.cashier.user_id}, timeout=30)
    assert r.status_code == 200 and r.json()["removed"] is True
