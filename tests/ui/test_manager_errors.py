"""Every error a manager can meet in the manager view, provoked on the stand-in: each is said in
the manager's words in English and in Chinese (again after a language switch), with the shop's
dates and never the server's sentence (function or parameter names, ids, UTC instants); a
failed settlement or day takes the figures of the one before off the screen."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from pos_app.core.day import business_day
from pos_app.core.messages import message_for
from pos_app.ui.i18n import Language
from tests.pos.api_shop import FaultyTransport, service_rpc

from .helpers import SwitchableTransport
from .manager_kit import WAIT, find, journal_fixture, paid_fixture, sales_for, view_for  # noqa: F401 - fixtures

TZ = "Asia/Shanghai"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def filled(name: str, language: str, **values) -> str:
    """The catalog's words for `name` with their `{field}`s filled."""
    return str(message_for(name, language)).format(**values)


def no_server_text(words: str) -> None:
    """Nothing of the server's own sentence: no function, parameter, id or UTC instant."""
    assert words
    assert not UUID.search(words), words
    assert not re.search(r"\bp_[a-z]|merchant_|_summary|\+00|UTC|\d{2}:\d{2}:\d{2}", words), words


def chinese(words: str) -> None:
    """Chinese words, apart from dates, amounts and paths: no English sentence in them."""
    assert re.search(r"[\u4e00-\u9fff]", words), words
    assert not re.search(r"[A-Za-z]{3,}", re.sub(r"/\S+", "", words)), words


@pytest.fixture
def transport():
    t = SwitchableTransport()
    yield t
    t.close()


def yesterday() -> datetime:
    return business_day.today(TZ) - timedelta(days=1)


def generate(qtbot, panel, first, last, signal="generated"):
    with qtbot.waitSignal(getattr(panel.controller, signal), timeout=WAIT):
        panel.generate(first, last)


def test_settling_days_that_overlap_a_settlement_names_it_in_shop_days_and_clears_the_figures(qtbot, shop, journal):
    view = view_for(qtbot, shop, shop.manager, journal)
    panel = view.settlements
    day = yesterday()
    c = panel.controller
    with qtbot.waitSignal(c.generated, timeout=WAIT), qtbot.waitSignal(c.listed, timeout=WAIT):
        panel.generate(day, day)
    assert panel.figures.text().startswith(day.isoformat())
    generate(qtbot, panel, day - timedelta(days=2), day, "failed")
    assert panel.message.text() == str(filled("settle_overlap", "en", period=day.isoformat()))
    assert panel.figures.text() == "" and panel.shown is None  # not read as the refused period's
    no_server_text(panel.message.text())
    view.language.set("zh_CN")
    assert panel.message.text() == str(filled("settle_overlap", "zh_CN", period=day.isoformat()))
    chinese(panel.message.text())


def test_an_overlap_with_a_settlement_not_yet_listed_still_names_its_days(qtbot, shop, journal):
    # Made elsewhere (the platform) after the screen last listed: the period comes from the
    # server's refusal, turned into the shop's days.
    day = yesterday()
    start, end = business_day.period(day - timedelta(days=1), day, TZ)
    service_rpc(shop.gateway, "generate_settlement", {"p_merchant_code": shop.code, "p_period_start": start.isoformat(),
                                                      "p_period_end": end.isoformat()})
    view = view_for(qtbot, shop, shop.manager, journal, Language("zh_CN"))
    panel = view.settlements
    generate(qtbot, panel, day, day, "failed")
    period = f"{day - timedelta(days=1)} – {day}"
    assert panel.message.text() == str(filled("settle_overlap", "zh_CN", period=period))
    no_server_text(panel.message.text())
    chinese(panel.message.text())


def test_settling_today_says_it_is_not_over_in_the_shops_time_zone_in_both_languages(qtbot, shop, journal):
    view = view_for(qtbot, shop, shop.manager, journal, Language("zh_CN"))
    panel = view.settlements
    today = business_day.today(TZ)
    generate(qtbot, panel, today - timedelta(days=1), today, "failed")
    args = {"today": today.isoformat(), "yesterday": (today - timedelta(days=1)).isoformat()}
    assert panel.message.text() == str(filled("settle_running", "zh_CN", **args))
    chinese(panel.message.text())
    view.language.set("en")
    assert panel.message.text() == str(filled("settle_running", "en", **args))
    no_server_text(panel.message.text())
    # The editors do not offer a day after today at all.
    assert panel.last.maximumDate().toPython() == today == panel.first.maximumDate().toPython()


def test_a_period_ending_before_it_starts_is_said_before_any_request(qtbot, shop, journal):
    view = view_for(qtbot, shop, shop.manager, journal, Language("zh_CN"))
    panel = view.settlements
    day = yesterday()
    with qtbot.waitSignal(panel.controller.failed, timeout=WAIT):
        panel.generate(day, day - timedelta(days=3))
    assert panel.message.text() == str(message_for("settle_bad_period", "zh_CN"))


