"""The member's window fits whatever place it is given (a corner of a small screen, a whole
1024x768 or 1920x1080 screen), in every language: no word cut, nothing off the screen."""

from decimal import Decimal

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from pos_app.core.customer.screen import CustomerScreen
from pos_app.ui.customer_display import CustomerDisplay
from pos_app.ui.customer_display_link import CustomerDisplayLink

from .helpers import WAIT

D = Decimal
SHOP = "Demo Coffee & Bakery"
SIZES = [(640, 420), (1024, 768), (1920, 1080), (480, 300)]
LANGUAGES = ["en", "zh_CN", "zh_TW"]


def split_paid(s: CustomerScreen) -> None:
    s.entering("1999.80")
    s.paying(D("1999.80"))
    s.split_paid(D("1940.50"), D("39.30"), D("12345.67"), discount=D("20.00"), points=19405, card_last4="4321",
                 amount=D("1999.80"))


def paid(s: CustomerScreen) -> None:
    s.entering("88888.88")
    s.paying(D("88888.88"))
    s.paid({"raw_amount": "88888.88", "discount_amount": "8888.88", "paid_amount": "80000.00",
            "balance_after": "123456.78", "points_earned": 80000, "card_last4": "9876"})


def previewing_split(s: CustomerScreen) -> None:
    s.entering("1200")
    s.previewing(D("1200.00"), D("60.00"), D("0.00"), "4321", cash=D("140.00"))


def refused(s: CustomerScreen) -> None:
    s.entering("150")
    s.paying(D("150.00"))
    s.refused()


FACES = {"welcome": lambda s: None, "typing": lambda s: s.entering("12345.6"), "split paid": split_paid,
         "paid": paid, "preview": previewing_split, "refused": refused}


def cut_words(display: CustomerDisplay) -> list[str]:
    """The visible labels whose text does not fit in them, or that reach out of the window."""
    display.layout().activate()
    QApplication.processEvents()
    window = display.rect()
    cut = []
    for label in display.findChildren(QLabel):
        if not label.isVisibleTo(display) or not label.text():
            continue
        box = label.geometry()
        metrics = label.fontMetrics()
        if label.wordWrap():
            need = metrics.boundingRect(QRect(0, 0, box.width(), 100000), int(Qt.TextFlag.TextWordWrap), label.text())
            fits = need.width() <= box.width() and need.height() <= box.height()
        else:
            fits = metrics.horizontalAdvance(label.text()) <= box.width() and metrics.height() <= box.height()
        if not fits or not window.contains(box):
            cut.append(f"{label.text()!r} in {box.getRect()}")
    return cut


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_face_fits_the_window_in_every_language(qtbot, size, language):
    screen = CustomerScreen("CNY")
    display = CustomerDisplay(screen, language, SHOP)
    qtbot.addWidget(display)
    display.resize(*size)
    display.show()
    qtbot.waitExposed(display, timeout=WAIT)
    for name, reach in FACES.items():
        screen.idle()
        reach(screen)
        assert display.size().toTuple() == size, name  # the window keeps the size it was given
        assert cut_words(display) == [], f"{name} at {size} in {language}"
        if name == "welcome":
            assert SHOP in display.texts()  # the name is whole where it fits


def test_the_type_is_still_large_on_a_whole_screen(qtbot):
    screen = CustomerScreen("CNY")
    display = CustomerDisplay(screen, "zh_CN", SHOP)
    qtbot.addWidget(display)
    display.resize(1024, 768)
    display.show()
    split_paid(screen)
    by_card = next(v for label, v in display.rows if label.text() == "卡付")
    assert by_card.text() == "¥1,940.50" and by_card.font().pixelSize() >= 60  # readable at 1.5 m


def test_a_shop_name_too_long_for_the_window_is_elided_not_cut(qtbot):
    long_name = "Demo Coffee & Bakery — the Riverside Market branch, upstairs by the escalators"
    display = CustomerDisplay(CustomerScreen("CNY"), "en", long_name)
    qtbot.addWidget(display)
    display.resize(640, 420)
    display.show()
    title = display.title.text()
    assert title.endswith("…") and long_name.startswith(title[:-1]) and len(title) > 10
    assert cut_words(display) == []


def test_the_corner_window_lies_inside_the_screen_and_fits_its_words(qtbot, kit):
    main = QMainWindow()
    qtbot.addWidget(main)
    main.setCentralWidget(kit.view)
    main.show()
    link = CustomerDisplayLink(main, kit.view, kit.language, shop=SHOP, currency="CNY", member_language="zh_TW",
                               mode="on")
    qtbot.waitUntil(link.display.isVisible, timeout=WAIT)
    split_paid(link.screen)
    area = QGuiApplication.primaryScreen().availableGeometry()
    assert area.contains(link.display.frameGeometry())
    assert link.display.size().toTuple() == (640, 420)  # the words do not push it larger
    assert cut_words(link.display) == []
    link.close()


@pytest.fixture
def kit(qtbot, tmp_path):
    from .cashier_kit import open_kit

    yield from open_kit(qtbot, tmp_path)
