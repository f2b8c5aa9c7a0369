"""Terminals, shifts and the cash drawer (contract §9): opening, moving cash, the X and Z reports,
one open shift per terminal (MP014), a closed shift final (MP015), and every refusal."""

from decimal import Decimal

import pytest

from .harness import money
from .rpc import charge, close_shift, get_shift, list_shifts, movement, open_shift, refund, terminal, topup


@pytest.fixture
def shop(world):
    s = world.merchant()
    terminal(world.db, s, "T1")
    terminal(world.db, s, "T2", "Counter 2")
    return s


def report_of(answer: dict) -> dict:
    """The Z report in a close's answer, without what belongs to that call (who called, replay)."""
    return {k: v for k, v in answer.items() if k not in ("replayed", "operator_user_id")}


def audit_actions(db, shop):
    with db.superuser():
        return [r["action"] for r in db.q("select action from audit.event_log where merchant_id = %s order by id",
                                          (shop.id,))]


# -- terminals --------------------------------------------------------------------------------

def test_a_manager_registers_a_terminal_and_registering_again_renames_it(db, world):
    s = world.merchant()
    first = terminal(db, s, "FRONT-1", "Front")
    again = terminal(db, s, "FRONT-1", "Front desk")
    assert (again["terminal_id"], again["name"], again["previous_name"]) == (first["terminal_id"], "Front desk",
                                                                             "Front")
    assert audit_actions(db, s)[-2:] == ["terminal.register", "terminal.rename"]
    with db.raises("42501", "forbidden"):
        terminal(db, s, "X", "Cashier's own", op=s.cashier)
    for bad in ("", "has space", "x" * 33, "ü"):
        with db.raises("MP013", "invalid_argument"):
            terminal(db, s, bad, "Bad")
    with db.raises("MP013", "invalid_argument"):
        terminal(db, s, "OK", "   ")


# -- opening ----------------------------------------------------------------------------------

def test_opening_a_shift_returns_it_open_with_its_float_and_zero_figures(db, shop):
    shift = open_shift(db, shop, "T1", "150.00")
    assert shift["status"] == "open" and shift["terminal_code"] == "T1" and shift["z_number"] is None
    assert money(shift["opening_float"]) == money(shift["expected_cash"]) == Decimal("150.00")
    assert shift["opened_by"] == str(shop.cashier.user_id) and shift["replayed"] is False
    assert shift["payments_count"] == 0 and shift["by_operator"] == []
    assert "shift.open" in audit_actions(db, shop)


def test_a_zero_float_is_allowed_but_not_a_bad_amount(db, shop):
    assert money(open_shift(db, shop, "T1", "0")["opening_float"]) == Decimal("0.00")
    for bad in ("-0.01", "1.234", "NaN", "Infinity", "100000.01"):
        with db.raises("MP001", "invalid_amount"):
            open_shift(db, shop, "T2", bad)
    with db.raises("MP001", "invalid_amount"):
        open_shift(db, shop, "T2", None)
    with db.superuser():
        assert db.one("select count(*) from app.shifts where merchant_id = %s", (shop.id,)) == 1


def test_a_second_open_shift_on_a_terminal_is_a_shift_conflict_and_the_same_key_replays(db, shop):
    first = open_shift(db, shop, "T1", "100", key="open-1")
    with db.raises("MP014", "shift_conflict"):
        open_shift(db, shop, "T1", "100", key="open-2")
    with db.raises("MP014", "shift_conflict"):
        open_shift(db, shop, "T1", "50", key="open-3", op=shop.manager)
    again = open_shift(db, shop, "T1", "100", key="open-1")
    assert again["shift_id"] == first["shift_id"] and again["replayed"] is True
    with db.raises("MP006", "idempotency_conflict"):
        open_shift(db, shop, "T1", "99", key="open-1")
    other = open_shift(db, shop, "T2", "0")  # another terminal is another drawer
    assert other["shift_id"] != first["shift_id"]


def test_the_partial_unique_index_backs_the_one_open_shift_rule(db, shop):
    shift = open_shift(db, shop, "T1")
    with db.superuser(), db.raises("23505"):
        db.q("insert into app.shifts (merchant_id, terminal_id, opening_float) "
             "select merchant_id, terminal_id, 0 from app.shifts where id = %s", (shift["shift_id"],))


