"""The refund screen as a manager goes through it on the stand-in: the list of today's payments
follows each refund at once, choosing another payment starts clean, the refund dialog's problem
never covers the Reason box, and the refund receipt's PDF is offered in Documents by name."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from pos_app.core.messages import message_for
from pos_app.core.scanning.codes import receipt_code
from pos_app.ui.i18n import Language
from pos_app.ui.manager.refund_dialog import RefundDialog
from pos_app.ui.manager.view import _STYLE

from .manager_kit import WAIT, find, journal_fixture, paid_fixture, view_for  # noqa: F401 - fixtures


def refund(qtbot, panel, amount: str | None = None):
    dialog = panel.open_refund_dialog(whole=amount is None)
    if amount is not None:
        qtbot.keyClicks(dialog.amount, amount)
    with qtbot.waitSignal(panel.controller.outcome, timeout=WAIT) as got:
        dialog.accept()
    return got.args[0]


def refundable_in_list(panel) -> dict[str, str]:
    m = panel.today_model
    return {m.cell(i, "tx"): m.cell(i, "refundable") for i in range(m.rowCount())}


def test_after_a_refund_todays_list_shows_what_is_left_without_a_reload(qtbot, shop, journal, paid):
    view = view_for(qtbot, shop, shop.manager, journal)
    panel = view.refunds
    with qtbot.waitSignal(panel.controller.today_loaded, timeout=WAIT):
        panel.controller.load_today()
    assert refundable_in_list(panel)[paid[0]["tx_id"]] == "¥30.00"
    panel.today_table.selectRow([panel.today_model.cell(i, "tx") for i in range(2)].index(paid[0]["tx_id"]))
    find(qtbot, view, paid[0]["tx_id"])  # as a click on its row does
    assert refund(qtbot, panel, "10").state == "done"
    qtbot.waitUntil(lambda: panel.controller.payment.remaining == Decimal("20.00"), timeout=WAIT)
    # No Reload: the row of the refunded payment says what the server now says is left.
    assert refundable_in_list(panel) == {paid[0]["tx_id"]: "¥20.00", paid[1]["tx_id"]: "¥12.30"}
    assert refund(qtbot, panel).state == "done"
    qtbot.waitUntil(lambda: refundable_in_list(panel)[paid[0]["tx_id"]] == "¥0.00", timeout=WAIT)


def test_choosing_another_payment_clears_refund_done_and_the_previous_receipt(qtbot, shop, journal, paid):
    view = view_for(qtbot, shop, shop.manager, journal)
    view.show()
    panel = view.refunds
    find(qtbot, view, receipt_code(paid[0]["tx_id"]))
    assert refund(qtbot, panel, "5").state == "done"
    qtbot.waitUntil(lambda: panel.controller.payment.remaining == Decimal("25.00"), timeout=WAIT)
    assert panel.state.text() == "Refund done." and panel.receipt_area.isVisible()  # the same payment: kept
    find(qtbot, view, paid[1]["tx_id"])
    assert panel.state.text() == "" and panel.words.text() == ""
    assert panel.receipt is None and panel.receipt_slip.receipt is None
    assert not panel.receipt_area.isVisible() and not panel.print_button.isVisible()
    assert panel.remaining.text() == "Still refundable: ¥12.30" and panel.refund_all_button.isEnabled()
    view.language.set("zh_CN")
    assert panel.state.text() == ""  # a language switch does not bring it back


def test_a_lookup_that_finds_nothing_also_clears_the_previous_refund(qtbot, shop, journal, paid):
    view = view_for(qtbot, shop, shop.manager, journal)
    panel = view.refunds
    find(qtbot, view, paid[0]["tx_id"])
    assert refund(qtbot, panel, "5").state == "done"
    qtbot.waitUntil(lambda: panel.controller.payment.remaining == Decimal("25.00"), timeout=WAIT)
    with qtbot.waitSignal(panel.controller.lookup_failed, timeout=WAIT):
        panel.find("0b7e3f5e-1c2d-4e5f-8a9b-0c1d2e3f4a5b")
    assert panel.state.text() == "" and panel.receipt is None
    assert panel.summary.text() == str(message_for("refund_not_found", "en"))


def test_a_click_on_find_looks_up_the_typed_receipt_code(qtbot, shop, journal, paid):
    view = view_for(qtbot, shop, shop.manager, journal)
    view.show()
    panel = view.refunds
    qtbot.waitUntil(lambda: panel.isVisible() and panel.find_button.isEnabled(), timeout=WAIT)  # first load done
    panel.code.setText(receipt_code(paid[1]["tx_id"]))
    with qtbot.waitSignal(panel.controller.payment_shown, timeout=WAIT):
        qtbot.mouseClick(panel.find_button, Qt.MouseButton.LeftButton)
    assert panel.controller.payment.remaining == Decimal("12.30")
    assert panel.remaining.text() == "Still refundable: ¥12.30"


@pytest.mark.parametrize("language", ["en", "zh_CN"])
@pytest.mark.parametrize("typed", ["abc", "99999", "1.234"])
def test_the_refund_dialogs_problem_never_covers_the_reason_box(qtbot, language, typed):
    dialog = RefundDialog(Decimal("30.00"), "CNY", Language(language))
    dialog.setStyleSheet(_STYLE)  # the view's big fonts, as in the app
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog, timeout=WAIT)
    dialog.amount.setText(typed)
    dialog.accept()
    qtbot.wait(10)  # the layout settles
    assert dialog.problem.text() and dialog.isVisible()
    shown = [dialog.amount_label, dialog.amount, dialog.reason_label, dialog.reason, dialog.problem, dialog.buttons]
    for upper, lower in zip(shown, shown[1:], strict=False):
        assert not upper.geometry().intersects(lower.geometry()), (upper, lower)
        assert upper.geometry().bottom() < lower.geometry().top()
    needed = dialog.problem.heightForWidth(dialog.problem.width())
    assert dialog.problem.height() >= needed  # every line of the words is on screen
    assert dialog.buttons.geometry().bottom() <= dialog.height()


def test_the_refund_receipt_pdf_is_offered_in_documents_with_a_named_file(qtbot, shop, journal, paid, monkeypatch,
                                                                          tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # a fresh account: no Documents folder yet
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    view = view_for(qtbot, shop, shop.manager, journal)
    panel = view.refunds
    find(qtbot, view, paid[0]["tx_id"])
    outcome = refund(qtbot, panel, "5")
    asked = []
    target = tmp_path / "chosen.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda parent, title, start, filt: asked.append((title, start, filt)) or (str(target), filt))
    panel.pdf_button.click()
    day = panel.receipt.local_time.strftime("%Y-%m-%d")
    documents = tmp_path / "home" / "Documents"
    expected = documents / f"Refund-{day}-{outcome.result['refund_tx_id'][:8]}.pdf"
    assert asked == [("Save PDF…", str(expected), "PDF (*.pdf)")]
    assert documents.is_dir() and target.read_bytes().startswith(b"%PDF") and panel.words.text() == f"Saved to {target}"


def test_a_receipt_pdf_that_cannot_be_written_says_why_instead_of_saved(qtbot, shop, journal, paid, tmp_path):
    view = view_for(qtbot, shop, shop.manager, journal, Language("zh_CN"))
    panel = view.refunds
    find(qtbot, view, paid[0]["tx_id"])
    refund(qtbot, panel, "5")
    missing = tmp_path / "no-such-folder" / "r.pdf"
    assert panel.save_receipt_pdf(missing) is None and not missing.exists()
    assert panel.words.text() == str(message_for("file_no_folder", "zh_CN")).format(path=missing)
