"""What the amount field lets the cashier type: digits (full-width ones too, and the IME's "。"
for the point, as `core.money` reads them), thousands commas, one point and at most two decimals.
A letter or a third decimal is refused as it is typed, not at Charge; whether the amount is
chargeable (not zero, under the cap) is still `core.money.parse_amount`'s to say."""

from __future__ import annotations

import re

from PySide6.QtGui import QValidator

from pos_app.core.money import normalise_typed

_TYPING = re.compile(r"[0-9,]*(?:\.[0-9]{0,2})?")


class AmountValidator(QValidator):
    def validate(self, text: str, pos: int) -> QValidator.State:  # noqa: N802 - Qt's name
        folded = normalise_typed(text)
        if not folded:
            return QValidator.State.Intermediate
        return QValidator.State.Acceptable if _TYPING.fullmatch(folded) else QValidator.State.Invalid
