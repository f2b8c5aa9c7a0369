"""The shift report's window: the Z (or X) on a slip, Print focused so Enter prints, every way
out reachable by Tab, the PDF, the text file and the thermal job written, DUPLICATE
on a reprint, both languages, and a file that cannot be written said so, not called saved."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from pos_app.core.receipt.escpos import ENCODING
from pos_app.core.shift.report import ShiftDocument
from pos_app.ui.common import shift_report_dialog
from pos_app.ui.common.shift_report_dialog import ShiftReportDialog
from pos_app.ui.i18n import Language
from tests.pos.test_shift_report import closed, open_shift

from .helpers import WAIT


def make(qtbot, shift=None, language="en", **kw) -> ShiftReportDialog:
    doc = ShiftDocument(shift or closed(), "Tea House", "Asia/Shanghai", duplicate=kw.pop("duplicate", False))
    dialog = ShiftReportDialog(doc, Language(language), **kw)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog, timeout=WAIT)
    return dialog


def test_the_z_is_shown_and_enter_prints_it(qtbot, monkeypatch):
    printed = []
    monkeypatch.setattr(shift_report_dialog, "print_rows_with_dialog",
                        lambda rows, title, parent: printed.append((rows, title)) or True)
    dialog = make(qtbot)
    assert "Z 000123" in dialog.windowTitle()
    values = [r.value for r in dialog.view.slip.rows]
    assert "Z 000123" in values and "*** DUPLICATE ***" not in values
    assert dialog.view.slip.height() > 400  # the whole document is drawn, not an empty slip
    qtbot.waitUntil(lambda: dialog.focusWidget() is dialog.view.print_button, timeout=WAIT)
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)
    assert printed and printed[0][1].startswith("Z 000123")
    assert dialog.message.text() == "Sent to the printer."


def test_a_reprint_is_marked_duplicate_on_the_slip_and_in_every_file(qtbot, tmp_path):
    dialog = make(qtbot, duplicate=True)
    assert [r.value for r in dialog.view.slip.rows].count("*** DUPLICATE ***") == 2
    saved = dialog.view.save_text(tmp_path / "z.txt")
    lines = saved.read_text(encoding="utf-8").splitlines()
    assert "DUPLICATE" in lines[1] and "DUPLICATE" in "".join(lines[-3:])
    pdf = dialog.view.save_pdf(tmp_path / "z.pdf")
    assert pdf.read_bytes().startswith(b"%PDF") and "Saved:" in dialog.message.text()
    assert "DUPLICATE" in dialog.windowTitle()


def test_tab_and_space_reach_pdf_and_text_and_escape_closes(qtbot, monkeypatch, tmp_path):
    asked = []
    monkeypatch.setattr(shift_report_dialog, "ask_save_path",
                        lambda parent, title, name, flt: asked.append(name) or str(tmp_path / name))
    dialog = make(qtbot)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=WAIT)
    for target in (dialog.view.pdf_button, dialog.view.text_button):
        for _ in range(6):  # the thermal button is off without a printer: Tab skips it
            if QApplication.focusWidget() is target:
                break
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is target
        qtbot.keyClick(target, Qt.Key.Key_Space)
    assert asked == ["Z-M001-000123.pdf", "Z-M001-000123.txt"]
    assert (tmp_path / "Z-M001-000123.txt").read_text(encoding="utf-8").count("Z 000123") == 2
    assert [b.text() for b in (dialog.view.pdf_button, dialog.view.text_button, dialog.close_button)] == [
        "Save P&DF…", "Save te&xt…", "&Close"]
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)


def test_the_thermal_printer_gets_the_escpos_job_and_without_one_its_button_is_off(qtbot, tmp_path):
    device = tmp_path / "lp0"
    dialog = make(qtbot, language="zh_CN", escpos_device=str(device))
    with qtbot.waitSignal(dialog.view.status, timeout=WAIT):
        dialog.view.thermal_button.click()
    job = device.read_bytes()
    assert "Z 000123".encode(ENCODING) in job and "预计现金".encode(ENCODING) in job
    assert dialog.message.text() == "已发送到打印机。"
    bare = make(qtbot)
    assert not bare.view.thermal_button.isEnabled() and "Settings" in bare.view.thermal_button.toolTip()


def test_an_open_shift_shows_its_x_read_out_and_the_words_follow_the_language(qtbot):
    language = Language("en")
    dialog = ShiftReportDialog(ShiftDocument(open_shift(), "Tea House", "Asia/Shanghai"), language)
    qtbot.addWidget(dialog)
    assert "X read-out, not a close" in [r.value for r in dialog.view.slip.rows]
    language.set("zh_TW")
    assert "X 讀數，並非結班" in [r.value for r in dialog.view.slip.rows]
    assert dialog.view.print_button.text() == "列印(&P)…" and "結班" in dialog.windowTitle()


@pytest.mark.parametrize("where", ["missing/folder/z.pdf", "missing/folder/z.txt"])
def test_a_file_that_cannot_be_written_is_said_so_and_not_called_saved(qtbot, tmp_path, where):
    dialog = make(qtbot)
    path = tmp_path / where
    save = dialog.view.save_pdf if where.endswith(".pdf") else dialog.view.save_text
    assert save(path) is None and not Path(path).exists()
    assert "does not exist" in dialog.message.text() and "Saved" not in dialog.message.text()
    dialog.language.set("zh_CN")  # what was said is said again in the other language
    assert "不存在" in dialog.message.text()


@pytest.mark.parametrize("language", ["en", "zh_CN", "zh_TW"])
def test_each_button_has_its_own_alt_letter_in_every_language(qtbot, language):
    dialog = make(qtbot, language=language, escpos_device="/dev/null")
    texts = [b.text() for b in (dialog.view.print_button, dialog.view.thermal_button, dialog.view.pdf_button,
                                dialog.view.text_button, dialog.close_button)]
    letters = [re.search(r"&(\w)", t).group(1).lower() for t in texts]
    assert len(set(letters)) == 5, texts
