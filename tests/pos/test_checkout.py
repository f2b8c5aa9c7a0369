"""The cashier screen's sale state: what a scan arms and when a new sale may start."""

from datetime import UTC, datetime
from decimal import Decimal

from pos_app.core.sale.checkout import Checkout
from pos_app.core.sale.journal import Attempt
from pos_app.core.sale.service import Outcome

CODE = "MPSQR1." + "a" * 24 + "." + "B" * 32


def outcome(state: str, key: str = "k1", error: str | None = None) -> Outcome:
    now = datetime.now(UTC)
    return Outcome(Attempt(key, "charge", "SHOP", "lane", "op", Decimal("1.00"), None, None, None,
                           state, None, error, now, now), error)


def test_a_payment_code_arms_the_sale_with_a_hint_that_hides_the_secret():
    c = Checkout()
    verdict = c.scan(CODE + "\r\n")
    assert verdict.armed and verdict.hint == "aaaaaa" and "B" not in verdict.hint
    assert c.armed.plain == CODE


def test_a_receipt_code_or_a_barcode_is_refused_with_its_words_and_keeps_the_armed_code():
    c = Checkout()
    c.scan(CODE)
    assert c.scan("MPSTX1.0b4f6a2e-1d2c-4e5f-8a9b-0c1d2e3f4a5b").refusal == "receipt_code_for_payment"
    assert c.scan("4006381333931").refusal == "not_a_payment_code"
    assert c.scan("MPSQR1.abc").refusal == "malformed_payment_code"
    assert c.armed.plain == CODE


def test_a_pending_outcome_blocks_new_sales_until_the_same_key_settles():
    c = Checkout()
    c.scan(CODE)
    c.busy = True
    assert not c.can_start
    c.settle(outcome("pending", "k1", "outcome_unknown"))
    assert c.pending_key == "k1" and not c.can_start and c.armed is not None
    c.settle(outcome("done", "k1"))
    assert c.can_start and c.armed is None


def test_a_final_outcome_spends_the_code():
    for state in ("failed", "voided"):
        c = Checkout()
        c.scan(CODE)
        c.settle(outcome(state))
        assert c.armed is None and c.can_start
