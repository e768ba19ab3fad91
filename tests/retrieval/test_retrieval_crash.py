"""Interrupted ingests: kill -9, Ctrl-C, and a failure at every step of the write protocol.

Whatever happens, running the same ingest again ends with exactly the chunks a clean run would give:
no duplicates, no orphans of an older version, every document complete.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from retrieval_documents import OKR
from testkit import REPO

from assistant.config import Settings
from assistant.retrieval.chunking import chunk_sections
from assistant.retrieval.index import DocumentIndex
from assistant.retrieval.ingest import discover
from assistant.retrieval.loaders import document_format, parse_document
from assistant.retrieval.store import Store, open_store

Run = Callable[..., subprocess.CompletedProcess[str]]


def _corpus(folder: Path, files: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(files):
        (folder / f"plan-{n:03d}.md").write_text(
            f"# Plan {n}\n\n## Goals\n\nTeam {n} wants to grow revenue in region {n % 7} by {n}% this year, "
            f"and to cut churn for the {n % 5} largest accounts.\n\n## Risks\n\nHiring for team {n} may slip; "
            f"the budget of {n * 3} thousand is not yet approved.\n",
            encoding="utf-8",
        )
    return folder


def _expected_chunk_ids(folder: Path) -> set[str]:
    """What a clean ingest of ``folder`` stores, computed without embedding anything."""
    sources, _ = discover([folder])
    ids: set[str] = set()
    for source in sources:
        sections = parse_document(source.path.read_bytes(), document_format(source.path))
        ids.update(c.id for c in chunk_sections(source.document_id, sections))
    return ids


def _assert_consistent(store: Store, expected: set[str]) -> None:
    ids = list(store.documents.chunks.get(include=[])["ids"])
    assert len(ids) == len(set(ids)), "duplicate chunks"
    assert set(ids) == expected, f"{len(set(ids) - expected)} orphans, {len(expected - set(ids))} missing"
    manifests = store.documents.get_manifests()
    assert all(m.complete for m in manifests.values()), "a document is left half-written"
    assert sum(len(m.chunk_ids) for m in manifests.values()) == len(ids)


def _stderr_lines(process: subprocess.Popen[str]) -> queue.Queue[str]:
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    return lines


def _start_ingest(folder: Path, data: Path) -> tuple[subprocess.Popen[str], queue.Queue[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OKR_")}
    process = subprocess.Popen(
        [*OKR, "ingest", str(folder), "--data-dir", str(data)],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    return process, _stderr_lines(process)


def _wait_for_progress(process: subprocess.Popen[str], lines: queue.Queue[str], timeout: float = 240) -> None:
    """Block until the run has written its first batch (its progress bar names a file)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            assert process.poll() is None, "the ingest ended before it could be interrupted"
            continue
        if "plan-" in line:
            return
    process.kill()
    raise AssertionError("no progress from the ingest")


def test_kill_9_in_the_middle_then_the_same_command_finishes_the_job(tmp_path: Path, run_okr: Run) -> None:
    folder = _corpus(tmp_path / "docs", 300)
    data = tmp_path / "data"
    process, lines = _start_ingest(folder, data)
    _wait_for_progress(process, lines)
    time.sleep(0.5)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL

    settings = Settings(data_dir=data)
    stored_after_crash = open_store(settings).documents.count()
    assert 0 < stored_after_crash < len(_expected_chunk_ids(folder)), "the kill should land mid-run"

    rerun = run_okr("ingest", str(folder), "--data-dir", str(data))
    assert rerun.returncode == 0, rerun.stderr
    _assert_consistent(open_store(settings), _expected_chunk_ids(folder))
    assert "0 skipped" in rerun.stdout.splitlines()[0]