def test_an_unknown_terminal_is_not_found_and_roles_are_checked(db, world, shop):
    with db.raises("MP012", "not_found"):
        open_shift(db, shop, "NOPE")
    stranger = world.user()
    with db.raises("42501", "forbidden"):
        open_shift(db, shop, "T1", op=stranger)
    mine = open_shift(db, shop, "T1")["shift_id"]
    with db.raises("42501", "forbidden"):
        movement(db, shop, mine, "pay_in", "1", op=stranger)
    with db.raises("42501", "forbidden"):
        close_shift(db, shop, mine, "0", op=stranger)
    with db.raises("42501", "forbidden"):
        get_shift(db, shop, mine, op=stranger)
    with db.raises("42501", "forbidden"):
        list_shifts(db, shop, op=stranger)
    db.as_anon()
    with db.raises("42501"):
        db.call("merchant_open_shift", p_merchant_code=shop.code, p_terminal_code="T1",
                p_opening_float=Decimal("0"), p_idempotency_key="anon")
    with db.raises("42501"):
        db.call("merchant_get_shift", p_merchant_code=shop.code, p_shift_id=mine)


# -- cash movements ---------------------------------------------------------------------------

def test_cash_movements_of_each_kind_land_in_the_shift(db, shop):
    shift = open_shift(db, shop, "T1", "100")["shift_id"]
    got = [movement(db, shop, shift, kind, amount, reason)
           for kind, amount, reason in [("pay_in", "20.00", None), ("pay_out", "5.50", "milk for the coffee"),
                                        ("drop", "50.00", "to the safe"), ("cash_sale", "12.30", None)]]
    assert [g["kind"] for g in got] == ["pay_in", "pay_out", "drop", "cash_sale"]
    assert all(g["shift_id"] == shift and g["replayed"] is False for g in got)
    x = get_shift(db, shop, shift)
    assert (x["pay_ins_count"], money(x["pay_ins_amount"])) == (1, Decimal("20.00"))
    assert (x["pay_outs_count"], money(x["pay_outs_amount"])) == (1, Decimal("5.50"))
    assert (x["drops_count"], money(x["drops_amount"])) == (1, Decimal("50.00"))
    assert (x["cash_sales_count"], money(x["cash_sales_amount"])) == (1, Decimal("12.30"))
    expected = Decimal("100") + Decimal("20") + Decimal("12.30") - Decimal("5.50") - Decimal("50")
    assert money(x["expected_cash"]) == expected
    assert audit_actions(db, shop)[-4:] == ["cash.pay_in", "cash.pay_out", "cash.drop", "cash.cash_sale"]


def test_a_pay_out_or_drop_without_a_reason_is_refused(db, shop):
    shift = open_shift(db, shop, "T1")["shift_id"]
    for kind in ("pay_out", "drop"):
        for reason in (None, "", "   "):
            with db.raises("MP013", "invalid_argument"):
                movement(db, shop, shift, kind, "1.00", reason)
    with db.raises("MP013", "invalid_argument"):
        movement(db, shop, shift, "pay_out", "1.00", "x" * 501)
    with db.raises("MP013", "invalid_argument"):
        movement(db, shop, shift, "refund", "1.00")
    with db.superuser():
        assert db.one("select count(*) from app.cash_movements where shift_id = %s", (shift,)) == 0


def test_a_movement_amount_is_checked_like_every_amount(db, shop):
    shift = open_shift(db, shop, "T1")["shift_id"]
    for bad in ("0", "-1", "0.001", "NaN", "100000.01", None):
        with db.raises("MP001", "invalid_amount"):
            movement(db, shop, shift, "pay_in", bad)


def test_a_movement_is_idempotent_by_key(db, shop):
    shift = open_shift(db, shop, "T1")["shift_id"]
    first = movement(db, shop, shift, "pay_out", "3.00", "stamps", key="m1")
    again = movement(db, shop, shift, "pay_out", "3.00", "stamps (retry)", key="m1")
    assert again["movement_id"] == first["movement_id"] and again["replayed"] is True
    with db.raises("MP006", "idempotency_conflict"):
        movement(db, shop, shift, "pay_out", "3.01", "stamps", key="m1")
    assert get_shift(db, shop, shift)["pay_outs_count"] == 1


