"""The manager view end to end on the local Supabase stand-in: real MpsClient, real SaleService
and journal. A cashier rings up payments first; the manager refunds one by its receipt code,
reads the day, exports it, and settles yesterday."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from decimal import Decimal

from pos_app.core.day import business_day
from pos_app.core.day.report import from_summary
from pos_app.core.messages import message_for
from pos_app.core.receipt.text import render_text
from pos_app.core.scanning.codes import receipt_code
from pos_app.ui.i18n import Language
from tests.pos.api_shop import FaultyTransport

from .manager_kit import WAIT, find, journal_fixture, paid_fixture, sales_for, view_for  # noqa: F401 - fixtures


def test_the_manager_scans_a_receipt_refunds_part_and_sees_what_is_left(qtbot, shop, journal, paid, tmp_path):
    view = view_for(qtbot, shop, shop.manager, journal)
    panel = view.refunds
    payment = find(qtbot, view, receipt_code(paid[0]["tx_id"]) + "\r\n")
    assert payment.remaining == Decimal("30.00") and panel.remaining.text() == "Still refundable: ¥30.00"
    assert "Paid ¥30.00" in panel.summary.text() and panel.refund_part_button.isEnabled()

    dialog = panel.open_refund_dialog(whole=False)
    qtbot.keyClicks(dialog.amount, "10")
    dialog.reason.setPlainText("退回一件")
    with qtbot.waitSignal(panel.controller.outcome, timeout=WAIT) as got:
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert got.args[0].state == "done" and panel.state.text() == "Refund done."
    qtbot.waitUntil(lambda: panel.controller.payment.remaining == Decimal("20.00"), timeout=WAIT)
    assert panel.remaining.text() == "Still refundable: ¥20.00" and panel.refunds_model.rowCount() == 1
    assert panel.refunds_model.cell(0, "reason") == "退回一件" and panel.refunds_model.cell(0, "amount") == "¥10.00"
    assert panel.receipt_slip.receipt is panel.receipt and panel.receipt.kind.value == "refund"
    assert any("REFUND RECEIPT" in line for line in render_text(panel.receipt, 32,
                                                                "en")) and shop.balance() == Decimal("67.70")
    pdf = panel.save_receipt_pdf(tmp_path / "refund.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    assert journal.get(got.args[0].key).state == "done"

    # Today's list offers the same payment with what is left.
    with qtbot.waitSignal(panel.controller.today_loaded, timeout=WAIT):
        panel.controller.load_today()
    refundable = {panel.today_model.cell(i, "tx"): panel.today_model.cell(i, "refundable")
                  for i in range(panel.today_model.rowCount())}
    assert refundable == {paid[0]["tx_id"]: "¥20.00", paid[1]["tx_id"]: "¥12.30"}


def test_a_refund_whose_answer_is_lost_is_retried_with_its_key_and_refunds_once(qtbot, shop, journal, paid):
    # session_info and get_tx pass; the refund's first try reaches the server and its answer is
    # lost, the next three find no network: the outcome is unknown.
    transport = FaultyTransport(["pass", "pass", "lose_answer", "refuse", "refuse", "refuse"])
    view = view_for(qtbot, shop, shop.manager, journal, transport=transport)
    panel = view.refunds
    find(qtbot, view, receipt_code(paid[0]["tx_id"]))
    dialog = panel.open_refund_dialog(whole=True)
    with qtbot.waitSignal(panel.controller.outcome, timeout=WAIT) as got:
        dialog.accept()
    assert (got.args[0].state, got.args[0].error) == ("pending", "outcome_unknown")
    assert panel.state.text() == "Refund outcome unknown." and panel.retry_button.isEnabled()
    assert "refund may or may not" in panel.words.text() and "charge" not in panel.words.text()
    assert not panel.refund_all_button.isEnabled() and not panel.refund_part_button.isEnabled()
    with qtbot.waitSignal(panel.controller.outcome, timeout=WAIT) as again:
        panel.retry_button.click()
    assert again.args[0].state == "done" and again.args[0].result["replayed"] is True
    qtbot.waitUntil(lambda: panel.controller.payment.remaining == Decimal("0.00"), timeout=WAIT)
    assert shop.balance() == Decimal("87.70") and not panel.refund_all_button.isEnabled()
    bodies = transport.rpc_bodies("merchant_refund_tx")
    assert len(bodies) == 5 and len({json.loads(b)["p_idempotency_key"] for b in bodies}) == 1


def test_a_cashier_trying_to_refund_is_told_a_manager_must_approve(qtbot, shop, journal, paid):
    view = view_for(qtbot, shop, shop.cashier, journal, Language("zh_CN"))
    panel = view.refunds
    find(qtbot, view, paid[1]["tx_id"])  # a bare id typed by hand
    dialog = panel.open_refund_dialog(whole=True)
    with qtbot.waitSignal(panel.controller.outcome, timeout=WAIT) as got:
        dialog.accept()
    assert (got.args[0].state, got.args[0].error) == ("failed", "forbidden")
    assert panel.state.text() == "此退款需要店长批准。"
    assert panel.words.text() == str(message_for("forbidden", "zh_CN"))
    view.language.set("en")
    assert panel.state.text() == "A manager must approve this refund." and "manager" in panel.words.text()
    assert shop.balance() == Decimal("57.70")


def test_the_day_shows_the_servers_totals_and_exports_them_with_every_transaction(qtbot, shop, journal, paid, tmp_path):
    manager = sales_for(shop, shop.manager, journal)
    manager.run(manager.prepare_refund(paid[0]["tx_id"], "5", "坏了"))
    view = view_for(qtbot, shop, shop.manager, journal)
    with qtbot.waitSignal(view.day.controller.loaded, timeout=WAIT):
        view.day.load()
    expected = from_summary(manager.api.daily_summary())
    shown = view.day.report
    assert shown.totals == expected.totals and shown.totals.payments_paid == Decimal("42.30")
    assert view.day.net.text() == "Net: ¥37.30" and view.day.message.text() == ""
    assert "Payments: 2" in view.day.payments.text() and view.day.refunds.text() == "Refunds: 1 · ¥5.00"
    model = view.day.cashiers
    assert {model.cell(i, "cashier"): model.cell(i, "paid") for i in range(model.rowCount())} == {
        shop.cashier.email: "¥42.30", shop.manager.email: "¥0.00"}
    assert view.day.chart.values() == [h.payments_paid for h in expected.by_hour]

    path = tmp_path / "day.csv"
    with qtbot.waitSignal(view.day.controller.exported, timeout=WAIT) as got:
        view.day.export_csv(path)
    assert got.args == [str(path), 3]
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))
    assert rows[4] == ["totals", "2", "42.30", "0.00", "42.30", "1", "5.00", "0", "0.00", "37.30"]
    tx_rows = rows[rows.index(["created_at", "tx_id", "kind", "operator_email", "operator_user_id", "card_last4",
                               "raw_amount", "discount_amount", "paid_amount", "amount", "refunded_total",
                               "refundable_remaining", "original_tx_id", "reason"]) + 1:]
    assert [r[2] for r in tx_rows] == ["refund", "payment", "payment"] and tx_rows[0][-1] == "坏了"
    assert view.day.save_read_out_pdf(tmp_path / "z.pdf").read_bytes().startswith(b"%PDF")
    assert any("NET" in line and "¥37.30" in line for line in view.day.read_out_lines())


def test_settling_yesterday_works_and_again_returns_the_same_settlement(qtbot, shop, journal, paid):
    view = view_for(qtbot, shop, shop.manager, journal)
    panel = view.settlements
    yesterday = business_day.today("Asia/Shanghai") - timedelta(days=1)
    with qtbot.waitSignal(panel.controller.generated, timeout=WAIT) as first:
        panel.generate(yesterday, yesterday)
    assert first.args[0]["replayed"] is False and panel.message.text() == "Settlement generated."
    assert panel.figures.text().startswith(f"{yesterday.isoformat()}: payments 0")
    c = panel.controller
    with qtbot.waitSignal(c.generated, timeout=WAIT) as again, qtbot.waitSignal(c.listed, timeout=WAIT):
        panel.generate()
    assert again.args[0]["settlement_id"] == first.args[0]["settlement_id"] and again.args[0]["replayed"] is True
    assert panel.message.text().startswith("This period was already settled")
    view.language.set("zh_CN")
    assert panel.message.text().startswith("该期间已结算") and panel.figures.text().startswith(yesterday.isoformat())
    assert panel.model.rowCount() == 1 and panel.model.cell(0, "period") == yesterday.isoformat()


def test_a_period_still_running_is_refused_in_the_managers_words_naming_the_shops_days(qtbot, shop, journal):
    view = view_for(qtbot, shop, shop.manager, journal)
    panel = view.settlements
    today = business_day.today("Asia/Shanghai")
    with qtbot.waitSignal(panel.controller.failed, timeout=WAIT):
        panel.generate(today, today)
    yesterday = today - timedelta(days=1)
    assert panel.message.text() == str(message_for("settle_running", "en")).format(
        today=today.isoformat(), yesterday=yesterday.isoformat())
    assert "merchant_daily_summary" not in panel.message.text()
