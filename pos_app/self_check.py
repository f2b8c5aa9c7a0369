"""`mps-pos --self-check`: proves, without a display or a person, that this install can work at a
counter. A packaged app can start and still lack a file or a native library that only shows at
the first scan or receipt; each check below uses one of those parts for real. Run by the
installer build's test on the built bundle, and by a merchant's IT after installing.

Prints what the counter is configured for (never the key) and one line per check; exit 0 when
every check passed, 1 otherwise."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from pos_app.core import settings as core_settings

# zbar must read this back: it is no payment code, so a self-check never looks like a sale.
PROBE_TEXT = "MPS-SELF-CHECK"


def run(out: TextIO | None = None) -> int:
    out = out or sys.stdout
    try:
        settings = core_settings.load()
    except core_settings.SettingsError as e:
        print(f"FAIL settings: {e}", file=out)
        return 1
    print(f"merchant: {settings.merchant_code or '(not set)'}", file=out)
    print(f"url: {settings.supabase_url or '(not set)'}", file=out)
    print(f"terminal: {settings.terminal_name}", file=out)
    checks: list[tuple[str, Callable[[], str]]] = [
        ("settings", lambda: _configured(settings)),
        ("qt platform", _qt_platform),
        ("printing", _printing),
        ("qr decode", _qr_decode),
        ("journal", lambda: _journal(settings)),
        ("session store", _session_store),
        ("pin hash", _pin_hash),
        ("translations", _translations),
    ]
    failed = 0
    for name, check in checks:
        try:
            print(f"ok   {name}: {check()}", file=out)
        except Exception as e:  # each check reports its own failure and the others still run
            failed += 1
            print(f"FAIL {name}: {type(e).__name__}: {e}", file=out)
    print("self-check: passed" if not failed else f"self-check: {failed} failed", file=out)
    return 0 if not failed else 1


def _configured(settings: core_settings.Settings) -> str:
    if not settings.is_configured:
        raise RuntimeError("no Supabase URL, key or merchant code: this install was not built for a shop")
    return "configured"


def _qt_platform() -> str:
    # Offscreen whatever the desktop: the check must run on a server, over ssh, in a test.
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QLibraryInfo
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0]])
    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
    names = sorted(_plugin_name(p) for p in plugins.iterdir()) if plugins.is_dir() else []
    return f"{app.platformName()} (platforms: {', '.join(names) or 'none found'})"


def _plugin_name(path: Path) -> str:
    # libqxcb.so, qwindows.dll, libqcocoa.dylib -> xcb, windows, cocoa
    stem = path.name.split(".")[0]
    return stem.removeprefix("lib").removeprefix("q")


def _printing() -> str:
    # The receipt's path: QtPrintSupport and a page drawn with the app's fonts, to PDF.
    from PySide6.QtGui import QPainter
    from PySide6.QtPrintSupport import QPrinter

    with tempfile.TemporaryDirectory(prefix="mps-self-check-") as tmp:
        pdf = Path(tmp) / "receipt.pdf"
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(pdf))
        painter = QPainter()
        if not painter.begin(printer):
            raise RuntimeError("could not start a PDF page")
        painter.drawText(100, 100, "MPS self-check 收据")
        painter.end()
        size = pdf.stat().st_size if pdf.is_file() else 0
    if size == 0:
        raise RuntimeError("the PDF page was not written")
    return f"PDF page written ({size} bytes)"


def _qr_decode() -> str:
    # A code drawn by qrcode and read back by each engine the app has: zxing-cpp (the decoder)
    # and pyzbar (its fallback, which loads libzbar).
    import numpy as np
    import qrcode

    from pos_app.core.scanning.qr_decode import decode_codes, default_engine

    qr = qrcode.QRCode(border=4)
    qr.add_data(PROBE_TEXT)
    qr.make(fit=True)
    modules = np.array(qr.get_matrix(), dtype=bool)
    frame = np.kron(np.where(modules, 0, 255).astype(np.uint8), np.ones((4, 4), np.uint8))
    engines = ["zxing", "zbar"] if default_engine() == "zxing" else ["zbar"]
    for engine in engines:
        found = decode_codes(frame, engine=engine)
        if found != [PROBE_TEXT]:
            raise RuntimeError(f"{engine} read {found!r}, expected {PROBE_TEXT!r}")
    from pyzbar import wrapper

    # Which libzbar answered: in a bundle it must be the bundled one, not whatever the PC has.
    return f"{' and '.join(engines)} read the generated code (libzbar: {getattr(wrapper.LIBZBAR, '_name', '?')})"


def _journal(settings: core_settings.Settings) -> str:
    # The real journal (SQLite, WAL) in a throwaway folder: the counter's own is never touched.
    from pos_app.core.sale.journal import Journal
    from pos_app.core.services import JOURNAL_FILE

    with (tempfile.TemporaryDirectory(prefix="mps-self-check-") as tmp,
          Journal(Path(tmp) / "journal" / JOURNAL_FILE) as journal):
        journal.begin(key="self-check", kind="charge", merchant_code=settings.merchant_code or "CHECK",
                      terminal=settings.terminal_name, operator="self-check", amount=Decimal("0.01"))
        journal.mark_failed("self-check", "self_check")
        state = journal.get("self-check").state
    if state != "failed":
        raise RuntimeError(f"the journal gave back state {state!r}")
    return "written and read back in a temp data dir"


def _pin_hash() -> str:
    import tempfile
    from pathlib import Path

    from pos_app.core.session.pins import PinBook, PinCheck

    # hashlib.scrypt needs the OpenSSL the bundle was built with: without it no operator could
    # set a PIN at this counter.
    with tempfile.TemporaryDirectory(prefix="mps-self-check-") as tmp:
        book = PinBook(Path(tmp))
        book.set_pin("self-check", "self-check@localhost", "0000")
        if book.check("self-check", "0000") is not PinCheck.OK:
            raise RuntimeError("a PIN set could not be checked back")
    return "scrypt PIN set and checked back in a temp dir"


def _session_store() -> str:
    from importlib.metadata import entry_points

    import keyring

    from pos_app.core.session.store import choose_store

    # keyring finds its backends through entry points: without its metadata, or with a backend
    # module left out of a bundle, a PC that has a keyring would silently keep no session.
    backends = list(entry_points(group="keyring.backends"))
    if not backends:
        raise RuntimeError("no keyring backends registered (keyring's package metadata is missing)")
    for backend in backends:
        backend.load()  # an ImportError here names the module that is missing
    known = f"{len(backends)} keyring backends importable"
    # No usable keyring is not a failure (the session is then kept in memory), but IT should know.
    store = choose_store()
    if store.persistent:
        return f"OS keyring ({type(keyring.get_keyring()).__name__}); {known}"
    return f"memory only ({store.reason}); {known}"


def _translations() -> str:
    # Every language's compiled catalog, Babel's locale data (amounts, dates) and Qt's own words.
    from PySide6.QtCore import QLibraryInfo, QTranslator

    from pos_app.core.money import format_amount
    from pos_app.core.receipt_labels import labels
    from pos_app.core.translations import LANGUAGES

    if len(LANGUAGES) < 2:
        raise RuntimeError("no compiled catalog found (pos_app/locale/*/LC_MESSAGES/messages.mo)")
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    shown = []
    for code in LANGUAGES:
        title = labels(code)["title_payment"]
        if code != "en" and title == labels("en")["title_payment"]:
            raise RuntimeError(f"the {code} catalog does not translate the receipt")
        if code != "en" and not QTranslator().load(f"qtbase_{code}", folder):
            raise RuntimeError(f"Qt's own qtbase_{code}.qm is not in {folder}")
        shown.append(f"{code} {format_amount(Decimal('1234.5'), 'CNY', code)}")
    return ", ".join(shown)
