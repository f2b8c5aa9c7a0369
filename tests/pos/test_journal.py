"""The journal keeps every attempt on disk before its request, follows the state rules, never
holds a payment code, and survives a process killed at any point."""

import sqlite3
import textwrap
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from pos_app.core.sale import journal as journal_module
from pos_app.core.sale.journal import SCHEMA_VERSION, Journal, JournalError

from .crash import run_until_killed


class Clock:
    def __init__(self):
        self.now = datetime(2030, 1, 31, 8, 0, tzinfo=UTC)

    def __call__(self):
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def journal(tmp_path):
    with Journal(tmp_path / "data" / "journal.sqlite3", clock=Clock()) as j:
        yield j


def begin(j, kind="charge", amount="12.50", **extra):
    key = str(uuid.uuid4())
    fields = dict(key=key, kind=kind, merchant_code="SHOP001", terminal="lane-1", operator="ann@shop.test",
                  amount=Decimal(amount))
    return j.begin(**(fields | extra))


def test_an_attempt_is_on_disk_in_state_sending_as_soon_as_begin_returns(journal):
    a = begin(journal)
    assert a.state == "sending" and a.amount == Decimal("12.50") and a.result is None
    with sqlite3.connect(journal.path) as other:  # another connection sees it: it was committed
        assert other.execute("select state, amount from attempt where key = ?", (a.key,)).fetchone() == ("sending",
                                                                                                         "12.50")


def test_the_file_is_wal_with_full_sync_and_versioned(journal):
    assert journal._db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert journal._db.execute("pragma synchronous").fetchone()[0] == 2  # FULL
    assert journal._db.execute("pragma user_version").fetchone()[0] == SCHEMA_VERSION == 3


def test_done_keeps_the_servers_answer_and_the_card_hint(journal):
    a = begin(journal)
    result = {"tx_id": str(uuid.uuid4()), "paid_amount": 12.5, "card_last4": "4321", "replayed": False}
    done = journal.mark_done(a.key, result)
    assert done.state == "done" and done.result == result and done.card_hint == "4321"
    assert done.updated_at > done.created_at
    assert journal.get(a.key) == done


def test_a_results_decimals_come_back_as_the_same_decimals(journal):
    a = begin(journal)
    result = {"paid_amount": Decimal("12.50"), "balance_after": Decimal("20"), "rate": Decimal("0.125"),
              "points_earned": 12, "replayed": False, "level_code": None, "note": "咖啡 \"x\"",
              "refunds": [{"refund_amount": Decimal("1.00")}], "big": Decimal("1E+2")}
    back = journal.mark_done(a.key, result).result
    assert back == result
    assert [type(back[k]) for k in ("paid_amount", "balance_after", "rate", "points_earned")] == [Decimal, Decimal,
                                                                                                  Decimal, int]
    assert str(back["paid_amount"]) == "12.50" and type(back["refunds"][0]["refund_amount"]) is Decimal
    with pytest.raises(JournalError):
        journal.mark_done(a.key, {"x": Decimal("NaN")})


@pytest.mark.parametrize("path", [["done"], ["failed"], ["pending", "pending", "done"], ["pending", "failed"],
                                  ["pending", "voided"], ["voided"]])
def test_allowed_state_paths(journal, path):
    a = begin(journal)
    for state in path:
        moved = {"done": lambda: journal.mark_done(a.key, {}),
                 "failed": lambda: journal.mark_failed(a.key, "qr_expired"),
                 "pending": lambda: journal.mark_pending(a.key, "outcome_unknown"),
                 "voided": lambda: journal.mark_voided(a.key, {"outcome": "voided"})}[state]()
        assert moved.state == state
    assert journal.get(a.key).state == path[-1]


@pytest.mark.parametrize("final", ["done", "failed", "voided"])
def test_final_states_are_final(journal, final):
    a = begin(journal)
    {"done": lambda: journal.mark_done(a.key, {}), "failed": lambda: journal.mark_failed(a.key, "x"),
     "voided": lambda: journal.mark_voided(a.key, {})}[final]()
    for move in (lambda: journal.mark_done(a.key, {}), lambda: journal.mark_pending(a.key, "offline"),
                 lambda: journal.mark_failed(a.key, "x"), lambda: journal.mark_voided(a.key, {})):
        with pytest.raises(JournalError):
            move()
    assert journal.get(a.key).state == final


def test_a_key_is_journaled_once_and_unknown_keys_are_refused(journal):
    a = begin(journal)
    with pytest.raises(JournalError):
        begin(journal, key=a.key)
    with pytest.raises(JournalError):
        journal.mark_done("no-such-key", {})
    assert journal.get("no-such-key") is None


def test_bad_kind_and_amount_are_refused(journal):
    with pytest.raises(JournalError):
        begin(journal, kind="payout")
    with pytest.raises(JournalError):
        begin(journal, amount=Decimal("NaN"))
    with pytest.raises(JournalError):
        journal.begin(key="k", kind="charge", merchant_code="S", terminal="t", operator="o", amount=12.5)


