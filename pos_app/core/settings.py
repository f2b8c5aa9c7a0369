"""The counter's settings, with their defaults, in one typed place (after TagStudio's
`app_settings.py` and Vorta's `store/settings.py`), and the directories the app writes to.

Three layers, the later winning: the defaults below; `pos_app/merchant_defaults.json`, which the
per-merchant installer bakes in (Supabase URL, API key, merchant code, terminal name); the user's
`settings.json` in the config directory. Only what differs from the first two is saved, so a
new installer's URL or key reaches a counter whose user never changed them.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, fields, replace
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import platformdirs

from .customer.placement import MODES as CUSTOMER_DISPLAY_MODES
from .translations import LANGUAGES

APP_NAME = "mps-pos"
APP_AUTHOR = "MPS"
CONFIG_DIR_ENV = "MPS_POS_CONFIG_DIR"  # relocates settings (tests, a second counter profile)
DATA_DIR_ENV = "MPS_POS_DATA_DIR"  # relocates the journal and the logs
SETTINGS_FILE = "settings.json"
MERCHANT_DEFAULTS = "merchant_defaults.json"


class SettingsError(ValueError):
    """A setting with a bad value; `field` names it."""

    def __init__(self, field: str, problem: str, source: str | None = None) -> None:
        self.field = field
        self.problem = problem
        self.source = source
        where = f" in {source}" if source else ""
        super().__init__(f"setting {field!r}{where}: {problem}")


@dataclass(frozen=True)
class Settings:
    """Everything a counter is configured with. Empty text means "not set yet"."""

    supabase_url: str = ""
    api_key: str = ""  # the project's anon key: public by design, so a file is fine
    merchant_code: str = ""
    terminal_name: str = "POS-1"
    camera_index: int = 0
    printer_name: str = ""  # a system printer; empty: ask when printing
    escpos_device: str = ""  # e.g. /dev/usb/lp0 or a network printer's host:port; empty: none
    language: str = "en"
    customer_display: str = "auto"  # the member-facing window: auto (on a second screen), on, off
    customer_language: str = ""  # the member-facing window's language; empty: the shop's (`language`)
    # Seconds without a key or mouse input before the counter locks (the next operator types
    # their PIN); 0 never locks by itself.
    lock_after_seconds: int = 300

    @property
    def is_configured(self) -> bool:
        """Whether the counter knows its backend and shop, so sign-in can be offered."""
        return bool(self.supabase_url and self.api_key and self.merchant_code)

    def validated(self, source: str | None = None) -> Settings:
        """Self, or SettingsError naming the first bad field."""
        for f in fields(self):
            value = getattr(self, f.name)
            expected = int if f.type in ("int", int) else str
            if type(value) is not expected:  # bool is not an int here
                raise SettingsError(f.name, f"expected {expected.__name__}, got {type(value).__name__}", source)
        if self.supabase_url:
            url = urlparse(self.supabase_url)
            if url.scheme not in ("http", "https") or not url.netloc:
                raise SettingsError("supabase_url", "must be an http(s) URL such as https://<ref>.supabase.co", source)
        if self.merchant_code and not re.fullmatch(r"[A-Za-z0-9_-]{2,32}", self.merchant_code):
            raise SettingsError("merchant_code", "2-32 letters, digits, '_' or '-'", source)
        if not 1 <= len(self.terminal_name) <= 64:
            raise SettingsError("terminal_name", "1-64 characters", source)
        if self.camera_index < 0:
            raise SettingsError("camera_index", "must be 0 or more", source)
        if not 0 <= self.lock_after_seconds <= 86_400:
            raise SettingsError("lock_after_seconds", "0 (never) to 86400 seconds", source)
        if self.language not in LANGUAGES:
            raise SettingsError("language", f"one of {', '.join(LANGUAGES)}", source)
        if self.customer_display not in CUSTOMER_DISPLAY_MODES:
            raise SettingsError("customer_display", f"one of {', '.join(CUSTOMER_DISPLAY_MODES)}", source)
        if self.customer_language and self.customer_language not in LANGUAGES:
            raise SettingsError("customer_language", f"empty or one of {', '.join(LANGUAGES)}", source)
        return self


@dataclass(frozen=True)
class Paths:
    """Where the app keeps things: settings, the sale journal, logs."""

    config_dir: Path
    data_dir: Path
    log_dir: Path

    @property
    def settings_file(self) -> Path:
        return self.config_dir / SETTINGS_FILE

    @property
    def journal_dir(self) -> Path:
        return self.data_dir / "journal"

    @property
    def operators_dir(self) -> Path:
        """Where the operators known at this terminal and their PIN hashes are kept."""
        return self.data_dir / "operators"

    @classmethod
    def default(cls, environ: dict[str, str] | None = None) -> Paths:
        """The platform's user directories, unless relocated by MPS_POS_CONFIG_DIR/DATA_DIR."""
        env = os.environ if environ is None else environ
        data = env.get(DATA_DIR_ENV)
        return cls(
            config_dir=Path(env.get(CONFIG_DIR_ENV) or platformdirs.user_config_dir(APP_NAME, APP_AUTHOR)),
            data_dir=Path(data or platformdirs.user_data_dir(APP_NAME, APP_AUTHOR)),
            log_dir=Path(data) / "logs" if data else Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR)),
        )


def merchant_defaults(source: Path | Traversable | None = None) -> dict[str, Any]:
    """The installer's baked-in values (empty when the file is not shipped). `source` defaults
    to `pos_app/merchant_defaults.json` inside the package."""
    resource = source if source is not None else resources.files("pos_app").joinpath(MERCHANT_DEFAULTS)
    if not resource.is_file():
        return {}
    return _read_object(resource.read_text(encoding="utf-8"), MERCHANT_DEFAULTS)


def baseline(defaults: dict[str, Any] | None = None) -> Settings:
    """The built-in defaults with the merchant's baked-in values over them."""
    layer = merchant_defaults() if defaults is None else defaults
    return _apply(Settings(), layer, MERCHANT_DEFAULTS)


def load(paths: Paths | None = None, *, defaults: dict[str, Any] | None = None) -> Settings:
    """The settings in force: baseline, then the user's file. Unknown keys are ignored (an
    older app reading a newer file); a bad value raises SettingsError naming its field."""
    paths = paths or Paths.default()
    settings = baseline(defaults)
    path = paths.settings_file
    if path.is_file():
        settings = _apply(settings, _read_object(path.read_text(encoding="utf-8"), str(path)), str(path))
    return settings


def save(settings: Settings, paths: Paths | None = None, *, defaults: dict[str, Any] | None = None) -> Path:
    """Write what differs from the baseline to the user's file, atomically; its path."""
    paths = paths or Paths.default()
    settings.validated()
    base = asdict(baseline(defaults))
    changed = {k: v for k, v in asdict(settings).items() if base[k] != v}
    paths.config_dir.mkdir(parents=True, exist_ok=True)
    path = paths.settings_file
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(changed, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)  # a crash mid-write leaves the old file, never half a file
    return path


def _apply(settings: Settings, values: dict[str, Any], source: str) -> Settings:
    known = {f.name for f in fields(Settings)}
    return replace(settings, **{k: v for k, v in values.items() if k in known}).validated(source)


def _read_object(text: str, source: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError as e:
        raise SettingsError("*", f"not valid JSON ({e.msg}, line {e.lineno})", source) from e
    if not isinstance(data, dict):
        raise SettingsError("*", "must be a JSON object", source)
    return data
