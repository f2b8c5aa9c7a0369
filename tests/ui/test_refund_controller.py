"""The refund screen's decisions live in its controller: the view states it emits are tested
here without a widget, and the panel is shown to read nothing from the journal on the UI thread
(the journal itself refuses to be called there)."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest

from pos_app.core.receipt.model import ReceiptHeader
from pos_app.core.sale.journal import Journal
from pos_app.core.sale.service import SaleService, Till
from pos_app.ui.i18n import Language
from pos_app.ui.manager.refund_controller import RefundController, RefundViewState
from pos_app.ui.manager.refund_panel import RefundPanel
from tests.pos.fake_api import FakeApi

from .helpers import WAIT

HEADER = ReceiptHeader("Corner Tea", "Asia/Shanghai", "CNY", cashier_email="mia@shop.test", terminal="lane-1")
PAID = "0b8c2f4e-5d6a-4b7c-8d9e-0f1a2b3c4d5e"
OTHER = "1c9d3a5f-6e7b-4c8d-9e0f-1a2b3c4d5e6f"


class ShopApi(FakeApi):
    """The fake server with two payments the refund screen can look up (`merchant_get_tx`)."""

    def __init__(self) -> None:
        super().__init__()
        for tx_id, last4 in ((PAID, "4242"), (OTHER, "1111")):
            self.balances[last4] = Decimal("0.00")
            self.payments[tx_id] = {"paid": Decimal("30.00"), "refunded": Decimal("0.00"), "card": last4}

    def get_tx(self, tx_id: str) -> dict[str, Any]:
        p = self.payments[tx_id]
        return {"tx_id": tx_id, "kind": "payment", "created_at": "2030-01-31T02:00:00+00:00", "currency": "CNY",
                "card_last4": p["card"], "raw_amount": str(p["paid"]), "discount_amount": "0.00",
                "paid_amount": str(p["paid"]), "refunds": [], "refunded_total": str(p["refunded"]),
                "refundable_remaining": str(p["paid"] - p["refunded"])}


class UiThreadRefusingJournal:
    """A journal that raises when the GUI thread touches it, and counts the worker's reads."""

    def __init__(self, journal: Journal):
        self._journal = journal
        self.from_gui: list[str] = []
        self.from_workers = 0

    def __getattr__(self, name: str):
        attr = getattr(self._journal, name)
        if not callable(attr):
            return attr

        def guarded(*args, **kwargs):
            if threading.current_thread() is threading.main_thread():
                self.from_gui.append(name)
                raise AssertionError(f"journal.{name} called on the UI thread")
            self.from_workers += 1
            return attr(*args, **kwargs)
        return guarded


@pytest.fixture(name="api")
def api_fixture():
    return ShopApi()


def controller_for(qtbot, api, journal) -> RefundController:
    sales = SaleService(api, journal, Till("SHOP", "lane-1", "mia@shop.test"))
    controller = RefundController(api, sales, Language("en"), "Asia/Shanghai", HEADER)
    return controller


def wait_state(qtbot, controller, when, action) -> RefundViewState:
    with qtbot.waitSignal(controller.view_changed, timeout=WAIT, check_params_cb=when) as blocker:
        action()
    return blocker.args[0]


def test_a_refund_that_went_through_is_done_with_its_receipt_and_frees_the_next(qtbot, api, tmp_path):
    with Journal(tmp_path / "journal.sqlite3") as journal:
        c = controller_for(qtbot, api, journal)
        shown = wait_state(qtbot, c, lambda s: s.payment is not None, lambda: c.find(PAID))
        assert shown.refundable and shown.outcome is None and shown.payment.remaining == Decimal("30.00")
        with qtbot.waitSignal(c.payment_shown, timeout=WAIT):  # after the refund, the payment again
            c.refund(Decimal("12.50"), "spilt")
        s = c.state
        assert (s.outcome.status, s.outcome.title, s.outcome.words) == ("done", "mgr.done", None)
        assert s.outcome.receipt.amount == Decimal("12.50") and s.outcome.receipt.counter == HEADER
        assert s.payment.remaining == Decimal("17.50") and s.refundable
        assert not (s.outcome.can_retry or s.outcome.can_check) and s.outcome.key == ""


