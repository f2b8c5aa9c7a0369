"""The day screen and the settlements as a manager reads them: net explained with the day's own
figures (a negative net on a day of top-ups says why), every hour of the chart named, a business
day typed or stepped across month ends, files offered in Documents by name, a settlement naming
the person who made it, and no mnemonic shared by two things on screen at once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, QPoint, QStandardPaths, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QFileDialog,
    QLabel,
    QLineEdit,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from pos_app.core.day import business_day
from pos_app.core.receipt.model import ReceiptHeader
from pos_app.ui.i18n import Language
from pos_app.ui.manager import ManagerView
from pos_app.ui.manager.hour_chart import HOURS
from tests.pos.day_fixture import summary

from .manager_kit import WAIT, journal_fixture, sales_for, view_for  # noqa: F401 - fixtures

INFO = {"merchant_name": "星巴克 Corner", "currency": "CNY", "timezone": "Asia/Shanghai", "role": "manager"}
NOW = datetime(2030, 1, 31, 10, tzinfo=UTC)  # 18:00 in Shanghai


class Api:
    """Answers at once with the fixture's day (SHOP001, 2030-01-31)."""

    def daily_summary(self, day=None):
        return summary()

    def list_transactions(self, **kw):
        return []

    def list_settlements(self, **kw):
        return []

    def list_shifts(self, **kw):
        return []


def documents_folder() -> Path:
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation))


def loaded_view(qtbot, language="en") -> ManagerView:
    view = ManagerView(Api(), None, Language(language), INFO, ReceiptHeader("星巴克 Corner", "Asia/Shanghai", "CNY"),
                       now=lambda: NOW)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.day.controller.loaded, timeout=WAIT):
        view.day.load()
    return view


def test_a_negative_net_on_a_day_of_top_ups_is_explained_in_both_languages(qtbot, shop, journal):
    cashier = sales_for(shop, shop.cashier, journal)
    assert cashier.run(cashier.prepare_charge("30", shop.qr())).state == "done"
    assert cashier.run(cashier.prepare_topup("100", shop.qr())).state == "done"
    view = view_for(qtbot, shop, shop.manager, journal)
    day = view.day
    with qtbot.waitSignal(day.controller.loaded, timeout=WAIT):
        day.load()
    assert day.net.text() == "Net: -¥70.00"
    legend = day.net_legend.text()
    assert legend.startswith("Net = paid ¥30.00 − refunds ¥0.00 − counter top-ups ¥100.00 = -¥70.00.")
    assert "belongs to the platform" in legend and "owes the platform ¥70.00" in legend
    assert day.net.toolTip() == legend
    view.language.set("zh_CN")
    legend = day.net_legend.text()
    assert legend.startswith("净额 = 实收 ¥30.00 − 退款 ¥0.00 − 柜台充值 ¥100.00 = -¥70.00。")
    assert "属于平台" in legend and "本店应付平台 ¥70.00" in legend and "。为负数" in legend  # no space in Chinese


