"""The settings form says what is wrong in its label, and a first run saves what was typed
and goes on to sign in."""

import json

from PySide6.QtCore import Qt

from pos_app.core import settings as core_settings
from pos_app.core.settings import Settings
from pos_app.ui.i18n import Language
from pos_app.ui.settings_dialog import SettingsDialog

from .helpers import WAIT


def fill(dialog, url="http://127.0.0.1:1", key="anon-key", merchant="SHOP001"):
    dialog.url.setText(url)
    dialog.api_key.setText(key)
    dialog.merchant.setText(merchant)


def test_each_missing_or_bad_field_is_named_in_the_label(qtbot):
    dialog = SettingsDialog(Language("en"), Settings(), ["Kitchen printer"])
    qtbot.addWidget(dialog)
    assert not dialog.validate() and dialog.problem.text() == "Fill in the Supabase URL."
    fill(dialog, url="ftp://example.test")
    assert not dialog.validate() and dialog.problem.text().startswith("Supabase URL: must be an http(s) URL")
    fill(dialog, merchant="SHOP 001!")
    assert not dialog.validate() and dialog.problem.text().startswith("Merchant code: 2-32 letters")
    fill(dialog)
    dialog.terminal.setText("")
    assert not dialog.validate() and "Terminal name" in dialog.problem.text()
    dialog.terminal.setText("Till 2")
    assert dialog.validate() and dialog.problem.text() == ""


def test_values_hold_every_setting_typed(qtbot):
    dialog = SettingsDialog(Language("en"), Settings(), ["Kitchen printer"])
    qtbot.addWidget(dialog)
    fill(dialog)
    dialog.camera.setValue(2)
    dialog.printer.setCurrentText("Kitchen printer")
    dialog.escpos.setText("/dev/usb/lp0")
    dialog.language_box.setCurrentIndex(1)
    assert dialog.values == Settings(supabase_url="http://127.0.0.1:1", api_key="anon-key", merchant_code="SHOP001",
                                     camera_index=2, printer_name="Kitchen printer", escpos_device="/dev/usb/lp0",
                                     language="zh_CN")
    dialog.printer.setCurrentIndex(0)  # "(ask when printing)"
    assert dialog.values.printer_name == ""


def test_the_form_speaks_the_counters_language(qtbot):
    language = Language("en")
    dialog = SettingsDialog(language, Settings())
    qtbot.addWidget(dialog)
    language.set("zh_CN")
    assert dialog.windowTitle() == "收银台设置"
    assert not dialog.validate() and dialog.problem.text() == "请填写Supabase 地址。"


def test_a_first_run_saves_the_settings_then_asks_to_sign_in(qtbot, make_shell, paths, gateway):
    shell = make_shell(core_settings.baseline({}))
    dialog = shell.settings_dialog
    assert dialog is not None and dialog.isVisible() and shell.sign_in_dialog is None
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Save), Qt.LeftButton)
    assert dialog.isVisible() and dialog.problem.text() == "Fill in the Supabase URL."
    fill(dialog, url=gateway.url, key=gateway.anon_key, merchant="SHOP042")
    dialog.terminal.setText("Till 2")
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Save), Qt.LeftButton)
    qtbot.waitUntil(lambda: shell.sign_in_dialog is not None and shell.sign_in_dialog.isVisible(), timeout=WAIT)
    saved = json.loads(paths.settings_file.read_text(encoding="utf-8"))
    assert saved == {"supabase_url": gateway.url, "api_key": gateway.anon_key, "merchant_code": "SHOP042",
                     "terminal_name": "Till 2"}
    assert "Till 2" in shell.sign_in_dialog.shop.text() and "SHOP042" in shell.sign_in_dialog.shop.text()


def test_cancelling_the_first_settings_ends_the_app(qtbot, make_shell):
    shell = make_shell(core_settings.baseline({}))
    with qtbot.waitSignal(shell.finished, timeout=WAIT):
        shell.settings_dialog.reject()