def test_an_unknown_outcome_blocks_refunds_offers_retry_and_stays_when_another_payment_is_chosen(qtbot, api,
                                                                                                  tmp_path):
    with Journal(tmp_path / "journal.sqlite3") as journal:
        c = controller_for(qtbot, api, journal)
        wait_state(qtbot, c, lambda s: s.payment is not None, lambda: c.find(PAID))
        api.fail_next("lost_request")
        s = wait_state(qtbot, c, lambda s: s.outcome.status == "pending", lambda: c.refund(Decimal("5"), None))
        assert s.outcome.title == "mgr.pending" and s.outcome.key and s.outcome.can_retry and s.outcome.can_check
        assert not s.refundable  # no second refund while the first is unknown
        assert "Retry" in s.outcome.words("en")  # the refund's words, not the payment's "do not charge again"
        other = wait_state(qtbot, c, lambda s: s.payment.tx_id == OTHER, lambda: c.find(OTHER))
        assert other.outcome == s.outcome and not other.refundable
        settled = wait_state(qtbot, c, lambda s: s.outcome.status != "pending", c.retry)
        assert settled.outcome.status == "done" and settled.outcome.key == ""


def test_a_refund_the_server_forbids_says_a_manager_must_approve(qtbot, api, tmp_path):
    with Journal(tmp_path / "journal.sqlite3") as journal:
        c = controller_for(qtbot, api, journal)
        wait_state(qtbot, c, lambda s: s.payment is not None, lambda: c.find(PAID))
        api.fail_next("forbidden")
        s = wait_state(qtbot, c, lambda s: s.outcome.status == "failed", lambda: c.refund(Decimal("5"), None))
        assert s.outcome.title == "mgr.manager_must_approve" and s.outcome.receipt is None
        assert s.refundable  # nothing is unsettled: a manager may refund it


def test_a_code_that_names_no_payment_says_why_and_drops_a_settled_outcome(qtbot, api, tmp_path):
    with Journal(tmp_path / "journal.sqlite3") as journal:
        c = controller_for(qtbot, api, journal)
        wait_state(qtbot, c, lambda s: s.payment is not None, lambda: c.find(PAID))
        wait_state(qtbot, c, lambda s: s.outcome.status == "done", lambda: c.refund(Decimal("1"), None))
        s = wait_state(qtbot, c, lambda s: s.payment is None, lambda: c.find("4006381333931"))
        assert s.lookup_problem is not None and s.lookup_problem("en") and s.outcome is None and not s.refundable


def test_the_panel_reads_nothing_from_the_journal_on_the_ui_thread(qtbot, api, tmp_path):
    with Journal(tmp_path / "journal.sqlite3") as real:
        journal = UiThreadRefusingJournal(real)
        sales = SaleService(api, journal, Till("SHOP", "lane-1", "mia@shop.test"))
        language = Language("en")
        panel = RefundPanel(api, sales, language, "CNY", "Asia/Shanghai", HEADER)
        qtbot.addWidget(panel)
        c = panel.controller
        with qtbot.waitSignal(c.payment_shown, timeout=WAIT):
            panel.find(PAID)
        api.fail_next("lost_request")
        with qtbot.waitSignal(c.outcome, timeout=WAIT):
            c.refund(Decimal("5"), None)
        assert panel.retry_button.isEnabled() and panel.check_button.isVisibleTo(panel)
        assert not panel.refund_all_button.isEnabled()
        language.set("zh_CN")  # everything said again in the other language, from the state
        with qtbot.waitSignal(c.payment_shown, timeout=WAIT):
            panel.find(OTHER)
        with qtbot.waitSignal(c.outcome, timeout=WAIT):
            panel.retry_button.click()
        assert panel.receipt is not None and panel.print_button.isVisibleTo(panel)
        assert journal.from_gui == [] and journal.from_workers > 0
