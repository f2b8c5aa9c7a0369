"""The cashier's screen, laid out: the amount and keypad on the left, scanning and the sale's
state in the middle, the receipt and today's list on the right. Behaviour lives in
`CashierController`; this file places widgets and connects them."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QSizePolicy, QTabWidget, QVBoxLayout, QWidget

from pos_app.core.money import format_amount
from pos_app.core.receipt import model as receipts
from pos_app.core.receipt_labels import level_name
from pos_app.core.sale.keypad import press
from pos_app.core.sale.service import Outcome, SaleService
from pos_app.core.scanning.camera import FrameSource
from pos_app.core.scanning.scanner import KeystrokeScannerDetector, ScannerTiming
from pos_app.ui.i18n import Language

from . import text  # noqa: F401 - registers the labels
from .amount_validator import AmountValidator
from .camera_panel import CameraPanel
from .cash_dialog import CashDialog
from .code_field import CodeField
from .controller import CashierController, GetTx, ListTransactions
from .keypad import Keypad
from .payer_watch import Payer, PreviewQr
from .pending_panel import PendingPanel
from .receipt_panel import ReceiptPanel
from .scanner_filter import ScannerKeyFilter
from .today_model import TodayModel
from .today_panel import TodayPanel

_NOTICE_STYLE = {
    "ok": "background: #e3f6e3; color: #1b5e20; border: 1px solid #7cc47f;",
    "info": "background: #eef3fb; color: #1d3a66; border: 1px solid #a9bfe3;",
    "warn": "background: #fff4d6; color: #7a4b00; border: 1px solid #e0a100;",
    "error": "background: #fde7e7; color: #8e1b1b; border: 1px solid #e08080;",
}


class CashierView(QWidget):
    """The cashier's counter screen.

    `sales` charges and tops up; `counter` names the shop, timezone, currency, cashier and
    terminal on receipts; `camera` makes a FrameSource when the cashier starts the camera
    (None: no camera); `list_transactions(since=...)` and `get_tx(tx_id)` are the API
    client's, for today's list and reprints; `escpos_device` is a thermal printer's device
    file. `scanner_clock` / `scanner_timing` tune (and let tests drive) the USB scanner's timing.
    `preview_qr(code)` is the client's `preview_qr`: who is paying, shown before Charge (None:
    no preview, Charge as before).
    """

    cleared = Signal()  # the cashier started afresh (Clear, Esc, New sale): the customer display idles

    def __init__(self, sales: SaleService, language: Language, counter: receipts.ReceiptHeader, *,
                 camera: Callable[[], FrameSource] | None = None,
                 list_transactions: ListTransactions | None = None, get_tx: GetTx | None = None,
                 escpos_device: str | Path | None = None, escpos_width: int = 32,
                 scanner_clock: Callable[[], float] = time.monotonic,
                 scanner_timing: ScannerTiming | None = None, preview_qr: PreviewQr | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.language = language
        self.counter = counter
        self.controller = CashierController(sales, language, counter, list_transactions, get_tx, preview_qr)
        self.payer: Payer | None = None
        self.cash_dialog: CashDialog | None = None

        # -- left: amount, keypad, actions
        self.amount_label = QLabel()
        self.amount_field = QLineEdit()
        big = QFont(self.amount_field.font())
        big.setPointSize(34)
        big.setBold(True)
        self.amount_field.setFont(big)
        self.amount_field.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.amount_field.setMinimumHeight(76)
        self.amount_field.setValidator(AmountValidator(self.amount_field))
        self.keypad = Keypad(language)
        self.charge_button = QPushButton()
        self.charge_button.setMinimumHeight(72)
        self.charge_button.setStyleSheet(
            "QPushButton { font-size: 20pt; font-weight: bold; background: #2e7d32; color: white; border-radius: 8px; }"
            "QPushButton:disabled { background: #9e9e9e; color: #eeeeee; }")
        self.split_button = QPushButton()  # "card ¥X + cash ¥Y", shown when the balance is short
        self.split_button.setMinimumHeight(60)
        # Its words come and go with the amount: it takes the column's width, never widens it.
        self.split_button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.split_button.setStyleSheet("QPushButton { font-size: 12pt; font-weight: bold; background: #1565c0;"
                                        " color: white; border-radius: 8px; }")
        self.split_button.setVisible(False)
        self.topup_button = QPushButton()
        self.clear_button = QPushButton()
        self.cash_button = QPushButton()
        for b in (self.topup_button, self.clear_button, self.cash_button):
            b.setMinimumHeight(52)
        left = QVBoxLayout()
        left.addWidget(self.amount_label)
        left.addWidget(self.amount_field)
        left.addWidget(self.keypad, 1)
        left.addWidget(self.charge_button)
        left.addWidget(self.split_button)
        small = QHBoxLayout()
        small.addWidget(self.topup_button)
        small.addWidget(self.cash_button)
        small.addWidget(self.clear_button)
        left.addLayout(small)

        # -- middle: the card, scanning, what happened
        self.card_status = QLabel()
        self.card_status.setMinimumHeight(48)
        self.card_status.setWordWrap(True)
        self.payer_label = QLabel()  # who is paying: masked name, level, balance and balance after
        self.payer_label.setWordWrap(True)
        self.payer_label.setVisible(False)
        self.payer_label.setStyleSheet("QLabel { font-size: 13pt; padding: 6px; border-radius: 6px;"
                                       " background: #eef3fb; color: #1d3a66; border: 1px solid #a9bfe3; }")
        self.camera = CameraPanel(language, camera)
        self.code_label = QLabel()
        self.code_field = CodeField()
        self.use_code_button = QPushButton()
        self.use_code_button.setMinimumHeight(44)
        code_row = QHBoxLayout()
        code_row.addWidget(self.code_field, 1)
        code_row.addWidget(self.use_code_button)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setMinimumHeight(60)
        # Words that come and go (the card banner, a sale's outcome) wrap in the column's width
        # instead of widening it: the columns must not jump while the cashier reads them.
        for label in (self.card_status, self.payer_label, self.notice):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        self.pending_panel = PendingPanel(language)
        middle = QVBoxLayout()
        middle.addWidget(self.card_status)
        middle.addWidget(self.payer_label)
        middle.addWidget(self.camera, 1)
        middle.addWidget(self.code_label)
        middle.addLayout(code_row)
        middle.addWidget(self.notice)
        middle.addWidget(self.pending_panel)

        # -- right: the receipt, today's list
        self.receipt_panel = ReceiptPanel(language, escpos_device, escpos_width)
        self.today_model = TodayModel(language, counter.timezone, counter.currency)
        self.today_panel = TodayPanel(language, self.today_model)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.receipt_panel, "")
        self.tabs.addTab(self.today_panel, "")

        columns = QHBoxLayout(self)
        columns.addLayout(left, 3)
        columns.addLayout(middle, 4)
        columns.addWidget(self.tabs, 4)

        self.scanner = ScannerKeyFilter(self, KeystrokeScannerDetector(scanner_timing), scanner_clock)
        self._connect()
        self._shortcuts()
        language.changed.connect(self.retranslate)
        self._hint = ""
        self._set_notice("info", "")
        self.retranslate()
        self.amount_field.setFocus()

    # -- focus -----------------------------------------------------------------------------
    # The amount field has the keyboard whenever this view is on screen: shown (after sign-in,
    # back from another tab), after a sale, New sale or Esc, after a language switch, and when
    # the window is active again after a dialog (print, save) closed. The code field keeps it
    # while a code is being typed or pasted there.

    def focus_amount(self, *, even_from_the_code: bool = False) -> None:
        if self.isVisible() and (even_from_the_code or not self.code_field.hasFocus()):
            self.amount_field.setFocus(Qt.FocusReason.OtherFocusReason)

    def _focus_amount_soon(self, *, even_from_the_code: bool = False) -> None:
        # After the event that caused it: a shown window is activated, a dialog hands focus back
        # to its opener, a clicked button takes focus; then the amount field takes it over.
        QTimer.singleShot(0, self, lambda: self.focus_amount(even_from_the_code=even_from_the_code))

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self._focus_amount_soon()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(event)
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self._focus_amount_soon()

    # -- wiring ----------------------------------------------------------------------------

    def _connect(self) -> None:
        c = self.controller
        self.keypad.pressed.connect(lambda key: self.amount_field.setText(press(self.amount_field.text(), key)))
        self.charge_button.clicked.connect(self.charge)
        self.split_button.clicked.connect(self.charge_split)
        self.cash_button.clicked.connect(self.open_cash_dialog)
        self.amount_field.textChanged.connect(c.amount_typed)
        self.topup_button.clicked.connect(self.topup)
        self.clear_button.clicked.connect(self.clear)
        self.scanner.scanned.connect(c.scan)
        self.camera.code_seen.connect(c.scan)
        self.code_field.submitted.connect(c.scan)
        self.use_code_button.clicked.connect(self.code_field.submit)
        self.pending_panel.retry.connect(c.retry)
        self.pending_panel.check.connect(c.check)
        self.receipt_panel.status.connect(self._set_notice)
        self.receipt_panel.new_sale.connect(self.clear)
        self.today_panel.refresh.connect(c.refresh_today)
        self.today_panel.reprint.connect(c.reprint)

        c.notice.connect(self._set_notice)
        c.armed.connect(self._show_card)
        c.can_start.connect(self._enable_start)
        c.pending.connect(self.pending_panel.show_pending)
        c.pending_busy.connect(self.pending_panel.set_busy)
        c.settled.connect(self.pending_panel.settle)
        c.receipt.connect(self._show_receipt)
        c.sale_done.connect(self.amount_field.clear)
        c.sale_done.connect(lambda: self._focus_amount_soon(even_from_the_code=True))  # the next sale
        c.today_rows.connect(self.today_model.set_rows)
        c.payer.connect(self._show_payer)
        c.cash_done.connect(lambda: self._focus_amount_soon(even_from_the_code=True))

    def _shortcuts(self) -> None:
        # F-keys are not characters, so the scanner filter lets shortcuts have them.
        for key, slot in ((Qt.Key.Key_F2, self.code_field.setFocus), (Qt.Key.Key_F3, self.camera.toggle_camera),
                          (Qt.Key.Key_F4, self.topup), (Qt.Key.Key_F5, self.controller.refresh_today),
                          (Qt.Key.Key_F6, self.open_cash_dialog), (Qt.Key.Key_F7, self.charge_split),
                          (Qt.Key.Key_F9, self.controller.retry), (Qt.Key.Key_F10, self.controller.check)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        # Keys the focused widget did not take: a person's Enter (a scan's never gets here), from
        # the amount field, an empty code field, a button, the lists: Enter charges when the
        # amount and a code are ready (Charge is enabled only then; charge() checks the amount).
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.charge()
        elif event.key() == Qt.Key.Key_Escape:
            self.clear()
        else:
            super().keyPressEvent(event)

    # -- actions ---------------------------------------------------------------------------

    def charge(self) -> None:
        if self.charge_button.isEnabled():
            self.controller.charge(self.amount_field.text())

    def topup(self) -> None:
        if self.topup_button.isEnabled():
            self.controller.topup(self.amount_field.text())

    def charge_split(self) -> None:
        """Card for the balance, the rest in cash (shown only when the balance is short)."""
        if self.split_button.isVisible() and self.split_button.isEnabled():
            self.controller.charge_split(self.amount_field.text())

    def open_cash_dialog(self) -> CashDialog:
        """The cash drawer: pay-in, pay-out or drop. Modal; shown, not run, so tests can drive it."""
        dialog = self.cash_dialog = CashDialog(self.controller, self)
        dialog.setModal(True)
        dialog.finished.connect(self._cash_dialog_closed)
        dialog.show()
        dialog.activateWindow()
        dialog.amount.setFocus(Qt.FocusReason.OtherFocusReason)
        return dialog

    def clear(self) -> None:
        """A fresh sale: no amount, no code, no words (a pending sale stays pending)."""
        self.amount_field.clear()
        self.code_field.clear()
        self.controller.disarm()
        self.controller.clear_notice()
        self.amount_field.setFocus(Qt.FocusReason.OtherFocusReason)
        self.cleared.emit()

    def recover(self) -> None:
        """Settle, in the background, what an earlier run left unsettled, and show it. The shell
        calls this at start and when the connection comes back."""
        self.controller.recover()

    def show_recovered(self, outcomes: list[Outcome]) -> None:
        """Show the outcomes of a `SaleService.recover()` the shell ran itself."""
        self.controller.show_recovered(outcomes)

    def refresh_today(self) -> None:
        self.controller.refresh_today()

    def save_receipt_pdf(self, path: str | Path) -> Path:
        """The shown receipt as a PDF at `path` (Save PDF asks for the path first)."""
        return self.receipt_panel.save_pdf(path)

    def shutdown(self) -> bool:
        """Stop the camera thread and hand held keys back; True when the camera has ended.
        Called when the view closes or hides; the shell may call it before quitting."""
        self.scanner.flush()
        return self.camera.stop()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.shutdown()
        self.scanner.uninstall()
        super().closeEvent(event)

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.shutdown()
        super().hideEvent(event)

    # -- showing ---------------------------------------------------------------------------

    def _set_notice(self, severity: str, words: str) -> None:
        self.notice.setText(words)
        self.notice.setVisible(bool(words))
        self.notice.setStyleSheet(f"QLabel {{ {_NOTICE_STYLE.get(severity, '')} border-radius: 6px;"
                                  " padding: 8px; font-size: 13pt; }")

    def _show_card(self, hint: str) -> None:
        self._hint = hint
        self._relabel_card()
        self._relabel_payer()

    def _relabel_card(self) -> None:
        t = self.language.t
        ready = bool(self._hint)
        self.card_status.setText(t("cashier.card_ready", hint=self._hint) if ready else t("cashier.no_card"))
        self.card_status.setStyleSheet(
            "QLabel { font-size: 15pt; padding: 6px; border-radius: 6px; "
            + ("background: #2e7d32; color: white; font-weight: bold; }" if ready
               else "background: #eeeeee; color: #555; }"))

    def _cash_dialog_closed(self, _result: int) -> None:
        self.window().activateWindow()  # the keyboard comes back to the counter, at the amount
        self._focus_amount_soon(even_from_the_code=True)

    def _enable_start(self, can: bool) -> None:
        self.charge_button.setEnabled(can)
        self.topup_button.setEnabled(can)
        self.split_button.setEnabled(can)
        self.cash_button.setEnabled(can)

    def _show_payer(self, payer: Payer | None) -> None:
        self.payer = payer
        self._relabel_payer()

    def _relabel_payer(self) -> None:
        payer, t, lang = self.payer, self.language.t, self.language.code
        self.payer_label.setVisible(payer is not None)
        offer = payer.split if payer is not None else None
        self.split_button.setVisible(offer is not None)
        if payer is None:
            self.payer_label.clear()
            return

        def money(amount):
            return format_amount(amount, payer.preview.currency or self.counter.currency, lang)

        p = payer.preview
        who = dict(member=p.member_display, level=level_name(p.level_code, lang), last4=p.card_last4)
        if p.discount_rate:
            lines = [t("cashier.payer", rate=f"{(p.discount_rate * 100).normalize():f}", **who)]
        else:  # "(discount 0%)" would read as a discount the member is missing
            lines = [t("cashier.payer_no_discount", **who)]
        e = payer.estimate
        if e is None:
            lines.append(t("cashier.payer_balance", balance=money(p.balance)))
        elif e.short:
            lines.append(t("cashier.payer_short", balance=money(p.balance), due=money(e.paid),
                           short=money(-e.balance_after)))
        else:
            lines.append(t("cashier.payer_after", balance=money(p.balance), due=money(e.paid),
                           after=money(e.balance_after)))
        self.payer_label.setText("\n".join(lines))
        if offer is not None:
            self.split_button.setText(t("cashier.split", card=money(offer.card_paid), cash=money(offer.cash)))

    def _show_receipt(self, receipt) -> None:
        self.receipt_panel.show_receipt(receipt)
        self.tabs.setCurrentWidget(self.receipt_panel)

    def retranslate(self, _code: str | None = None) -> None:
        if _code is not None:
            self._focus_amount_soon(even_from_the_code=True)  # the language button (or F12) was pressed
        t = self.language.t
        self.amount_label.setText(f'{t("cashier.amount")} — {t("cashier.amount_hint")}')
        self.amount_field.setPlaceholderText("0.00")
        self.amount_field.setToolTip(t("cashier.amount_hint"))
        self.charge_button.setText(t("cashier.charge"))
        self.topup_button.setText(t("cashier.topup"))
        self.clear_button.setText(t("cashier.clear"))
        self.cash_button.setText(t("cashier.cash_drawer"))
        self.code_label.setText(t("cashier.code"))
        self.code_field.setPlaceholderText(t("cashier.code_hint"))
        self.use_code_button.setText(t("cashier.use_code"))
        self.tabs.setTabText(0, t("cashier.receipt"))
        self.tabs.setTabText(1, t("cashier.today"))
        self._relabel_card()
        self._relabel_payer()