def test_a_payment_code_never_reaches_the_disk(journal):
    code = "MPSQR1.3f9a0c5e7b1d2a4c6e8f0a1b.q8Zx-3kLm_0PaVb7RtYw2nHs5JcD9eFg"
    with pytest.raises(JournalError):
        begin(journal, reason=f"scanned {code}")
    a = begin(journal)
    with pytest.raises(JournalError):
        journal.mark_done(a.key, {"echo": code})
    assert journal.get(a.key).state == "sending"
    journal.close()
    raw = b"".join(p.read_bytes() for p in journal.path.parent.iterdir())
    assert b"q8Zx-3kLm" not in raw and b"MPSQR1" not in raw


def test_unfinished_query(journal):
    sending, pending, done, failed, voided, old_done = (begin(journal) for _ in range(6))
    journal.mark_done(old_done.key, {"n": 0})
    journal.mark_pending(pending.key, "offline")
    journal.mark_done(done.key, {"n": 1})
    journal.mark_failed(failed.key, "insufficient_balance")
    journal.mark_voided(voided.key, {"outcome": "voided"})
    other = begin(journal, merchant_code="SHOP002")
    assert [a.key for a in journal.unfinished()] == [sending.key, pending.key, other.key]
    assert [a.key for a in journal.unfinished("SHOP001")] == [sending.key, pending.key]
    assert journal.get(pending.key).error_name == "offline"
    assert journal.get(done.key).state == journal.get(old_done.key).state == "done"
    assert journal.get(failed.key).error_name == "insufficient_balance"


def test_refund_rows_keep_the_original_payment_and_reason(journal):
    tx = str(uuid.uuid4())
    a = begin(journal, kind="refund", original_tx_id=tx, reason="one item returned")
    assert (a.kind, a.original_tx_id, a.reason) == ("refund", tx, "one item returned")


