"""The sample PDF and DOCX: committed, readable, with the headings the script declares, and reproducible."""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType

import docx
import pytest
from pypdf import PdfReader


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _pdf_text(path: Path) -> str:
    return _squash(" ".join(page.extract_text() or "" for page in PdfReader(path).pages))


def _pdf_outline(path: Path) -> list[str]:
    titles: list[str] = []

    def walk(items: list[object]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(str(getattr(item, "title", "")))

    walk(list(PdfReader(path).outline))
    return titles


def _docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [paragraph.text for paragraph in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return _squash(" ".join(parts))


def _docx_headings(path: Path) -> list[str]:
    document = docx.Document(str(path))
    return [
        p.text
        for p in document.paragraphs
        if p.style is not None and p.style.name.startswith(("Heading", "Title"))
    ]


def test_script_declares_one_pdf_and_one_docx(builder: ModuleType) -> None:
    suffixes = sorted(Path(document.filename).suffix for document in builder.DOCUMENTS)
    assert suffixes == [".docx", ".pdf"]


def test_committed_pdf_has_a_text_layer_and_an_outline(builder: ModuleType, quill: Path) -> None:
    path = quill / "strategy" / builder.BOARD_UPDATE.filename
    text = _pdf_text(path)
    assert len(text.split()) >= 300
    for heading in builder.headings(builder.BOARD_UPDATE):
        assert _squash(heading) in text, heading
    assert _pdf_outline(path) == builder.headings(builder.BOARD_UPDATE)
    assert "$61.2M" in text and "11.2%" in text


def test_committed_docx_uses_heading_styles(builder: ModuleType, quill: Path) -> None:
    path = quill / "strategy" / builder.PRICING.filename
    assert _docx_headings(path) == builder.headings(builder.PRICING)
    text = _docx_text(path)
    assert len(text.split()) >= 300
    assert "€45" in text and "$49" in text


def test_rebuilding_reproduces_the_committed_text(builder: ModuleType, quill: Path, tmp_path: Path) -> None:
    written = builder.build_all(tmp_path)
    assert sorted(path.name for path in written) == sorted(d.filename for d in builder.DOCUMENTS)
    for path in written:
        committed = quill / "strategy" / path.name
        if path.suffix == ".pdf":
            assert _pdf_text(path) == _pdf_text(committed)
        else:
            assert _docx_text(path) == _docx_text(committed)
            assert _docx_headings(path) == _docx_headings(committed)


def test_build_is_byte_for_byte_deterministic(builder: ModuleType, tmp_path: Path) -> None:
    first = builder.build_all(tmp_path / "a")
    second = builder.build_all(tmp_path / "b")
    for one, two in zip(first, second, strict=True):
        assert one.read_bytes() == two.read_bytes(), one.name


def test_script_runs_from_the_command_line(
    builder: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert builder.main(["--out", str(tmp_path)]) == 0
    assert {path.name for path in tmp_path.iterdir()} == {d.filename for d in builder.DOCUMENTS}
    assert len(capsys.readouterr().out.splitlines()) == len(builder.DOCUMENTS)
