"""`okr serve`, run as a user runs it: refuses to expose an unauthenticated server, serves on loopback."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from api_server import free_port

from assistant.cli.serve import is_loopback


def okr(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True, timeout=60,
                          env=env, check=False)


@contextmanager
def running(*args: str, env: dict[str, str]) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen([sys.executable, "-m", "assistant", "serve", *args], env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_healthy(url: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"okr serve exited: {process.stderr.read() if process.stderr else ''}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("okr serve did not become healthy within 60 s")


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
    port = free_port()
    env = {**os.environ, "OKR_LLM_BACKEND": "fake"}
    with running("--port", str(port), "--data-dir", str(tmp_path), "--log-level", "warning", env=env) as process:
        base = f"http://127.0.0.1:{port}"
        wait_healthy(base, process)
        assert httpx.get(f"{base}/api/v1/rules/kr-vague", timeout=10).json()["id"] == "kr-vague"
        assert "Review OKRs" in httpx.get(f"{base}/review", timeout=10).text


def test_public_host_with_keys_requires_them(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "OKR_API_KEYS": "serve-test-key", "OKR_LLM_BACKEND": "fake"}
    with running("--host", "0.0.0.0", "--port", str(port), "--data-dir", str(tmp_path), "--workers", "2",
                 env=env) as process:
        base = f"http://127.0.0.1:{port}"
        wait_healthy(base, process)
        assert httpx.get(f"{base}/api/v1/rules", timeout=10).status_code == 401
        ok = httpx.get(f"{base}/api/v1/rules", headers={"Authorization": "Bearer serve-test-key"}, timeout=10)
        assert ok.status_code == 200
