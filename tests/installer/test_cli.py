"""`python -m tools.build_installer`: a refused input stops the build before anything is written."""

from __future__ import annotations

import json

import pytest

from pos_app.core import settings as core_settings
from tools import build_installer
from tools.installer.build import stage
from tools.installer.inputs import check

from .keys import key


@pytest.mark.parametrize("url, api_key, merchant, said", [
    ("https://abcd.supabase.co", key("service_role"), "SHOP001", "service_role"),
    ("http://abcd.supabase.co", key("anon"), "SHOP001", "https"),
    ("https://abcd.supabase.co", key("anon"), "SHOP 001", "--merchant"),
])
def test_refused_inputs_exit_2_and_write_nothing(tmp_path, capsys, url, api_key, merchant, said):
    out, work = tmp_path / "dist", tmp_path / "work"
    code = build_installer.main(["--url", url, "--anon-key", api_key, "--merchant", merchant,
                                 "--out", str(out), "--work", str(work)])
    assert code == 2
    assert said in capsys.readouterr().err
    assert not out.exists() and not work.exists()


def test_staged_defaults_are_what_the_app_reads_and_stay_out_of_the_source_tree(tmp_path):
    inputs = check("https://abcd.supabase.co", key("anon"), "SHOP001", "Till 2")
    staged = stage(inputs, tmp_path / "work")
    assert staged.parent == tmp_path / "work"
    assert not core_settings.merchant_defaults()  # pos_app/ still has no merchant_defaults.json
    settings = core_settings.baseline(json.loads(staged.read_text(encoding="utf-8")))
    assert settings.is_configured
    assert (settings.supabase_url, settings.merchant_code, settings.terminal_name) == \
        ("https://abcd.supabase.co", "SHOP001", "Till 2")
