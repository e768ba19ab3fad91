"""Fixtures for the LLM tests: fake parts packages, a scripted OpenAI-compatible HTTP server (the real model is
the root ``local_model`` fixture)."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from llm_testkit import FakeParts, Scripted, ScriptedServer, make_parts

from assistant.llm import model_files


@pytest.fixture
def fake_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeParts:
    """Three fake parts packages found through importlib.metadata; they are the default spec meanwhile,
    and the shared models dir is under tmp_path."""
    chunks = [b"GGUF" + bytes(range(256)) * 40, bytes(reversed(range(256))) * 33, b"tail-of-the-model"]
    parts = make_parts(tmp_path / "parts", chunks)

    def find(name: str) -> metadata.Distribution:
        for dist in metadata.Distribution.discover(name=name, path=[str(parts.site)]):
            return dist
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(model_files, "find_distribution", find)
    monkeypatch.setattr(model_files, "DEFAULT_SPEC", parts.spec)
    monkeypatch.setattr(model_files, "shared_models_dir", lambda: tmp_path / "shared" / "models")
    return parts


@pytest.fixture
def scripted_server() -> Iterator[ScriptedServer]:
    """A tiny HTTP server on loopback that answers each request with the next scripted reply."""
    replies: deque[Scripted] = deque()
    requests: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            requests.append(
                {
                    "method": self.command,
                    "path": self.path,
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "json": json.loads(raw) if raw else None,
                }
            )
            reply = (
                replies.popleft() if replies else Scripted(500, {"error": {"message": "script exhausted"}})
            )
            if reply.delay:
                time.sleep(reply.delay)
            payload = reply.raw if reply.raw is not None else json.dumps(reply.body or {}).encode()
            try:
                self.send_response(reply.status)
                self.send_header("content-type", "text/html" if reply.raw is not None else "application/json")
                self.send_header("content-length", str(len(payload)))
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (the timeout test)

        do_GET = _answer
        do_POST = _answer

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.block_on_close = False
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield ScriptedServer(f"http://127.0.0.1:{server.server_address[1]}/v1", replies, requests)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