def test_a_shift_of_another_merchant_is_a_shift_conflict(db, world, shop):
    other = world.merchant()
    terminal(db, other, "T1")
    theirs = open_shift(db, other, "T1")["shift_id"]
    with db.raises("MP014", "shift_conflict"):
        movement(db, shop, theirs, "pay_in", "1")
    with db.raises("MP014", "shift_conflict"):
        close_shift(db, shop, theirs, "0", op=shop.manager)
    with db.raises("MP014", "shift_conflict"):
        get_shift(db, shop, theirs)
    alice = world.member(balance="50")
    with db.raises("MP014", "shift_conflict"):
        charge(db, shop, world.qr(alice.card_id), "1", shift_id=theirs)
    assert world.balance(alice.card_id) == Decimal("50.00")
    with db.raises("MP012", "not_found"):
        movement(db, shop, "00000000-0000-0000-0000-000000000000", "pay_in", "1")


def test_a_shift_of_another_terminal_than_the_counter_names_is_a_shift_conflict(db, shop):
    t2 = open_shift(db, shop, "T2")["shift_id"]
    with db.raises("MP014", "shift_conflict"):
        movement(db, shop, t2, "pay_in", "1", p_terminal_code="T1")
    with db.raises("MP014", "shift_conflict"):
        close_shift(db, shop, t2, "0", op=shop.manager, p_terminal_code="T1")
    assert movement(db, shop, t2, "pay_in", "1", p_terminal_code="T2")["terminal_code"] == "T2"
    assert close_shift(db, shop, t2, "1", p_terminal_code="T2")["z_number"] == 1


# -- money calls in a shift -------------------------------------------------------------------

def test_sales_refunds_and_top_ups_named_with_a_shift_are_in_its_report(db, world, shop):
    shift = open_shift(db, shop, "T1", "10")["shift_id"]
    alice = world.member(balance="100")
    pay = charge(db, shop, world.qr(alice.card_id), "30.00", shift_id=shift)
    assert pay["shift_id"] == shift
    charge(db, shop, world.qr(alice.card_id), "5.00")  # not from a terminal: in no shift
    back = refund(db, shop, pay["tx_id"], "10.00", shift_id=shift)
    assert back["shift_id"] == shift
    up = topup(db, shop, world.qr(alice.card_id), "50.00", shift_id=shift)
    assert up["shift_id"] == shift
    x = get_shift(db, shop, shift)
    assert (x["payments_count"], money(x["payments_paid"])) == (1, Decimal("30.00"))
    assert (x["refunds_count"], money(x["refunds_amount"])) == (1, Decimal("10.00"))
    assert (x["topups_count"], money(x["topups_amount"])) == (1, Decimal("50.00"))
    # Card payments and refunds never touch the drawer; the top-up's cash does.
    assert money(x["expected_cash"]) == Decimal("60.00")
    ops = {o["operator_user_id"]: o for o in x["by_operator"]}
    assert money(ops[str(shop.cashier.user_id)]["payments_paid"]) == Decimal("30.00")
    assert money(ops[str(shop.manager.user_id)]["refunds_amount"]) == Decimal("10.00")


def test_once_a_shop_runs_shifts_a_counter_top_up_needs_one(db, world):
    s = world.merchant()
    alice = world.member(balance="0")
    assert topup(db, s, world.qr(alice.card_id), "5.00")["shift_id"] is None  # no terminal yet
    terminal(db, s, "T1")
    qr = world.qr(alice.card_id)
    with db.raises("MP013", "invalid_argument"):
        topup(db, s, qr, "5.00")
    assert world.balance(alice.card_id) == Decimal("5.00")
    shift = open_shift(db, s, "T1")["shift_id"]
    assert topup(db, s, qr, "5.00", shift_id=shift)["shift_id"] == shift  # the refused try spent nothing
    assert world.balance(alice.card_id) == Decimal("10.00")


# -- closing ----------------------------------------------------------------------------------

