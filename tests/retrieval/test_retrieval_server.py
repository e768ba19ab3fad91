"""OKR_CHROMA_URL: a real `chroma run` server on loopback, driven by the real `okr` commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from testkit import free_port, running_server

Run = Callable[..., subprocess.CompletedProcess[str]]
CHROMA = Path(sys.executable).with_name("chroma")


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    if not CHROMA.exists():
        pytest.fail(f"the chroma command that comes with chromadb is missing ({CHROMA})")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [str(CHROMA), "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1",
               "--port", str(port)]
    env = {**os.environ, "HOME": str(tmp_path / "server-home")}
    with running_server(command, name="chroma run", ready_url=f"{url}/api/v2/heartbeat",
                        log=tmp_path / "chroma.log", env=env):
        yield url


def test_ingest_and_search_through_a_chroma_server(chroma_server: str, docs: Path, tmp_path: Path, run_okr: Run) -> None:
    local = tmp_path / "local-data"
    env = {"OKR_CHROMA_URL": chroma_server, "OKR_DATA_DIR": str(local)}

    ingested = run_okr("ingest", str(docs), env=env)
    assert ingested.returncode == 0, ingested.stderr
    assert ingested.stdout.startswith("Ingested 3 documents (4 passages added")

    found = run_okr("search", "how fast do we answer tickets", "-k", "1", "--format", "json", env=env)
    assert found.returncode == 0, found.stderr
    hit = json.loads(found.stdout)[0]
    assert (hit["document"], hit["heading"]) == ("support.md", "Support plan > Response times")

    listed = json.loads(run_okr("docs", "list", "--format", "json", env=env).stdout)
    assert sorted(row["document"] for row in listed) == ["hiring.txt", "pricing.md", "support.md"]
    again = run_okr("ingest", str(docs), env=env)
    assert "0 unchanged" not in again.stdout and "3 unchanged" in again.stdout

    assert not (local / "chroma").exists(), "with OKR_CHROMA_URL nothing is stored locally"
    import chromadb

    from assistant.retrieval.chroma import chroma_settings

    port = int(chroma_server.rsplit(":", 1)[1])
    client = chromadb.HttpClient(host="127.0.0.1", port=port, settings=chroma_settings())
    assert client.get_collection("okr-documents").count() == 4