def test_no_connection_while_settling_says_none_was_made_and_clears_the_figures(qtbot, shop, journal, transport):
    view = view_for(qtbot, shop, shop.manager, journal, transport=transport)
    panel = view.settlements
    day = yesterday()
    generate(qtbot, panel, day, day)
    assert panel.figures.text()
    transport.down = True
    generate(qtbot, panel, day - timedelta(days=1), day - timedelta(days=1), "failed")
    assert panel.message.text() == str(message_for("settle_offline", "en")) and panel.figures.text() == ""
    assert not panel.figures.isVisibleTo(view) and not panel.net_legend.isVisibleTo(view)
    view.language.set("zh_CN")
    chinese(panel.message.text())
    with qtbot.waitSignal(panel.controller.list_failed, timeout=WAIT):
        panel.controller.refresh()
    assert panel.list_note.text() == str(message_for("mgr_no_answer", "zh_CN"))


def test_a_lost_answer_while_settling_says_generating_again_gives_the_same_settlement(qtbot, shop, journal):
    # session_info passes; every try of the settlement reaches the server and its answer is lost.
    view = view_for(qtbot, shop, shop.manager, journal, Language("zh_CN"),
                    transport=FaultyTransport(["pass"] + ["lose_answer"] * 4))
    panel = view.settlements
    day = yesterday()
    generate(qtbot, panel, day, day, "failed")
    assert panel.message.text() == str(message_for("settle_no_answer", "zh_CN"))
    chinese(panel.message.text())
    view.language.set("en")
    assert "the same days give back the same settlement" in panel.message.text()


def test_a_manager_who_lost_the_role_is_told_so_on_settlements_and_refunds(qtbot, shop, journal, paid):
    view = view_for(qtbot, shop, shop.manager, journal)
    service_rpc(shop.gateway, "add_merchant_user", {"p_merchant_code": shop.code, "p_user_id": shop.manager.user_id,
                                                    "p_role": "cashier"})
    panel = view.settlements
    with qtbot.waitSignal(panel.controller.list_failed, timeout=WAIT):
        panel.controller.refresh()
    assert panel.list_note.text() == str(message_for("mgr_forbidden", "en"))
    day = yesterday()
    generate(qtbot, panel, day, day, "failed")
    assert panel.message.text() == str(message_for("mgr_forbidden", "en"))
    no_server_text(panel.message.text())
    with qtbot.waitSignal(view.refunds.controller.lookup_failed, timeout=WAIT):
        view.refunds.find(paid[0]["tx_id"])  # rung up by the cashier: no longer theirs to see
    view.language.set("zh_CN")
    assert view.refunds.summary.text() == str(message_for("mgr_forbidden", "zh_CN"))


def test_a_day_not_yet_begun_on_the_servers_clock_is_said_with_the_shops_today(qtbot, shop, journal):
    # This till's clock runs a day ahead, so its editor offers a day the server has not reached.
    ahead = datetime.now(UTC) + timedelta(days=1)
    view = view_for(qtbot, shop, shop.manager, journal, Language("zh_CN"), now=lambda: ahead)
    today, tomorrow = business_day.today(TZ), business_day.today(TZ, ahead)
    with qtbot.waitSignal(view.day.controller.load_failed, timeout=WAIT):
        view.day.load(tomorrow)
    words = filled("day_in_future", "zh_CN", day=tomorrow.isoformat(), today=today.isoformat())
    assert view.day.message.text() == str(words)
    chinese(view.day.message.text())
    view.language.set("en")
    no_server_text(view.day.message.text())
    assert f"today there is {today}" in view.day.message.text()


def test_losing_the_network_on_the_day_clears_its_figures_and_says_so(qtbot, shop, journal, paid, transport):
    view = view_for(qtbot, shop, shop.manager, journal, transport=transport)
    day = view.day
    with qtbot.waitSignal(day.controller.loaded, timeout=WAIT):
        day.load()
    assert day.net.text() == "Net: ¥42.30" and day.cashiers.rowCount() == 1
    transport.down = True
    with qtbot.waitSignal(day.controller.load_failed, timeout=WAIT):
        day.load(yesterday())
    assert day.message.text() == str(message_for("mgr_no_answer", "en"))
    assert (day.net.text(), day.payments.text(), day.net_legend.text()) == ("", "", "")
    assert day.cashiers.rowCount() == 0 and not any(day.chart.values())
    assert not day.csv_button.isEnabled() and not day.read_out_pdf_button.isEnabled()