def test_a_positive_net_is_explained_without_a_debt_and_the_net_columns_say_how_it_is_made(qtbot):
    view = loaded_view(qtbot)
    legend = view.day.net_legend.text()
    assert legend.startswith("Net = paid ¥192.50 − refunds ¥20.00 − counter top-ups ¥100.00 = ¥72.50.")
    assert "owes" not in legend
    for model in (view.day.cashiers, view.settlements.model):
        tip = model.headerData(model.column_index("net"), Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
        assert tip == "Net = paid − refunds − counter top-ups (top-up cash belongs to the platform)"
    view.language.set("zh_CN")
    model = view.day.cashiers
    assert model.headerData(model.column_index("net"), Qt.Orientation.Horizontal,
                            Qt.ItemDataRole.ToolTipRole).startswith("净额 = 实收 − 退款 − 柜台充值")


def hover_tip(qtbot, chart, hour: int) -> str:
    rect = chart.bar_rects()[hour]
    pos = QPoint(int(rect.center().x()), chart.height() // 2)
    QApplication.sendEvent(chart, QHelpEvent(QHelpEvent.Type.ToolTip, pos, chart.mapToGlobal(pos)))
    return QToolTip.text() if QToolTip.isVisible() else ""


def test_every_hour_of_the_chart_tells_its_amount_when_pointed_at(qtbot):
    view = loaded_view(qtbot)
    view.resize(1000, 700)
    view.tabs.setCurrentIndex(1)
    view.show()
    qtbot.waitExposed(view, timeout=WAIT)
    chart = view.day.chart
    assert chart.tip(9) == "09:00–10:00: paid ¥142.50 (2 payments), refunds ¥0.00, top-ups ¥100.00"
    assert chart.tip(14) == "14:00–15:00: paid ¥50.00 (1 payment), refunds ¥20.00, top-ups ¥0.00"
    assert chart.tip(3) == "03:00–04:00: paid ¥0.00 (0 payments), refunds ¥0.00, top-ups ¥0.00"
    assert all(chart.tip(h) for h in range(HOURS))
    assert hover_tip(qtbot, chart, 14) == chart.tip(14) and hover_tip(qtbot, chart, 9) == chart.tip(9)
    assert [chart.hour_at(r.center().x()) for r in chart.bar_rects()] == list(range(HOURS))
    view.language.set("zh_CN")
    assert chart.tip(14) == "14:00–15:00：实收 ¥50.00（1 笔支付），退款 ¥20.00，充值 ¥0.00"


def test_the_chart_numbers_every_hour_when_there_is_room(qtbot):
    view = loaded_view(qtbot)
    chart = view.day.chart
    chart.resize(720, 180)
    assert chart.label_step() == 1
    chart.resize(160, 180)
    assert chart.label_step() > 1  # the tooltip still names every hour


def editor_in_window(qtbot, day: date, latest: date):
    """The day screen's own editor, in a window with a field before it to Tab from."""
    now = datetime.combine(latest, datetime.min.time(), tzinfo=UTC) + timedelta(hours=4)  # noon in Shanghai
    view = ManagerView(Api(), None, Language("en"), INFO, ReceiptHeader("星巴克 Corner", "Asia/Shanghai", "CNY"),
                       now=lambda: now)
    window = QWidget()
    before = QLineEdit()
    layout = QVBoxLayout(window)
    layout.addWidget(before)
    layout.addWidget(view)
    qtbot.addWidget(window)
    edit = view.day.day
    view.tabs.setCurrentIndex(1)
    edit.setDate(QDate(day.year, day.month, day.day))
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT)
    before.setFocus()
    while QApplication.focusWidget() is not edit:  # Tab along to it, as a person does
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert edit.maximumDate() == QDate(latest.year, latest.month, latest.day)
    return window, before, edit


def set_day(edit, day: date) -> None:
    edit.setDate(QDate(day.year, day.month, day.day))


def day_of(edit) -> date:
    return edit.date().toPython()


def tab_to(qtbot, before, edit) -> None:
    before.setFocus()
    while QApplication.focusWidget() is not edit:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)


def test_the_arrow_keys_step_the_business_day_across_month_and_year_ends(qtbot):
    _window, before, edit = editor_in_window(qtbot, date(2030, 1, 1), date(2030, 1, 31))
    qtbot.keyClick(edit, Qt.Key.Key_Down)
    assert day_of(edit) == date(2029, 12, 31)
    qtbot.keyClick(edit, Qt.Key.Key_Up)
    qtbot.keyClick(edit, Qt.Key.Key_Up)
    assert day_of(edit) == date(2030, 1, 2)
    set_day(edit, date(2029, 11, 30))
    qtbot.keyClick(edit, Qt.Key.Key_Up)
    assert day_of(edit) == date(2029, 12, 1)
    set_day(edit, date(2030, 1, 31))
    qtbot.keyClick(edit, Qt.Key.Key_Up)
    assert day_of(edit) == date(2030, 1, 31)  # not past the last day the server has


def test_a_business_day_is_typed_as_a_date_and_picked_from_a_calendar(qtbot):
    _window, before, edit = editor_in_window(qtbot, date(2030, 1, 31), date(2030, 1, 31))
    for typed, expected in (("2029-12-24", date(2029, 12, 24)), ("20290105", date(2029, 1, 5)),
                            ("2029/2/28", date(2029, 2, 28))):
        tab_to(qtbot, before, edit)
        qtbot.keyClicks(edit, typed)
        qtbot.keyClick(edit, Qt.Key.Key_Return)
        assert day_of(edit) == expected, typed
    assert edit.calendarPopup() and edit.calendarWidget().maximumDate() == QDate(2030, 1, 31)


def test_the_settlement_editors_step_across_month_ends_too(qtbot):
    view = loaded_view(qtbot)
    for edit in (view.settlements.first, view.settlements.last):
        set_day(edit, date(2029, 12, 31))
        edit.setCurrentSection(edit.Section.DaySection)
        edit.stepBy(1)
        assert day_of(edit) == date(2030, 1, 1)


