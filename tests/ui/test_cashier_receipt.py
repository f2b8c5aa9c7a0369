"""The receipt after a sale: on screen with its QR, as PDF, to a thermal printer; reprints."""

import uuid
from decimal import Decimal

import numpy as np
import pytest
from PySide6.QtGui import QImage

from pos_app.core.receipt.escpos import render_escpos
from pos_app.core.receipt.text import render_text
from pos_app.core.scanning.codes import receipt_code
from pos_app.core.scanning.qr_decode import decode_codes  # the camera's decoder reads the drawn QR

from .cashier_kit import WAIT, open_kit


@pytest.fixture
def kit(qtbot, tmp_path):
    yield from open_kit(qtbot, tmp_path, escpos_device=tmp_path / "lp0")


def charged(kit, amount: str = "12.30"):
    kit.view.controller.scan(kit.api.card("100.00"))
    kit.view.amount_field.setText(amount)
    kit.view.charge()
    return kit.wait_receipt()


def test_the_receipt_pdf_is_written_and_holds_the_transaction_id(kit, tmp_path):
    receipt = charged(kit)
    path = kit.view.save_receipt_pdf(tmp_path / "receipt.pdf")
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 2000
    assert receipt.tx_id in "".join(render_text(receipt, 48))
    try:
        import pypdf
    except ImportError:  # the text renderer above says the same rows; the file is there
        return
    text = pypdf.PdfReader(str(path)).pages[0].extract_text().replace("\n", "")
    assert receipt.tx_id in text and "¥12.30" in text


def test_the_receipt_on_screen_carries_a_qr_of_the_payment_and_switches_language(kit):
    receipt = charged(kit)
    image = kit.view.receipt_panel.slip.grab().toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    pixels = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())[:, :image.width()]
    assert receipt_code(receipt.tx_id) in decode_codes(pixels.copy())
    kit.language.set("zh_CN")
    assert kit.view.receipt_panel.print_button.text().startswith("打印")
    assert kit.view.charge_button.text().startswith("收款")


def test_thermal_print_writes_the_escpos_job_to_the_device(kit, tmp_path):
    receipt = charged(kit)
    device = tmp_path / "lp0"
    assert kit.view.receipt_panel.print_thermal() is not None
    # Wait for the outcome, not the job's signal: a fast job may finish before a test connects.
    kit.qtbot.waitUntil(lambda: "Sent to the printer" in kit.view.notice.text(), timeout=WAIT)
    assert device.read_bytes() == render_escpos(receipt, 32, "en")


def test_a_past_receipt_is_reprinted_from_todays_list_as_a_copy(qtbot, tmp_path):
    tx = str(uuid.uuid4())
    row = {"tx_id": tx, "kind": "payment", "created_at": "2030-01-31T01:02:03+00:00", "paid_amount": "9.00",
           "raw_amount": "10.00", "discount_amount": "1.00", "amount": None, "balance_after": "91.00",
           "card_last4": "4242", "points_delta": 9, "currency": "CNY"}
    asked = []

    def list_transactions(since):
        asked.append(since)
        return [row]

    gen = open_kit(qtbot, tmp_path, list_transactions=list_transactions, get_tx=lambda tx_id: {**row, "tx_id": tx_id})
    kit = next(gen)
    try:
        kit.view.refresh_today()
        kit.qtbot.waitUntil(lambda: kit.view.today_model.rowCount() == 1, timeout=WAIT)
        assert asked[0].utcoffset().total_seconds() == 8 * 3600  # today on the shop's clock
        kit.view.today_panel.table.selectRow(0)
        kit.view.today_panel.reprint_button.click()
        receipt = kit.wait_receipt()
        assert receipt.copy and receipt.tx_id == tx and receipt.amount == Decimal("9.00")
        assert kit.view.tabs.currentWidget() is kit.view.receipt_panel
    finally:
        next(gen, None)
