"""The translators' three commands, each one `pybabel` call with the project's arguments
(docs/translations.md):

    python -m tools.i18n extract   # the source's marked words -> pos_app/locale/messages.pot
    python -m tools.i18n update    # messages.pot -> every <lang>/LC_MESSAGES/messages.po
    python -m tools.i18n compile   # every messages.po -> messages.mo (make setup runs this)
    python -m tools.i18n init CODE # a new language's messages.po, from messages.pot

`make messages` is extract then update. The test of the catalogs (tests/pos/test_translations.py)
extracts with the same keywords to tell a stale template."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "pos_app" / "locale"
TEMPLATE = LOCALE / "messages.pot"
MAPPING = LOCALE / "babel.cfg"
# N_(context, text) and NP_(context, singular, plural): pos_app/core/translations.py.
KEYWORD_ARGS = ["-k", "N_:1c,2", "-k", "NP_:1c,2,3", "--no-default-keywords"]


def command(verb: str, *rest: str, template: Path = TEMPLATE) -> list[str]:
    """The `pybabel` arguments for `verb` (`template`: where extract writes, for the test)."""
    if verb == "extract":
        return ["extract", "-F", str(MAPPING), *KEYWORD_ARGS, "--add-location=file", "--sort-output",
                "--project=mps-cashier", "--copyright-holder=MPS", "-c", "TRANSLATORS:",
                "-o", str(template), "pos_app"]
    if verb == "update":
        return ["update", "-i", str(TEMPLATE), "-d", str(LOCALE), "--no-fuzzy-matching", "--ignore-obsolete"]
    if verb == "compile":
        return ["compile", "-d", str(LOCALE), "--statistics"]
    if verb == "init":
        (code,) = rest
        return ["init", "-i", str(TEMPLATE), "-d", str(LOCALE), "-l", code]
    raise SystemExit(f"unknown verb {verb!r}: extract, update, compile or init CODE")


def main(argv: list[str]) -> int:
    if not argv:
        raise SystemExit(__doc__)
    return run(command(argv[0], *argv[1:]))


def run(args: list[str]) -> int:
    """One `pybabel` call, from the repository (the template names files relative to it)."""
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        return CommandLineInterface().run(["pybabel", "-q", *args]) or 0
    finally:
        os.chdir(here)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
