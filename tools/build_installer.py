"""`python -m tools.build_installer --url URL --anon-key KEY --merchant CODE`: a cashier app for
one shop, which starts configured for it (docs/installer.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tools.installer.build import ROOT, BuildError, build
from tools.installer.inputs import InputError, check
from tools.installer.zbar import ZbarMissing


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m tools.build_installer",
                                description="Build one merchant's cashier app, configured for its shop.")
    p.add_argument("--url", required=True, help="the Supabase project URL (https; http for loopback only)")
    p.add_argument("--anon-key", required=True, help="the project's anon key (a service_role key is refused)")
    p.add_argument("--merchant", required=True, help="the merchant's code, as in the backend")
    p.add_argument("--terminal-name", default="POS-1", help="the counter's name on receipts and in the journal")
    p.add_argument("--out", type=Path, default=ROOT / "dist", help="where the app folder and its archive go")
    p.add_argument("--work", type=Path, default=ROOT / "build" / "installer",
                   help="staging and PyInstaller's intermediate files")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        inputs = check(args.url, args.anon_key, args.merchant, args.terminal_name)
        built = build(inputs, args.out, args.work)
    except (InputError, ZbarMissing, BuildError) as e:
        print(f"build_installer: {e}", file=sys.stderr)
        return 2
    print(f"built {built.folder} ({built.folder_bytes / 2**20:.0f} MiB) in {built.seconds:.0f} s")
    print(f"archive {built.archive} ({built.archive.stat().st_size / 2**20:.0f} MiB)")
    print(f"check it: {built.executable} --self-check")
    return 0


if __name__ == "__main__":
    sys.exit(main())
