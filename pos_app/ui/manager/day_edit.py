"""The editor of a business day: a QDateEdit shown as `yyyy-MM-dd`, with its calendar popup and
typed dates, whose arrow keys step the whole date. Qt's own steps one section within its own
range (the day of 30 November goes up to nothing, not to 1 December; 1 December down stays),
which reads as a stuck field to a manager paging back through the days."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractSpinBox, QDateEdit

_SEPARATORS = "-/. "


def qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


class DayEdit(QDateEdit):
    """A day, stepped by Up/Down (and the wheel) in the section under the cursor, the day by
    default, across month and year ends, within `minimumDate()`..`maximumDate()`."""

    def __init__(self, day: date, parent=None):
        super().__init__(qdate(day), parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")
        self.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToNearestValue)
        self.setCurrentSection(QDateEdit.Section.DaySection)
        # Room for the whole date and the popup's arrow at the view's big font, never a cut "2026-12-0".
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("0000-00-00") + 64)
        self._typed_from_start = False
        self._advanced = False  # the last digit filled its section and Qt moved to the next

    def day(self) -> date:
        return self.date().toPython()

    def set_day(self, day: date) -> None:
        self.setDate(qdate(day))

    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt's name
        section = self.currentSection()
        current = self.date()
        if section == QDateEdit.Section.YearSection:
            moved = current.addYears(steps)
        elif section == QDateEdit.Section.MonthSection:
            moved = current.addMonths(steps)
        else:
            moved = current.addDays(steps)
        moved = max(self.minimumDate(), min(self.maximumDate(), moved))
        self.setDate(moved)
        self.setSelectedSection(section)  # the caret stays where it was, for the next press

    def stepEnabled(self) -> QAbstractSpinBox.StepEnabledFlag:  # noqa: N802 - Qt's name
        flags = QAbstractSpinBox.StepEnabledFlag.StepNone
        if self.date() < self.maximumDate():
            flags |= QAbstractSpinBox.StepEnabledFlag.StepUpEnabled
        if self.date() > self.minimumDate():
            flags |= QAbstractSpinBox.StepEnabledFlag.StepDownEnabled
        return flags

    def focusInEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().focusInEvent(event)
        if event.reason() != Qt.FocusReason.MouseFocusReason:  # a click puts the caret where it points
            # Arrows step days unless the manager moves to the month or the year; a date typed
            # from here starts at the year (see keyPressEvent).
            self.setSelectedSection(QDateEdit.Section.DaySection)
            self._typed_from_start = True

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        text = event.text()
        if self._typed_from_start and text.isdigit():
            self.setSelectedSection(QDateEdit.Section.YearSection)  # a date typed whole starts at the year
        self._typed_from_start = False
        if text and text in _SEPARATORS:
            if self._advanced:
                # Qt moved on by itself when the section filled up ("2026" → the month); the
                # "-" typed after it must not skip the month too.
                self._advanced = False
                event.accept()
                return
            if text != "-":  # "2026/11/30" and "2026.11.30" as well as the shown "2026-11-30"
                event = QKeyEvent(event.type(), Qt.Key.Key_Minus, event.modifiers(), "-")
        before = self.currentSection()
        super().keyPressEvent(event)
        self._advanced = text.isdigit() and self.currentSection() != before