def test_closing_gives_the_final_report_with_expected_counted_difference_and_z_number(db, world, shop):
    shift = open_shift(db, shop, "T1", "200.00")["shift_id"]
    alice = world.member(balance="0")
    topup(db, shop, world.qr(alice.card_id), "88.80", shift_id=shift)
    movement(db, shop, shift, "cash_sale", "7.25")
    movement(db, shop, shift, "pay_in", "10.00")
    movement(db, shop, shift, "pay_out", "3.05", "window cleaner")
    movement(db, shop, shift, "drop", "150.00", "safe")
    z = close_shift(db, shop, shift, "152.50", note="one coin short", key="close-1")
    expected = (Decimal("200.00") + Decimal("88.80") + Decimal("7.25") + Decimal("10.00")
                - Decimal("3.05") - Decimal("150.00"))
    assert money(z["expected_cash"]) == expected == Decimal("153.00")
    assert money(z["counted_cash"]) == Decimal("152.50") and money(z["difference"]) == Decimal("-0.50")
    assert z["status"] == "closed" and z["z_number"] == 1 and z["note"] == "one coin short"
    assert z["closed_by"] == str(shop.cashier.user_id) and z["replayed"] is False
    assert "shift.close" in audit_actions(db, shop)
    again = close_shift(db, shop, shift, "152.50", key="close-1")
    assert again["replayed"] is True and again["z_number"] == 1
    assert report_of(again) == report_of(z)
    with db.raises("MP006", "idempotency_conflict"):
        close_shift(db, shop, shift, "152.51", key="close-1")


def test_z_numbers_count_per_merchant_in_closing_order(db, world, shop):
    a = open_shift(db, shop, "T1")["shift_id"]
    b = open_shift(db, shop, "T2")["shift_id"]
    assert close_shift(db, shop, b, "100")["z_number"] == 1
    assert close_shift(db, shop, a, "100")["z_number"] == 2
    c = open_shift(db, shop, "T1")["shift_id"]
    assert close_shift(db, shop, c, "0")["z_number"] == 3
    other = world.merchant()
    terminal(db, other, "T1")
    assert close_shift(db, other, open_shift(db, other, "T1")["shift_id"], "0")["z_number"] == 1


def test_a_failed_close_hands_out_no_z_number(db, shop):
    a = open_shift(db, shop, "T1")["shift_id"]
    with db.raises("MP001", "invalid_amount"):
        close_shift(db, shop, a, "-1")
    with db.raises("MP001", "invalid_amount"):
        close_shift(db, shop, a, "1.005")
    with db.raises("MP013", "invalid_argument"):
        close_shift(db, shop, a, "1", note="n" * 501)
    assert close_shift(db, shop, a, "0")["z_number"] == 1


def test_who_may_close_the_cashier_who_opened_it_or_a_manager(db, world, shop):
    other_cashier = world.user()
    with world.as_service():
        db.call("add_merchant_user", p_merchant_code=shop.code, p_user_id=other_cashier.user_id, p_role="cashier")
    a = open_shift(db, shop, "T1")["shift_id"]
    with db.raises("42501", "forbidden"):
        close_shift(db, shop, a, "100", op=other_cashier)
    assert close_shift(db, shop, a, "100", op=shop.manager)["closed_by"] == str(shop.manager.user_id)


def test_a_closed_shift_refuses_every_call_naming_it_and_nothing_moves(db, world, shop):
    shift = open_shift(db, shop, "T1", "20")["shift_id"]
    alice = world.member(balance="100")
    pay = charge(db, shop, world.qr(alice.card_id), "10", shift_id=shift)
    z = close_shift(db, shop, shift, "20", key="z")
    qr = world.qr(alice.card_id)
    with db.raises("MP015", "shift_closed"):
        charge(db, shop, qr, "10", shift_id=shift)
    with db.raises("MP015", "shift_closed"):
        topup(db, shop, qr, "10", shift_id=shift)
    with db.raises("MP015", "shift_closed"):
        refund(db, shop, pay["tx_id"], "1", shift_id=shift)
    for kind in ("pay_in", "pay_out", "drop", "cash_sale"):
        with db.raises("MP015", "shift_closed"):
            movement(db, shop, shift, kind, "1", "late")
    with db.raises("MP015", "shift_closed"):
        close_shift(db, shop, shift, "20", key="another-close")
    assert world.balance(alice.card_id) == Decimal("90.00")
    assert charge(db, shop, qr, "1")["replayed"] is False  # the refused calls spent no code
    assert get_shift(db, shop, shift) == report_of(z)


