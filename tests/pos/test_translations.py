"""The catalogs a translator edits (pos_app/locale/, docs/translations.md) are complete and
current: the template is what the source marks today, every language has every message
translated (nothing empty, fuzzy or obsolete) with the same `{fields}` and `&` shortcut as the
English, the compiled .mo says what its .po says, and every label the window asks for exists.
Each failure names the command that fixes it."""

import ast
import re
import string
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from pos_app.core import translations
from tools import i18n

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = sorted(i18n.LOCALE.glob("*/LC_MESSAGES/messages.po"))


def _read(path: Path):
    with open(path, "rb") as f:
        return read_po(f)


def _messages(catalog) -> dict:
    return {(m.context, m.id): m for m in catalog if m.id}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _forms(message) -> list[str]:
    return [message.id] if isinstance(message.id, str) else list(message.id)


def _strings(message) -> list[str]:
    return [message.string] if isinstance(message.string, str) else list(message.string)


def test_the_template_matches_a_fresh_extraction(tmp_path):
    fresh = tmp_path / "messages.pot"
    assert i18n.run(i18n.command("extract", template=fresh)) == 0
    assert set(_messages(_read(fresh))) == set(_messages(_read(i18n.TEMPLATE))), \
        "messages.pot is stale: run `make messages`"


def test_there_are_the_shipped_languages():
    assert {p.parent.parent.name for p in CATALOGS} >= {"zh_CN", "zh_TW"}
    assert ("en", *sorted(p.parent.parent.name for p in CATALOGS)) == translations.LANGUAGES, \
        "a catalog is not compiled: run `make setup`"


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: p.parent.parent.name)
def test_every_message_is_translated_in_every_catalog(po):
    template = _messages(_read(i18n.TEMPLATE))
    catalog = _messages(_read(po))
    assert set(template) - set(catalog) == set(), "missing messages: run `make messages`, then translate"
    assert set(catalog) - set(template) == set(), "obsolete messages: run `make messages`"
    for m in catalog.values():
        where = f"{po.parent.parent.name} {m.context}: {_forms(m)[0]!r}"
        assert "fuzzy" not in m.flags, f"{where} is fuzzy: check it and remove the flag"
        assert all(s.strip() for s in _strings(m)), f"{where} is not translated"
        for s in _strings(m):
            assert _fields(s) == _fields(_forms(m)[-1]), f"{where}: the {{fields}} differ in {s!r}"
            assert ("&" in s) == ("&" in _forms(m)[0]), f"{where}: the & shortcut differs in {s!r}"


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: p.parent.parent.name)
def test_the_compiled_catalog_says_what_its_po_says(po):
    mo = po.with_suffix(".mo")
    assert mo.is_file(), f"{mo} is missing: run `make setup`"
    with open(mo, "rb") as f:
        compiled = {(m.context, *_forms(m)): _strings(m) for m in read_mo(f) if m.id}
    written = {(m.context, *_forms(m)): _strings(m) for m in _messages(_read(po)).values()}
    assert compiled == written, f"{mo} is stale: run `make setup`"


def test_traditional_chinese_speaks_as_taiwan_and_hong_kong_do():
    zh_tw = {m.context: m for m in _read(i18n.LOCALE / "zh_TW/LC_MESSAGES/messages.po") if m.id}
    every = "".join(s for m in zh_tw.values() for s in _strings(m))
    for mainland in ("打印", "充值", "登录", "账", "帐户", "服务器", "网络", "二维码", "摄像头", "小票", "信息",
                     "设置"):
        assert mainland not in every, f"mainland usage {mainland!r} in zh_TW"
    assert zh_tw["cashier.print"].string == "列印(&P)…"
    assert zh_tw["cashier.topup"].string == "現金儲值(&T)  (F4)"
    assert zh_tw["language.name"].string == "中文（繁體）"


def test_every_label_the_window_asks_for_is_registered():
    from pos_app.ui import customer_display_text, lock_text, shell_text  # noqa: F401
    from pos_app.ui import i18n as ui_i18n
    from pos_app.ui.cashier import text as cashier_text  # noqa: F401
    from pos_app.ui.common import text as common_text  # noqa: F401
    from pos_app.ui.manager import text as manager_text  # noqa: F401
    from pos_app.ui.shift import text as shift_text  # noqa: F401

    asked = set()
    for path in (ROOT / "pos_app" / "ui").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in ("t", "tn")
                    and node.args and isinstance(node.args[0], ast.Constant)):
                asked.add(node.args[0].value)
    assert len(asked) > 100
    assert asked - set(ui_i18n._LABELS) == set()


def test_a_new_catalog_is_a_new_language(tmp_path, monkeypatch):
    compiled = tmp_path / "fr" / "LC_MESSAGES" / "messages.mo"
    compiled.parent.mkdir(parents=True)
    compiled.write_bytes((i18n.LOCALE / "zh_TW/LC_MESSAGES/messages.mo").read_bytes())
    monkeypatch.setattr(translations, "LOCALE_DIR", tmp_path)
    assert translations._discover() == ("en", "fr")


def test_plurals_follow_the_language():
    exported = translations.NP_("mgr.exported", "Exported {count} transaction to {path}",
                                "Exported {count} transactions to {path}")
    assert translations.plural_text(exported, 1, "en", path="a.csv") == "Exported 1 transaction to a.csv"
    assert translations.plural_text(exported, 3, "en", path="a.csv") == "Exported 3 transactions to a.csv"
    assert translations.plural_text(exported, 3, "zh_TW", path="a.csv") == "已匯出 3 筆交易到 a.csv"
    assert re.fullmatch(r"已导出 1 笔交易到 a\.csv", translations.plural_text(exported, 1, "zh_CN", path="a.csv"))


def test_amounts_and_dates_on_screen_are_formatted_for_the_locale():
    from datetime import datetime
    from decimal import Decimal

    from pos_app.core.money import format_amount

    # CLDR through Babel: a new language gets its locale's symbols with no code change.
    assert format_amount(Decimal("1234.5"), "TWD", "zh_TW") == "$1,234.50"
    assert format_amount(Decimal("1234.5"), "TWD", "en") == "NT$1,234.50"
    assert format_amount(Decimal("-3"), "HKD", "zh_TW") == "-HK$3.00"
    assert format_amount(Decimal("12"), "CNY", "en") == "¥12.00"  # the shop's own choice over CLDR's CN¥
    moment = datetime(2024, 5, 1, 16, 30, 5)
    assert translations.format_moment(moment, "en") == "May 1, 2024 16:30"
    assert translations.format_moment(moment, "zh_TW") == "2024年5月1日 16:30"
