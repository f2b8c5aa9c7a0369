"""The gateway process that `mps-dev up` leaves running: `python -m mps_dev.serve DATA_DIR`."""

from __future__ import annotations

import sys
from pathlib import Path

from . import project
from .gateway.server import serve_forever


def main(argv: list[str]) -> None:
    data_dir = Path(argv[0])
    proj = project.load(data_dir)
    if proj is None:
        raise SystemExit(f"no project.json in {data_dir}; run `mps-dev up`")
    serve_forever(proj.gateway_settings(), project.HOST, proj.api_port)


if __name__ == "__main__":
    main(sys.argv[1:])
