"""`okr serve`, run as a user runs it: refuses to expose an unauthenticated server, serves on loopback."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from testkit import free_port, running_server

from assistant.cli.serve import is_loopback


def okr(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True, timeout=60,
                          env=env, check=False)


@contextmanager
def serving(*args: str, port: int, log: Path, env: dict[str, str]) -> Iterator[str]:
    """`okr serve --port PORT ARGS` as a process, healthy; yields its base URL."""
    base = f"http://127.0.0.1:{port}"
    with running_server([sys.executable, "-m", "assistant", "serve", "--port", str(port), *args], name="okr serve",
                        ready_url=f"{base}/healthz", log=log, env=env):
        yield base


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.0.0.2", True), ("localhost", True), ("::1", True), ("[::1]", True),
     ("0.0.0.0", False), ("::", False), ("192.168.1.10", False), ("example.com", False)],
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.parametrize("host", ["0.0.0.0", "::"])
def test_refuses_a_public_host_without_keys(host: str, tmp_path: Path) -> None:
    done = okr("serve", "--host", host, "--port", str(free_port()), "--data-dir", str(tmp_path))
    assert done.returncode != 0
    assert "Refusing to listen" in done.stderr and "OKR_API_KEYS" in done.stderr and "--insecure" in done.stderr
    assert "Traceback" not in done.stderr


def test_serves_on_loopback(tmp_path: Path) -> None:
    env = {**os.environ, "OKR_LLM_BACKEND": "fake"}
    with serving("--data-dir", str(tmp_path), "--log-level", "warning", port=free_port(),
                 log=tmp_path / "serve.log", env=env) as base:
        assert httpx.get(f"{base}/api/v1/rules/kr-vague", timeout=10).json()["id"] == "kr-vague"
        assert "Review OKRs" in httpx.get(f"{base}/review", timeout=10).text


def test_public_host_with_keys_requires_them(tmp_path: Path) -> None:
    env = {**os.environ, "OKR_API_KEYS": "serve-test-key", "OKR_LLM_BACKEND": "fake"}
    with serving("--host", "0.0.0.0", "--data-dir", str(tmp_path), "--workers", "2", port=free_port(),
                 log=tmp_path / "serve.log", env=env) as base:
        assert httpx.get(f"{base}/api/v1/rules", timeout=10).status_code == 401
        ok = httpx.get(f"{base}/api/v1/rules", headers={"Authorization": "Bearer serve-test-key"}, timeout=10)
        assert ok.status_code == 200
