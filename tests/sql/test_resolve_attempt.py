"""Settling an attempt of unknown outcome by its idempotency key: its result, or a void that no
late request can get past."""

from decimal import Decimal

import psycopg
import pytest

from .committed import call_as, make_shop, request
from .conftest import acting
from .harness import money
from .rpc import charge, close_shift, movement, open_shift, refund, terminal, topup


def resolve(db, merchant, key, op=None):
    with acting(db, (op or merchant.cashier).caller):
        return db.call("merchant_resolve_attempt", p_merchant_code=merchant.code, p_idempotency_key=key)


def test_a_committed_charge_resolves_to_its_result_and_moves_no_more_money(db, world):
    shop = world.merchant()
    alice = world.member(balance="50")
    tx = charge(db, shop, world.qr(alice.card_id), "20", key="sale-1")
    got = resolve(db, shop, "sale-1")
    assert got["outcome"] == "succeeded" and got["operation"] == "charge"
    assert got["result"]["tx_id"] == tx["tx_id"] and money(got["result"]["paid_amount"]) == Decimal("20.00")
    assert resolve(db, shop, "sale-1")["result"]["tx_id"] == tx["tx_id"]
    assert world.balance(alice.card_id) == Decimal("30.00")


def test_an_attempt_that_never_arrived_is_voided_and_a_late_request_cannot_charge(db, world):
    shop = world.merchant()
    alice = world.member(balance="50")
    qr = world.qr(alice.card_id)
    got = resolve(db, shop, "lost-sale")
    assert got["outcome"] == "voided" and got["replayed"] is False
    with db.raises("MP006", "idempotency_conflict"):
        charge(db, shop, qr, "20", key="lost-sale")  # the request turns up late
    assert world.balance(alice.card_id) == Decimal("50.00")
    again = resolve(db, shop, "lost-sale")
    assert again["outcome"] == "voided" and again["replayed"] is True
    assert charge(db, shop, qr, "20", key="new-sale")["replayed"] is False  # the code was not spent


def test_refunds_and_counter_topups_resolve_too(db, world):
    shop = world.merchant()
    alice = world.member(balance="50")
    tx = charge(db, shop, world.qr(alice.card_id), "20", key="s")
    refund(db, shop, tx["tx_id"], "5", key="r")
    topup(db, shop, world.qr(alice.card_id), "10", key="t")
    assert resolve(db, shop, "r", op=shop.manager)["operation"] == "refund"
    assert resolve(db, shop, "t")["operation"] == "recharge"


def test_keys_are_per_merchant_and_roles_apply(db, world):
    shop, other = world.merchant(), world.merchant()
    alice = world.member(balance="50")
    charge(db, shop, world.qr(alice.card_id), "20", key="k")
    assert resolve(db, other, "k")["outcome"] == "voided"  # another merchant's key space
    with db.raises("42501"):
        resolve(db, shop, "k", op=other.cashier)
    db.as_anon()
    with db.raises("42501"):
        db.call("merchant_resolve_attempt", p_merchant_code=shop.code, p_idempotency_key="k")
    with db.raises("MP013", "invalid_argument"):
        resolve(db, shop, "")


def test_resolving_waits_for_a_call_with_that_key_still_running(mps_dsn):
    code, cashier = make_shop(mps_dsn, "RES")
    with psycopg.connect(mps_dsn) as conn:
        mid = conn.execute("select id from app.merchants where code = %s", (code,)).fetchone()[0]
    with psycopg.connect(mps_dsn) as in_flight:  # a charge with this key, holding its key lock
        in_flight.execute("select app.idempotency_lock('merchant', %s, 'slow-sale')", (mid,))
        with psycopg.connect(mps_dsn) as conn:
            conn.execute("set lock_timeout = '300ms'")
            with pytest.raises(psycopg.errors.LockNotAvailable):
                call_as(conn, "authenticated", cashier, "merchant_resolve_attempt",
                        dict(p_merchant_code=code, p_idempotency_key="slow-sale"))
        in_flight.rollback()
    got = request(mps_dsn, "authenticated", cashier, "merchant_resolve_attempt",
                  p_merchant_code=code, p_idempotency_key="slow-sale")
    assert got["outcome"] == "voided"