def test_reopening_keeps_everything_and_a_newer_file_is_refused(tmp_path):
    path = tmp_path / "journal.sqlite3"
    with Journal(path) as j:
        a = begin(j)
    with Journal(path) as j:
        assert j.get(a.key) == a
        j._db.execute(f"pragma user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(JournalError, match="version"):
        Journal(path)


def test_migrations_run_from_an_empty_file_only_once(tmp_path, monkeypatch):
    path = tmp_path / "journal.sqlite3"
    Journal(path).close()
    monkeypatch.setattr(journal_module, "_MIGRATIONS", journal_module._MIGRATIONS + [("create table extra (x)",)])
    monkeypatch.setattr(journal_module, "SCHEMA_VERSION", 4)
    with Journal(path) as j:  # v1 to v3 are not run again (they would fail: they are applied); v4 is
        assert j._db.execute("pragma user_version").fetchone()[0] == 4
        assert j._db.execute("select count(*) from extra").fetchone()[0] == 0


WRITER = textwrap.dedent("""
    import sys, uuid
    from decimal import Decimal
    from pos_app.core.sale.journal import Journal
    j = Journal(sys.argv[1] if len(sys.argv) > 1 else {path!r})
    n = 0
    while True:
        key = str(uuid.uuid4())
        j.begin(key=key, kind="charge", merchant_code="SHOP001", terminal="t", operator="o",
                amount=Decimal("1.00"))
        print(key, "sending", flush=True)
        if {stop_after_first}:
            sys.stdin.read()  # hold here until killed
        if n % 2:
            j.mark_done(key, {{"n": n}})
            print(key, "done", flush=True)
        n += 1
""")


def test_an_attempt_written_before_a_kill_is_there_after(tmp_path):
    path = tmp_path / "journal.sqlite3"
    (line,) = run_until_killed(WRITER.format(path=str(path), stop_after_first=True), 1)
    key = line.split()[0]
    with Journal(path) as j:
        a = j.get(key)
        assert a is not None and a.state == "sending" and [u.key for u in j.unfinished()] == [key]


def test_a_writer_killed_mid_stream_leaves_a_sound_file_with_every_committed_write(tmp_path):
    path = tmp_path / "journal.sqlite3"
    lines = run_until_killed(WRITER.format(path=str(path), stop_after_first=False), 300)
    with Journal(path) as j:
        assert j._db.execute("pragma integrity_check").fetchone()[0] == "ok"
        for line in lines:
            key, state = line.split()
            row = j.get(key)
            assert row is not None, key
            assert row.state == state or (state, row.state) == ("sending", "done")
        final = {line.split()[0]: line.split()[1] for line in lines}
        assert sum(1 for s in final.values() if s == "done") >= 99


# -- cash movements and split sales (migration 2) --------------------------------------------


def test_a_cash_movement_is_journaled_with_its_kind_shift_and_reason(journal):
    a = begin(journal, kind="cash", movement_kind="pay_out", shift_id="s-1", reason="milk")
    assert (a.kind, a.movement_kind, a.shift_id, a.reason, a.state) == ("cash", "pay_out", "s-1", "milk", "sending")
    assert journal.unfinished() == [a]
    with pytest.raises(JournalError, match="movement kind"):
        begin(journal, kind="cash")
    with pytest.raises(JournalError, match="movement kind"):
        begin(journal, kind="cash", movement_kind="tip")
    with pytest.raises(JournalError, match="movement kind"):
        begin(journal, kind="charge", movement_kind="pay_in")


def test_both_parts_of_a_split_sale_are_written_at_once_the_cash_part_waiting(journal):
    card, cash = str(uuid.uuid4()), str(uuid.uuid4())
    common = dict(merchant_code="SHOP001", terminal="lane-1", operator="ann@shop.test", sale_group="g-1",
                  shift_id="s-1")
    journal.begin_many([dict(key=card, kind="charge", amount=Decimal("40.00"), **common),
                        dict(key=cash, kind="cash", movement_kind="cash_sale", amount=Decimal("12.00"),
                             state="waiting", **common)])
    assert [(a.key, a.state) for a in journal.group("g-1")] == [(card, "sending"), (cash, "waiting")]
    assert [a.key for a in journal.unfinished()] == [card, cash]  # card first: it is settled first
    with pytest.raises(JournalError, match="cannot go from waiting to pending"):
        journal.mark_pending(cash, "offline")
    assert journal.mark_sending(cash).state == "sending"


def test_a_split_sale_is_all_or_nothing_on_disk(journal):
    taken = begin(journal)
    with pytest.raises(JournalError, match="already journaled"):
        journal.begin_many([dict(key=str(uuid.uuid4()), kind="charge", merchant_code="SHOP001", terminal="t",
                                 operator="o", amount=Decimal("1"), sale_group="g-2"),
                            dict(key=taken.key, kind="cash", movement_kind="cash_sale", merchant_code="SHOP001",
                                 terminal="t", operator="o", amount=Decimal("1"), sale_group="g-2")])
    assert journal.group("g-2") == [] and journal.unfinished() == [taken]


def test_a_version_1_file_is_carried_over_with_every_row(tmp_path):
    path = tmp_path / "journal.sqlite3"
    db = sqlite3.connect(path)
    for statement in journal_module._MIGRATIONS[0]:
        db.execute(statement)
    stamp = "2030-01-31T08:00:00.000000Z"
    db.execute("insert into attempt values ('k-pending', 'charge', 'SHOP001', 'lane-1', 'ann', '12.50', null, null,"
               " null, 'pending', null, 'offline', ?, ?)", (stamp, stamp))
    db.execute("insert into attempt values ('k-done', 'refund', 'SHOP001', 'lane-1', 'ann', '2.00', '0001', 't-1',"
               " 'r', 'done', '{\"paid\": 2.00}', null, ?, ?)", (stamp, stamp))
    db.execute("pragma user_version = 1")
    db.commit()
    db.close()
    with Journal(path) as j:
        assert j._db.execute("pragma user_version").fetchone()[0] == SCHEMA_VERSION
        done = j.get("k-done")
        assert (done.kind, done.amount, done.original_tx_id, done.result) == ("refund", Decimal("2.00"), "t-1",
                                                                             {"paid": Decimal("2.00")})
        assert [a.key for a in j.unfinished()] == ["k-pending"] and j.get("k-pending").error_name == "offline"
        assert begin(j, kind="cash", movement_kind="drop", reason="safe").kind == "cash"


# -- what a split sale's card part takes from the card (migration 3) ---------------------------


def test_a_split_card_part_keeps_what_it_takes_from_the_card_and_a_version_2_file_opens(tmp_path):
    path = tmp_path / "journal.sqlite3"
    db = sqlite3.connect(path)
    for migration in journal_module._MIGRATIONS[:2]:
        for statement in migration:
            db.execute(statement)
    stamp = "2030-01-31T08:00:00.000000Z"
    db.execute("insert into attempt (key, kind, merchant_code, terminal, operator, amount, state, created_at,"
               " updated_at, sale_group, sale_amount) values ('k-old', 'charge', 'SHOP001', 'lane-1', 'ann',"
               " '105.26', 'pending', ?, ?, 'g-old', '150.00')", (stamp, stamp))
    db.execute("pragma user_version = 2")
    db.commit()
    db.close()
    with Journal(path) as j:
        old = j.get("k-old")
        assert (old.amount, old.sale_amount, old.card_paid) == (Decimal("105.26"), Decimal("150.00"), None)
        new = begin(j, sale_group="g-1", sale_amount=Decimal("150.00"), card_paid=Decimal("100.00"))
        assert j.get(new.key).card_paid == Decimal("100.00")
        with pytest.raises(JournalError, match="card_paid"):
            begin(j, card_paid=100.0)
