"""The restart's notice about a split sale the last run left open names the sale and both of its
parts (the card part as the member paid it, not the charge before discount), in the cashier's
language."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest

from pos_app.core.api.errors import Unreachable
from pos_app.core.sale.journal import Journal
from pos_app.core.sale.service import SaleService, Till
from pos_app.core.sale.split import split
from pos_app.core.scanning.codes import PaymentCode
from pos_app.core.shift.current import CurrentShift
from pos_app.ui import shell_text  # noqa: F401 - registers the notices
from pos_app.ui.i18n import Language
from pos_app.ui.recovery import on_each

TILL = Till("M0001", "Lane 1", "c@shop.test")
CODE = PaymentCode("MPSQR1." + "A" * 43)
# A gold member (5 % off) with 100.00 on the card buys for 150.00: the card is charged 105.26,
# which takes exactly the 100.00; the rest of the 142.50 is 42.50 in cash.
PARTS = split(Decimal("150.00"), Decimal("0.05"), Decimal("100.00"))
CARD_DONE = {"tx_id": "t1", "raw_amount": "105.26", "paid_amount": "100.00"}


class Dies:
    """The last run: it dies as the card part leaves, or (card_charged) as the cash part does."""

    def __init__(self, card_charged: bool):
        self.card_charged = card_charged

    def charge_by_qr(self, *args, **kwargs):
        if self.card_charged:
            return dict(CARD_DONE)
        raise KeyboardInterrupt("killed")

    def cash_movement(self, *args, **kwargs):
        raise KeyboardInterrupt("killed")


class Server:
    """What the restarted counter asks: the card part's key, then it sends the cash part."""

    def __init__(self, card: str = "charged", line: bool = True):
        self.card, self.line = card, line

    def resolve_attempt(self, key):
        if self.card == "voided":
            return {"outcome": "voided"}
        return {"outcome": "succeeded", "result": dict(CARD_DONE)}

    def cash_movement(self, shift_id, kind, amount, key, reason=None, tag=None, *, terminal_code=None):
        if not self.line:
            raise Unreachable("no line")
        return {"movement_id": "m1", "kind": kind, "amount": str(amount)}


def restarted(tmp_path, server: Server, *, card_charged: bool = False):
    """What `recover()` reports after a run that died in the middle of a split sale."""
    shift = CurrentShift()
    shift.set(SimpleNamespace(shift_id="shift-1", is_open=True, terminal_code="lane-1"))
    journal = Journal(tmp_path / "journal.sqlite3")
    dying = SaleService(Dies(card_charged), journal, TILL, shift=shift)
    with pytest.raises(KeyboardInterrupt):
        dying.run_split(dying.prepare_split(CODE, PARTS))
    return SaleService(server, journal, TILL, shift=shift).recover()


def said(outcomes, code: str = "en") -> str:
    """The notices the window shows for what recover() reported, one line each."""
    language, lines = Language(code), []

    def notice(key, **fields):
        lines.append(language.t_fields(key, fields))

    on_each(notice, "CNY")(outcomes)
    return "\n".join(lines)


def test_a_split_sale_settled_at_restart_names_the_card_and_the_cash_part(tmp_path):
    assert said(restarted(tmp_path, Server())) == (
        "Split sale of ¥150.00 from the last run went through: ¥100.00 by card and ¥42.50 in cash."
        " Its receipt is in the list.")
    chinese = said(restarted(tmp_path / "again", Server()), "zh_CN")
    assert "¥150.00" in chinese and "¥100.00" in chinese and "¥42.50" in chinese and "105.26" not in chinese


def test_a_cash_part_the_restart_could_not_send_is_named_as_still_owed(tmp_path):
    outcomes = restarted(tmp_path, Server(line=False))
    assert len(outcomes) == 2  # the cash part was tried twice: after its card part, then on its own
    words = said(outcomes)
    assert "\n" not in words  # one notice for the one sale
    assert words.startswith("Split sale of ¥150.00 from the last run: ¥100.00 was charged to the card;"
                            " the cash part ¥42.50 is not recorded yet:")
    assert "105.26" not in words


