"""The member-facing screen's model, words and placement, without Qt."""

from decimal import Decimal

import pytest

from pos_app.core.customer.placement import opens_by_itself, place
from pos_app.core.customer.screen import CustomerScreen, State, last4
from pos_app.core.customer.words import render
from pos_app.core.settings import Settings, SettingsError

D = Decimal
CHARGE = {"tx_id": "t1", "kind": "payment", "card_last4": "4321", "card_id": "c-uuid", "member_id": "m-uuid",
          "raw_amount": "50.00", "discount_amount": "1.00", "paid_amount": "49.00", "balance_after": "51.00",
          "points_earned": 49, "level_code": "silver", "created_at": "2026-12-02T02:00:00+00:00"}


def paid_screen() -> CustomerScreen:
    s = CustomerScreen("CNY")
    s.entering("50")
    s.paying(D("50.00"))
    s.paid(CHARGE)
    return s


def test_a_paid_sale_shows_its_figures_and_a_thank_you():
    shown = render(paid_screen().face, "en", "Corner Tea")
    assert shown.all_text().splitlines() == ["Corner Tea", "Card •••• 4321", "Thank you! See you soon",
                                             "Amount ¥50.00", "Your discount −¥1.00", "Paid ¥49.00",
                                             "Balance after ¥51.00", "Points earned +49"]
    assert shown.tone == "ok"


def test_the_thank_you_stays_when_the_cashier_screen_empties_its_amount_and_goes_on_a_new_amount():
    s = paid_screen()
    assert s.entering("").state is State.PAID  # the cashier's field is cleared after every sale
    face = s.entering("8")
    assert face.state is State.ENTERING and face.amount == D("8.00")
    assert (face.paid, face.balance_after, face.points, face.last4) == (None, None, None, None)
    assert "51.00" not in render(face, "en", "Shop").all_text()


def test_clearing_goes_back_to_the_welcome_with_the_shop_name():
    s = paid_screen()
    shown = render(s.idle(), "zh_CN", "街角茶铺")
    assert shown.all_text() == "街角茶铺\n欢迎光临"


def test_a_result_for_a_sale_not_sent_from_this_screen_is_not_shown():
    s = CustomerScreen()
    assert s.paid(CHARGE).state is State.IDLE  # a recovered sale, a reprint
    s.paying(D("50.00"))
    s.idle()  # the cashier cleared while it was on its way
    assert s.paid(CHARGE).state is State.IDLE and s.refused().state is State.IDLE


def test_a_refusal_is_one_neutral_line_and_the_amount():
    s = CustomerScreen()
    s.entering("150")
    s.paying(D("150.00"))
    shown = render(s.refused(), "en", "Shop")
    assert shown.message == "This payment did not go through. Please see the cashier."
    assert [(r.label, r.value) for r in shown.rows] == [("Amount", "¥150.00")]
    assert shown.tone == "attention"


def test_typing_shows_the_amount_and_keeps_the_last_sensible_one_while_half_typed():
    s = CustomerScreen()
    assert s.entering("12.3").amount == D("12.30")
    assert s.entering("12.3x").amount == D("12.30")
    assert s.entering("").state is State.IDLE
    assert render(s.entering("7"), "zh_TW", "Shop").message == "請出示付款碼"


def test_a_preview_shows_the_discount_and_the_balance_after_and_goes_when_the_code_does():
    s = CustomerScreen()
    s.entering("50")
    face = s.previewing(D("50.00"), D("1.00"), D("51.00"), "4321")
    assert [(r.label, r.value) for r in render(face, "en", "S").rows] == [
        ("Amount", "¥50.00"), ("Your discount", "−¥1.00"), ("To pay", "¥49.00"), ("Balance after", "¥51.00")]
    assert s.entering("50").state is State.PREVIEWING  # the same amount typed again: still true
    assert s.code_gone().state is State.ENTERING and s.face.amount == D("50.00") and s.face.last4 is None


def test_a_preview_kept_while_paying_then_replaced_by_the_result():
    s = CustomerScreen()
    s.previewing(D("50.00"), D("1.00"), D("51.00"), "4321")
    face = s.paying(D("50.00"))
    assert face.state is State.PAYING and face.discount == D("1.00")
    assert render(face, "en", "S").message == "One moment, please…"
    assert s.paid(CHARGE).state is State.PAID


