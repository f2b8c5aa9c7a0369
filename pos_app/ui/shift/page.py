"""The cashier tab's page: a shift bar (where the shift stands, X read-out, close) above either
the "Open shift" screen or the sale screen. The sale screen is on show only while the counter may
sell (`Standing.sells`): no charge, top-up or cash movement before the terminal's shift is open.
The sale screen itself (`CashierView`) is not changed: it is placed here as it is."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from pos_app.core.messages import message_for
from pos_app.core.money import format_amount
from pos_app.core.shift.lifecycle import Standing
from pos_app.core.shift.report import ShiftDocument, who_opened
from pos_app.ui.common.shift_report_dialog import ShiftReportDialog
from pos_app.ui.i18n import Language

from . import text  # noqa: F401 - registers the labels
from .close_dialog import CloseShiftDialog
from .controller import ShiftController
from .open_panel import OpenShiftPanel


class CounterPage(QWidget):
    """`sale_view` is the cashier's sale screen; `controller` runs the shift; `shop`, `timezone`
    and `currency` are the merchant's, for the X and Z documents, times and amounts;
    `escpos_device` the thermal printer's, if any."""

    def __init__(self, sale_view: QWidget, controller: ShiftController, language: Language, *,
                 shop: str, timezone: str, currency: str, escpos_device: str | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.shop = shop
        self.escpos_device = escpos_device
        self.sale_view = sale_view
        self.controller = controller
        self.language = language
        self.timezone = timezone
        self.currency = currency
        self.standing: Standing | None = None  # None until the server told where the counter stands
        self._selling_anyway = True  # in a shop without shifts, after "Back to selling"
        self._bar_problem: str | None = None

        self.bar_label = QLabel()
        self.bar_label.setStyleSheet("font-size: 12pt;")
        self.x_button = QPushButton(minimumHeight=40)
        self.close_button = QPushButton(minimumHeight=40)
        for b in (self.x_button, self.close_button):
            b.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a click leaves the keyboard where it was
        self.bar_problem = QLabel(wordWrap=True)  # why the X read-out could not be shown
        self.bar_problem.setStyleSheet("QLabel { color: #8e1b1b; font-size: 12pt; }")
        self.bar_problem.hide()
        bar = QHBoxLayout()
        bar.setContentsMargins(8, 4, 8, 0)
        bar.addWidget(self.bar_label)
        bar.addWidget(self.bar_problem)
        bar.addStretch(1)
        bar.addWidget(self.x_button)
        bar.addWidget(self.close_button)
        self.open_panel = OpenShiftPanel(language)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.open_panel)
        self.stack.addWidget(sale_view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)
        self.stack.setCurrentWidget(self.open_panel)
        self.report: ShiftReportDialog | None = None
        self.close_dialog: CloseShiftDialog | None = None

        self.x_button.clicked.connect(self.x_readout)
        self.close_button.clicked.connect(self.close_or_start)
        self.open_panel.submitted.connect(controller.open)
        self.open_panel.look_again.connect(self.look)
        self.open_panel.back.connect(self._back_to_selling)
        c = controller
        c.standing.connect(self.show_standing)
        c.busy.connect(self.open_panel.set_busy)
        c.look_failed.connect(self._look_failed)
        c.open_failed.connect(self._open_failed)
        c.read_out.connect(self._show_report)
        c.read_failed.connect(self._read_failed)
        # F-keys are not characters: the scanner filter lets them through (as the view's F2-F10).
        self.shortcuts = {}
        # F6 and F7 belong to the cash drawer and the split sale (cash-tender), F12 to the language.
        for name, key, slot in (("x", Qt.Key.Key_F11, self.x_readout), ("close", Qt.Key.Key_F8, self.close_or_start)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
            self.shortcuts[name] = shortcut
        language.changed.connect(self.retranslate)
        self.open_panel.set_explain("shift.looking")
        self.open_panel.set_can_open(False)
        self.retranslate()

    # -- where the counter stands ----------------------------------------------------------

    def look(self) -> None:
        """Ask the server where this counter stands (after sign-in, when the line is back)."""
        self.open_panel.show_problem(None)
        self.open_panel.look_button.hide()
        self.open_panel.set_explain("shift.looking")
        self.controller.find()

    def look_if_unknown(self) -> None:
        if self.standing is None:
            self.look()

    @property
    def selling(self) -> bool:
        return self.stack.currentWidget() is self.sale_view

    def show_standing(self, standing: Standing) -> None:
        self.standing = standing
        panel = self.open_panel
        panel.look_button.hide()
        if standing.mode != "open" or self.controller.desk.open_pending is None:
            panel.set_pending(None)
        if standing.mode == "open":
            panel.show_problem(None)
            panel.float_field.clear()
        code = self.controller.desk.code or ""
        if standing.mode == "unregistered" and standing.can_open or standing.mode == "free":
            panel.set_explain("shift.open_first", code=code)
        elif standing.mode == "unregistered":
            panel.set_explain("shift.open_title")
            panel.show_problem("first_shift_needs_manager")
        elif standing.mode == "bad_name":
            panel.set_explain("shift.open_title")
            panel.show_problem("terminal_name_invalid")
        else:
            panel.set_explain("shift.open_explain")
        panel.set_can_open(standing.can_open)
        panel.back_button.setVisible(standing.mode == "free")
        if standing.mode == "free":
            self._show(self.sale_view if self._selling_anyway else panel)
        else:
            self._show(self.sale_view if standing.sells else panel)
        self.retranslate()

    def _show(self, page: QWidget) -> None:
        changed = self.stack.currentWidget() is not page
        self.stack.setCurrentWidget(page)
        if page is self.open_panel and (changed or not self.open_panel.float_field.hasFocus()):
            QTimer.singleShot(0, self, self.open_panel.focus_float)
        elif changed and hasattr(page, "focus_amount"):
            QTimer.singleShot(0, self, lambda: page.focus_amount(even_from_the_code=True))

    def _back_to_selling(self) -> None:
        self._selling_anyway = True
        self._show(self.sale_view)

    def _look_failed(self, reason: str) -> None:
        self.open_panel.set_explain("shift.look_failed", reason=lambda code: str(message_for(reason, code)))
        self.open_panel.look_button.show()
        self.open_panel.set_can_open(False)
        self._show(self.open_panel)

    def _open_failed(self, reason: str) -> None:
        self.open_panel.show_problem(reason)
        pending = self.controller.desk.open_pending
        if pending is not None:
            self.open_panel.set_pending(format_amount(pending, self.currency, self.language.code))
        self.open_panel.focus_float()

    def _words(self, name: str) -> str:
        return str(message_for(name, self.language.code))

    # -- X and close -----------------------------------------------------------------------

    def x_readout(self) -> None:
        self._bar_problem = None
        self.bar_problem.hide()
        if self.standing is not None and self.standing.mode == "open":
            self.controller.x_readout()

    def _show_report(self, shift) -> None:
        # The X read-out or the close's Z (numbered, not a duplicate: this is the close itself).
        self.report = ShiftReportDialog(ShiftDocument(shift, self.shop, self.timezone), self.language,
                                        escpos_device=self.escpos_device, parent=self)
        self.report.show()

    def _read_failed(self, reason: str) -> None:
        self._bar_problem = reason
        self.bar_problem.setText(self._words(reason))
        self.bar_problem.show()

    def close_or_start(self) -> None:
        self._bar_problem = None
        self.bar_problem.hide()
        standing = self.standing
        if standing is None:
            return
        if standing.mode == "open" and not self.controller.desk.may_close:
            # Another cashier's shift: said before anything is counted, nothing is sent.
            self._read_failed("close_not_opener")
        elif standing.mode == "open":
            self.close_dialog = CloseShiftDialog(self.controller, self.language, self.currency, self)
            self.close_dialog.closed.connect(self._after_close)
            self.close_dialog.open()
        elif standing.mode == "free" and standing.can_open:
            self._selling_anyway = False
            self._show(self.open_panel)

    def _after_close(self, z) -> None:
        self._selling_anyway = False
        self._show_report(z)

    def retranslate(self, _code: str | None = None) -> None:
        t = self.language.t
        s = self.standing
        if s is None:
            self.bar_label.setText(t("shift.looking"))
        elif s.mode == "open" and s.shift is not None:
            since = s.shift.opened_at.astimezone(ZoneInfo(self.timezone)).strftime("%H:%M")
            amount = format_amount(s.shift.opening_float, self.currency, self.language.code)
            if self.controller.desk.may_close:
                self.bar_label.setText(t("shift.bar_open", since=since, code=s.shift.terminal_code, amount=amount))
            else:  # taken over from a colleague: say whose drawer this is
                self.bar_label.setText(t("shift.bar_open_other", since=since, code=s.shift.terminal_code,
                                         amount=amount, who=who_opened(s.shift)))
        elif s.mode == "free":
            self.bar_label.setText(t("shift.bar_free"))
        else:
            self.bar_label.setText(t("shift.bar_closed"))
        if self._bar_problem:
            self.bar_problem.setText(self._words(self._bar_problem))
        self.x_button.setText(t("shift.x"))
        self.x_button.setVisible(s is not None and s.mode == "open")
        opening = s is not None and s.mode == "free" and s.can_open
        self.close_button.setText(t("shift.start") if opening else t("shift.close"))
        self.close_button.setVisible(s is not None and (s.mode == "open" or opening))
