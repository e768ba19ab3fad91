"""A real uvicorn server on a free loopback port, in a thread, for tests that need real HTTP."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.types import ASGIApp
from testkit import free_port
from uvicorn.config import LOGGING_CONFIG


@contextmanager
def serve(app: ASGIApp, *, log_level: str = "warning", propagate_logs: bool = False) -> Iterator[str]:
    """Run ``app`` on uvicorn until the block ends; yields the base URL.

    ``propagate_logs`` leaves logging unconfigured, so uvicorn's records (access log included) reach pytest's
    ``caplog``.
    """
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level=log_level, lifespan="off",
                            log_config=None if propagate_logs else LOGGING_CONFIG)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
