"""`python -m tools.build_sql` (`make sql`): write the two shipped SQL files from their sources.

The product ships `server_sql/mps_schema.sql` and `server_sql/mps_rpc.sql` (the README's
two-paste install). They are written from `server_sql/src/NN_domain/{schema,rpc}.sql`, one
folder per domain in dependency order (server_sql/README.md): each shipped file is its parts
of every domain, in folder order, under a header saying so. `--check` writes nothing and fails
when a shipped file differs from what the sources give (tests/sql/test_build_sql.py does the same).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

SQL_DIR = Path(__file__).resolve().parent.parent / "server_sql"
SRC_DIR = SQL_DIR / "src"
COMMAND = "python -m tools.build_sql"
# Shipped file -> the part of each domain it is made of.
PARTS = {"mps_schema.sql": "schema.sql", "mps_rpc.sql": "rpc.sql"}
DOMAIN_DIR = re.compile(r"^\d\d_[a-z][a-z0-9_]*$")
RULE = "-- " + "=" * 91


def domains(src: Path = SRC_DIR) -> list[Path]:
    """The domain folders, in the order they are applied (their NN_ prefix)."""
    found = sorted(p for p in src.iterdir() if p.is_dir() and DOMAIN_DIR.match(p.name))
    if not found:
        raise SystemExit(f"no domain folders (NN_name) under {src}")
    return found


def build_file(shipped: str, src: Path = SRC_DIR) -> str:
    """The text of one shipped file, as the sources give it."""
    part = PARTS[shipped]
    out = [
        f"-- GENERATED FILE: do not edit. Written by `{COMMAND}` (`make sql`) from",
        f"-- server_sql/src/*/{part}, one domain after the other in folder order; edit the sources",
        "-- and regenerate (server_sql/README.md). A test fails when this file is stale.",
        "",
    ]
    for folder in domains(src):
        path = folder / part
        if not path.is_file():
            continue  # a domain may have no RPCs, or no schema part
        text = path.read_text(encoding="utf-8").strip("\n")
        out += [RULE, f"-- server_sql/src/{folder.name}/{part}", RULE, text, ""]
    return "\n".join(out)


def build(src: Path = SRC_DIR) -> dict[str, str]:
    """Every shipped file's name and text."""
    return {name: build_file(name, src) for name in PARTS}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog=COMMAND, description="Write server_sql/mps_*.sql from server_sql/src.")
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 if a shipped file is stale")
    args = p.parse_args(argv)
    stale = []
    for name, text in build().items():
        target = SQL_DIR / name
        if target.is_file() and target.read_bytes() == text.encode("utf-8"):
            continue
        stale.append(name)
        if not args.check:
            target.write_bytes(text.encode("utf-8"))
    if args.check and stale:
        print(f"stale: {', '.join(stale)}; run `{COMMAND}` (make sql)", file=sys.stderr)
        return 1
    for name in stale:
        print(f"wrote server_sql/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