def test_a_split_tender_preview_and_payment():
    s = CustomerScreen()
    face = s.previewing(D("120.00"), D("0.00"), D("0.00"), "4321", cash=D("20.00"))
    rows = [(r.label, r.value) for r in render(face, "en", "S").rows]
    assert rows == [("Amount", "¥120.00"), ("By card", "¥100.00"), ("Rest in cash", "¥20.00"),
                    ("Balance after", "¥0.00")]
    s.paying(D("100.00"))
    s.paid({**CHARGE, "raw_amount": "100.00", "discount_amount": "0.00", "paid_amount": "100.00",
            "balance_after": "0.00", "points_earned": 100})
    face = s.split_paid(D("100.00"), D("20.00"), D("0.00"), points=100, card_last4="4321")
    shown = render(face, "zh_CN", "S")
    assert [(r.label, r.value) for r in shown.rows] == [("金额", "¥120.00"), ("卡付", "¥100.00"), ("现金", "¥20.00"),
                                                        ("付后余额", "¥0.00"), ("获得积分", "+100")]
    assert shown.message == "谢谢惠顾，欢迎再来！"
    assert CustomerScreen().split_paid(D("1"), D("1"), D("0")).state is State.IDLE  # nothing was sent


def test_a_top_up_shows_the_new_balance():
    s = CustomerScreen()
    s.paying(D("200.00"))
    shown = render(s.topped_up({"amount": "200.00", "balance_after": "251.00", "card_last4": "4321"}), "en", "S")
    assert [(r.label, r.value) for r in shown.rows] == [("Topped up", "¥200.00"), ("New balance", "¥251.00")]


@pytest.mark.parametrize(("given", "kept"), [("8000123456784321", "4321"), ("•••• 4321", "4321"), ("12", None),
                                              (None, None), ("abcd", None)])
def test_only_the_last_four_digits_of_a_card_are_ever_kept(given, kept):
    assert last4(given) == kept
    s = CustomerScreen()
    s.paying(D("1.00"))
    face = s.paid({**CHARGE, "card_last4": given})
    assert face.last4 == kept
    assert "8000123456" not in render(face, "en", "S").all_text()


def test_every_change_is_told_once():
    s = CustomerScreen()
    seen = []
    s.subscribe(seen.append)
    s.entering("5")
    s.entering("5.0")  # the same amount
    s.idle()
    assert [f.state for f in seen] == [State.ENTERING, State.IDLE]


# -- placement ---------------------------------------------------------------------------------

LEFT, RIGHT = (0, 0, 1280, 800), (1280, 0, 1024, 768)


def test_the_display_goes_full_screen_on_the_screen_that_is_not_the_cashiers():
    assert place([LEFT, RIGHT], 0).rect == RIGHT and place([LEFT, RIGHT], 0).full_screen
    assert place([LEFT, RIGHT], 1).rect == LEFT and place([LEFT, RIGHT], 1).screen == 0


def test_of_several_other_screens_the_largest_then_the_first():
    small, big = (0, 800, 800, 480), (2304, 0, 1920, 1080)
    assert place([LEFT, small, big], 0).rect == big
    assert place([LEFT, RIGHT, (9000, 0, 1024, 768)], 0).screen == 1


def test_with_one_screen_it_is_a_window_in_its_bottom_right_corner():
    p = place([(100, 50, 1280, 800)], 0)
    assert p == place([(100, 50, 1280, 800)], 5)  # a main screen no longer listed: the first
    assert not p.full_screen and p.rect == (100 + 1280 - 640, 50 + 800 - 420, 640, 420)
    assert place([(0, 0, 600, 400)], 0).rect == (0, 0, 600, 400)
    with pytest.raises(ValueError):
        place([], 0)


@pytest.mark.parametrize(("mode", "screens", "opens"), [("auto", 1, False), ("auto", 2, True), ("on", 1, True),
                                                        ("off", 2, False)])
def test_when_it_opens_by_itself(mode, screens, opens):
    assert opens_by_itself(mode, screens) is opens


