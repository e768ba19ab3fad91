"""Chunking: heading paths kept, 256 tokens at most (real tokenizer), overlap on long sections, stable ids."""

from __future__ import annotations

import itertools

import pytest

from assistant.retrieval.chunking import Section, chunk_sections
from assistant.retrieval.embeddings import get_embedder


def _long_section(sentences: int) -> str:
    return " ".join(
        f"Sentence {n} explains how the enterprise segment grew while churn in Europe stayed high." for n in range(sentences)
    )


def test_short_sections_become_one_chunk_each_with_their_heading_path() -> None:
    chunks = chunk_sections(
        "doc",
        [
            Section(("Strategy 2027", "Markets"), "We sell to field service firms."),
            Section(("Strategy 2027", "Markets", "Europe"), "Europe grows fastest."),
        ],
    )
    assert [c.heading for c in chunks] == ["Strategy 2027 > Markets", "Strategy 2027 > Markets > Europe"]
    assert chunks[1].text == "Europe grows fastest."
    assert chunks[1].embed_text == "Strategy 2027 > Markets > Europe\nEurope grows fastest."
    assert [c.index for c in chunks] == [0, 1]


@pytest.mark.parametrize(
    "text",
    [
        _long_section(80),
        "\n\n".join(_long_section(3) for _ in range(40)),
        "\n".join(f"- item {n}: " + "word " * 30 for n in range(30)),
        "supercalifragilistic" * 2000,  # one endless "word"
        " ".join(f"token{n}x" for n in range(3000)),  # no sentence ends at all
    ],
    ids=["one-paragraph", "many-paragraphs", "list", "endless-word", "no-punctuation"],
)
def test_every_chunk_fits_256_tokens_counted_by_the_real_tokenizer(text: str) -> None:
    heading = ("A rather long document title", "A section", "A subsection with a name")
    chunks = chunk_sections("doc", [Section(heading, text)])
    assert len(chunks) > 1
    embedder = get_embedder()
    for chunk in chunks:
        tokens = embedder.count_tokens(chunk.embed_text)
        assert tokens <= 256, (tokens, chunk.text[:80])
        assert chunk.tokens == tokens
        assert chunk.heading == " > ".join(heading)


def test_nothing_is_lost_between_chunks_of_a_long_section() -> None:
    text = _long_section(60)
    chunks = chunk_sections("doc", [Section(("H",), text)])
    joined = " ".join(c.text for c in chunks)
    for n in range(60):
        assert f"Sentence {n} explains" in joined


def test_consecutive_chunks_of_a_long_section_overlap() -> None:
    chunks = chunk_sections("doc", [Section(("H",), _long_section(60))])
    assert len(chunks) >= 3
    for before, after in itertools.pairwise(chunks):
        first_sentence = after.text.split(".")[0]
        assert first_sentence in before.text, "the next chunk should repeat the tail of the one before"


def test_ids_are_derived_from_document_and_content() -> None:
    sections = [Section(("A",), "Alpha text."), Section(("B",), "Beta text.")]
    first = chunk_sections("doc-1", sections)
    again = chunk_sections("doc-1", sections)
    other_doc = chunk_sections("doc-2", sections)
    changed = chunk_sections("doc-1", [Section(("A",), "Alpha text."), Section(("B",), "Beta, revised.")])
    assert [c.id for c in first] == [c.id for c in again]
    assert all(c.id.startswith("doc-1#") for c in first)
    assert {c.id for c in first}.isdisjoint(c.id for c in other_doc)
    assert first[0].id == changed[0].id
    assert first[1].id != changed[1].id


def test_repeated_passages_get_distinct_ids() -> None:
    chunks = chunk_sections("doc", [Section(("A",), "Same text."), Section(("A",), "Same text.")])
    assert len({c.id for c in chunks}) == 2


def test_empty_sections_are_dropped() -> None:
    assert chunk_sections("doc", [Section(("A",), "  \n "), Section((), "")]) == []


def test_a_chunk_stays_readable_when_words_are_endless() -> None:
    chunks = chunk_sections("doc", [Section((), "supercalifragilistic" * 2000)])
    assert len(chunks) > 1
    assert all(len(c.text) <= 2100 for c in chunks)
