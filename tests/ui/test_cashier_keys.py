"""The keyboard at the counter: Esc starts over, F-keys reach their actions, the view is built
for a signed-in operator."""

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from pos_app.core.session.signin import Operator
from pos_app.ui.cashier import cashier_view_for

from .cashier_kit import WAIT, open_kit


@pytest.fixture
def kit(qtbot, tmp_path):
    yield from open_kit(qtbot, tmp_path)


def test_escape_clears_the_amount_the_code_and_the_words(kit):
    kit.view.controller.scan(kit.api.card("10.00"))
    kit.view.amount_field.setText("99")
    kit.view.controller.scan("4006381333931")  # leaves words on screen
    kit.view.amount_field.setFocus()
    kit.qtbot.keyClick(kit.view.amount_field, Qt.Key.Key_Escape)
    kit.qtbot.waitUntil(lambda: kit.view.amount_field.text() == "", timeout=WAIT)
    assert kit.view.controller.checkout.armed is None and kit.view.notice.text() == ""


def test_f2_takes_the_cursor_to_the_code_field(kit):
    kit.view.amount_field.setFocus()
    kit.qtbot.keyClick(kit.view.amount_field, Qt.Key.Key_F2)
    kit.qtbot.waitUntil(lambda: kit.view.code_field.hasFocus(), timeout=WAIT)


def test_the_view_for_an_operator_names_their_shop_and_asks_their_client(qtbot, tmp_path):
    gen = open_kit(qtbot, tmp_path)
    kit = next(gen)
    try:
        asked = []

        class Client:
            def list_transactions(self, since):
                asked.append(since)
                return []

            def get_tx(self, tx_id):
                raise AssertionError("not asked")

        operator = Operator("u1", "ann@shop.test", "cashier", "SHOP", "Tea Corner", "CNY", "Asia/Shanghai")
        view = cashier_view_for(kit.sales, Client(), kit.language, operator, terminal="lane-2")
        qtbot.addWidget(view)
        assert view.controller.counter.shop == "Tea Corner" and view.controller.counter.terminal == "lane-2"
        view.refresh_today()
        qtbot.waitUntil(lambda: len(asked) == 1, timeout=WAIT)
        view.close()
    finally:
        next(gen, None)


def test_the_amount_field_refuses_letters_and_a_third_decimal_as_they_are_typed(kit):
    field = kit.view.amount_field
    field.setFocus()

    def all_keys_delivered():  # the scanner filter holds a person's keys a moment
        kit.qtbot.waitUntil(lambda: kit.view.scanner.detector.deadline is None, timeout=WAIT)

    kit.type_as_person(field, "1a2.3x45")
    all_keys_delivered()
    assert field.text() == "12.34"
    field.clear()
    for ch in "１２．５":  # full-width, as a Chinese keyboard types them (QTest types ASCII only)
        kit.clock.now += 0.2
        QApplication.sendEvent(field,
                               QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch))
    kit.clock.now += 1.0
    all_keys_delivered()
    assert field.text() == "１２．５"
    field.clear()
    kit.type_as_person(field, "1,250.5-")
    all_keys_delivered()
    assert field.text() == "1,250.5"


@pytest.mark.parametrize("code", ["en", "zh_CN"])
def test_the_columns_stay_put_when_the_card_ready_banner_appears(qtbot, tmp_path, code):
    gen = open_kit(qtbot, tmp_path, language=code)
    kit = next(gen)
    try:
        view = kit.view

        def columns():
            qtbot.wait(50)  # the layout settles
            return [(w.geometry().x(), w.geometry().width()) for w in (view.amount_field, view.camera, view.tabs)]

        before = columns()
        view.controller.scan(kit.api.card("10.00"))
        assert view.controller.checkout.armed is not None
        assert columns() == before
        view.controller.disarm()
        assert columns() == before
    finally:
        next(gen, None)