def test_the_database_itself_keeps_a_closed_shift_final(db, world, shop):
    """Not only the RPCs: a direct change by the tables' owner is refused too (a trigger)."""
    shift = open_shift(db, shop, "T1", "20")["shift_id"]
    alice = world.member(balance="100")
    pay = charge(db, shop, world.qr(alice.card_id), "10", shift_id=shift)
    movement(db, shop, shift, "pay_in", "5")
    close_shift(db, shop, shift, "25")
    with db.superuser():
        for sql in ("update app.shifts set counted_cash = 0 where id = %(s)s",
                    "update app.shifts set status = 'open', closed_at = null where id = %(s)s",
                    "delete from app.shifts where id = %(s)s",
                    "update app.cash_movements set amount = 1 where shift_id = %(s)s",
                    "delete from app.cash_movements where shift_id = %(s)s",
                    "update app.transactions set tag = '{}' where id = %(t)s",
                    "insert into app.cash_movements (shift_id, merchant_id, kind, amount) "
                    "select id, merchant_id, 'pay_in', 1 from app.shifts where id = %(s)s"):
            with db.raises("MP015", "shift_closed"):
                db.q(sql, {"s": shift, "t": pay["tx_id"]})


def test_cash_movements_are_append_only_even_in_an_open_shift(db, shop):
    shift = open_shift(db, shop, "T1")["shift_id"]
    movement(db, shop, shift, "pay_in", "5")
    with db.superuser():
        with db.raises("42501", "forbidden"):
            db.q("update app.cash_movements set amount = 500 where shift_id = %s", (shift,))
        with db.raises("42501", "forbidden"):
            db.q("update app.shifts set opening_float = 0 where id = %s", (shift,))


# -- reading shifts ---------------------------------------------------------------------------

def test_the_x_read_out_runs_and_the_z_report_never_changes(db, world, shop):
    shift = open_shift(db, shop, "T1", "10")["shift_id"]
    movement(db, shop, shift, "pay_in", "1")
    x1 = get_shift(db, shop, shift, op=shop.cashier)
    movement(db, shop, shift, "pay_in", "2")
    x2 = get_shift(db, shop, shift, op=shop.cashier)
    assert (money(x1["expected_cash"]), money(x2["expected_cash"])) == (Decimal("11.00"), Decimal("13.00"))
    assert x2["status"] == "open" and "generated_at" in x2
    z = close_shift(db, shop, shift, "13")
    db.advance_clock(86400)
    later = open_shift(db, shop, "T1")["shift_id"]
    movement(db, shop, later, "pay_in", "99")
    assert get_shift(db, shop, shift) == report_of(z)


def test_a_cashier_sees_their_own_shifts_a_manager_all(db, world, shop):
    other_cashier = world.user()
    with world.as_service():
        db.call("add_merchant_user", p_merchant_code=shop.code, p_user_id=other_cashier.user_id, p_role="cashier")
    mine = open_shift(db, shop, "T1")["shift_id"]
    theirs = open_shift(db, shop, "T2", op=other_cashier)["shift_id"]
    close_shift(db, shop, theirs, "100", op=other_cashier)
    with db.raises("42501", "forbidden"):
        get_shift(db, shop, theirs, op=shop.cashier)  # closed, someone else's, never worked in
    assert [s["shift_id"] for s in list_shifts(db, shop, op=shop.cashier)] == [mine]
    assert {s["shift_id"] for s in list_shifts(db, shop)} == {mine, theirs}
    assert [s["shift_id"] for s in list_shifts(db, shop, p_terminal_code="T2")] == [theirs]
    with db.raises("MP012", "not_found"):
        list_shifts(db, shop, p_terminal_code="NOPE")
    with db.raises("MP013", "invalid_argument"):
        list_shifts(db, shop, p_limit=0)


def _second_cashier(world, shop):
    b = world.user()
    with world.as_service():
        world.db.call("add_merchant_user", p_merchant_code=shop.code, p_user_id=b.user_id, p_role="cashier")
    return b


