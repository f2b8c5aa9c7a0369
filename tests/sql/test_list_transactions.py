"""merchant_list_transactions: keyset pages that return every row exactly once, newest first;
a cashier's own rows only; filters; the fields a POS list shows; limits and roles."""

import uuid
from datetime import timedelta

import pytest

from .conftest import acting
from .harness import ANON, SERVICE, money
from .timeline import Timeline, local

SH = "Asia/Shanghai"


def page(db, shop, op=None, **kw):
    with acting(db, op.caller if op else SERVICE):
        return db.rows("merchant_list_transactions", p_merchant_code=shop.code, **kw)


def all_pages(db, shop, op=None, limit=4, between_pages=None, **kw):
    """Follow the keyset cursor to the end; `between_pages` runs after the first page."""
    rows, cursor = [], {}
    while True:
        got = page(db, shop, op, p_limit=limit, **cursor, **kw)
        rows += got
        if len(got) < limit:
            return rows
        cursor = {"p_before_created_at": got[-1]["created_at"], "p_before_id": got[-1]["tx_id"]}
        if between_pages:
            between_pages()
            between_pages = None


def ids(rows):
    return [r["tx_id"] for r in rows]


class Shop:
    """A merchant with two cashiers' sales, top-ups and refunds, several sharing one instant."""

    def __init__(self, db, world):
        self.tl = Timeline(db, world)
        self.t0 = local(SH, 2024, 5, 1, 10, 0)
        self.tl.at(self.t0)
        self.m = world.merchant(p_timezone=SH)
        self.cashier2 = world.user()
        with acting(db, self.m.owner.caller):
            db.call("add_merchant_user", p_merchant_code=self.m.code,
                    p_user_id=self.cashier2.user_id, p_role="cashier")
        self.member = world.member(balance="10000")
        self.payments = []
        for i in range(8):
            # Three rows per instant: the cursor must break ties by id.
            self.tl.at(self.t0 + timedelta(minutes=i // 3))
            self.payments.append(self.tl.pay(self.m, self.member, f"{10 + i}.00"))
        for i in range(6):
            self.tl.at(self.t0 + timedelta(hours=1, minutes=i))
            self.tl.pay(self.m, self.member, "5.55", op=self.cashier2)
        for i in range(3):
            self.tl.at(self.t0 + timedelta(hours=2, minutes=i))
            self.tl.topup(self.m, self.member, "20")
        self.tl.at(self.t0 + timedelta(hours=3))
        self.refund = self.tl.refund(self.m, self.payments[0]["tx_id"], "4.00")
        self.tl.refund(self.m, self.payments[0]["tx_id"], "1.50")
        # Another merchant's sales by the same member never show here.
        other = world.merchant(p_timezone=SH)
        self.tl.pay(other, self.member, "99")
        self.tl.at(self.t0 + timedelta(days=1))

    def expected(self, db, operator=None, kind=None):
        with db.superuser():
            return [r["id"] for r in db.q(
                "select id from app.transactions where merchant_id = %s"
                " and (%s::uuid is null or operator_user_id = %s::uuid)"
                " and (%s::text is null or kind::text = %s::text)"
                " order by created_at desc, id desc",
                (self.m.id, operator, operator, kind, kind))]


@pytest.fixture
def shop(db, world):
    return Shop(db, world)


def test_pages_return_every_row_exactly_once_newest_first(db, shop):
    rows = all_pages(db, shop.m, shop.m.manager, limit=4)
    want = shop.expected(db)
    assert len(want) == 8 + 6 + 3 + 2
    assert ids(rows) == want                       # each once, in (created_at, id) descending order
    times = [r["created_at"] for r in rows]
    assert times == sorted(times, reverse=True)


def test_a_sale_made_while_paging_neither_shifts_nor_repeats_rows(db, world, shop):
    before = shop.expected(db)

    def new_sale():
        shop.tl.pay(shop.m, shop.member, "1.00")

    rows = all_pages(db, shop.m, shop.m.owner, limit=5, between_pages=new_sale)
    assert ids(rows) == before                     # the new (newest) sale belongs to page one


def test_a_cashier_only_ever_gets_their_own_rows(db, shop):
    own = shop.expected(db, operator=shop.m.cashier.user_id)
    assert ids(all_pages(db, shop.m, shop.m.cashier, limit=3)) == own
    assert len(own) == 8 + 3
    # Whatever they pass: another operator's id finds nothing, a wide range nothing more.
    assert page(db, shop.m, shop.m.cashier, p_operator_user_id=shop.cashier2.user_id) == []
    assert ids(page(db, shop.m, shop.m.cashier, p_operator_user_id=shop.m.cashier.user_id,
                    p_limit=500)) == own
    assert ids(page(db, shop.m, shop.m.cashier, p_from=shop.t0 - timedelta(days=365),
                    p_to=shop.t0 + timedelta(days=365), p_limit=500)) == own
    assert ids(page(db, shop.m, shop.cashier2, p_limit=500)) == shop.expected(db, operator=shop.cashier2.user_id)


def test_managers_filter_by_cashier_kind_and_half_open_range(db, shop):
    mgr = shop.m.manager
    assert ids(page(db, shop.m, mgr, p_operator_user_id=shop.cashier2.user_id, p_limit=500)) == \
        shop.expected(db, operator=shop.cashier2.user_id)
    refunds = page(db, shop.m, mgr, p_kind="refund")
    assert ids(refunds) == shop.expected(db, kind="refund") and len(refunds) == 2
    assert ids(page(db, shop.m, mgr, p_kind="recharge")) == shop.expected(db, kind="recharge")
    # [t0, t0 + 1 min): the first instant's three payments, not the fourth at exactly +1 min.
    window = page(db, shop.m, mgr, p_from=shop.t0, p_to=shop.t0 + timedelta(minutes=1))
    assert sorted(ids(window)) == sorted(uuid.UUID(p["tx_id"]) for p in shop.payments[:3])


def test_rows_carry_what_a_pos_list_shows(db, shop):
    rows = {r["tx_id"]: r for r in page(db, shop.m, shop.m.manager, p_limit=500)}
    first = rows[uuid.UUID(shop.payments[0]["tx_id"])]
    assert first["kind"] == "payment" and first["operator_user_id"] == shop.m.cashier.user_id
    assert money(first["raw_amount"]) == money("10") and money(first["paid_amount"]) == money("10")
    assert money(first["refunded_total"]) == money("5.50")
    assert money(first["refundable_remaining"]) == money("4.50")
    assert first["card_last4"] and len(first["card_last4"]) == 4 and first["card_id"] == shop.member.card_id
    untouched = rows[uuid.UUID(shop.payments[1]["tx_id"])]
    assert money(untouched["refunded_total"]) == 0 and money(untouched["refundable_remaining"]) == money("11")
    refund = rows[uuid.UUID(shop.refund["refund_tx_id"])]
    assert refund["original_tx_id"] == uuid.UUID(shop.payments[0]["tx_id"])
    assert refund["paid_amount"] is None and refund["refundable_remaining"] is None
    assert money(refund["amount"]) == money("4.00") and refund["operator_user_id"] == shop.m.manager.user_id


def test_limits(db, shop):
    assert len(page(db, shop.m, shop.m.manager)) == 19               # default 50
    assert len(page(db, shop.m, shop.m.manager, p_limit=1)) == 1
    assert len(page(db, shop.m, shop.m.manager, p_limit=500)) == 19
    for bad in (0, -1, 501):
        with db.raises("MP013", "invalid_argument"):
            page(db, shop.m, shop.m.manager, p_limit=bad)


def test_bad_input_is_invalid_argument(db, shop):
    mgr, row = shop.m.manager, page(db, shop.m, shop.m.manager, p_limit=1)[0]
    for kw in ({"p_before_created_at": row["created_at"]},               # half a cursor
               {"p_before_id": row["tx_id"]},
               {"p_kind": "transfer"},
               {"p_from": shop.t0, "p_to": shop.t0},
               {"p_from": shop.t0, "p_to": shop.t0 - timedelta(seconds=1)}):
        with db.raises("MP013", "invalid_argument"):
            page(db, shop.m, mgr, **kw)


def test_only_the_merchants_operators_and_the_platform_may_list(db, world, shop):
    other = world.merchant()
    for op in (other.cashier, other.manager, other.owner, world.user()):
        with db.raises("42501"):
            page(db, shop.m, op)
    with db.raises("42501"), acting(db, ANON):
        db.rows("merchant_list_transactions", p_merchant_code=shop.m.code)
    assert len(page(db, shop.m, p_limit=500)) == 19                  # service role: everything
    with db.raises("MP010", "merchant_inactive"), acting(db, SERVICE):
        db.rows("merchant_list_transactions", p_merchant_code="NO_SUCH_SHOP")
