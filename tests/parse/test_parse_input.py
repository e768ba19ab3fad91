"""Files and bytes: empty, binary, badly encoded, too large, too many objectives. Clear errors, never a hang."""

from __future__ import annotations

import codecs
import contextlib
import json
import time
from pathlib import Path

import pytest

from assistant.errors import InputError, ParseError, PayloadTooLarge, UnsupportedFormat
from assistant.parse import MAX_BYTES, load_okrs, parse_okr_bytes, parse_okrs

GOOD_MD = "# Core OKRs Q1 2027\n\nObjective 1: Grow revenue\n- Sign 12 customers\n- Win 3 logos\n"


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("okrs.md", GOOD_MD.encode()),
        ("okrs.txt", GOOD_MD.encode()),
        ("okrs", GOOD_MD.encode()),
        ("okrs.md", codecs.BOM_UTF8 + GOOD_MD.encode()),
        ("okrs.md", GOOD_MD.encode("utf-16")),
        ("okrs.md", GOOD_MD.replace("\n", "\r\n").encode()),
    ],
)
def test_load_reads_text_files(tmp_path: Path, name: str, data: bytes) -> None:
    okr_set = load_okrs(_write(tmp_path, name, data))
    assert (okr_set.team, okr_set.period) == ("Core", "2027-Q1")
    assert [kr.line for kr in okr_set.objectives[0].key_results] == [4, 5]


def test_extension_chooses_the_format(tmp_path: Path) -> None:
    data = b"objectives:\n  - title: Grow\n    key_results: [a, b]\n"
    assert load_okrs(_write(tmp_path, "team.yml", data)).objectives[0].title == "Grow"
    assert load_okrs(_write(tmp_path, "team.txt", data)).objectives[0].title == "Grow"
    with pytest.raises(ParseError, match=r"team\.json, line 1, column 1: invalid JSON"):
        load_okrs(_write(tmp_path, "team.json", data))


@pytest.mark.parametrize("data", [b"", b"   \n\n\t\n"])
def test_empty_file(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(ParseError, match="the file is empty") as caught:
        load_okrs(_write(tmp_path, "okrs.md", data))
    assert caught.value.exit_code == 2


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"PK\x03\x04\x14\x00\x06\x00", "ZIP archive"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG image"),
        (b"Objective: x\n\x00\x00\x01\x02binary", "NUL bytes"),
        (bytes(range(1, 9)) * 10, "control characters"),
    ],
)
def test_binary_files_are_refused(tmp_path: Path, data: bytes, words: str) -> None:
    with pytest.raises(UnsupportedFormat, match=words) as caught:
        load_okrs(_write(tmp_path, "okrs.md", data))
    assert "okrs.md" in caught.value.message


@pytest.mark.parametrize("suffix", [".docx", ".pdf", ".xlsx", ".pptx"])
def test_office_files_are_refused_by_name(tmp_path: Path, suffix: str) -> None:
    with pytest.raises(UnsupportedFormat, match="cannot be read directly"):
        load_okrs(_write(tmp_path, f"okrs{suffix}", b"whatever"))


def test_non_utf8_names_byte_line_and_column(tmp_path: Path) -> None:
    data = b"Objective 1: Grow\n- Reach 5 caf\xe9s in Lyon\n"
    with pytest.raises(ParseError) as caught:
        load_okrs(_write(tmp_path, "okrs.md", data))
    error = caught.value
    assert (error.line, error.column) == (2, 14)
    assert "not valid UTF-8 at byte 31 (0xe9)" in error.message
    assert "save the file as UTF-8" in error.message


def test_bad_utf16_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="UTF-16"):
        load_okrs(_write(tmp_path, "okrs.md", codecs.BOM_UTF16_LE + b"O\x00\x00\xd8"))


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_okrs(tmp_path / "nope.md")
    with pytest.raises(InputError, match="is a directory"):
        load_okrs(tmp_path)


