"""Serving the gateway with uvicorn: in the foreground (the `mps-dev` daemon) or in a thread
(tests, which need the server in-process and a clean stop)."""

from __future__ import annotations

import asyncio
import logging
import threading
import time

import uvicorn

from .app import build_app
from .settings import GatewaySettings


def _config(settings: GatewaySettings, host: str, port: int) -> uvicorn.Config:
    # uvicorn's access log prints query strings, which may hold the API key: ours logs paths only.
    return uvicorn.Config(build_app(settings), host=host, port=port, access_log=False,
                          log_level="warning", server_header=False, lifespan="on")


def serve_forever(settings: GatewaySettings, host: str, port: int) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    uvicorn.Server(_config(settings, host, port)).run()


class ThreadedGateway:
    """The gateway on its own event loop in a daemon thread."""

    def __init__(self, settings: GatewaySettings, host: str, port: int) -> None:
        self.server = uvicorn.Server(_config(settings, host, port))
        self.thread = threading.Thread(target=self._run, name="mps-gateway", daemon=True)
        self.failed: BaseException | None = None

    def _run(self) -> None:
        try:
            asyncio.run(self.server.serve())
        except BaseException as e:  # surfaced to the starter by start()
            self.failed = e

    def start(self, timeout: float = 30.0) -> None:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if self.failed or not self.thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"gateway did not start: {self.failed!r}")
            self.thread.join(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
