"""The lock screen: the operators known at this terminal, a PIN field, Unlock, and the way to
sign in with the password. It only lays out and reports `unlock(user_id, pin)` or
`password_requested(email)`; the shell checks the PIN and switches. The same panel covers the
main window while it is locked (an overlay: the sale stays behind it) and stands alone at start.

Keyboard: the PIN field has the keyboard; Up/Down (and Page Up/Down, Home/End) choose the
operator from it, a letter typed there jumps to the operator whose name starts with it, Enter
unlocks."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pos_app.core.messages import message_for
from pos_app.core.session.pins import MAX_DIGITS, KnownOperator, pin_problem

from . import lock_text  # noqa: F401 - registers the labels
from .i18n import Language

_LIST_KEYS = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)


class PinField(QLineEdit):
    """The PIN, hidden as typed; choosing-the-operator keys go to the list beside it."""

    def __init__(self, operators: QListWidget) -> None:
        super().__init__(echoMode=QLineEdit.EchoMode.Password, maxLength=MAX_DIGITS)
        self._operators = operators

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.key() in _LIST_KEYS:
            self._operators.keyPressEvent(event)
            return
        letter = event.text()
        if letter and letter.isalpha() and not event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier:
            self._operators.keyboardSearch(letter)  # an operator's name, not a PIN digit
            return
        super().keyPressEvent(event)


class LockPanel(QWidget):
    unlock = Signal(str, str)  # user id, PIN
    password_requested = Signal(str)  # the chosen operator's email ("" for a new operator)
    closed = Signal()  # the standalone panel's window was closed

    def __init__(self, language: Language, operators: list[KnownOperator], current: str | None = None, *,
                 standalone: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._language = language
        self._problem: str | None = None
        self._busy: tuple[str, dict] | None = None
        self._operators: list[KnownOperator] = []
        self.setObjectName("lockPanel")
        # Over the window, a dark veil: the sale stays there, dimmed, and nothing of it is usable.
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("#lockPanel { background: rgba(30, 38, 48, 225); } #lockCard { background: palette(window); "
                           "border-radius: 10px; } #lockCard QLabel, #lockCard QPushButton, "
                           "#lockCard QLineEdit, #lockCard QListWidget { font-size: 14pt; }")

        self.title = QLabel(objectName="lockTitle", alignment=Qt.AlignmentFlag.AlignCenter)
        self.title.setStyleSheet("font-size: 18pt; font-weight: bold;")
        self.intro = QLabel(wordWrap=True)
        self.list_label = QLabel()
        self.list = QListWidget(objectName="operators")
        self.list.setMinimumHeight(160)
        self.pin_label = QLabel()
        self.pin = PinField(self.list)
        self.pin.setObjectName("pin")
        self.pin.setMinimumHeight(52)
        self.list_label.setBuddy(self.list)
        self.pin_label.setBuddy(self.pin)
        self.problem = QLabel(wordWrap=True, objectName="problem")
        # Enter in the PIN field unlocks; no default button takes the same Enter again.
        self.unlock_button = QPushButton(objectName="unlock", minimumHeight=52, autoDefault=False)
        self.password_button = QPushButton(objectName="password", minimumHeight=52, autoDefault=False)
        self.pin.returnPressed.connect(self._submit)
        self.pin.textEdited.connect(self._edited)
        self.unlock_button.clicked.connect(self._submit)
        self.password_button.clicked.connect(self._password)
        self.list.currentRowChanged.connect(self._chosen)
        self.list.itemActivated.connect(lambda _item: self.pin.setFocus())

        card = QFrame(objectName="lockCard")
        card.setFixedWidth(560)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(28, 24, 28, 24)
        inner.addWidget(self.title)
        inner.addWidget(self.intro)
        inner.addWidget(self.list_label)
        inner.addWidget(self.list)
        inner.addWidget(self.pin_label)
        inner.addWidget(self.pin)
        inner.addWidget(self.problem)
        buttons = QHBoxLayout()
        buttons.addWidget(self.password_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        inner.addLayout(buttons)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        column = QVBoxLayout()
        column.addStretch(1)
        column.addWidget(card)
        column.addStretch(2)
        outer.addLayout(column)
        outer.addStretch(1)
        self.setTabOrder(self.pin, self.unlock_button)
        self.setTabOrder(self.unlock_button, self.password_button)
        self.setTabOrder(self.password_button, self.list)
        if standalone:  # in the window, its own F12 serves
            self.language_shortcut = QShortcut(QKeySequence(Qt.Key.Key_F12), self,
                                               activated=lambda: language.set(language.next_code()))
            self.resize(900, 700)
        self.set_operators(operators, current)
        language.changed.connect(self.relabel)
        self.relabel()

    # -- what the shell tells it -----------------------------------------------------------

    def set_operators(self, operators: list[KnownOperator], current: str | None = None) -> None:
        """List `operators`, `current` (or the first) chosen."""
        chosen = self.chosen.user_id if self.chosen else current
        self._operators = list(operators)
        self.list.blockSignals(True)
        self.list.clear()
        for _op in self._operators:
            self.list.addItem(QListWidgetItem(""))
        rows = [i for i, op in enumerate(self._operators) if op.user_id == chosen]
        self.list.setCurrentRow(rows[0] if rows else (0 if self._operators else -1))
        self.list.blockSignals(False)
        self._relabel_list()
        self._chosen(self.list.currentRow())

    @property
    def chosen(self) -> KnownOperator | None:
        row = self.list.currentRow()
        return self._operators[row] if 0 <= row < len(self._operators) else None

    def choose(self, user_id: str) -> None:
        for row, op in enumerate(self._operators):
            if op.user_id == user_id:
                self.list.setCurrentRow(row)

    def show_problem(self, name: str) -> None:
        """Say what went wrong (a `messages` name); the PIN field is emptied for the next try."""
        self.set_busy(None)
        self._problem = name
        self.problem.setStyleSheet("color: #b00020; font-weight: bold;")
        self.problem.setText(str(message_for(name, self._language.code)))
        self.pin.clear()
        self.pin.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_busy(self, key: str | None, **fields: object) -> None:
        """Hold the form while `key`'s work runs (a PIN check, a switch); None releases it."""
        self._busy = (key, fields) if key else None
        for widget in (self.pin, self.list, self.password_button):
            widget.setEnabled(key is None)
        self.unlock_button.setEnabled(key is None and self.chosen is not None and self.chosen.has_pin)
        if key:
            self._problem = None
            self.problem.setStyleSheet("color: palette(text);")
            self.problem.setText(self._language.t(key, **fields))
        else:
            self.problem.clear()

    def focus_pin(self) -> None:
        self.pin.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- its own behaviour -----------------------------------------------------------------

    def relabel(self, *_: object) -> None:
        t = self._language.t
        self.title.setText(t("lock.title"))
        self.setWindowTitle(t("lock.title"))
        self.intro.setText(t("lock.intro") if self._operators else t("lock.none"))
        self.list_label.setText(t("lock.operators"))
        self.pin_label.setText(t("lock.pin"))
        self.unlock_button.setText(t("lock.unlock"))
        self.password_button.setText(t("lock.password"))
        self._relabel_list()
        if self._busy:
            self.problem.setText(t(self._busy[0], **self._busy[1]))
        elif self._problem:
            self.problem.setText(str(message_for(self._problem, self._language.code)))
        elif self.chosen is not None and not self.chosen.has_pin:
            self.problem.setText(t("lock.no_pin"))

    def _relabel_list(self) -> None:
        for row, op in enumerate(self._operators):
            words = op.label if op.has_pin else self._language.t("lock.needs_password", name=op.label)
            self.list.item(row).setText(words)

    def _chosen(self, _row: int) -> None:
        # The PIN field keeps the keyboard whoever is chosen: arrows go on choosing from it.
        op = self.chosen
        locked = op is not None and not op.has_pin
        self.unlock_button.setEnabled(op is not None and not locked)
        if locked and op.locked_out:  # Enter from the PIN field asks for the password
            self._problem = "pin_locked"
            self.problem.setStyleSheet("color: #b00020; font-weight: bold;")
            self.problem.setText(str(message_for("pin_locked", self._language.code)))
        elif locked:  # never set one here ("Not now")
            self._problem = None
            self.problem.setStyleSheet("color: palette(text);")
            self.problem.setText(self._language.t("lock.no_pin"))
        else:
            self._problem = None
            self.problem.clear()
        if self.isVisible():
            self.pin.setFocus(Qt.FocusReason.OtherFocusReason)

    def _edited(self, text: str) -> None:
        # Said as it is typed: a letter, a space (a pasted PIN) is no PIN digit.
        if text and pin_problem(text) == "pin_digits":
            self.show_problem("pin_digits")
        elif self._problem in ("pin_digits", "pin_length", "pin_wrong"):
            self._problem = None
            self.problem.clear()

    def _submit(self) -> None:
        op = self.chosen
        if op is None or not op.has_pin:
            self._password()
            return
        pin = self.pin.text()
        problem = pin_problem(pin)
        if problem:
            self.show_problem(problem)
            return
        self.pin.clear()
        self.unlock.emit(op.user_id, pin)

    def _password(self) -> None:
        op = self.chosen
        self.pin.clear()
        self.password_requested.emit(op.email if op else "")

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.closed.emit()
        super().closeEvent(event)
