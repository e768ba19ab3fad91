"""Every rule in the catalogue has a page in knowledge/rules/ with the agreed shape and real examples."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.review.catalogue import CATALOGUE, RULE_IDS, RuleInfo

SECTIONS = ["Why it matters", "What triggers it", "Bad", "Better", "Related"]
FAMILY_LABEL = {"set": "set", "objective": "objective", "kr": "key result"}


def _sections(text: str) -> dict[str, str]:
    parts = re.split(r"^## (.+)$", text, flags=re.MULTILINE)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts), 2)}


def _bullets(body: str) -> list[str]:
    """Top-level list items, each with its continuation lines joined."""
    items: list[str] = []
    for line in body.splitlines():
        if line.startswith("- "):
            items.append(line[2:].strip())
        elif line.startswith("  ") and items:
            items[-1] += " " + line.strip()
    return items


@pytest.fixture(params=CATALOGUE, ids=lambda rule: rule.id)
def rule(request: pytest.FixtureRequest) -> RuleInfo:
    param: RuleInfo = request.param
    return param


def test_page_starts_with_id_and_catalogue_title(rule: RuleInfo, knowledge: Path) -> None:
    page = knowledge / "rules" / f"{rule.id}.md"
    assert page.is_file(), f"missing {page}"
    first_line = page.read_text(encoding="utf-8").splitlines()[0]
    assert first_line == f"# {rule.id}: {rule.title}"


def test_page_states_the_default_severity_and_family(rule: RuleInfo, knowledge: Path) -> None:
    text = (knowledge / "rules" / f"{rule.id}.md").read_text(encoding="utf-8")
    assert f"**Severity:** {rule.severity.value} · **Family:** {FAMILY_LABEL[rule.family]}" in text


def test_page_has_the_sections_in_order(
    rule: RuleInfo, knowledge: Path, headings_of: Callable[[str], list[tuple[int, str]]]
) -> None:
    text = (knowledge / "rules" / f"{rule.id}.md").read_text(encoding="utf-8")
    second_level = [title for level, title in headings_of(text) if level == 2]
    assert second_level == SECTIONS
    for name, body in _sections(text).items():
        assert len(body.split()) >= 8, f"section {name!r} of {rule.id} is nearly empty"


def test_page_has_at_least_two_bad_examples_each_with_a_rewrite(rule: RuleInfo, knowledge: Path) -> None:
    sections = _sections((knowledge / "rules" / f"{rule.id}.md").read_text(encoding="utf-8"))
    bad, better = _bullets(sections["Bad"]), _bullets(sections["Better"])
    assert len(bad) >= 2
    assert len(better) >= len(bad)
    assert len(set(bad)) == len(bad) and len(set(better)) == len(better)
    assert not set(bad) & set(better), "a rewrite repeats a bad example"


def test_related_links_resolve(rule: RuleInfo, knowledge: Path) -> None:
    page = knowledge / "rules" / f"{rule.id}.md"
    related = _sections(page.read_text(encoding="utf-8"))["Related"]
    links = re.findall(r"\]\(([^)]+\.md)\)", related)
    assert links, f"{rule.id}: Related names no other page"
    for link in links:
        assert (page.parent / link).resolve().is_file(), f"{rule.id}: broken link {link}"
        if "/" not in link:
            assert link.removesuffix(".md") in RULE_IDS, f"{rule.id}: links to unknown rule {link}"


def test_no_page_without_a_rule(knowledge: Path) -> None:
    pages = {path.stem for path in (knowledge / "rules").glob("*.md")}
    assert pages == set(RULE_IDS)
