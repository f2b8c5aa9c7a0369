"""The demo member's QR window behaves like a member app (issue 7, items 9 and 11): a spent
single-use code is replaced as soon as it is spent, Refresh replaces it at once, and the expiry
is shown on the shop's clock with its zone named."""

import uuid
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt

from mps_dev.member_qr import QrHistory
from pos_app.ui.member_qr_window import MemberQrWindow
from tests.pos.api_shop import build_shop, signed_in

from .helpers import WAIT


class Codes:
    """A member backend: rotate() hands out numbered codes valid five minutes; spend() uses one."""

    def __init__(self):
        self.served: list[str] = []
        self.spent: set[str] = set()

    def rotate(self):
        self.served.append(f"MPSQR1.{len(self.served):024x}.secret")
        return self.served[-1], datetime.now(UTC) + timedelta(minutes=5)

    def still_live(self, code: str) -> bool:
        return code not in self.spent


def _window(qtbot, codes: Codes, **kwargs) -> MemberQrWindow:
    window = MemberQrWindow(codes.rotate, "Member +8613800000001", size=200, still_live=codes.still_live,
                            check_ms=50, **kwargs)
    qtbot.addWidget(window)
    window.show()
    window.renew()
    qtbot.waitUntil(lambda: window.codes_shown == 1, timeout=WAIT)
    return window


def test_a_spent_code_is_replaced_as_soon_as_it_is_spent(qtbot):
    codes = Codes()
    window = _window(qtbot, codes)
    qtbot.wait(300)
    assert window.codes_shown == 1  # a live code stays, for its five minutes
    codes.spent.add(codes.served[0])  # the cashier charged it
    qtbot.waitUntil(lambda: window.codes_shown == 2, timeout=WAIT)
    assert "was used" in window.caption.text() and "已使用" in window.caption.text()
    assert codes.served[-1] != codes.served[0]


def test_refresh_replaces_the_code_at_once(qtbot):
    codes = Codes()
    window = _window(qtbot, codes)
    qtbot.mouseClick(window.refresh, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.codes_shown == 2, timeout=WAIT)
    assert len(codes.served) == 2


def test_the_expiry_is_on_the_shops_clock_with_its_zone(qtbot):
    def rotate():
        return "MPSQR1.000000000000000000000001.secret", datetime(2024, 5, 1, 12, 0, 5, tzinfo=UTC)

    window = MemberQrWindow(rotate, "Member", size=200, timezone_name="Asia/Shanghai",
                            clock=lambda: datetime(2024, 5, 1, 11, 58, tzinfo=UTC))
    qtbot.addWidget(window)
    window.renew()
    qtbot.waitUntil(lambda: window.codes_shown == 1, timeout=WAIT)
    assert "20:00:05 (Asia/Shanghai)" in window.caption.text()


def test_the_demo_reads_from_the_cards_qr_history_whether_its_code_was_spent(gateway):
    shop = build_shop(gateway)
    history = QrHistory(gateway.dsn)
    try:
        code = shop.qr()
        assert history.still_live(code)
        signed_in(shop, shop.cashier).charge_by_qr(code, "1.00", str(uuid.uuid4()))
        assert not history.still_live(code)  # used: the window asks for the next one
        replaced = shop.qr()
        shop.qr()
        assert not history.still_live(replaced)  # replaced by a newer one
        assert not history.still_live("not a code")
    finally:
        history.close()
