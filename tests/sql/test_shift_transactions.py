"""A shift's own transactions (`merchant_list_transactions(p_shift_id)`), which the counter's
close compares with its journal, and `merchant_session_info.runs_shifts`, which tells a counter
whether it needs an open shift before it sells (contract §9)."""

from .conftest import acting
from .rpc import charge, open_shift, refund, terminal, topup


def rows(db, shop, op=None, **kw) -> list[dict]:
    with acting(db, (op or shop.manager).caller):
        return db.rows("merchant_list_transactions", p_merchant_code=shop.code, **kw)


def test_the_shift_filter_gives_the_rows_of_that_shift_only_and_pages_like_the_rest(db, world):
    shop = world.merchant()
    terminal(db, shop, "T1")
    terminal(db, shop, "T2")
    mine = open_shift(db, shop, "T1", "0")["shift_id"]
    other = open_shift(db, shop, "T2", "0")["shift_id"]
    alice = world.member(balance="100")
    pay = charge(db, shop, world.qr(alice.card_id), "30.00", shift_id=mine)
    back = refund(db, shop, pay["tx_id"], "10.00", shift_id=mine)
    up = topup(db, shop, world.qr(alice.card_id), "20.00", shift_id=mine)
    charge(db, shop, world.qr(alice.card_id), "1.00", shift_id=other)
    charge(db, shop, world.qr(alice.card_id), "2.00")  # in no shift
    got = rows(db, shop, p_shift_id=mine)
    assert {str(r["tx_id"]) for r in got} == {pay["tx_id"], back["refund_tx_id"], up["tx_id"]}
    first = rows(db, shop, p_shift_id=mine, p_limit=2)
    last = rows(db, shop, p_shift_id=mine, p_limit=2, p_before_created_at=first[-1]["created_at"],
                p_before_id=first[-1]["tx_id"])
    assert [r["tx_id"] for r in first + last] == [r["tx_id"] for r in got] and len(last) == 1
    assert len(rows(db, shop)) == 5  # without the filter: everything, as before
    # A cashier still sees only the rows they rang up (the refund is the manager's).
    assert {str(r["tx_id"]) for r in rows(db, shop, op=shop.cashier, p_shift_id=mine)} == {pay["tx_id"], up["tx_id"]}


def test_session_info_says_whether_the_merchant_runs_shifts(db, world):
    shop = world.merchant()
    with acting(db, shop.cashier.caller):
        assert db.call("merchant_session_info", p_merchant_code=shop.code)["runs_shifts"] is False
    terminal(db, shop, "T1")
    with acting(db, shop.cashier.caller):
        assert db.call("merchant_session_info", p_merchant_code=shop.code)["runs_shifts"] is True


def test_only_one_list_transactions_is_callable_after_the_signature_change(db):
    with db.superuser():
        found = db.q("select count(*) as n from pg_proc p join pg_namespace n on n.oid = p.pronamespace"
                     " where n.nspname = 'public' and p.proname = 'merchant_list_transactions'")
    assert found[0]["n"] == 1
