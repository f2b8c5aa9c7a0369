"""Every error the contract names, every counter state and every refusal has words in both
languages that say what to do next."""

import re
from pathlib import Path

import pytest

from pos_app.core import money
from pos_app.core.messages import CATALOG, message_for
from pos_app.core.scanning import codes
from pos_app.core.translations import LANGUAGES

HANDBOOK = Path(__file__).resolve().parents[2] / "docs" / "supabase_rpc.md"


def contract_error_names() -> set[str]:
    """The names in the handbook's error table (`| MP002 | `insufficient_balance` | ...`)."""
    text = HANDBOOK.read_text(encoding="utf-8")
    table = text.split("\n## Errors\n", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| (?:MP\d{3}|42501) \| \(?`([a-z_]+)`\)? \|", table, re.M))


def test_the_handbook_table_is_read():
    names = contract_error_names()
    assert {"insufficient_balance", "qr_expired", "forbidden", "binding_password_invalid"} <= names
    assert len(names) == 16  # contract §4 and §9 (shift_conflict, shift_closed)


STATES = {"offline", "outcome_unknown", "not_signed_in", "unexpected", "attempt_unsettled",
          "already_started", "code_gone", "voided", "not_pending"}


@pytest.mark.parametrize("name", sorted(contract_error_names() | STATES
                                        | {f"amount_{r}" for r in money.REASONS} | set(codes.REASONS)))
def test_every_name_has_every_language_with_a_next_step(name):
    assert name in CATALOG
    assert {"en", "zh_CN", "zh_TW"} <= set(LANGUAGES)
    en = message_for(name, "en")
    for language in LANGUAGES:
        words = message_for(name, language)
        assert words.problem.strip() and words.next_step.strip()
        if language != "en":
            assert re.search(r"[\u4e00-\u9fff]", words.problem + words.next_step)
    assert en.problem.isascii()


def test_a_refreshed_code_is_what_the_cashier_asks_for_on_a_dead_code():
    assert "refresh the payment code" in message_for("qr_expired", "en").next_step
    assert "请顾客刷新付款码" in message_for("qr_expired", "zh_CN").next_step
    assert "請顧客重新整理付款碼" in message_for("qr_expired", "zh_TW").next_step


def test_unknown_names_and_languages_fall_back():
    assert message_for("PGRST202", "zh_CN") == message_for("unexpected", "zh_CN")
    assert message_for("qr_expired", "fr") == message_for("qr_expired", "en")


def test_words_read_as_one_sentence_pair():
    assert str(message_for("offline", "en")).startswith("No connection") and ". Check" in str(message_for("offline",
                                                                                                          "en"))
    assert " " not in str(message_for("offline", "zh_CN"))[:12]
