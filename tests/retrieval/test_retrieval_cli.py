"""The commands a person runs: okr ingest, okr docs list|remove, okr search, okr parents import|list|suggest."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from assistant.cli import cli

Run = Callable[..., subprocess.CompletedProcess[str]]


def _invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_ingest_prints_a_summary_and_progress_goes_to_stderr(docs: Path, tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    code, out, err = _invoke("ingest", str(docs), "--data-dir", data)
    assert code == 0
    assert out.startswith("Ingested 3 documents (4 passages added, 0 removed); 0 unchanged; 0 skipped.")
    assert "Ingesting" in err
    code, out, _ = _invoke("ingest", str(docs / "*.md"), "--data-dir", data, "--format", "json")
    assert code == 0
    summary = json.loads(out)
    assert sorted(Path(p).name for p in summary["unchanged"]) == ["pricing.md", "support.md"]
    assert summary["ingested"] == []


def test_ingest_exits_1_and_names_every_skipped_file(docs: Path, tmp_path: Path) -> None:
    (docs / "logo.png").write_bytes(b"\x89PNG")
    (docs / "empty.md").write_text("", encoding="utf-8")
    code, out, _ = _invoke("ingest", str(docs), str(tmp_path / "missing.md"), "--data-dir", str(tmp_path / "d"))
    assert code == 1
    assert "3 skipped" in out.splitlines()[0]
    assert f"{docs / 'logo.png'}: unsupported file type .png" in out
    assert f"{docs / 'empty.md'}: empty document" in out
    assert f"{tmp_path / 'missing.md'}: no such file or directory" in out


def test_docs_list_json_shape_and_remove(docs: Path, tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    _invoke("ingest", str(docs), "--data-dir", data)
    code, out, _ = _invoke("docs", "list", "--format", "json", "--data-dir", data)
    assert code == 0
    listed = json.loads(out)
    assert [sorted(row) for row in listed] == [["chunks", "document", "id"]] * 3
    assert [(row["document"], row["chunks"]) for row in listed] == [
        ("hiring.txt", 1), ("pricing.md", 2), ("support.md", 1)
    ]
    code, out, _ = _invoke("docs", "remove", listed[1]["id"], "--data-dir", data)
    assert (code, out) == (0, f"Removed {listed[1]['id']} (2 passages).\n")
    _, out, _ = _invoke("docs", "list", "--data-dir", data)
    assert "pricing.md" not in out
    assert "support.md" in out


def test_search_json_shape(docs: Path, tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    _invoke("ingest", str(docs), "--data-dir", data)
    code, out, _ = _invoke("search", "new office for sales in Berlin", "-k", "2", "--format", "json", "--data-dir", data)
    assert code == 0
    hits = json.loads(out)
    assert len(hits) == 2
    assert list(hits[0]) == ["chunk_id", "document", "heading", "text", "score"]
    assert hits[0]["document"] == "hiring.txt"
    code, out, _ = _invoke("search", "first response time", "--data-dir", data)
    assert code == 0
    assert out.startswith("1. [")
    assert "support.md › Support plan > Response times" in out


def test_errors_reach_the_user_as_messages_with_exit_codes(tmp_path: Path, run_okr: Run) -> None:
    data = str(tmp_path / "data")
    removed = run_okr("docs", "remove", "no-such-doc", "--data-dir", data)
    assert removed.returncode == 1
    assert "No document has the id 'no-such-doc'" in removed.stderr
    assert "Traceback" not in removed.stderr
    server = run_okr("search", "x", env={"OKR_CHROMA_URL": "http://127.0.0.1:9", "OKR_DATA_DIR": data})
    assert server.returncode == 1
    assert "Cannot reach the Chroma server" in server.stderr
    assert "Traceback" not in server.stderr


def test_parents_import_list_and_suggest(tmp_path: Path) -> None:
    okrs = tmp_path / "company.yaml"
    okrs.write_text(
        "team: Quill\nperiod: 2027-Q1\nlevel: company\nobjectives:\n"
        "  - id: CO-1\n    title: Win the European field service market\n    key_results:\n"
        "      - id: CO-1.KR1\n        text: Grow European ARR from $4.3M to $5.4M by 2027-03-31\n"
        "  - title: Run a platform field crews can rely on every morning\n    key_results:\n"
        "      - text: Raise monthly API uptime from 99.87% to 99.95%\n",
        encoding="utf-8",
    )
    data = str(tmp_path / "data")
    code, out, _ = _invoke("parents", "import", str(okrs), "--data-dir", data)
    assert code == 0, out
    assert "Imported 2 parent objectives with 2 key results" in out
    code, out, _ = _invoke("parents", "list", "--format", "json", "--data-dir", data)
    assert json.loads(out) == [
        {
            "id": "CO-1", "title": "Win the European field service market", "level": "company", "period": "2027-Q1",
            "key_results": [{"id": "CO-1.KR1", "text": "Grow European ARR from $4.3M to $5.4M by 2027-03-31"}],
        },
        {
            "id": "CO-run-platform-field-crews-can", "title": "Run a platform field crews can rely on every morning",
            "level": "company", "period": "2027-Q1",
            "key_results": [
                {"id": "CO-run-platform-field-crews-can.KR1", "text": "Raise monthly API uptime from 99.87% to 99.95%"}
            ],
        },
    ]
    code, out, _ = _invoke("parents", "suggest", "We keep the servers up and run on-call", "-k", "1", "--data-dir", data)
    assert code == 0
    assert out.startswith("1. [") and "CO-run-platform-field-crews-can" in out
    code, out, _ = _invoke("parents", "suggest", "grow sales in Europe", "--format", "json", "--data-dir", data)
    assert [m["id"] for m in json.loads(out)] == ["CO-1", "CO-run-platform-field-crews-can"]
