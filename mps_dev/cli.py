"""`mps-dev`: run the local Supabase stand-in (PostgreSQL + gateway) and its demo data."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from . import datadir, project, stack

DESCRIPTION = """\
Local stand-in for Supabase: a private PostgreSQL cluster with the MPS schema and RPCs, and a
gateway answering PostgREST's /rest/v1/rpc and GoTrue's /auth/v1 like Supabase does
(docs/local-supabase.md). URL http://127.0.0.1:54321 by default.

Data directory: --data-dir, else $MPS_DEV_DATA_DIR, else the user data dir
(~/.local/share/mps-dev). As root the database runs as the `postgres` user, which cannot enter
/root, so root defaults to /var/lib/mps-dev and any --data-dir must be reachable by `postgres`.
"""

def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mps-dev", description=DESCRIPTION,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data-dir", type=Path, default=None, help="where the cluster, keys and logs live")
    sub = p.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="start PostgreSQL and the gateway; apply schema and RPCs")
    up.add_argument("--port", type=int, default=None, help=f"gateway port (default {project.DEFAULT_API_PORT})")
    up.add_argument("--db-port", type=int, default=None, help=f"PostgreSQL port (default {project.DEFAULT_DB_PORT})")
    sub.add_parser("down", help="stop the gateway and PostgreSQL")
    sub.add_parser("status", help="what is running")
    sub.add_parser("env", help="print SUPABASE_URL and keys as shell exports")
    sub.add_parser("reset", help="stop and delete the database (keys are kept); `up` starts afresh")
    sub.add_parser("seed-demo", help="merchant SHOP001, its operators, members, cards and history")
    qr = sub.add_parser("member-qr", help="show a card's payment QR, renewed before it expires")
    qr.add_argument("who", help="a card id, or a member's phone number")
    qr.add_argument("--once", action="store_true", help="show one code and exit")
    qr.add_argument("--ttl", type=int, default=300, help="seconds a code lives (default 300)")
    qr.add_argument("--png", type=Path, default=None, help="where to write the PNG (default: data dir)")
    qr.add_argument("--window", action="store_true", help="show the code large in a window instead")
    demo = sub.add_parser("demo", help="up + seed-demo, then open the cashier and a member's payment QR")
    demo.add_argument("--port", type=int, default=None)
    demo.add_argument("--db-port", type=int, default=None)
    return p


# The demo's windows are the POS's, which the stand-in does not know: whoever installs both
# (`mps_demo`, pyproject.toml) registers them under this entry point group.
LAUNCHERS = "mps_dev.launchers"


def _launcher(name: str):
    """The callable registered as `name` under LAUNCHERS; a clear exit when none is installed."""
    from importlib.metadata import entry_points

    found = entry_points(group=LAUNCHERS, name=name)
    if not found:
        raise SystemExit(f"mps-dev: no `{name}` launcher is installed (the POS registers it; "
                         f"`make setup` installs both); the backend itself works without it")
    return next(iter(found)).load()


def _require_project(data_dir: Path) -> project.Project:
    proj = project.load(data_dir)
    if proj is None:
        raise SystemExit("mps-dev: nothing here yet; run `mps-dev up` first")
    return proj


def _print_up(proj: project.Project, seconds: float) -> None:
    print(f"mps-dev is up (ready in {seconds:.1f} s)")
    print(f"  API URL           {proj.url}")
    print(f"  anon key          {proj.anon_key}")
    print(f"  service_role key  {proj.service_role_key}")
    print(f"  database          {proj.db_dsn()}")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    data_dir = (args.data_dir or datadir.default()).resolve()
    cmd = args.command
    if cmd in ("up", "demo"):
        proj, seconds = stack.up(data_dir, args.port, args.db_port)
        _print_up(proj, seconds)
        if cmd == "demo":
            from . import seed
            seed.run(proj, out=sys.stdout)
            print()
            return _launcher("demo")(proj, data_dir, sys.stdout)
    elif cmd == "down":
        stopped = stack.down(data_dir)
        print("stopped: " + ", ".join(stopped) if stopped else "nothing was running")
    elif cmd == "status":
        st = stack.status(data_dir)
        print(f"data dir  {data_dir}")
        print(f"database  {'running' if st.database else 'stopped'}")
        print(f"gateway   {f'running (pid {st.gateway_pid})' if st.gateway_pid else 'stopped'}")
        if st.project:
            print(f"API URL   {st.project.url}")
        return 0 if st.database and st.gateway_pid else 3
    elif cmd == "env":
        proj = _require_project(data_dir)
        print(f"export SUPABASE_URL={shlex.quote(proj.url)}")
        print(f"export SUPABASE_ANON_KEY={shlex.quote(proj.anon_key)}")
        print(f"export SUPABASE_SERVICE_ROLE_KEY={shlex.quote(proj.service_role_key)}")
    elif cmd == "reset":
        stack.reset(data_dir)
        print("database deleted; `mps-dev up` creates a fresh one (same keys)")
    elif cmd == "seed-demo":
        from . import seed
        seed.run(_require_project(data_dir), out=sys.stdout)
    elif cmd == "member-qr":
        from . import member_qr
        proj = _require_project(data_dir)
        if args.window:
            return _launcher("member-qr-window")(proj, args.who, ttl=args.ttl)
        png = args.png or data_dir / "member-qr.png"
        member_qr.run(proj, args.who, png, ttl=args.ttl, once=args.once, out=sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
