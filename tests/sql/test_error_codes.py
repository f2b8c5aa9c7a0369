"""Errors are API (contract §4): each name has its SQLSTATE, and each is exercised by a test."""

import re
from pathlib import Path

import pytest

CONTRACT = {
    "MP001": "invalid_amount", "MP002": "insufficient_balance", "MP003": "qr_invalid",
    "MP004": "qr_expired", "MP005": "qr_not_active", "MP006": "idempotency_conflict",
    "MP007": "refund_exceeds_paid", "MP008": "tx_not_refundable", "MP009": "card_inactive",
    "MP010": "merchant_inactive", "MP011": "binding_password_invalid", "MP012": "not_found",
    "MP013": "invalid_argument", "MP014": "shift_conflict", "MP015": "shift_closed",
    "42501": "forbidden",
}


@pytest.mark.parametrize("code,name", CONTRACT.items())
def test_each_error_name_raises_its_sqlstate_and_a_prefixed_message(db, code, name):
    with db.raises(code, name):
        db.q("select app.fail(%s, 'a human sentence')", (name,))


def test_an_unknown_error_name_is_a_bug_not_a_silent_success(db):
    with db.raises("P0001"):
        db.q("select app.fail('no_such_error', 'x')")


def test_every_contract_error_is_asserted_by_some_test():
    sources = "\n".join(p.read_text() for p in Path(__file__).parent.glob("test_*.py")
                        if p.name != Path(__file__).name)
    asserted = set(re.findall(r'raises\("(MP\d{3}|42501)"', sources))
    assert set(CONTRACT) - asserted == set()
