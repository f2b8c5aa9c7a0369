"""The member's screen goes back to the welcome a while after a sale's outcome (the thank-you,
a refusal), so the next person in the queue never reads the last one's figures. The next sale's
amount, New sale or Esc end it sooner (the model's own states)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from pos_app.core.customer.screen import OUTCOMES, WELCOME_AFTER_SECONDS, CustomerScreen, Face


class BackToWelcome(QObject):
    """Watches `screen`; `after_ms` after an outcome is shown, the welcome (a test passes a short one)."""

    def __init__(self, screen: CustomerScreen, after_ms: int = WELCOME_AFTER_SECONDS * 1000,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.screen = screen
        self._outcome: Face | None = None
        self.timer = QTimer(self, singleShot=True, interval=after_ms)
        self.timer.timeout.connect(self._read)
        screen.subscribe(self._shown)
        self._shown(screen.face)

    def _shown(self, face: Face) -> None:
        if face.state in OUTCOMES:
            self._outcome = face
            self.timer.start()
        else:
            self._outcome = None
            self.timer.stop()

    def _read(self) -> None:
        if self._outcome is not None:
            self.screen.outcome_read(self._outcome)
