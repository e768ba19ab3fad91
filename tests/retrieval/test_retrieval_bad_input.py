"""Bad input never stops a run: each file gets a reason, the rest is ingested, nothing stored is lost."""

from __future__ import annotations

from pathlib import Path

import pytest
from retrieval_documents import make_encrypted_pdf, make_image_pdf, make_pdf

from assistant.retrieval import ingest as ingest_module
from assistant.retrieval.store import Store


def test_a_mixed_folder_is_ingested_with_a_reason_for_each_skipped_file(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "good.md").write_text("# Good\n\nRevenue grows in Europe.\n", encoding="utf-8")
    make_pdf(folder / "board.pdf", [("Cash", "Runway is 41 months.")])
    make_encrypted_pdf(folder / "locked.pdf", make_pdf(tmp_path / "src.pdf", [("Secret", "Salaries.")]))
    make_image_pdf(folder / "scan.pdf")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    with (folder / "huge.md").open("wb") as handle:
        handle.truncate(50_000_000)
    (folder / ".hidden.md").write_text("# Hidden\n\nnot ingested\n", encoding="utf-8")

    summary = store.ingest([folder])

    assert sorted(Path(p).name for p in summary.ingested) == ["board.pdf", "good.md"]
    reasons = {Path(s.path).name: s.reason for s in summary.skipped}
    assert set(reasons) == {"locked.pdf", "scan.pdf", "empty.txt", "photo.jpg", "huge.md"}
    assert reasons["locked.pdf"].startswith("encrypted PDF")
    assert reasons["scan.pdf"].startswith("no text layer")
    assert reasons["empty.txt"].startswith("empty document")
    assert reasons["photo.jpg"].startswith("unsupported file type .jpg")
    assert reasons["huge.md"].startswith("file is 50.0 MB, over the 25.0 MB limit")
    assert store.search("runway in months", k=1)[0].document == "board.pdf"


def test_a_file_that_vanishes_mid_run_is_skipped_and_the_run_goes_on(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in ("a.md", "b.md", "c.md"):
        (folder / name).write_text(f"# {name}\n\nText of {name}.\n", encoding="utf-8")
    real_read = ingest_module.read_document

    def read_after_someone_deleted_b(path: Path, *, max_bytes: int) -> bytes:
        if path.name == "b.md":
            path.unlink()  # gone between the folder walk and the read
        return real_read(path, max_bytes=max_bytes)

    monkeypatch.setattr(ingest_module, "read_document", read_after_someone_deleted_b)
    summary = store.ingest([folder])
    assert sorted(Path(p).name for p in summary.ingested) == ["a.md", "c.md"]
    assert [(Path(s.path).name, s.reason) for s in summary.skipped] == [
        ("b.md", "file disappeared before it could be read")
    ]


def test_a_document_that_turns_bad_keeps_its_stored_version(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "plan.md"
    path.write_text("# Plan\n\nWe open an office in Lisbon.\n", encoding="utf-8")
    store.ingest([path])
    path.write_text("", encoding="utf-8")
    summary = store.ingest([path])
    assert [s.reason for s in summary.skipped] == ["empty document: no text to index"]
    with path.open("wb") as handle:
        handle.truncate(50_000_000)
    assert store.ingest([path]).skipped[0].reason.startswith("file is 50.0 MB")
    path.unlink()
    assert store.ingest([path]).skipped[0].reason == "no such file or directory"
    assert [(d.document, d.chunks) for d in store.list_documents()] == [("plan.md", 1)]
    assert "Lisbon" in store.search("new office", k=1)[0].text


def test_a_folder_of_a_thousand_files(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "many"
    for n in range(1000):
        sub = folder / f"team-{n // 100}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"note-{n:04d}.md").write_text(f"# Note {n}\n\nMeeting note number {n}.\n", encoding="utf-8")
    (folder / "team-3" / "note-0300.md").write_text("", encoding="utf-8")
    (folder / "team-7" / "diagram.vsdx").write_bytes(b"PK")
    ticks: list[tuple[int, int]] = []

    summary = store.ingest([folder], progress=lambda name, done, total: ticks.append((done, total)))

    assert len(summary.ingested) == 999
    assert sorted(Path(s.path).name for s in summary.skipped) == ["diagram.vsdx", "note-0300.md"]
    assert ticks[-1] == (1001, 1001)
    assert [done for done, _ in ticks] == list(range(1, 1002))
    assert len(store.list_documents()) == 999
    assert store.documents.count() == 999
    again = store.ingest([folder])
    assert (len(again.unchanged), again.chunks_added) == (999, 0)