def test_a_card_part_that_never_reached_the_server_voids_the_whole_sale(tmp_path):
    assert said(restarted(tmp_path, Server(card="voided"))) == (
        "Split sale of ¥150.00 from the last run was not charged, neither card nor cash: ring it up again.")
    words = said(restarted(tmp_path / "again", Server(card="voided")), "zh_TW")
    assert "150.00" in words and "Split" not in words


def test_a_run_dead_between_the_parts_is_told_the_cash_part_is_now_recorded(tmp_path):
    outcomes = restarted(tmp_path, Server(), card_charged=True)
    assert [o.attempt.kind for o in outcomes] == ["cash"]
    assert said(outcomes) == ("Split sale of ¥150.00 from the last run: its cash part ¥42.50 is now recorded."
                             " Its receipt is in the list.")


class DiesOnEverything:
    """The last run: it dies as any money call leaves."""

    def __getattr__(self, name):
        def killed(*args, **kwargs):
            raise KeyboardInterrupt("killed")
        return killed


class Answers:
    """The restarted counter asks for each key: the server says how it ended."""

    def __init__(self, outcome: str, result: dict | None = None):
        self.outcome, self.result = outcome, result

    def resolve_attempt(self, key):
        if self.outcome == "unreachable":
            raise Unreachable("no line")
        return {"outcome": self.outcome, "result": dict(self.result or {})}


def left_open(tmp_path, server, prepare):
    """What `recover()` reports after a run that died while sending what `prepare` made."""
    shift = CurrentShift()
    shift.set(SimpleNamespace(shift_id="shift-1", is_open=True, terminal_code="lane-1"))
    journal = Journal(tmp_path / "journal.sqlite3")
    dying = SaleService(DiesOnEverything(), journal, TILL, shift=shift)
    with pytest.raises(KeyboardInterrupt):
        dying.run(prepare(dying))
    return SaleService(server, journal, TILL, shift=shift).recover()


PAY_OUT = lambda s: s.prepare_cash("pay_out", "30.00", "window cleaner")  # noqa: E731
TOP_UP = lambda s: s.prepare_topup("200.00", CODE)  # noqa: E731
REFUND = lambda s: s.prepare_refund("MPSTX1." + "0" * 8 + "-0000-4000-8000-" + "0" * 12, "12.50")  # noqa: E731


@pytest.mark.parametrize("prepare, outcome, expected", [
    (PAY_OUT, "voided", "Pay-out of ¥30.00 from the last run was not recorded: record it again."),
    (PAY_OUT, "succeeded", "Pay-out of ¥30.00 from the last run is recorded in the shift."),
    (TOP_UP, "voided", "Top-up of ¥200.00 from the last run did not happen: the card was not credited."
                       " Top it up again, or give the cash back."),
    (TOP_UP, "succeeded", "Top-up of ¥200.00 from the last run went through: the card was credited."),
    (REFUND, "voided", "Refund of ¥12.50 from the last run did not happen: nothing went back to the card."
                       " Refund it again if it is still owed."),
])
def test_what_was_no_sale_is_not_told_as_a_sale_to_ring_up_again(tmp_path, prepare, outcome, expected):
    words = said(left_open(tmp_path, Answers(outcome, {"movement_id": "m1", "tx_id": "t1"}), prepare))
    assert words == expected
    assert "Sale" not in words and "ring it up" not in words


def test_a_pay_out_still_open_says_so_in_each_language(tmp_path):
    outcomes = left_open(tmp_path, Answers("unreachable"), PAY_OUT)
    assert said(outcomes).startswith("Pay-out of ¥30.00 from the last run is still open: ")
    for code, pay_out in (("zh_CN", "支出"), ("zh_TW", "支出")):
        words = said(outcomes, code)
        assert pay_out in words and "30.00" in words and "交易" not in words
