"""The PINs of the operators at one terminal: kept only as a slow, salted hash in the data dir,
compared in constant time; five wrong in a row lock the PIN (the password is needed); a wrong
PIN for an operator with no PIN here looks like any wrong PIN."""

from __future__ import annotations

import json

import pytest

from pos_app.core.session.pins import MAX_WRONG, PinBook, PinCheck, masked, pin_problem

PIN = "4711"


@pytest.fixture
def book(tmp_path) -> PinBook:
    return PinBook(tmp_path / "operators")


@pytest.mark.parametrize("pin, problem", [
    ("4711", None), ("12345678", None), ("0000", None),
    ("123", "pin_length"), ("123456789", "pin_length"), ("", "pin_length"),
    ("12a4", "pin_digits"), ("12 34", "pin_digits"), ("１２３４", "pin_digits"), ("-123", "pin_digits"),
])
def test_a_pin_is_four_to_eight_ascii_digits(pin, problem):
    assert pin_problem(pin) == problem


def test_the_file_holds_a_salted_scrypt_hash_never_the_pin(book):
    book.set_pin("u1", "ann@shop.test", PIN)
    book.set_pin("u2", "bob@shop.test", PIN)
    raw = book.path.read_text(encoding="utf-8")
    assert PIN not in raw
    entries = json.loads(raw)["operators"]
    assert {e["kdf"] for e in entries.values()} == {"scrypt"} and entries["u1"]["n"] >= 2**14
    assert entries["u1"]["salt"] != entries["u2"]["salt"] and entries["u1"]["hash"] != entries["u2"]["hash"]
    assert book.path.stat().st_mode & 0o077 == 0


def test_the_right_pin_opens_and_a_wrong_one_does_not(book):
    book.set_pin("u1", "ann@shop.test", PIN)
    assert book.check("u1", PIN) is PinCheck.OK
    assert book.check("u1", "4712") is PinCheck.WRONG
    assert book.check("u1", "47110") is PinCheck.WRONG


def test_five_wrong_pins_in_a_row_lock_it_and_the_right_one_no_longer_opens(book):
    book.set_pin("u1", "ann@shop.test", PIN)
    results = [book.check("u1", "0000") for _ in range(MAX_WRONG)]
    assert results == [PinCheck.WRONG] * (MAX_WRONG - 1) + [PinCheck.LOCKED]
    assert book.check("u1", PIN) is PinCheck.LOCKED and not book.has_pin("u1")
    assert [(op.user_id, op.has_pin, op.locked_out) for op in book.known()] == [("u1", False, True)]  # listed
    assert "hash" not in json.loads(book.path.read_text(encoding="utf-8"))["operators"]["u1"]
    book.remember("u1", "ann@shop.test")  # signed in with the password: still locked out
    assert book.known()[0].locked_out
    book.set_pin("u1", "ann@shop.test", "2468")  # then a new PIN
    assert book.check("u1", "2468") is PinCheck.OK and not book.known()[0].locked_out


def test_the_right_pin_resets_the_count_of_wrong_ones(book):
    book.set_pin("u1", "ann@shop.test", PIN)
    for _ in range(MAX_WRONG - 1):
        assert book.check("u1", "0000") is PinCheck.WRONG
    assert book.check("u1", PIN) is PinCheck.OK
    for _ in range(MAX_WRONG - 1):
        assert book.check("u1", "0000") is PinCheck.WRONG
    assert book.check("u1", PIN) is PinCheck.OK


def test_the_count_survives_a_restart(book, tmp_path):
    book.set_pin("u1", "ann@shop.test", PIN)
    for _ in range(MAX_WRONG - 1):
        book.check("u1", "0000")
    assert PinBook(tmp_path / "operators").check("u1", "0000") is PinCheck.LOCKED


def test_an_operator_without_a_pin_here_gets_the_same_answer_as_a_wrong_pin(book):
    assert book.check("nobody", PIN) is PinCheck.WRONG
    assert not book.path.exists()  # and nothing is written for them


def test_forget_removes_the_operator_and_a_damaged_file_knows_nobody(book):
    book.set_pin("u1", "ann@shop.test", PIN)
    book.remember("u2", "bob@shop.test")
    assert [(op.user_id, op.has_pin, op.locked_out) for op in book.known()] == [("u1", True, False),
                                                                                ("u2", False, False)]
    book.forget("u1")
    assert [op.user_id for op in book.known()] == ["u2"]
    book.path.write_text("{not json", encoding="utf-8")
    assert book.known() == [] and book.check("u2", PIN) is PinCheck.WRONG


def test_an_email_is_shown_masked():
    assert masked("cashier-1@shop.test") == "ca•••@shop.test"
    assert masked("x") == "x•••"
