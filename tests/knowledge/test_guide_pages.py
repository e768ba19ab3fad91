"""The method guide: enough pages, chunkable headings, and the topics the drafter and the coach rely on."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

Headings = Callable[[str], list[tuple[int, str]]]

# Each topic the guide must cover, with phrases that must appear somewhere in it (case-insensitive).
TOPICS = {
    "SMART key results": ["specific", "measurable", "achievable", "relevant", "time-bound"],
    "focus limits": ["3-5", "two or three key results"],
    "stretch attainment": ["70-80%"],
    "committed vs aspirational": ["committed", "aspirational"],
    "alignment types": [
        "vertical alignment",
        "horizontal alignment",
        "strategic alignment",
        "explicit alignment",
        "directional alignment",
    ],
    "ownership": ["one owner", "visible"],
    "cadence": ["weekly", "monthly", "quarterly review", "strategy changes"],
    "tailoring": ["new team", "established team", "capacity", "bottom-up"],
    "tick-box": ["tick-box"],
    "outcomes vs activities": ["outcome", "activity"],
    "baselines": ["baseline", "establish"],
}


def _pages(knowledge: Path) -> list[Path]:
    return sorted((knowledge / "guide").glob("*.md"))


def test_guide_has_eight_to_twelve_pages(knowledge: Path) -> None:
    assert 8 <= len(_pages(knowledge)) <= 12


def test_each_page_has_one_title_and_sections(knowledge: Path, headings_of: Headings) -> None:
    for page in _pages(knowledge):
        text = page.read_text(encoding="utf-8")
        headings = headings_of(text)
        assert text.startswith("# "), f"{page.name} must start with its title"
        assert [level for level, _ in headings].count(1) == 1, f"{page.name} needs exactly one H1"
        assert sum(1 for level, _ in headings if level == 2) >= 3, f"{page.name} needs at least 3 sections"
        titles = [title.lower() for _, title in headings]
        assert len(titles) == len(set(titles)), f"{page.name} repeats a heading"


def test_sections_are_short_enough_to_chunk_well(knowledge: Path) -> None:
    for page in _pages(knowledge):
        bodies = re.split(r"^#{1,6} .+$", page.read_text(encoding="utf-8"), flags=re.MULTILINE)
        for body in bodies:
            assert len(body.split()) <= 350, f"{page.name} has a section of {len(body.split())} words"


def test_titles_are_unique_across_pages(knowledge: Path, headings_of: Headings) -> None:
    titles = [headings_of(page.read_text(encoding="utf-8"))[0][1] for page in _pages(knowledge)]
    assert len(titles) == len(set(titles))


@pytest.mark.parametrize("topic", sorted(TOPICS))
def test_guide_covers_topic(topic: str, knowledge: Path) -> None:
    corpus = " ".join(page.read_text(encoding="utf-8") for page in _pages(knowledge)).lower()
    missing = [phrase for phrase in TOPICS[topic] if phrase.lower() not in corpus]
    assert not missing, f"guide does not cover {topic}: {missing}"


def test_every_page_gives_good_and_bad_examples(knowledge: Path) -> None:
    for page in _pages(knowledge):
        text = page.read_text(encoding="utf-8")
        assert re.search(r"^- (Bad|Weak)\b", text, re.MULTILINE), f"{page.name} has no bad example"
        assert re.search(r"^- (Good|Strong|Better)\b", text, re.MULTILINE), f"{page.name} has no good example"


def test_relative_links_resolve(knowledge: Path) -> None:
    for page in [*_pages(knowledge), *sorted((knowledge / "rules").glob("*.md"))]:
        for link in re.findall(r"\]\(([^)#:]+)\)", page.read_text(encoding="utf-8")):
            assert (page.parent / link).resolve().exists(), f"{page.name}: broken link {link}"