def test_a_csv_export_that_cannot_fetch_or_write_says_which_and_in_chinese(qtbot, shop, journal, paid, transport,
                                                                          tmp_path):
    view = view_for(qtbot, shop, shop.manager, journal, Language("zh_CN"), transport=transport)
    day = view.day
    with qtbot.waitSignal(day.controller.loaded, timeout=WAIT):
        day.load()
    missing = tmp_path / "gone" / "day.csv"
    with qtbot.waitSignal(day.controller.failed, timeout=WAIT):
        day.export_csv(missing)
    assert day.message.text() == str(filled("file_no_folder", "zh_CN", path=missing))
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    if not __import__("os").access(locked, __import__("os").W_OK):  # root writes anywhere
        with qtbot.waitSignal(day.controller.failed, timeout=WAIT):
            day.export_csv(locked / "day.csv")
        assert day.message.text() == str(filled("file_denied", "zh_CN", path=locked / "day.csv"))
    transport.down = True
    target = tmp_path / "day.csv"
    with qtbot.waitSignal(day.controller.failed, timeout=WAIT):
        day.export_csv(target)
    assert day.message.text() == str(message_for("export_no_answer", "zh_CN")) and not target.exists()
    chinese(day.message.text())
    view.language.set("en")
    assert day.message.text() == str(message_for("export_no_answer", "en"))
    assert day.net.text() == "Net: ¥42.30"  # an export's failure leaves the day shown


def test_a_day_read_out_pdf_that_cannot_be_written_is_not_called_saved(qtbot, shop, journal, paid, tmp_path):
    view = view_for(qtbot, shop, shop.manager, journal)
    day = view.day
    with qtbot.waitSignal(day.controller.loaded, timeout=WAIT):
        day.load()
    missing = tmp_path / "gone" / "z.pdf"
    assert day.save_read_out_pdf(missing) is None and not missing.exists()
    assert day.message.text() == str(filled("file_no_folder", "en", path=missing))
    view.language.set("zh_CN")
    assert day.message.text() == str(filled("file_no_folder", "zh_CN", path=missing))


def test_a_payment_that_is_not_there_or_a_lost_network_on_lookup_is_said_for_a_refund(qtbot, shop, journal, paid,
                                                                                      transport):
    view = view_for(qtbot, shop, shop.manager, journal, Language("zh_CN"), transport=transport)
    panel = view.refunds
    with qtbot.waitSignal(panel.controller.lookup_failed, timeout=WAIT):
        panel.find("0b7e3f5e-1c2d-4e5f-8a9b-0c1d2e3f4a5b")
    assert panel.summary.text() == str(message_for("refund_not_found", "zh_CN"))
    find(qtbot, view, paid[1]["tx_id"])
    transport.down = True
    with qtbot.waitSignal(panel.controller.today_failed, timeout=WAIT):
        panel.controller.load_today()
    # Said by the list; the payment being looked at stays on screen, still refundable.
    assert panel.today_note.text() == str(message_for("mgr_no_answer", "zh_CN")) and panel.controller.payment
    assert panel.refund_all_button.isEnabled()
    with qtbot.waitSignal(panel.controller.lookup_failed, timeout=WAIT):
        panel.find(paid[0]["tx_id"])
    assert panel.summary.text() == str(message_for("mgr_no_answer", "zh_CN"))
    view.language.set("en")
    assert panel.summary.text() == str(message_for("mgr_no_answer", "en"))
    assert panel.today_note.text() == str(message_for("mgr_no_answer", "en"))


def test_a_refund_overtaken_by_another_till_is_refused_in_refund_words(qtbot, shop, journal, paid):
    view = view_for(qtbot, shop, shop.manager, journal, Language("zh_CN"))
    panel = view.refunds
    find(qtbot, view, paid[1]["tx_id"])
    other = sales_for(shop, shop.manager, journal)
    assert other.run(other.prepare_refund(paid[1]["tx_id"], "12.30")).state == "done"  # at another till
    dialog = panel.open_refund_dialog(whole=True)  # still shows 12.30 left
    with qtbot.waitSignal(panel.controller.outcome, timeout=WAIT) as got:
        dialog.accept()
    assert (got.args[0].state, got.args[0].error) == ("failed", "refund_exceeds_paid")
    assert panel.words.text() == str(message_for("refund_exceeds_paid", "zh_CN"))
    chinese(panel.words.text())


def test_a_session_ended_elsewhere_says_sign_in_again_on_every_screen(qtbot, shop, journal, paid):
    view = view_for(qtbot, shop, shop.manager, journal, Language("zh_CN"))
    view.refunds.controller.api.sign_out()  # as on sign-out from another window, or a refresh token gone
    with qtbot.waitSignal(view.day.controller.load_failed, timeout=WAIT):
        view.day.load()
    with qtbot.waitSignal(view.settlements.controller.list_failed, timeout=WAIT):
        view.settlements.controller.refresh()
    with qtbot.waitSignal(view.refunds.controller.lookup_failed, timeout=WAIT):
        view.refunds.find(paid[0]["tx_id"])
    said = str(message_for("mgr_not_signed_in", "zh_CN"))
    assert view.day.message.text() == view.settlements.list_note.text() == view.refunds.summary.text() == said
    chinese(said)
