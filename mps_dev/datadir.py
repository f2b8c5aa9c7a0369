"""Where `mps-dev` keeps its cluster, keys and logs.

PostgreSQL runs as the unprivileged `postgres` user when we are root, and that user must be able
to walk down to the cluster: /root is closed to it. So root defaults to /var/lib/mps-dev; anyone
else to the user data dir (~/.local/share/mps-dev on Linux).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import platformdirs

ROOT_DEFAULT = Path("/var/lib/mps-dev")


def default() -> Path:
    env = os.environ.get("MPS_DEV_DATA_DIR")
    if env:
        return Path(env)
    if os.geteuid() == 0:
        return ROOT_DEFAULT
    return Path(platformdirs.user_data_dir("mps-dev"))


def prepare(path: Path) -> Path:
    """Create the directory; when root, make sure the `postgres` user can reach into it."""
    path = path.resolve()
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        os.chmod(path, 0o755)
        closed = [p for p in path.parents if not os.stat(p).st_mode & stat.S_IXOTH]
        if closed:
            raise SystemExit(
                f"mps-dev: the postgres user cannot reach {path} (no access through {closed[0]}); "
                "choose another --data-dir, e.g. under /var/lib or /tmp")
    return path