def test_after_the_registry_forgot_the_key_the_ledger_still_answers(db, world):
    """A counter back after the key retention must not be told 'voided' for money that moved."""
    shop = world.merchant()
    alice = world.member(balance="50")
    tx = charge(db, shop, world.qr(alice.card_id), "20", key="old-sale")
    db.advance_clock(40 * 86400)
    with world.as_service():
        assert db.call("purge_idempotency_keys") >= 1
    got = resolve(db, shop, "old-sale")
    assert got["outcome"] == "succeeded" and got["operation"] == "charge"
    assert got["result"]["tx_id"] == tx["tx_id"] and got["result"]["from_ledger"] is True
    assert money(got["result"]["paid_amount"]) == Decimal("20.00")
    assert world.balance(alice.card_id) == Decimal("30.00")


def test_after_the_registry_forgot_a_cash_movements_key_the_drawer_still_answers(db, world):
    """A pay-out (or a split sale's cash part) is never told 'voided' once its key is purged: it
    is answered from app.cash_movements as the registry answered it, and no void is recorded."""
    shop = world.merchant()
    terminal(db, shop, "T1")
    shift = open_shift(db, shop, "T1", "50.00")["shift_id"]
    made = movement(db, shop, shift, "pay_out", "12.00", reason="window cleaner", key="old-pay-out")
    movement(db, shop, shift, "cash_sale", "42.50", reason=None, key="old-cash-part", p_tag={"sale_group": "g-1"})
    from_registry = resolve(db, shop, "old-pay-out")
    close_shift(db, shop, shift, "88.50")
    db.advance_clock(40 * 86400)
    with world.as_service():
        assert db.call("purge_idempotency_keys") >= 4  # the open, both movements, the close
    got = resolve(db, shop, "old-pay-out")
    assert (got["outcome"], got["operation"], got["replayed"]) == ("succeeded", "cash_movement", True)
    assert got["result"]["from_ledger"] is True and got["result"]["movement_id"] == made["movement_id"]
    assert {k: v for k, v in got["result"].items() if k != "from_ledger"} == from_registry["result"]
    part = resolve(db, shop, "old-cash-part", op=shop.manager)["result"]
    assert (part["kind"], money(part["amount"]), part["tag"]) == ("cash_sale", Decimal("42.50"), {"sale_group": "g-1"})
    with db.superuser():
        assert db.q("select 1 from app.idempotency_registry where scope_id = %s", (shop.id,)) == []  # no void
    assert resolve(db, shop, "never-sent")["outcome"] == "voided"  # an unknown key is still voided


def test_a_cashier_cannot_read_another_operators_old_cash_movement_from_the_drawer(db, world):
    shop = world.merchant()
    bob = second_cashier(world, shop)
    terminal(db, shop, "T1")
    shift = open_shift(db, shop, "T1", "50.00")["shift_id"]
    movement(db, shop, shift, "pay_in", "5.00", key="alices-pay-in")
    db.advance_clock(40 * 86400)
    with world.as_service():
        assert db.call("purge_idempotency_keys") >= 2
    with pytest.raises(psycopg.Error) as refused:
        resolve(db, shop, "alices-pay-in", op=bob)
    assert refused.value.sqlstate == "42501" and "5.00" not in str(refused.value)
    assert resolve(db, shop, "alices-pay-in")["result"]["from_ledger"] is True  # not voided by Bob's asking


# -- A cashier settles only their own attempts (issue 9, item 2) ----------------------------------


def second_cashier(world, shop):
    other = world.user()
    with world.as_service():
        world.db.call("add_merchant_user", p_merchant_code=shop.code, p_user_id=other.user_id, p_role="cashier")
    return other