def test_ctrl_c_leaves_every_document_complete(tmp_path: Path) -> None:
    folder = _corpus(tmp_path / "docs", 300)
    data = tmp_path / "data"
    process, lines = _start_ingest(folder, data)
    _wait_for_progress(process, lines)
    process.send_signal(signal.SIGINT)
    process.wait(timeout=120)
    assert process.returncode == 130
    store = open_store(Settings(data_dir=data))
    manifests = store.documents.get_manifests()
    assert manifests and all(m.complete for m in manifests.values())
    expected = {cid for m in manifests.values() for cid in m.chunk_ids}
    _assert_consistent(store, expected)
    assert len(manifests) < 300


def _change_documents(docs: Path) -> None:
    (docs / "pricing.md").write_text(
        "# Pricing 2027\n\n## Discounts\n\nSales may discount up to 15% without approval; deeper discounts need "
        "the CFO.\n\n## Monthly plans\n\nMonthly plans cost 20% more than annual ones.\n",
        encoding="utf-8",
    )
    (docs / "new.md").write_text("# New\n\nA brand new document about partners.\n", encoding="utf-8")


class Crash(BaseException):
    """Stands for the process dying: not an Exception, so nothing in the store catches it."""


@pytest.mark.parametrize("step", ["after-pending-manifest", "after-chunks", "after-complete-manifest"])
def test_a_crash_at_any_step_is_repaired_by_the_next_run(
    settings: Settings, docs: Path, step: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_store(settings).ingest([docs])
    _change_documents(docs)
    store = open_store(settings)
    index = store.documents
    monkeypatch.setattr(DocumentIndex, "rollback", lambda self, documents, previous: None)  # kill -9: no cleanup

    def crash(*args: object, **kwargs: object) -> None:
        raise Crash

    if step == "after-pending-manifest":
        monkeypatch.setattr(index.chunks, "upsert", crash)
    elif step == "after-chunks":
        calls = {"n": 0}
        real = index._put_manifests

        def second_call_crashes(manifests: list[object]) -> None:
            calls["n"] += 1
            if calls["n"] == 2:
                raise Crash
            real(manifests)  # type: ignore[arg-type]

        monkeypatch.setattr(index, "_put_manifests", second_call_crashes)
    else:
        monkeypatch.setattr(index.chunks, "delete", crash)
    with pytest.raises(Crash):
        store.ingest([docs])
    monkeypatch.undo()

    summary = open_store(settings).ingest([docs])
    assert not summary.skipped
    _assert_consistent(open_store(settings), _expected_chunk_ids(docs))
    names = [d.document for d in open_store(settings).list_documents()]
    assert names == ["hiring.txt", "new.md", "pricing.md", "support.md"]


def test_an_interrupted_write_rolls_back_to_the_previous_version(
    settings: Settings, docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_store(settings).ingest([docs])
    before = _expected_chunk_ids(docs)
    _change_documents(docs)
    store = open_store(settings)
    calls = {"n": 0}
    real = store.documents._put_manifests

    def interrupted(manifests: list[object]) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        real(manifests)  # type: ignore[arg-type]

    monkeypatch.setattr(store.documents, "_put_manifests", interrupted)
    with pytest.raises(KeyboardInterrupt):
        store.ingest([docs])
    monkeypatch.undo()
    _assert_consistent(open_store(settings), before)


def test_the_first_ctrl_c_stops_at_the_next_file_and_the_second_at_once() -> None:
    """A KeyboardInterrupt raised inside a finaliser is printed and dropped, so the ingest does not rely on it: the
    first Ctrl-C asks, the next file's progress raises it in the ingest's own code."""
    import signal as signals

    from assistant.cli.ingest import _Progress

    progress = _Progress()
    progress("plan-000.md", 1, 3)  # no stop asked: goes on
    progress.ask_to_stop(signals.SIGINT, None)
    with pytest.raises(KeyboardInterrupt):
        progress("plan-001.md", 2, 3)
    with pytest.raises(KeyboardInterrupt):
        progress.ask_to_stop(signals.SIGINT, None)
    progress.close()