def test_the_settings_refuse_an_unknown_mode_or_language():
    assert Settings().customer_display == "auto" and Settings().customer_language == ""
    Settings(customer_display="off", customer_language="zh_TW").validated()
    with pytest.raises(SettingsError) as e:
        Settings(customer_display="sometimes").validated()
    assert e.value.field == "customer_display"
    with pytest.raises(SettingsError) as e:
        Settings(customer_language="fr").validated()
    assert e.value.field == "customer_language"


# -- the who-is-paying preview, as branch cash-tender's Payer carries it ------------------------

def payer(amount, discount, balance, *, split=None):
    from types import SimpleNamespace as NS
    due = amount - discount
    return NS(preview=NS(card_last4="4321", member_display="M**", balance=balance),
              estimate=NS(amount=amount, discount=discount, paid=due, balance=balance, balance_after=balance - due,
                          short=balance < due),
              split=split)


def test_a_preview_from_the_payer_shows_the_discount_and_the_balance_after():
    from pos_app.core.customer.payer import show_payer

    s = CustomerScreen()
    s.entering("50")
    face = show_payer(s, payer(D("50.00"), D("1.00"), D("725.07")))
    assert (face.state, face.paid, face.balance_after, face.last4) == (State.PREVIEWING, D("49.00"), D("676.07"),
                                                                        "4321")
    assert show_payer(s, None).state is State.ENTERING  # the code was replaced or disarmed


def test_a_short_balance_shows_the_split_offer_or_no_negative_balance():
    from types import SimpleNamespace as NS

    from pos_app.core.customer.payer import show_payer

    s = CustomerScreen()
    offer = NS(amount=D("120.00"), total_discount=D("2.40"), card_paid=D("100.00"), cash=D("17.60"))
    face = show_payer(s, payer(D("120.00"), D("2.40"), D("100.00"), split=offer))
    assert [(r.label, r.value) for r in render(face, "en", "S").rows] == [
        ("Amount", "¥120.00"), ("Your discount", "−¥2.40"), ("By card", "¥100.00"), ("Rest in cash", "¥17.60"),
        ("Balance after", "¥0.00")]
    face = show_payer(s, payer(D("120.00"), D("0.00"), D("0.00")))  # nothing on the card: no split either
    assert face.balance_after is None and "Balance after" not in render(face, "en", "S").all_text()
    assert show_payer(s, NS(preview=NS(card_last4="4321"), estimate=None, split=None)) == face  # no amount yet


def test_the_corner_window_and_its_frame_lie_inside_the_screens_available_area():
    from pos_app.core.customer.placement import inside

    # The lead's screen: 1600x1000, a panel at the bottom, openbox's title bar and borders.
    screen, available, frame = (0, 0, 1600, 1000), (0, 0, 1600, 960), (1, 23, 1, 1)
    p = place([screen], 0, available=[available], frame=frame)
    x, y, w, h = p.rect
    assert (w, h) == (640, 420) and not p.full_screen
    assert inside((x - 1, y - 23, w + 2, h + 24), available)
    assert (x + w + 1, y + h + 1) == (1600, 960)  # in the corner, flush with the panel
    small = place([(0, 0, 600, 400)], 0, available=[(0, 30, 600, 370)], frame=frame)
    sx, sy, sw, sh = small.rect
    assert inside((sx - 1, sy - 23, sw + 2, sh + 24), (0, 30, 600, 370)) and (sw, sh) == (598, 346)
    assert place([LEFT, RIGHT], 0, available=[LEFT, (1280, 0, 1024, 700)]).rect == RIGHT  # a whole screen


def test_an_outcome_read_goes_back_to_the_welcome_unless_the_next_sale_began():
    s = paid_screen()
    thank_you = s.face
    assert s.outcome_read(thank_you).state is State.IDLE
    s = paid_screen()
    thank_you = s.face
    s.entering("3")
    assert s.outcome_read(thank_you).amount == D("3.00")  # the next amount stays
    s.entering("")
    assert s.outcome_read(s.face).state is State.IDLE
    s.entering("4")
    assert s.outcome_read(s.face).state is State.ENTERING  # an amount being typed is no outcome
