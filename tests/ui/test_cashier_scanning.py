"""The three ways a code comes in: a USB scanner's keystrokes, the camera, a pasted code."""

import threading

import pytest
from PySide6.QtCore import Qt

from pos_app.core.scanning.camera import ListFrames
from tests.pos.frames import frame_with

from .cashier_kit import WAIT, Kit, open_kit


@pytest.fixture
def kit(qtbot, tmp_path):
    yield from open_kit(qtbot, tmp_path)


def card_ready(kit) -> bool:
    return "Card ready" in kit.view.card_status.text()


def test_a_scanner_burst_arms_the_sale_and_never_reaches_the_amount_field(kit):
    field = kit.view.amount_field
    field.setText("12.30")
    field.setFocus()
    code = kit.api.card("100.00")
    kit.scan_burst(field, code)
    kit.qtbot.waitUntil(lambda: card_ready(kit), timeout=WAIT)
    assert kit.view.scanner.detector.deadline is None  # nothing held back to leak later
    assert field.text() == "12.30"
    assert kit.view.controller.checkout.armed.plain == code and kit.api.calls == []  # a scan never charges


def test_a_burst_without_enter_is_a_scan_once_it_goes_quiet(kit):
    field = kit.view.amount_field
    field.setFocus()
    kit.scan_burst(field, kit.api.card("100.00"), enter=False)
    kit.clock.now += 1.0
    kit.qtbot.waitUntil(lambda: card_ready(kit), timeout=WAIT)
    assert field.text() == ""


def test_a_persons_typing_reaches_the_amount_field_backspace_included(kit):
    field = kit.view.amount_field
    field.setFocus()
    kit.type_as_person(field, "123")
    kit.qtbot.keyClick(field, Qt.Key.Key_Backspace)
    kit.clock.now += 1.0
    kit.qtbot.waitUntil(lambda: field.text() == "12", timeout=WAIT)
    assert not card_ready(kit)


def test_a_scanners_enter_does_not_charge_but_a_persons_enter_does(kit):
    field = kit.view.amount_field
    field.setFocus()
    kit.enter_amount("8")
    kit.scan_burst(field, kit.api.card("100.00"))  # ends with Enter
    kit.qtbot.waitUntil(lambda: card_ready(kit), timeout=WAIT)
    assert kit.api.calls == []
    kit.clock.now += 1.0
    kit.qtbot.keyClick(field, Qt.Key.Key_Return)
    assert kit.wait_receipt().amount == 8


def test_a_scanned_product_barcode_is_named_and_arms_nothing(kit):
    field = kit.view.amount_field
    field.setFocus()
    kit.scan_burst(field, "4006381333931")
    kit.qtbot.waitUntil(lambda: "not a member payment code" in kit.view.notice.text(), timeout=WAIT)
    assert field.text() == "" and not card_ready(kit)


def camera_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "pos-camera-scan" and t.is_alive()]


def test_the_camera_reads_a_payment_code_and_arms_the_sale(qtbot, tmp_path):
    code = None  # made once the kit's fake server exists; read when the camera starts
    k = Kit(qtbot, tmp_path, camera=lambda: ListFrames([frame_with(code)], loop=True, interval=0.01))
    try:
        code = k.api.card("100.00")
        qtbot.mouseClick(k.view.camera.toggle, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: card_ready(k), timeout=WAIT)
        qtbot.waitUntil(lambda: not k.view.camera.preview.pixmap().isNull(), timeout=WAIT)  # live preview
        assert k.view.camera.toggle.text().startswith("Stop")
    finally:
        k.close()
    assert camera_threads() == []


def test_closing_the_view_stops_the_scan_loop_and_leaves_no_thread(qtbot, tmp_path):
    source = ListFrames([frame_with(None)], loop=True, interval=0.01)
    k = Kit(qtbot, tmp_path, camera=lambda: source)
    k.view.camera.start()
    qtbot.waitUntil(lambda: source.reads > 3, timeout=WAIT)
    loop = k.view.camera.loop
    assert camera_threads()
    k.view.close()
    assert not loop.running and loop.finished.is_set() and source.closed
    assert camera_threads() == []
    k.journal.close()


def test_no_camera_is_said_plainly_and_a_camera_that_fails_says_why(qtbot, tmp_path):
    k = Kit(qtbot, tmp_path)
    try:
        assert "No camera" in k.view.camera.preview.text() and not k.view.camera.toggle.isEnabled()
    finally:
        k.close()
    broken = Kit(qtbot, tmp_path / "b", camera=lambda: ListFrames([]))
    try:
        broken.view.camera.start()
        qtbot.waitUntil(lambda: "Camera unavailable" in broken.view.camera.preview.text(), timeout=WAIT)
        assert "no frames" in broken.view.camera.preview.text() and not broken.view.camera.running
    finally:
        broken.close()
    assert camera_threads() == []