def test_ten_megabyte_file_is_refused_promptly(tmp_path: Path) -> None:
    line = b"- Raise weekly active teams from 800 to 1,200 by the end of the quarter\n"
    path = _write(tmp_path, "huge.md", b"Objective: Grow\n" + line * (10_000_000 // len(line)))
    started = time.monotonic()
    with pytest.raises(PayloadTooLarge, match=r"10\.0 MB, over the 5\.0 MB limit") as caught:
        load_okrs(path)
    assert time.monotonic() - started < 2  # refused from the size alone: a hang guard, not a benchmark
    assert caught.value.status == 413 and caught.value.exit_code == 2


def test_ten_megabyte_text_and_bytes_are_refused() -> None:
    text = "Objective: Grow\n" + "- Sign 12 customers\n" * 600_000
    with pytest.raises(PayloadTooLarge):
        parse_okrs(text)
    with pytest.raises(PayloadTooLarge):
        parse_okr_bytes(text.encode())


def test_a_large_legal_file_still_reads() -> None:
    """Close to the objective and key-result limits (far beyond any real set), it reads, and promptly."""
    body = "".join(
        f"Objective {index}: Improve area {index} for customers\n" + "".join(
            f"- Raise metric {index}.{kr} from {kr} to {kr + 10} per week, measured in the weekly dashboard "
            "for the whole quarter\n" for kr in range(1, 11)
        )
        for index in range(1, 500)
    )
    assert len(body.encode()) < MAX_BYTES
    started = time.monotonic()
    okr_set = parse_okrs(body)
    assert len(okr_set.objectives) == 499
    assert sum(len(objective.key_results) for objective in okr_set.objectives) == 4_990
    assert time.monotonic() - started < 60  # a hang guard, not a benchmark


@pytest.mark.parametrize("fmt", ["md", "yaml", "json"])
def test_two_thousand_objectives_are_refused_with_the_line(tmp_path: Path, fmt: str) -> None:
    objectives = [{"title": f"Objective number {index}", "key_results": [f"Reach {index}"]} for index in range(2_000)]
    if fmt == "md":
        text = "".join(f"## Objective {i + 1}: {o['title']}\n- {o['key_results'][0]}\n" for i, o in enumerate(objectives))
    elif fmt == "yaml":
        text = "objectives:\n" + "".join(
            f"  - title: {o['title']}\n    key_results: [{o['key_results'][0]}]\n" for o in objectives
        )
    else:
        text = json.dumps({"objectives": objectives}, indent=1)
    path = _write(tmp_path, f"many.{fmt}", text.encode())
    started = time.monotonic()
    with pytest.raises(PayloadTooLarge, match="more than 500 objectives") as caught:
        load_okrs(path)
    assert time.monotonic() - started < 10  # a hang guard, not a benchmark
    assert f"many.{fmt}, line " in caught.value.message


def test_too_many_key_results_is_refused_with_the_line() -> None:
    with pytest.raises(PayloadTooLarge, match=r"line 5002: more than 5,000 key results"):
        parse_okrs("Objective: Grow\n" + "- Raise weekly active teams from 800 to 1,200\n" * 6_000)


def test_too_many_lines_is_refused() -> None:
    with pytest.raises(PayloadTooLarge, match="line limit"):
        parse_okrs("Objective: Grow\n- a\n" + "\n" * 60_000)


def test_unpaired_surrogates_are_refused() -> None:
    with pytest.raises(ParseError, match="surrogate") as caught:
        parse_okrs("Objective: Grow\n- Sign \ud800 customers\n")
    assert (caught.value.line, caught.value.column) == (2, 8)


def test_pathological_lines_do_not_backtrack() -> None:
    """Long runs of the characters the line patterns care about stay linear."""
    nasty = [
        " " * 200_000 + "x",
        "*" * 200_000,
        "_a" * 100_000,
        "(owner: " * 30_000,
        "Objective " + "1." * 80_000,
        "KR" + "-" * 200_000,
        "[" * 100_000 + "id: x",
        "- " * 100_000,
        "| a " * 50_000,
        "Q1 " * 60_000,
        "@" * 100_000,
        "a—" * 100_000 + "@sam",
    ]
    started = time.monotonic()
    for line in nasty:
        with contextlib.suppress(InputError):
            parse_okrs(f"Objective 1: Grow\n- {line}\n", fmt="md")
        with contextlib.suppress(InputError):
            parse_okrs(f"{line}\n- Sign 12\n", fmt="text")
    assert time.monotonic() - started < 30  # a hang guard, not a benchmark
