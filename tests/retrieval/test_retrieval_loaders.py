"""Loaders: each format gives sections under their headings; unusable files fail with a reason a person reads."""

from __future__ import annotations

from pathlib import Path

import pytest
from retrieval_documents import make_docx, make_encrypted_pdf, make_image_pdf, make_pdf

from assistant.errors import InputError, PayloadTooLarge, UnsupportedFormat
from assistant.retrieval.loaders import document_format, parse_document, parse_markdown, read_document


def _load(path: Path) -> list[tuple[tuple[str, ...], str]]:
    sections = parse_document(read_document(path, max_bytes=10_000_000), document_format(path))
    return [(s.headings, s.text) for s in sections]


def test_markdown_keeps_the_heading_path_and_ignores_headings_in_code() -> None:
    text = (
        "---\ntitle: front matter\n---\n"
        "# Strategy\n\nIntro with a [link](https://example.com) and **bold** words.\n\n"
        "## Markets\n\n### Europe\n\nEurope grows.\n\n```\n# not a heading\n```\n\n"
        "Setext title\n============\n\nUnder setext.\n\n## Risks ##\n\nChurn.\n"
    )
    sections = [(s.headings, s.text) for s in parse_markdown(text)]
    assert sections[0] == (("Strategy",), "Intro with a link and bold words.")
    assert sections[1][0] == ("Strategy", "Markets", "Europe")
    assert "# not a heading" in sections[1][1]
    assert sections[2] == (("Setext title",), "Under setext.")
    assert sections[3] == (("Setext title", "Risks"), "Churn.")


def test_plain_text_is_one_section(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes("Caf\u00e9 notes.\r\nSecond line.".encode("utf-8-sig"))
    assert _load(path) == [((), "Caf\u00e9 notes.\nSecond line.")]


def test_html_keeps_headings_and_drops_scripts_and_navigation(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>T</title><style>p{}</style><script>var x = 'secret';</script></head><body>"
        "<nav>Home | About</nav><h1>Plan</h1><p>Intro &amp; context.</p><h2>Goals</h2>"
        "<ul><li>Grow revenue</li><li>Cut churn</li></ul><h3>Detail</h3><p>More<br>lines</p></body></html>",
        encoding="utf-8",
    )
    sections = _load(path)
    assert sections[0] == (("Plan",), "Intro & context.")
    assert sections[1] == (("Plan", "Goals"), "- Grow revenue\n- Cut churn")
    assert sections[2] == (("Plan", "Goals", "Detail"), "More\nlines")
    assert all("secret" not in text and "Home" not in text for _, text in sections)


def test_docx_keeps_title_and_headings(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "plan.docx", "Pricing plan", [("Discounts", ["Up to 15% without approval."])])
    sections = _load(path)
    assert sections[0][0] == ("Pricing plan", "Discounts")
    assert "Up to 15% without approval." in sections[0][1]
    assert "Europe | 11 million" in sections[0][1]


def test_pdf_text_layer_with_headings_from_font_sizes(tmp_path: Path) -> None:
    path = make_pdf(
        tmp_path / "board.pdf",
        [("Headline numbers", "ARR grew to 48 million dollars."), ("Risks", "Frankfurt delivery may slip.")],
        title="Board update",
    )
    assert _load(path) == [
        (("Board update", "Headline numbers"), "ARR grew to 48 million dollars."),
        (("Board update", "Risks"), "Frankfurt delivery may slip."),
    ]


def test_a_pdf_with_an_owner_password_only_is_still_read(tmp_path: Path) -> None:
    source = make_pdf(tmp_path / "open.pdf", [("Goals", "Grow revenue.")])
    path = make_encrypted_pdf(tmp_path / "owner-only.pdf", source, password="")
    assert _load(path) == [(("Goals",), "Grow revenue.")]


@pytest.mark.parametrize(
    ("name", "build", "reason"),
    [
        ("locked.pdf", "encrypted", "encrypted PDF"),
        ("scan.pdf", "image", "no text layer"),
        ("broken.pdf", "garbage", "unreadable PDF"),
        ("broken.docx", "garbage", "not a readable DOCX"),
        ("empty.md", "empty", "empty document"),
        ("blank.txt", "blank", "empty document"),
        ("binary.txt", "binary", "not a text file"),
        ("only-headings.md", "headings", "empty document"),
    ],
)
def test_unusable_documents_fail_with_a_reason(tmp_path: Path, name: str, build: str, reason: str) -> None:
    path = tmp_path / name
    if build == "encrypted":
        make_encrypted_pdf(path, make_pdf(tmp_path / "src.pdf", [("Goals", "Grow.")]))
    elif build == "image":
        make_image_pdf(path)
    elif build == "garbage":
        path.write_bytes(b"%PDF-1.4\nthis is not really a document\x00\x01")
    elif build == "empty":
        path.write_bytes(b"")
    elif build == "blank":
        path.write_text("   \n\n  \t\n", encoding="utf-8")
    elif build == "binary":
        path.write_bytes(b"\x00\x01\x02binary\x00")
    elif build == "headings":
        path.write_text("# Title\n\n## Section\n", encoding="utf-8")
    with pytest.raises(InputError, match=reason):
        _load(path)


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.md"
    with path.open("wb") as handle:
        handle.truncate(50_000_000)
    with pytest.raises(PayloadTooLarge, match=r"50\.0 MB, over the 25\.0 MB limit"):
        read_document(path, max_bytes=25_000_000)


def test_a_missing_file_has_a_reason(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="disappeared"):
        read_document(tmp_path / "gone.md", max_bytes=1000)


@pytest.mark.parametrize(
    ("name", "hint"), [("logo.png", ".png"), ("okrs.yaml", "okr parents import"), ("Makefile", "no extension")]
)
def test_unsupported_extensions_are_named(name: str, hint: str) -> None:
    with pytest.raises(UnsupportedFormat, match=hint):
        document_format(Path(name))
