"""`mps-pos --self-check`, run in this process from the source tree."""

from __future__ import annotations

import io
import json

import pytest

from pos_app import app, self_check

from .keys import key


@pytest.fixture
def counter_dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("MPS_POS_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("MPS_POS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")  # the check sets it; the test puts it back
    return tmp_path


def test_a_configured_counter_passes_and_says_what_it_is_for(counter_dirs, capsys):
    config = counter_dirs / "config"
    config.mkdir()
    anon = key("anon")
    (config / "settings.json").write_text(json.dumps({
        "supabase_url": "http://127.0.0.1:54321", "api_key": anon, "merchant_code": "SHOP001"}))
    assert app.main(["--self-check"]) == 0
    text = capsys.readouterr().out
    assert "merchant: SHOP001\n" in text and "url: http://127.0.0.1:54321\n" in text
    for check in ("settings", "qt platform", "printing", "qr decode", "journal", "session store", "pin hash"):
        assert f"ok   {check}: " in text
    assert "self-check: passed" in text
    assert anon.split(".")[2] not in text  # the key itself is never printed
    assert not (counter_dirs / "data").exists()  # the counter's own journal is not touched


def test_an_unconfigured_counter_fails_the_check(counter_dirs):
    out = io.StringIO()
    assert self_check.run(out) == 1
    assert "FAIL settings: " in out.getvalue() and "self-check: 1 failed" in out.getvalue()


def test_a_broken_settings_file_fails_the_check(counter_dirs):
    config = counter_dirs / "config"
    config.mkdir()
    (config / "settings.json").write_text("{not json")
    out = io.StringIO()
    assert self_check.run(out) == 1
    assert "FAIL settings: " in out.getvalue()