def test_a_cashier_learns_nothing_of_another_cashiers_charge_by_its_key(db, world):
    shop = world.merchant()
    bob = second_cashier(world, shop)
    alice = world.member(balance="50")
    tx = charge(db, shop, world.qr(alice.card_id), "20", key="alices-sale")
    with pytest.raises(psycopg.Error) as refused:
        resolve(db, shop, "alices-sale", op=bob)
    assert refused.value.sqlstate == "42501"
    said = " ".join(str(x) for x in (refused.value.diag.message_primary, refused.value.diag.message_detail,
                                     refused.value.diag.message_hint))
    for telling in (tx["tx_id"], str(alice.card_id), str(alice.id), "20", "charge"):
        assert telling not in said  # the refusal names no tx, card, member, amount or operation
    # Not voided either: the money stands, and its own cashier, a manager and the platform see it.
    assert resolve(db, shop, "alices-sale")["result"]["tx_id"] == tx["tx_id"]
    assert resolve(db, shop, "alices-sale", op=shop.manager)["result"]["tx_id"] == tx["tx_id"]
    with world.as_service():
        got = db.call("merchant_resolve_attempt", p_merchant_code=shop.code, p_idempotency_key="alices-sale")
    assert got["outcome"] == "succeeded"
    assert world.balance(alice.card_id) == Decimal("30.00")


def test_a_cashier_cannot_read_a_managers_refund_nor_an_old_charge_from_the_ledger(db, world):
    shop = world.merchant()
    bob = second_cashier(world, shop)
    alice = world.member(balance="50")
    tx = charge(db, shop, world.qr(alice.card_id), "20", key="sale")
    refund(db, shop, tx["tx_id"], "5", key="refund")
    with db.raises("42501"):
        resolve(db, shop, "refund")  # the cashier who rang the sale up did not refund it
    db.advance_clock(40 * 86400)
    with world.as_service():
        assert db.call("purge_idempotency_keys") >= 2
    with db.raises("42501"):
        resolve(db, shop, "sale", op=bob)  # from the ledger now: still not Bob's
    assert resolve(db, shop, "sale")["result"]["from_ledger"] is True
    assert resolve(db, shop, "refund", op=shop.manager)["operation"] == "refund"


def test_a_cashier_cannot_void_another_operators_charge_while_it_runs(mps_dsn):
    """Bob's resolve waits for Alice's running charge and is then refused: her sale stands."""
    import threading
    import uuid as _uuid

    from .committed import make_card, make_user

    code, alice_op = make_shop(mps_dsn, "PRIV")
    bob = make_user(mps_dsn)
    request(mps_dsn, "service_role", None, "add_merchant_user", p_merchant_code=code, p_user_id=bob, p_role="cashier")
    card = make_card(mps_dsn, Decimal("50"))
    qr = request(mps_dsn, "service_role", None, "rotate_card_qr", p_card_id=card)[1]
    key = f"running-{_uuid.uuid4().hex[:8]}"
    answer = {}
    with psycopg.connect(mps_dsn) as running:
        running.execute("select set_config('request.jwt.claims', %s, true), set_config('role', 'authenticated', true)",
                        (f'{{"role": "authenticated", "sub": "{alice_op}"}}',))
        running.execute("select public.merchant_charge_by_qr(p_merchant_code := %s, p_qr_plain := %s,"
                        " p_raw_amount := 20, p_idempotency_key := %s)", (code, qr, key))

        def bob_resolves():
            try:
                answer["ok"] = request(mps_dsn, "authenticated", bob, "merchant_resolve_attempt",
                                       p_merchant_code=code, p_idempotency_key=key)
            except psycopg.Error as e:
                answer["error"] = e.sqlstate

        t = threading.Thread(target=bob_resolves)
        t.start()
        t.join(timeout=1.0)
        assert t.is_alive(), "Bob's resolve did not wait for the running charge"
        running.commit()
        t.join(timeout=30)
    assert answer == {"error": "42501"}
    with psycopg.connect(mps_dsn) as conn:
        assert conn.execute("select balance from app.cards where id = %s", (card,)).fetchone()[0] == Decimal("30.00")
    got = request(mps_dsn, "authenticated", alice_op, "merchant_resolve_attempt",
                  p_merchant_code=code, p_idempotency_key=key)
    assert got["outcome"] == "succeeded"
