"""The close's comparison of the journal with the server, on its own: which rows of a shift the
journal holds, and what only one side knows."""

from decimal import Decimal

from pos_app.core.sale.journal import Journal
from pos_app.core.shift.reconcile import Line, compare, journal_lines, server_lines


def _done(journal, key, kind, amount, result, operator="c@shop"):
    journal.begin(key=key, kind=kind, merchant_code="M1", terminal="lane-1", operator=operator, amount=Decimal(amount))
    journal.mark_done(key, result)


def test_the_journal_gives_the_finished_rows_of_the_shift_with_their_transaction_ids(tmp_path):
    with Journal(tmp_path / "j.sqlite3") as journal:
        _done(journal, "a", "charge", "10.00", {"tx_id": "t1", "shift_id": "S", "paid_amount": "9.50"})
        _done(journal, "b", "refund", "2.00", {"refund_tx_id": "t2", "shift_id": "S"}, operator="m@shop")
        _done(journal, "c", "topup", "5.00", {"tx_id": "t3", "shift_id": "OTHER"})
        journal.begin(key="d", kind="charge", merchant_code="M1", terminal="lane-1", operator="c@shop",
                      amount=Decimal("1.00"))  # unsettled: not a finished row
        lines = journal_lines(journal, "M1", "S")
        assert [(x.tx_id, x.kind, x.amount) for x in lines] == [("t1", "charge", Decimal("9.50")),
                                                                ("t2", "refund", Decimal("2.00"))]
        assert [x.tx_id for x in journal_lines(journal, "M1", "S", operator="c@shop")] == ["t1"]


def test_rows_on_one_side_only_are_reported_both_ways():
    pages = [[{"tx_id": "t1", "kind": "payment", "amount": "9.50", "created_at": "2"},
              {"tx_id": "t9", "kind": "recharge", "amount": "5.00", "created_at": "1"}], []]
    asked = []

    def list_transactions(**kw):
        asked.append(kw)
        return pages[len(asked) - 1]

    server = server_lines(list_transactions, "S", page=2)
    assert asked[1]["before"] == ("1", "t9")  # the next page after the last row
    ours = [Line("t1", "charge", Decimal("9.50"), None), Line("t7", "refund", Decimal("1.00"), None)]
    found = compare(ours, server)
    assert not found.agrees and found.matched == 1
    assert [x.tx_id for x in found.only_in_journal] == ["t7"]
    assert [(x.tx_id, x.kind) for x in found.only_on_server] == [("t9", "topup")]
