"""What the cashier view tests share: a real SaleService and Journal over the FakeApi, a clock
the tests move by hand (to type at a scanner's or a person's pace), and typing helpers."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from pos_app.core.receipt.model import ReceiptHeader
from pos_app.core.sale.journal import Journal
from pos_app.core.sale.service import SaleService, Till
from pos_app.ui.cashier import CashierView
from pos_app.ui.i18n import Language
from tests.pos.fake_api import FakeApi

from .helpers import WAIT

SHOP = ReceiptHeader("Corner Tea 街角茶铺", "Asia/Shanghai", "CNY", "Ann", "ann@shop.test", "lane-1")


class HandClock:
    """Monotonic seconds that move only when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Kit:
    def __init__(self, qtbot, tmp_path, language: str = "en", *, shift=None, with_preview: bool = False,
                 **view_kwargs):
        """`shift`: the terminal's open shift (a `CurrentShift`-like holder; None: no shift);
        `with_preview`: the view looks up who is paying through the fake's `preview_qr`."""
        self.qtbot = qtbot
        self.api = FakeApi()
        self.journal = Journal(tmp_path / "journal.sqlite3")
        self.sales = SaleService(self.api, self.journal, Till("SHOP", "lane-1", "ann@shop.test"), shift=shift)
        if with_preview:
            view_kwargs["preview_qr"] = self.api.preview_qr
        self.language = Language(language)
        self.clock = HandClock()
        view_kwargs.setdefault("scanner_clock", self.clock)
        self.view = CashierView(self.sales, self.language, SHOP, **view_kwargs)
        qtbot.addWidget(self.view)
        self.view.resize(1280, 760)
        self.view.show()
        qtbot.waitExposed(self.view, timeout=WAIT)

    # -- typing ----------------------------------------------------------------------------

    def type_as_person(self, widget, text: str) -> None:
        """Keys a fifth of a second apart, then quiet: the detector releases them all."""
        for ch in text:
            self.clock.now += 0.2
            self.qtbot.keyClick(widget, ch)
        self.clock.now += 1.0

    def scan_burst(self, widget, code: str, enter: bool = True) -> None:
        """A USB scanner: the code's keys 5 ms apart, then Enter."""
        for ch in code:
            self.clock.now += 0.005
            self.qtbot.keyClick(widget, ch)
        if enter:
            self.clock.now += 0.005
            self.qtbot.keyClick(widget, Qt.Key.Key_Return)

    def paste_code(self, code: str) -> None:
        """Paste into the code field (Ctrl+V) and press Enter, as a cashier does."""
        QApplication.clipboard().setText(code)
        field = self.view.code_field
        field.setFocus()
        self.clock.now += 0.5
        self.qtbot.keyClick(field, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
        self.clock.now += 0.5
        self.qtbot.keyClick(field, Qt.Key.Key_Return)

    def enter_amount(self, text: str) -> None:
        self.type_as_person(self.view.amount_field, text)
        self.qtbot.waitUntil(lambda: self.view.amount_field.text() == text, timeout=WAIT)

    def wait_receipt(self):
        self.qtbot.waitUntil(lambda: self.view.receipt_panel.receipt is not None, timeout=WAIT)
        return self.view.receipt_panel.receipt

    def charges(self) -> int:
        return sum(1 for fn, _key, _code in self.api.calls if fn == "charge")

    def close(self) -> None:
        self.view.close()
        self.journal.close()


def double_click(qtbot, widget) -> None:
    """What a real double click delivers: press, release, double-click (a second press),
    release. QTest's mouseDClick alone sends only the double-click event, which clicks nothing."""
    left = Qt.MouseButton.LeftButton
    qtbot.mousePress(widget, left)
    qtbot.mouseRelease(widget, left)
    qtbot.mouseDClick(widget, left)
    qtbot.mouseRelease(widget, left)


def open_kit(qtbot, tmp_path, **kwargs):
    """For a test module's `kit` fixture: a shown view, closed (camera stopped) afterwards."""
    k = Kit(qtbot, tmp_path, **kwargs)
    yield k
    k.close()


def balance(kit: Kit, last4: str = "0001") -> Decimal:
    return kit.api.balances[last4]
