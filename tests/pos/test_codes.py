"""A scan is a payment code, a receipt's code, or something the cashier is told about before any
request; a payment code's secret never shows in a repr or str."""

import uuid

import pytest

from pos_app.core.scanning.codes import NotUsable, PaymentCode, ReceiptCode, classify, receipt_code

SECRET = "q8Zx-3kLm_0PaVb7RtYw2nHs5JcD9eFg"
CODE = f"MPSQR1.3f9a0c5e7b1d2a4c6e8f0a1b.{SECRET}"


@pytest.mark.parametrize("scanned", [CODE, f"{CODE}\r\n", f"  {CODE}\t", f"\x02{CODE}\x03", f"\ufeff{CODE}\n"])
def test_a_payment_code_is_recognised_through_scanner_noise(scanned):
    got = classify(scanned)
    assert isinstance(got, PaymentCode) and got.plain == CODE


@pytest.mark.parametrize("scanned", [
    "MPSQR1", "MPSQR1.", f"MPSQR1.3f9a0c5e7b1d2a4c6e8f0a1b.{SECRET[:-1]}",
    f"MPSQR1.3F9A0C5E7B1D2A4C6E8F0A1B.{SECRET}", f"MPSQR1.3f9a0c5e7b1d2a4c6e8f0a1.{SECRET}",
    f"MPSQR1.3f9a0c5e7b1d2a4c6e8f0a1b.{SECRET[:-1]}=", f"{CODE}.extra", f"MPSQR1 3f9a0c5e7b1d2a4c6e8f0a1b {SECRET}",
    f"MPSQR1x.3f9a0c5e7b1d2a4c6e8f0a1b.{SECRET}", f"{CODE[:-5]} {CODE[-4:]}",
])
def test_anything_else_with_the_prefix_is_a_malformed_payment_code(scanned):
    assert classify(scanned) == NotUsable("malformed_payment_code")


def test_a_malformed_code_keeps_no_part_of_what_was_scanned():
    got = classify(CODE + "!")
    assert SECRET not in repr(got) and not any(SECRET in str(v) for v in vars(got).values())


def test_the_secret_never_shows_in_repr_or_str():
    code = classify(CODE)
    for shown in (repr(code), str(code), f"{code}", repr([code]), repr({"qr": code})):
        assert SECRET not in shown and "secret hidden" in shown
    assert "3f9a0c" in repr(code)


def test_a_receipt_code_round_trips_and_a_typed_tx_id_counts_as_one():
    tx = uuid.uuid4()
    printed = receipt_code(tx)
    assert printed == f"MPSTX1.{tx}"
    assert classify(printed + "\r\n") == ReceiptCode(str(tx))
    assert classify(str(tx).upper()) == ReceiptCode(str(tx))
    assert receipt_code(str(tx).upper()) == printed


@pytest.mark.parametrize("scanned",
    ["MPSTX1", "MPSTX1.", "MPSTX1.not-a-uuid", f"MPSTX1:{uuid.uuid4()}", f"MPSTX1.{uuid.uuid4()}x"])
def test_a_broken_receipt_code_is_said_to_be_one(scanned):
    assert classify(scanned) == NotUsable("malformed_receipt_code")


def test_receipt_code_refuses_what_is_not_a_uuid():
    with pytest.raises(ValueError):
        receipt_code("12345")


@pytest.mark.parametrize("scanned, looks_like", [
    ("6901234567892", "barcode"), ("12345670", "barcode"), ("036000291452", "barcode"),
    ("https://example.com/pay?x=1", "url"), ("weixin://wxpay/bizpayurl?pr=abc", "url"),
    ("hello", "text"), ("mpsqr1.3f9a0c5e7b1d2a4c6e8f0a1b." + SECRET, "text"), ("123456", "text"),
])
def test_other_codes_are_not_payment_codes(scanned, looks_like):
    assert classify(scanned) == NotUsable("not_a_payment_code", looks_like)


@pytest.mark.parametrize("scanned", ["", "   ", "\r\n", None])
def test_an_empty_scan_is_empty(scanned):
    assert classify(scanned) == NotUsable("empty")
