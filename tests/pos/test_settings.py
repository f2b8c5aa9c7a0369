"""Settings: defaults, the merchant's baked-in values, the user's file over them, and errors
that name the field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pos_app.core import settings as st
from pos_app.core.settings import Paths, Settings, SettingsError

BAKED = {"supabase_url": "https://shop.example.co", "api_key": "anon-key", "merchant_code": "SHOP001"}


@pytest.fixture
def paths(tmp_path) -> Paths:
    return Paths(config_dir=tmp_path / "config", data_dir=tmp_path / "data", log_dir=tmp_path / "logs")


def test_without_any_file_the_defaults_apply_and_sign_in_is_not_offered(paths):
    s = st.load(paths, defaults={})
    assert s == Settings() and s.language == "en" and s.camera_index == 0
    assert not s.is_configured


def test_the_merchants_baked_in_values_make_a_configured_counter(paths):
    s = st.load(paths, defaults=BAKED)
    assert s.merchant_code == "SHOP001" and s.is_configured


def test_the_users_file_overrides_the_baked_in_values(paths):
    paths.config_dir.mkdir()
    paths.settings_file.write_text(json.dumps({"merchant_code": "SHOP002", "language": "zh_CN"}))
    s = st.load(paths, defaults=BAKED)
    assert (s.supabase_url, s.merchant_code, s.language) == ("https://shop.example.co", "SHOP002", "zh_CN")


def test_save_then_load_gives_the_same_settings(paths):
    wanted = Settings(supabase_url="http://127.0.0.1:54321", api_key="k", merchant_code="SHOP1",
                      terminal_name="Front desk", camera_index=2, printer_name="Office",
                      escpos_device="/dev/usb/lp0", language="zh_CN")
    st.save(wanted, paths, defaults={})
    assert st.load(paths, defaults={}) == wanted


def test_only_what_the_user_changed_is_saved_so_a_new_installer_still_reaches_the_counter(paths):
    st.save(Settings(**BAKED, terminal_name="Lane 2"), paths, defaults=BAKED)
    assert json.loads(paths.settings_file.read_text()) == {"terminal_name": "Lane 2"}
    new_installer = {**BAKED, "supabase_url": "https://moved.example.co"}
    assert st.load(paths, defaults=new_installer).supabase_url == "https://moved.example.co"


def test_unknown_keys_are_ignored(paths):
    paths.config_dir.mkdir()
    paths.settings_file.write_text(json.dumps({"language": "zh_CN", "from_a_newer_version": True}))
    assert st.load(paths, defaults={}).language == "zh_CN"


@pytest.mark.parametrize("field, value", [
    ("camera_index", "zero"), ("camera_index", -1), ("camera_index", True), ("language", "fr"),
    ("supabase_url", "ftp://x"), ("supabase_url", "not a url"), ("merchant_code", "a b"),
    ("terminal_name", ""), ("api_key", 42),
])
def test_a_bad_value_is_an_error_naming_its_field(paths, field, value):
    paths.config_dir.mkdir()
    paths.settings_file.write_text(json.dumps({field: value}))
    with pytest.raises(SettingsError) as err:
        st.load(paths, defaults={})
    assert err.value.field == field and field in str(err.value) and "settings.json" in str(err.value)


def test_a_file_that_is_not_json_says_so(paths):
    paths.config_dir.mkdir()
    paths.settings_file.write_text("{language: en")
    with pytest.raises(SettingsError, match="not valid JSON"):
        st.load(paths, defaults={})


def test_saving_a_bad_value_is_refused_and_writes_nothing(paths):
    with pytest.raises(SettingsError) as err:
        st.save(Settings(language="de"), paths, defaults={})
    assert err.value.field == "language" and not paths.settings_file.exists()


def test_the_merchant_defaults_file_is_read_when_shipped(tmp_path):
    baked = tmp_path / "merchant_defaults.json"
    assert st.merchant_defaults(baked) == {}
    baked.write_text(json.dumps(BAKED))
    assert st.merchant_defaults(baked) == BAKED


def test_a_bad_merchant_defaults_file_names_itself(tmp_path, paths):
    with pytest.raises(SettingsError) as err:
        st.load(paths, defaults={"language": "xx"})
    assert "merchant_defaults.json" in str(err.value)


def test_env_vars_relocate_config_data_and_logs(tmp_path):
    p = Paths.default({"MPS_POS_CONFIG_DIR": str(tmp_path / "c"), "MPS_POS_DATA_DIR": str(tmp_path / "d")})
    assert p.settings_file == tmp_path / "c" / "settings.json"
    assert p.journal_dir == tmp_path / "d" / "journal" and p.log_dir == tmp_path / "d" / "logs"


def test_without_env_vars_the_platform_dirs_are_used():
    p = Paths.default({})
    assert "mps-pos" in str(p.config_dir) and "mps-pos" in str(p.data_dir) and "mps-pos" in str(p.log_dir)
    assert p.config_dir != p.data_dir


def test_load_uses_the_relocated_config_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("MPS_POS_CONFIG_DIR", str(tmp_path))
    (tmp_path / "settings.json").write_text(json.dumps({"terminal_name": "From env"}))
    assert st.load(defaults={}).terminal_name == "From env"
    assert Path(st.save(Settings(terminal_name="Saved"), defaults={})).parent == tmp_path
