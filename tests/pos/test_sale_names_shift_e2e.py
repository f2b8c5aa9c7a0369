"""The sale path names the terminal's open shift on every money call (contract §9), against the
stand-in: the shift's read-out counts the sale, the refund and the top-up rung up at the counter."""

from __future__ import annotations

import uuid
from decimal import Decimal

from pos_app.core.sale.journal import Journal
from pos_app.core.sale.service import SaleService, Till
from pos_app.core.scanning.codes import receipt_code
from pos_app.core.shift.current import CurrentShift

from .api_shop import signed_in


def test_charge_refund_and_top_up_land_in_the_open_shift_and_none_after_it_is_cleared(shop, tmp_path):
    manager = signed_in(shop, shop.manager)
    manager.register_terminal("lane-1", "Lane 1")
    cashier = signed_in(shop, shop.cashier)
    shift = CurrentShift()
    seen: list = []
    shift.subscribe(seen.append)
    shift.set(cashier.open_shift("lane-1", Decimal("50.00"), str(uuid.uuid4())))
    with Journal(tmp_path / "journal.sqlite3") as journal:
        sales = SaleService(cashier, journal, Till(shop.code, "lane-1", shop.cashier.email), shift=shift)
        paid = sales.run(sales.prepare_charge("12.00", shop.qr()))
        assert paid.state == "done" and paid.result["shift_id"] == shift.shift_id
        # Refunds are the manager's, at the same counter, into the same shift.
        refunds = SaleService(manager, journal, Till(shop.code, "lane-1", shop.manager.email), shift=shift)
        refunded = refunds.run(refunds.prepare_refund(receipt_code(paid.result["tx_id"]), "2.00"))
        assert refunded.state == "done" and refunded.result["shift_id"] == shift.shift_id
        topped = sales.run(sales.prepare_topup("30.00", shop.qr()))
        assert topped.state == "done" and topped.result["shift_id"] == shift.shift_id
        x = cashier.get_shift(shift.shift_id)
        assert (x.payments_count, x.refunds_count, x.topups_count) == (1, 1, 1)
        assert x.expected_cash == Decimal("80.00")  # the float and the top-up; card money never
        closed = cashier.close_shift(shift.shift_id, Decimal("80.00"), str(uuid.uuid4()))
        shift.set(closed)  # a closed shift clears the holder
        assert shift.shift_id is None and seen[-1] is None and seen[0].shift_id == closed.shift_id
