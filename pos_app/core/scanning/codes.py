"""What a scanned or pasted string is: a member's payment code, a receipt's own code (to find a
payment for a refund), or something else (a product barcode, a URL), so the cashier is told
before any request is made.

A payment code is `MPSQR1.<24 lower-case hex>.<32 base64url>` (contract §6, handbook "QR
payment codes"). Only its form is checked here; the backend judges it. The secret part never
appears in a repr or str, so a log line or a traceback cannot leak it."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

PAYMENT_PREFIX = "MPSQR1"
# A receipt prints this code (as a QR) for refunds. The version in the prefix leaves room to
# change the form later while old receipts keep scanning.
RECEIPT_PREFIX = "MPSTX1"

REASONS = ("empty", "malformed_payment_code", "malformed_receipt_code", "not_a_payment_code")

_PAYMENT = re.compile(r"MPSQR1\.([0-9a-f]{24})\.([A-Za-z0-9_-]{32})")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_RETAIL_BARCODE = re.compile(r"[0-9]{8}|[0-9]{12,14}")  # EAN-8, UPC-A, EAN-13, GTIN-14
# Scanners end a code with CR/LF or Tab, and some wrap it in STX/ETX; none of these can be part
# of a code, so they are trimmed from both ends.
_SCANNER_NOISE = " \t\r\n\x00\x02\x03\x04\x1d\x1e\ufeff"


@dataclass(frozen=True)
class PaymentCode:
    """A member payment code, well formed. `plain` is the code to send, exactly as scanned."""

    plain: str = field(repr=False)

    @property
    def lookup_hint(self) -> str:
        """A short, non-secret piece of the code for screens and logs."""
        return self.plain.split(".")[1][:6]

    def __repr__(self) -> str:
        return f"PaymentCode({PAYMENT_PREFIX}.{self.lookup_hint}…, secret hidden)"

    __str__ = __repr__


@dataclass(frozen=True)
class ReceiptCode:
    """A receipt's code, or a transaction id typed by hand: the payment to refund."""

    tx_id: str

    @property
    def text(self) -> str:
        return f"{RECEIPT_PREFIX}.{self.tx_id}"


@dataclass(frozen=True)
class NotUsable:
    """Anything else. `reason`: empty, malformed_payment_code, malformed_receipt_code,
    not_a_payment_code; `looks_like` (barcode, url, text) helps the message. The raw text is not
    kept: a mangled payment code may still hold most of a secret."""

    reason: str
    looks_like: str = "text"


Scan = PaymentCode | ReceiptCode | NotUsable


def receipt_code(tx_id: str | uuid.UUID) -> str:
    """The code a receipt prints for its transaction: `MPSTX1.<tx uuid, lower case>`."""
    return ReceiptCode(str(uuid.UUID(str(tx_id)))).text


def classify(raw: str) -> Scan:
    """What the scanned or pasted `raw` is. Never raises."""
    text = (raw or "").strip(_SCANNER_NOISE)
    if not text:
        return NotUsable("empty")
    if text.startswith(PAYMENT_PREFIX):
        if _PAYMENT.fullmatch(text):
            return PaymentCode(text)
        return NotUsable("malformed_payment_code")
    if text.startswith(RECEIPT_PREFIX):
        tail = text[len(RECEIPT_PREFIX) + 1:]
        if text[len(RECEIPT_PREFIX):len(RECEIPT_PREFIX) + 1] == "." and _UUID.fullmatch(tail):
            return ReceiptCode(tail.lower())
        return NotUsable("malformed_receipt_code")
    if _UUID.fullmatch(text):
        return ReceiptCode(text.lower())
    if _RETAIL_BARCODE.fullmatch(text):
        return NotUsable("not_a_payment_code", "barcode")
    if re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", text):
        return NotUsable("not_a_payment_code", "url")
    return NotUsable("not_a_payment_code")