def test_a_cashier_finds_the_open_shift_another_cashier_opened_at_the_terminal_and_sells_into_it(db, world, shop):
    """The handover: B signs in at T1 where A's shift is open; B finds it by the terminal (its
    identity, none of A's figures), charges into it, and then reads their own part only."""
    a_shift = open_shift(db, shop, "T1", "100")["shift_id"]
    alice = world.member(balance="200")
    charge(db, shop, world.qr(alice.card_id), "30.00", shift_id=a_shift)  # A's sale
    movement(db, shop, a_shift, "pay_in", "5")  # A's cash
    b = _second_cashier(world, shop)

    found = list_shifts(db, shop, op=b, p_terminal_code="T1")
    assert [s["shift_id"] for s in found] == [a_shift]
    assert list_shifts(db, shop, op=b) == []  # without the terminal: only B's own shifts
    seen = found[0]
    assert seen["scope"] == "own" and seen["status"] == "open"
    assert (seen["terminal_code"], seen["opened_by"], money(seen["opening_float"])) == (
        "T1", str(shop.cashier.user_id), Decimal("100.00"))
    assert seen["opened_by_email"] == shop.cashier.email and seen["opened_at"]
    # None of A's figures: B has rung nothing up yet, and the drawer's figure is A's.
    assert (seen["payments_count"], money(seen["payments_paid"]), seen["pay_ins_count"]) == (0, Decimal("0.00"), 0)
    assert seen["by_operator"] == [] and seen["expected_cash"] is None

    pay = charge(db, shop, world.qr(alice.card_id), "12.00", shift_id=a_shift, op=b)
    assert pay["shift_id"] == a_shift
    assert [s["shift_id"] for s in list_shifts(db, shop, op=b)] == [a_shift]  # now B worked in it
    x = get_shift(db, shop, a_shift, op=b)
    assert x["scope"] == "own" and x["expected_cash"] is None
    assert (x["payments_count"], money(x["payments_paid"]), x["pay_ins_count"]) == (1, Decimal("12.00"), 0)
    assert [o["operator_user_id"] for o in x["by_operator"]] == [str(b.user_id)]
    # A, who opened it, reads it whole: both sales, both operators, the drawer.
    whole = get_shift(db, shop, a_shift, op=shop.cashier)
    assert "scope" not in whole and whole["payments_count"] == 2
    assert money(whole["expected_cash"]) == Decimal("105.00")
    assert {o["operator_user_id"] for o in whole["by_operator"]} == {str(shop.cashier.user_id), str(b.user_id)}
    with db.superuser():
        assert db.q("select operator_user_id::text as op from app.transactions where id = %s",
                    (pay["tx_id"],))[0]["op"] == str(b.user_id)


def test_a_cashier_who_took_over_cannot_close_the_shift_its_opener_or_a_manager_does(db, world, shop):
    a_shift = open_shift(db, shop, "T1", "100")["shift_id"]
    b = _second_cashier(world, shop)
    movement(db, shop, a_shift, "pay_in", "1", op=b)
    with db.raises("42501", "forbidden"):
        close_shift(db, shop, a_shift, "101", op=b)
    assert get_shift(db, shop, a_shift)["status"] == "open"  # the refusal closed nothing
    z = close_shift(db, shop, a_shift, "101")
    # Afterwards B still sees their part of the closed shift (they worked in it), not the Z's drawer.
    after = get_shift(db, shop, a_shift, op=b)
    assert after["scope"] == "own" and after["status"] == "closed" and after["z_number"] == z["z_number"]
    assert after["counted_cash"] is None and after["difference"] is None and after["expected_cash"] is None
    assert (after["pay_ins_count"], [o["operator_user_id"] for o in after["by_operator"]]) == (1, [str(b.user_id)])


def test_a_cashier_of_another_merchant_sees_nothing_of_the_open_shift(db, world, shop):
    a_shift = open_shift(db, shop, "T1")["shift_id"]
    other = world.merchant()
    with db.raises("42501", "forbidden"):
        list_shifts(db, shop, op=other.cashier, p_terminal_code="T1")
    with db.raises("42501", "forbidden"):
        get_shift(db, shop, a_shift, op=other.cashier)
    terminal(db, other, "T1")
    assert list_shifts(db, other, op=other.cashier, p_terminal_code="T1") == []
    with db.raises("MP014", "shift_conflict"):
        get_shift(db, other, a_shift, op=other.cashier)


