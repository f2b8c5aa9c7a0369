"""Closing the shift: count the drawer (by denomination, or the total typed), see expected,
counted and the difference as you type, add a note, and close. Before the Close button can be
pressed the counter's journal is settled by key and compared with the server (`reconcile`):
what it settled is listed, and any disagreement is shown as a defect to report, never hidden.
Bad input is refused where it is typed; offline, nothing is sent."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
)

from pos_app.core.messages import message_for
from pos_app.core.money import format_amount
from pos_app.core.shift.cash import CNY, count_total, parse_pieces
from pos_app.core.shift.lifecycle import ShiftRefused
from pos_app.core.shift.reconcile import Reconciliation
from pos_app.ui.cashier.amount_validator import AmountValidator
from pos_app.ui.i18n import Language

from . import text  # noqa: F401 - registers the labels
from .controller import ShiftController


class CloseShiftDialog(QDialog):
    closed = Signal(object)  # the Z report

    def __init__(self, controller: ShiftController, language: Language, currency: str, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.language = language
        self.currency = currency
        self.expected: Decimal | None = None
        self.reconciliation: Reconciliation | None = None
        self._problem: str | None = None

        self.count_box = QGroupBox()
        grid = QGridLayout(self.count_box)
        self.piece_labels: list[QLabel] = []
        self.pieces: dict = {}
        for row, d in enumerate(CNY):
            label = QLabel()
            field = QLineEdit(maximumWidth=110, alignment=Qt.AlignmentFlag.AlignRight)
            field.setPlaceholderText("0")
            field.textEdited.connect(self._count_changed)
            label.setBuddy(field)
            grid.addWidget(label, row, 0)
            grid.addWidget(field, row, 1)
            self.piece_labels.append(label)
            self.pieces[d] = field
        self.counted_label = QLabel()
        self.counted_field = QLineEdit(alignment=Qt.AlignmentFlag.AlignRight)
        self.counted_field.setValidator(AmountValidator(self.counted_field))
        self.counted_field.setPlaceholderText("0.00")
        self.counted_field.setStyleSheet("font-size: 18pt;")
        self.counted_field.textChanged.connect(self._refresh)
        self.counted_label.setBuddy(self.counted_field)
        self.expected_label = QLabel()
        self.expected_value = QLabel(alignment=Qt.AlignmentFlag.AlignRight)
        self.difference_label = QLabel()
        self.difference_value = QLabel(alignment=Qt.AlignmentFlag.AlignRight)
        for value in (self.expected_value, self.difference_value):
            value.setStyleSheet("font-size: 18pt; font-weight: bold;")
        self.note_label = QLabel()
        self.note_field = QLineEdit()
        self.note_label.setBuddy(self.note_field)
        self.reconcile_box = QGroupBox()
        self.reconcile_status = QLabel(wordWrap=True)
        self.reconcile_list = QListWidget()
        self.reconcile_list.setMinimumHeight(120)
        self.settle_button = QPushButton(minimumHeight=40)
        self.settle_button.clicked.connect(self.reconcile)
        box = QVBoxLayout(self.reconcile_box)
        box.addWidget(self.reconcile_status)
        box.addWidget(self.reconcile_list)
        box.addWidget(self.settle_button)
        self.problem = QLabel(wordWrap=True)
        self.problem.setStyleSheet("QLabel { color: #8e1b1b; font-size: 12pt; }")
        self.close_button = QPushButton(minimumHeight=52)
        self.close_button.setStyleSheet("QPushButton { font-size: 15pt; font-weight: bold; }")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.submit)
        self.cancel_button = QPushButton(minimumHeight=52)
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)

        right = QGridLayout()
        right.addWidget(self.expected_label, 0, 0)
        right.addWidget(self.expected_value, 0, 1)
        right.addWidget(self.counted_label, 1, 0)
        right.addWidget(self.counted_field, 1, 1)
        right.addWidget(self.difference_label, 2, 0)
        right.addWidget(self.difference_value, 2, 1)
        right.addWidget(self.note_label, 3, 0, 1, 2)
        right.addWidget(self.note_field, 4, 0, 1, 2)
        side = QVBoxLayout()
        side.addLayout(right)
        side.addWidget(self.reconcile_box, 1)
        side.addWidget(self.problem)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.close_button)
        side.addLayout(buttons)
        columns = QHBoxLayout(self)
        columns.addWidget(self.count_box)
        columns.addLayout(side, 1)
        for key in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(key), self, activated=self.submit)

        c = controller
        c.reconciled.connect(self._reconciled)
        c.reconcile_failed.connect(self._reconcile_failed)
        c.closed.connect(self._closed)
        c.close_failed.connect(self._close_failed)
        c.busy.connect(self._busy)
        # The controller outlives this dialog: the next close must not be answered here too.
        self._links = [(c.reconciled, self._reconciled), (c.reconcile_failed, self._reconcile_failed),
                       (c.closed, self._closed), (c.close_failed, self._close_failed), (c.busy, self._busy)]
        self.finished.connect(self._unlink)
        language.changed.connect(self.retranslate)
        pending = c.desk.close_pending
        if pending is not None:  # a close without an answer: resent as it was
            self.counted_field.setText(str(pending[0]))
            self.note_field.setText(pending[1] or "")
        self.retranslate()
        self._refresh()
        self.pieces[CNY[0]].setFocus()
        self.reconcile()

    def _unlink(self, *_: object) -> None:
        for signal, slot in self._links:
            signal.disconnect(slot)
        self._links = []

    # -- the count -------------------------------------------------------------------------

    def _count_changed(self) -> None:
        counts = {}
        bad = False
        for d, field in self.pieces.items():
            try:
                counts[d] = parse_pieces(field.text())
            except ValueError:
                bad = True
        if bad:
            self._say("pieces_not_a_number")
            return
        self.counted_field.setText(str(count_total(counts)))

    def counted(self) -> Decimal:
        """The counted cash, or ShiftRefused for what was typed."""
        return self.controller.desk.prepare_cash(self.counted_field.text())

    def _refresh(self) -> None:
        self.expected_value.setText(self._money(self.expected) if self.expected is not None else "…")
        try:
            counted = self.counted()
        except ShiftRefused as e:  # shown where it is typed
            self.difference_value.setText("—")
            self.difference_value.setStyleSheet("font-size: 18pt; font-weight: bold;")
            if self.counted_field.text().strip():
                self._say(e.reason)
            else:
                self._say(None)
            return
        self._say(None)
        if self.expected is None:
            self.difference_value.setText("…")
            return
        difference = counted - self.expected
        colour = "#1b5e20" if difference == 0 else "#8e1b1b"
        self.difference_value.setText(self._money(difference))
        self.difference_value.setStyleSheet(f"font-size: 18pt; font-weight: bold; color: {colour};")

    def _money(self, amount: Decimal) -> str:
        return format_amount(amount, self.currency, self.language.code)

    def _say(self, name: str | None) -> None:
        self._problem = name
        self.problem.setText(str(message_for(name, self.language.code)) if name else "")

    # -- reconcile, close ------------------------------------------------------------------

    def reconcile(self) -> None:
        self.reconcile_status.setText(self.language.t("shift.reconcile"))
        self.close_button.setEnabled(False)
        self.controller.reconcile()

    def _reconciled(self, found: Reconciliation, fresh) -> None:
        self.reconciliation = found
        if fresh is not None:
            self.expected = fresh.expected_cash
        self._show_reconciliation()
        self._refresh()

    def _show_reconciliation(self) -> None:
        found = self.reconciliation
        if found is None:
            return
        t = self.language.t
        lines = []
        for o in found.settling.settled:
            lines.append(t("shift.settled_line", kind=self._kind(o.attempt.kind), amount=self._money(o.attempt.amount),
                           state=t(f"shift.state.{o.state}" if o.state in ("done", "voided", "failed")
                                   else "shift.state.failed")))
        for a in found.settling.stuck:
            lines.append(t("shift.stuck_line", kind=self._kind(a.kind), amount=self._money(a.amount)))
        comparison = found.comparison
        if comparison is not None:
            for line in comparison.only_in_journal:
                lines.append(t("shift.only_journal", kind=self._kind(line.kind), amount=self._money(line.amount),
                               tx=line.tx_id))
            for line in comparison.only_on_server:
                lines.append(t("shift.only_server", kind=self._kind(line.kind), amount=self._money(line.amount),
                               tx=line.tx_id))
        self.reconcile_list.clear()
        self.reconcile_list.addItems(lines)
        if found.settling.stuck:
            status = str(message_for("close_unsettled", self.language.code))
        elif comparison is not None and not comparison.agrees:
            status = t("shift.defect")
        else:
            status = t("shift.agrees", count=comparison.matched if comparison else 0)
            if not found.settling.settled:
                first = t("shift.all_settled")
                status = f"{first} {status}" if first.isascii() else f"{first}{status}"  # no space in CJK
        self.reconcile_status.setText(status)
        self.reconcile_status.setStyleSheet("QLabel { color: #8e1b1b; font-weight: bold; }"
                                            if found.settling.stuck or (comparison and not comparison.agrees) else "")
        self.close_button.setEnabled(found.may_close)

    def _kind(self, kind: str) -> str:
        return self.language.t(f"shift.kind.{kind}" if kind in ("charge", "refund", "topup") else "shift.kind.other")

    def _reconcile_failed(self, reason: str) -> None:
        self.reconcile_status.setText(str(message_for(reason, self.language.code)))
        self.close_button.setEnabled(False)

    def submit(self) -> None:
        """Close, after checking what was typed here (nothing is sent when it is wrong)."""
        if self.reconciliation is None or not self.reconciliation.may_close:
            self._say("close_unsettled")
            return
        try:
            counted = self.counted()
            note = self.controller.desk.prepare_note(self.note_field.text())
        except ShiftRefused as e:
            self._say(e.reason)
            self.counted_field.setFocus()
            return
        self.problem.setText(self.language.t("shift.closing"))
        self.controller.close(counted, note)

    def _closed(self, z) -> None:
        self.closed.emit(z)
        self.accept()

    def _close_failed(self, reason: str) -> None:
        self._say(reason)
        if self.controller.desk.close_pending is not None:
            self.problem.setText(f'{self.problem.text()} {self.language.t("shift.close_unknown")}')
            self.counted_field.setEnabled(False)  # the same close is resent
            for field in self.pieces.values():
                field.setEnabled(False)

    def _busy(self, busy: bool) -> None:
        self.close_button.setEnabled(not busy and self.reconciliation is not None and self.reconciliation.may_close)
        self.settle_button.setEnabled(not busy)

    def retranslate(self, _code: str | None = None) -> None:
        t = self.language.t
        self.setWindowTitle(t("shift.close_title"))
        self.count_box.setTitle(t("shift.count"))
        for label, d in zip(self.piece_labels, CNY, strict=True):
            label.setText(t("shift.coin_piece" if d.coin else "shift.note_piece", value=d.value))
        self.counted_label.setText(t("shift.counted"))
        self.expected_label.setText(t("shift.expected"))
        self.difference_label.setText(t("shift.difference"))
        self.note_label.setText(t("shift.note"))
        self.reconcile_box.setTitle(t("shift.journal_check"))
        self.settle_button.setText(t("shift.settle_again"))
        self.close_button.setText(t("shift.close_button"))
        self.cancel_button.setText(t("shift.cancel"))
        self._show_reconciliation()
        self._refresh()