def test_the_csv_and_day_read_out_are_offered_in_documents_with_named_files(qtbot, monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))  # a fresh account: no Documents folder yet
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    view = loaded_view(qtbot, "zh_CN")
    asked = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda parent, title, start, filt: asked.append((title, start)) or ("", ""))
    view.day.csv_button.click()
    view.day.read_out_pdf_button.click()
    documents = tmp_path / "Documents"
    assert documents_folder() == documents and documents.is_dir()  # made, or Qt opens the app's folder
    assert asked == [("导出 CSV…", str(documents / "Day-SHOP001-2030-01-31.csv")),
                     ("营业日读数 PDF…", str(documents / "Day-read-out-SHOP001-2030-01-31.pdf"))]


def test_a_settlement_made_by_hand_names_the_manager_not_their_user_id(qtbot, shop, journal):
    view = view_for(qtbot, shop, shop.manager, journal)
    panel = view.settlements
    day = business_day.today("Asia/Shanghai") - timedelta(days=1)
    c = panel.controller
    with qtbot.waitSignal(c.generated, timeout=WAIT) as got, qtbot.waitSignal(c.listed, timeout=WAIT):
        panel.generate(day, day)
    assert got.args[0]["created_by_email"] == shop.manager.email
    assert got.args[0]["created_by"] == shop.manager.user_id
    assert panel.model.cell(0, "source") == shop.manager.email
    # Its net is explained as the day's is.
    assert panel.net_legend.text().startswith("Net = paid ¥0.00 − refunds ¥0.00 − counter top-ups ¥0.00 = ¥0.00.")


def mnemonic(text: str) -> str | None:
    found = [text[i + 1].lower() for i in range(len(text) - 1) if text[i] == "&" and text[i + 1] != "&"]
    return found[0] if found else None


def test_every_mnemonic_is_unique_among_what_shows_at_once_in_both_languages(qtbot):
    view = loaded_view(qtbot)
    for code in ("en", "zh_CN"):
        view.language.set(code)
        window = [view.language.t(k) for k in ("main.tab_cashier", "main.tab_manager", "main.sign_out")]
        tabs = [view.tabs.tabText(i) for i in range(view.tabs.count())]
        for panel in (view.refunds, view.day, view.settlements, view.shifts):
            buttons = [b.text() for b in panel.findChildren(QAbstractButton) if b.text()]
            buttons += [label.text() for label in panel.findChildren(QLabel) if label.buddy() is not None]
            keys = [mnemonic(t) for t in window + tabs + buttons if mnemonic(t)]
            assert len(keys) == len(set(keys)), (code, type(panel).__name__, sorted(keys))


def test_alt_s_goes_to_the_settlements_from_the_day(qtbot):
    view = loaded_view(qtbot)
    view.tabs.setCurrentIndex(1)
    view.show()
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow, timeout=WAIT)
    view.day.day.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    assert view.tabs.currentIndex() == 2


def test_when_the_shifts_cannot_be_read_the_day_still_shows_and_its_cash_says_why(qtbot):
    from pos_app.core.api.errors import Unreachable

    class NoShifts(Api):
        def list_shifts(self, **kw):
            raise Unreachable("connection refused")

    view = ManagerView(NoShifts(), None, Language("en"), INFO, ReceiptHeader("星巴克 Corner", "Asia/Shanghai", "CNY"),
                       now=lambda: NOW)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.day.controller.cash_failed, timeout=WAIT):
        view.day.load()
    day = view.day
    assert day.net.text() == "Net: ¥72.50" and day.report is not None and day.cash is None
    assert day.cash_shifts.text().startswith("The day's cash could not be read: ")
    assert "connection refused" not in day.cash_shifts.text()  # the manager's words, not the socket's
    view.language.set("zh_CN")
    assert day.cash_shifts.text().startswith("无法读取本日现金：")


def test_a_day_without_shifts_says_no_cash_was_counted(qtbot):
    view = loaded_view(qtbot)
    assert view.day.cash_shifts.text() == "No shift was opened this day: no cash was counted."
    assert view.day.cash_sum.isHidden() and view.day.cash_counted.isHidden()


def test_a_day_of_more_shifts_than_one_answer_shows_no_short_cash_total(qtbot):
    from tests.pos.test_shift_report import closed

    class ManyShifts(Api):
        def list_shifts(self, **kw):
            return [closed(opened_at="2030-01-31T01:00:00+00:00", shift_id=str(i)) for i in range(kw["limit"])]

    view = ManagerView(ManyShifts(), None, Language("en"), INFO, ReceiptHeader("星巴克 Corner", "Asia/Shanghai", "CNY"),
                       now=lambda: NOW)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.day.controller.cash_failed, timeout=WAIT):
        view.day.load()
    assert "more shifts than can be read at once" in view.day.cash_shifts.text() and view.day.cash_sum.isHidden()
