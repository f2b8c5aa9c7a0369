"""The shared UI pieces: background jobs report on the UI thread; labels switch language."""

import threading

import pytest
from PySide6.QtCore import QThread

from pos_app.core.translations import N_
from pos_app.ui.common.worker import run_in_background
from pos_app.ui.i18n import Language, register

from .helpers import WAIT


def test_a_background_call_runs_off_the_ui_thread_and_reports_on_it(qtbot):
    ui_thread = QThread.currentThread()
    seen = {}

    def work():
        seen["worker"] = threading.current_thread() is not threading.main_thread()
        return 42

    def done(result):
        seen["result"] = result
        seen["on_ui_thread"] = QThread.currentThread() is ui_thread

    # Wait for the outcome, not for job.finished: a fast job can emit before a waitSignal made
    # after run_in_background connects, and that emission is then lost to the test.
    run_in_background(work, on_done=done)
    qtbot.waitUntil(lambda: "result" in seen, timeout=WAIT)
    assert seen == {"worker": True, "result": 42, "on_ui_thread": True}


def test_a_failing_call_reports_its_exception(qtbot):
    errors = []
    run_in_background(lambda: 1 / 0, on_failed=errors.append)
    qtbot.waitUntil(lambda: len(errors) == 1, timeout=WAIT)
    assert len(errors) == 1 and isinstance(errors[0], ZeroDivisionError)


def test_labels_switch_language_and_say_so(qtbot):
    from pos_app.ui import shell_text  # noqa: F401 - registers the labels

    lang = Language("en")
    assert lang.t("main.title", merchant="M1") == "MPS cashier — M1"
    with qtbot.waitSignal(lang.changed, timeout=WAIT) as blocker:
        lang.set("zh_CN")
    assert blocker.args == ["zh_CN"] and lang.t("main.title", merchant="M1") == "MPS 收银 — M1"
    lang.set("zh_TW")
    assert lang.t("signin.email") == "電子郵件"
    with pytest.raises(ValueError):
        lang.set("fr")
    register(N_("test.greeting", "Hello {name}"))
    assert lang.t("test.greeting", name="Ann") == "Hello Ann"  # not in a catalog yet: the source text
    with pytest.raises(ValueError):
        register(N_("test.greeting", "Hi"))


def test_qt_own_words_follow_the_language(qtbot):
    """QTranslator with Qt's qtbase catalog: the buttons of Qt's own dialogs speak the language."""
    from PySide6.QtCore import QCoreApplication

    lang = Language("en")
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"
    lang.set("zh_TW")
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    lang.set("zh_CN")
    assert QCoreApplication.translate("QPlatformTheme", "Save") == "保存"
    lang.set("en")
    assert QCoreApplication.translate("QPlatformTheme", "Save") == "Save"


def test_collection_happens_on_the_gui_thread_only(qtbot):
    import gc

    from pos_app.ui.gui_thread_gc import GuiThreadGc

    gc.enable()  # as at the app's start
    collector = GuiThreadGc(interval_ms=10)
    try:
        assert not gc.isenabled()  # no thread can trigger a collection by allocating
        for _ in range(5000):  # cycles past the first threshold
            a = []
            a.append(a)
        qtbot.waitUntil(lambda: gc.get_count()[0] < gc.get_threshold()[0], timeout=WAIT)
    finally:
        collector.stop()
    assert gc.isenabled()
    gc.disable()  # back to how this module's fixture runs window tests
