"""The refund screen: find a payment, see what was paid, each refund and what is left, refund
all or part with a reason, and see the outcome as the cashier does (the refund receipt with
print and PDF; a refusal in words; Retry/Check when the outcome is unknown). It lays out and
shows: what it shows is the controller's `RefundViewState`, decided off the UI thread."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QScrollArea, QVBoxLayout, QWidget

from pos_app.core.money import format_amount
from pos_app.core.receipt.model import Receipt, ReceiptHeader
from pos_app.core.sale.service import SaleService
from pos_app.core.translations import format_moment

from ..common.receipt_output import print_receipt_with_dialog
from ..common.receipt_paint import save_pdf as save_receipt_pdf
from ..common.receipt_widget import SLIP_WIDTH, ReceiptWidget
from ..common.save_dialog import ask_save_path, check_writable
from ..i18n import Language
from .failures import file_failure
from .models import PaymentsModel, RefundsModel
from .refund_controller import RefundController, RefundViewState
from .refund_dialog import RefundDialog
from .tables import make_table

# The outcome's colour is read before its words: green done, red refused, amber unknown.
_STATE_COLOURS = {"done": "#1b7a36", "failed": "#b00020", "pending": "#a15c00", "voided": "#b00020",
                  "refused": "#b00020"}


class RefundPanel(QWidget):
    def __init__(self, api: Any, sales: SaleService, language: Language, currency: str, timezone: str,
                 counter: ReceiptHeader, now=None, parent=None):
        super().__init__(parent)
        self.language = language
        self.currency = currency
        self.counter = counter
        self.controller = RefundController(api, sales, language, timezone, counter, now, self)
        self.dialog: RefundDialog | None = None
        self._busy_now = False

        self.code = QLineEdit()
        self.code.setClearButtonEnabled(True)
        self.find_button = QPushButton()
        self.today_label = QLabel()
        self.reload_button = QPushButton()
        self.today_note = QLabel()
        self.today_note.setWordWrap(True)
        self.today_note.hide()
        self.today_model = PaymentsModel(language, currency, timezone, self)
        self.today_table = make_table(self.today_model)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.refunded = QLabel()
        self.remaining = QLabel()
        self.remaining.setStyleSheet("font-size: 18px; font-weight: bold;")
        self.refunds_model = RefundsModel(language, currency, timezone, self)
        self.refunds_table = make_table(self.refunds_model)
        self.refund_all_button = QPushButton()
        self.refund_part_button = QPushButton()

        self.state = QLabel()
        self.state.setStyleSheet("font-size: 18px; font-weight: bold;")
        self.words = QLabel()
        self.words.setWordWrap(True)
        self.retry_button = QPushButton()
        self.check_button = QPushButton()
        # The refund receipt drawn as the cashier's screen draws it (QR included), in a scroll
        # area: a long reason makes a tall slip.
        self.receipt_slip = ReceiptWidget()
        self.receipt_area = QScrollArea()
        self.receipt_area.setWidget(self.receipt_slip)
        self.receipt_area.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.receipt_area.setMinimumWidth(SLIP_WIDTH + 24)
        self.print_button = QPushButton()
        self.pdf_button = QPushButton()

        find_row = QHBoxLayout()
        find_row.addWidget(self.code, 1)
        find_row.addWidget(self.find_button)
        today_row = QHBoxLayout()
        today_row.addWidget(self.today_label, 1)
        today_row.addWidget(self.reload_button)
        refund_row = QHBoxLayout()
        refund_row.addWidget(self.refund_all_button)
        refund_row.addWidget(self.refund_part_button)
        refund_row.addStretch(1)
        left = QVBoxLayout()
        left.addLayout(find_row)
        left.addLayout(today_row)
        left.addWidget(self.today_note)
        left.addWidget(self.today_table, 2)
        left.addWidget(self.summary)
        left.addWidget(self.refunded)
        left.addWidget(self.refunds_table, 1)
        left.addWidget(self.remaining)
        left.addLayout(refund_row)
        outcome_buttons = QHBoxLayout()
        for b in (self.retry_button, self.check_button, self.print_button, self.pdf_button):
            outcome_buttons.addWidget(b)
        right = QVBoxLayout()
        right.addWidget(self.state)
        right.addWidget(self.words)
        right.addLayout(outcome_buttons)
        right.addWidget(self.receipt_area, 100)
        right.addStretch(1)  # keeps the outcome at the top while there is no receipt
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addLayout(right, 2)

        self.code.returnPressed.connect(self.find)
        # clicked(bool) would hand its `checked` flag to find() as the code to look up.
        self.find_button.clicked.connect(lambda: self.find())
        self.reload_button.clicked.connect(self.controller.load_today)
        self.today_table.activated.connect(self._pick)
        self.today_table.clicked.connect(self._pick)
        self.refund_all_button.clicked.connect(lambda: self.open_refund_dialog(whole=True))
        self.refund_part_button.clicked.connect(lambda: self.open_refund_dialog(whole=False))
        self.retry_button.clicked.connect(lambda: self.controller.retry())
        self.check_button.clicked.connect(lambda: self.controller.check())
        self.print_button.clicked.connect(self.print_receipt)
        self.pdf_button.clicked.connect(self._ask_pdf)
        c = self.controller
        c.view_changed.connect(self._show)
        c.payment_shown.connect(self._payment_found)
        c.today_loaded.connect(self.today_model.set_rows)
        c.busy_changed.connect(self._busy)
        language.changed.connect(self.retranslate)
        self.retranslate()

    # -- what the manager does -------------------------------------------------------------

    def find(self, text: str | None = None) -> None:
        """Find the payment named by `text` (or what is in the field): a receipt's code or an id."""
        if text is not None:
            self.code.setText(text)
        self.summary.setText(self.language.t("mgr.looking_up"))
        self.controller.find(self.code.text())

    def _pick(self, index) -> None:
        self.find(str(self.today_model.row(index.row())["tx_id"]))

    def open_refund_dialog(self, whole: bool) -> RefundDialog | None:
        """Ask how much (all that is left, or a part) and why; the refund runs when accepted."""
        payment = self.controller.payment
        if payment is None or not payment.refundable:
            return None
        self.dialog = RefundDialog(payment.remaining, self.currency, self.language, self)
        if not whole:
            self.dialog.amount.clear()
        self.dialog.accepted.connect(self._dialog_accepted)
        self.dialog.open()
        self.dialog.amount.setFocus()
        return self.dialog

    def _dialog_accepted(self) -> None:
        checked = self.dialog.validate() if self.dialog else None
        if checked is not None:
            self.controller.refund(*checked)

    @property
    def receipt(self) -> Receipt | None:
        """The refund receipt shown, if the last refund went through."""
        outcome = self.controller.state.outcome
        return outcome.receipt if outcome is not None else None

    def print_receipt(self) -> bool:
        if self.receipt is None:
            return False
        return print_receipt_with_dialog(self.receipt, self.language.code, self)

    def save_receipt_pdf(self, path: str | Path) -> Path | None:
        """The shown refund receipt as a PDF at `path`, drawn as the cashier's receipts are;
        None, with the reason in the outcome's words, if it cannot be written there."""
        if self.receipt is None:
            return None
        try:
            check_writable(path)  # Qt's PDF writer would fail without a word
        except OSError as e:
            self.words.setText(file_failure(e, self.language.code, str(path)))
            return None
        save_receipt_pdf(self.receipt, str(path), self.language.code)
        self.words.setText(self.language.t("mgr.saved", path=str(path)))
        return Path(path)

    def receipt_pdf_name(self) -> str:
        """`Refund-2026-12-01-1a2b3c4d.pdf`: the shop's day and the refund's id, to be found again."""
        if self.receipt is None:
            return ""
        return f"Refund-{self.receipt.local_time:%Y-%m-%d}-{self.receipt.tx_id[:8]}.pdf"

    def _ask_pdf(self) -> None:
        if self.receipt is None:
            return
        path = ask_save_path(self, self.language.t("mgr.save_pdf"), self.receipt_pdf_name(), "PDF (*.pdf)")
        if path:
            self.save_receipt_pdf(path)

    # -- showing: widgets set from the controller's state, nothing decided here --------------

    def _money(self, value) -> str:
        return "" if value is None else format_amount(value, self.currency, self.language.code)

    def counter_zone(self) -> ZoneInfo:
        return ZoneInfo(self.counter.timezone)

    def _payment_found(self, payment) -> None:
        if payment.kind == "payment":
            # The server's figures of this payment are the newest there are: the list shows them
            # too, so it never offers again what a refund just gave back.
            self.today_model.update_payment(payment.tx_id, payment.refunded_total, payment.remaining)

    def _show(self, state: RefundViewState) -> None:
        t, lang = self.language.t, self.language.code
        payment = state.payment
        if payment is None:
            self.summary.setText(state.lookup_problem(lang) if state.lookup_problem else t("mgr.no_payment"))
        elif payment.kind != "payment":
            self.summary.setText(t("mgr.not_a_payment", kind=payment.kind))
        else:
            when = format_moment(payment.created_at.astimezone(self.counter_zone()), self.language.code)
            self.summary.setText(t("mgr.paid_line", paid=self._money(payment.paid_amount),
                                   raw=self._money(payment.raw_amount), discount=self._money(payment.discount_amount),
                                   when=when, card=f"•••• {payment.card_last4 or '----'}"))
        shown = payment is not None and payment.kind == "payment"
        self.refunded.setText(t("mgr.refunded_line", total=self._money(payment.refunded_total)) if shown else "")
        self.remaining.setText(t("mgr.remaining_line", remaining=self._money(payment.remaining)) if shown else "")
        self.refunds_model.set_rows(list(payment.refunds) if shown else [])
        self.today_note.setText(state.today_problem(lang) if state.today_problem else "")
        # Said by the list, not over the payment being refunded: that one is still shown right.
        self.today_note.setVisible(state.today_problem is not None)

        outcome = state.outcome
        self.state.setText(t(outcome.title) if outcome else "")
        colour = _STATE_COLOURS.get(outcome.status) if outcome else None
        self.state.setStyleSheet("font-size: 18px; font-weight: bold;" + (f" color: {colour};" if colour else ""))
        self.words.setText(outcome.words(lang) if outcome and outcome.words else "")
        receipt = outcome.receipt if outcome else None
        self.receipt_slip.show_receipt(receipt, lang)
        retry, check = (outcome.can_retry, outcome.can_check) if outcome else (False, False)
        self.retry_button.setVisible(retry or check)
        self.check_button.setVisible(check)
        # The receipt and its buttons only once there is a refund receipt to show.
        for w in (self.print_button, self.pdf_button, self.receipt_area):
            w.setVisible(receipt is not None)
        busy = self._busy_now
        for b in (self.find_button, self.check_button):
            b.setEnabled(not busy)
        self.retry_button.setEnabled(retry and not busy)
        self.refund_all_button.setEnabled(state.refundable and not busy)
        self.refund_part_button.setEnabled(state.refundable and not busy)

    def _busy(self, busy: bool) -> None:
        self._busy_now = busy
        self._show(self.controller.state)

    def retranslate(self) -> None:
        t = self.language.t
        self.code.setPlaceholderText(t("mgr.find_hint"))
        self.find_button.setText(t("mgr.find"))
        self.today_label.setText(t("mgr.today_payments"))
        self.reload_button.setText(t("mgr.reload_today"))
        self.refund_all_button.setText(t("mgr.refund_all"))
        self.refund_part_button.setText(t("mgr.refund_part"))
        self.retry_button.setText(t("mgr.retry"))
        self.check_button.setText(t("mgr.check"))
        self.print_button.setText(t("mgr.print"))
        self.pdf_button.setText(t("mgr.save_pdf"))
        self._show(self.controller.state)
