"""The USB scanner at the Qt end: every key pressed inside the cashier view goes through
`KeystrokeScannerDetector` first. A person's keys are re-sent, unchanged and in order, to the
widget they were typed into; a scan's keys never reach any widget and come out as `scanned`.

The filter sits on the application, because keys go to the focused child (the amount field),
not to the view, and a child that accepts a key never lets its parent see it; it acts only on
keys for widgets of the view's own window while the view is on screen (a scan is taken wherever
focus is: the amount field, a button, the window's tabs), not for a dialog's. Shortcuts are tried
before a widget sees a key, so
for keys a scanner types (characters, Enter, Tab) the filter claims the shortcut-override
event: a scan's Enter must never fire an "Enter charges" shortcut.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from pos_app.core.scanning.scanner import TERMINATORS, KeystrokeScannerDetector, Released, Scanned

# Modifier keys alone are not keystrokes (the detector's rule: a scanner presses Shift for
# every capital of a code).
_MODIFIERS = {Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta, Qt.Key.Key_AltGr,
              Qt.Key.Key_CapsLock, Qt.Key.Key_NumLock, Qt.Key.Key_ScrollLock}
_CHORD = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier


def _text_for(event: QKeyEvent) -> str:
    """What the detector is fed: the character typed, a terminator, or '' for an editing or
    command key (Backspace, arrows, F-keys, Esc, Ctrl+V), which a scanner never sends."""
    text = event.text()
    if text in TERMINATORS:
        return text
    if text and text.isprintable() and not (event.modifiers() & _CHORD):
        return text
    return ""


def _copy(event: QKeyEvent) -> QKeyEvent:
    # Qt deletes the original once the filter returns; a held key needs its own copy.
    return QKeyEvent(event.type(), event.key(), event.modifiers(), event.nativeScanCode(),
                     event.nativeVirtualKey(), event.nativeModifiers(), event.text(),
                     event.isAutoRepeat(), event.count())


class ScannerKeyFilter(QObject):
    """Install with `ScannerKeyFilter(view)`; connect `scanned(code)`. `clock` gives monotonic
    seconds for both the keys and the deadline (injected by tests to type at scanner speed)."""

    scanned = Signal(str)

    def __init__(self, view: QWidget, detector: KeystrokeScannerDetector | None = None,
                 clock: Callable[[], float] = time.monotonic):
        super().__init__(view)  # a child of the view: destroyed with it, which uninstalls it
        self._view = view
        self.detector = detector or KeystrokeScannerDetector()
        self._clock = clock
        self._replaying = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._poll)
        QApplication.instance().installEventFilter(self)

    def uninstall(self) -> None:
        QApplication.instance().removeEventFilter(self)
        self._timer.stop()

    def _ours(self, obj: QObject) -> bool:
        if not isinstance(obj, QWidget):
            return False
        if obj is self._view or self._view.isAncestorOf(obj):
            return True
        # Elsewhere in the same window (its tabs, the language button) while this view is the
        # one shown: the other work views are hidden then, so their fields are not asked.
        return self._view.isVisible() and obj.window() is self._view.window()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if self._replaying or kind not in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
            return False
        if not self._ours(obj) or event.key() in _MODIFIERS:
            return False
        if kind == QEvent.Type.ShortcutOverride:
            if _text_for(event):
                event.accept()  # no shortcut for a key a scanner may be typing
                return True
            return False
        self._handle(self.detector.feed(_text_for(event), self._clock(), (_copy(event), obj)))
        return True

    def flush(self) -> None:
        """Deliver what is held now (the view is hiding)."""
        self._handle(self.detector.flush())

    def _poll(self) -> None:
        self._handle(self.detector.poll(self._clock()))

    def _handle(self, outcomes) -> None:
        for outcome in outcomes:
            if isinstance(outcome, Scanned):
                self.scanned.emit(outcome.code)
            elif isinstance(outcome, Released):
                for key in outcome.keystrokes:
                    self._deliver(*key.event)
        deadline = self.detector.deadline
        if deadline is None:
            self._timer.stop()
        else:
            # At least a few ms, so a clock that has not moved yet cannot spin the loop.
            self._timer.start(max(5, int((deadline - self._clock()) * 1000) + 1))

    def _deliver(self, event: QKeyEvent, target: QObject) -> None:
        if not shiboken6.isValid(target):
            target = QApplication.focusWidget()
            if target is None or not self._ours(target):
                return
        self._replaying = True
        try:
            QApplication.sendEvent(target, event)
        finally:
            self._replaying = False