def test_list_shifts_keeps_those_open_at_some_moment_of_the_range(db, shop):
    t0 = db.advance_clock(0)
    early = open_shift(db, shop, "T1")["shift_id"]
    db.advance_clock(3600)
    close_shift(db, shop, early, "100")
    db.advance_clock(3600)
    late = open_shift(db, shop, "T1")["shift_id"]
    from datetime import timedelta
    got = list_shifts(db, shop, p_from=t0 + timedelta(minutes=90), p_to=t0 + timedelta(hours=3))
    assert [s["shift_id"] for s in got] == [late]
    got = list_shifts(db, shop, p_from=t0, p_to=t0 + timedelta(minutes=30))
    assert [s["shift_id"] for s in got] == [early]
    assert [s["shift_id"] for s in list_shifts(db, shop)] == [late, early]


def test_api_roles_can_neither_write_nor_read_the_new_tables_directly(db, world, shop):
    """Shifts and cash are read through the RPCs only (they apply the cashier/manager rule)."""
    shift = open_shift(db, shop, "T1")["shift_id"]
    movement(db, shop, shift, "pay_in", "1")
    for role in ("authenticated", "anon"):
        if role == "authenticated":
            db.as_user(shop.owner.user_id)
        else:
            db.as_anon()
        for sql in ("insert into app.terminals (merchant_id, code, name) select id, 'Z', 'z' from app.merchants",
                    "update app.shifts set counted_cash = 1",
                    "delete from app.cash_movements",
                    "insert into app.shift_z_counters (merchant_id) values (gen_random_uuid())",
                    "select * from app.shifts", "select * from app.cash_movements", "select * from app.terminals"):
            with db.raises("42501"):
                db.q(sql)
    db.as_service()
    with db.raises("42501"):
        db.q("update app.shifts set counted_cash = 1")
    assert [str(r["id"]) for r in db.q("select id from app.shifts where merchant_id = %s", (shop.id,))] == [shift]


def test_postgrest_sees_one_candidate_per_rpc_name(db):
    """PGRST203: the first release's signatures of the money RPCs are gone, not left beside."""
    rows = db.q("""
        select p.proname, count(*) as n from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'public' group by p.proname having count(*) > 1""")
    assert rows == []
    for fn in ("merchant_charge_by_qr", "merchant_refund_tx", "merchant_recharge_by_qr"):
        args = db.one("select pg_get_function_identity_arguments(p.oid) from pg_proc p"
                      " where p.proname = %s and p.pronamespace = 'public'::regnamespace", (fn,))
        assert args.endswith("p_shift_id uuid"), (fn, args)


def test_a_shift_call_of_unknown_outcome_is_settled_by_its_key(db, shop):
    """merchant_resolve_attempt settles opens, movements and closes like money calls."""
    from .conftest import acting

    shift = open_shift(db, shop, "T1", key="open-x")["shift_id"]
    movement(db, shop, shift, "pay_in", "4.00", key="mv-x")
    with acting(db, shop.cashier.caller):
        got = db.call("merchant_resolve_attempt", p_merchant_code=shop.code, p_idempotency_key="mv-x")
        assert (got["outcome"], got["operation"]) == ("succeeded", "cash_movement")
        assert got["result"]["operator_user_id"] == str(shop.cashier.user_id)
        got = db.call("merchant_resolve_attempt", p_merchant_code=shop.code, p_idempotency_key="open-x")
        assert (got["outcome"], got["result"]["shift_id"]) == ("succeeded", shift)
        assert db.call("merchant_resolve_attempt", p_merchant_code=shop.code,
                       p_idempotency_key="mv-lost")["outcome"] == "voided"
    with db.raises("MP006", "idempotency_conflict"):  # the lost request, arriving late, moves nothing
        movement(db, shop, shift, "pay_in", "4.00", key="mv-lost")
    assert money(get_shift(db, shop, shift)["pay_ins_amount"]) == Decimal("4.00")
