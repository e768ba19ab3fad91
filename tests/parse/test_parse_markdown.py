"""Markdown and plain text: labels, annotations, periods, and errors that name the line."""

from __future__ import annotations

import pytest

from assistant.errors import ParseError, PayloadTooLarge, UnsupportedFormat
from assistant.okr import AlignmentType, ParentKind
from assistant.parse import detect_format, parse_okrs
from assistant.parsing.periods import normalise_period


def _one(text: str) -> tuple[str, list[str], str | None]:
    okr_set = parse_okrs(text)
    assert len(okr_set.objectives) == 1, okr_set
    objective = okr_set.objectives[0]
    return objective.title, [kr.text for kr in objective.key_results], objective.id


@pytest.mark.parametrize(
    ("heading", "title", "identifier"),
    [
        ("Objective 1: Grow revenue", "Grow revenue", None),
        ("Objective: Grow revenue", "Grow revenue", None),
        ("Objective 1 - Grow revenue", "Grow revenue", None),
        ("Objective 1. Grow revenue", "Grow revenue", None),
        ("Objective #1: Grow revenue", "Grow revenue", None),
        ("OBJECTIVE 1 — GROW REVENUE", "GROW REVENUE", None),
        ("Obj. 1: Grow revenue", "Grow revenue", None),
        ("Objective CO-1: Grow revenue", "Grow revenue", "CO-1"),
        ("O1: Grow revenue", "Grow revenue", "O1"),
        ("O1 - Grow revenue", "Grow revenue", "O1"),
        ("O1. Grow revenue", "Grow revenue", "O1"),
        ("O1) Grow revenue", "Grow revenue", "O1"),
        ("OKR 1: Grow revenue", "Grow revenue", None),
        ("Goal 1: Grow revenue", "Grow revenue", None),
        ("## Objective: Grow revenue", "Grow revenue", None),
        ("### O2. Grow revenue", "Grow revenue", "O2"),
        ("**Objective 3**: Grow revenue", "Grow revenue", None),
        ("**Objective 3:** Grow revenue", "Grow revenue", None),
        ("__O1__ – Grow revenue", "Grow revenue", "O1"),
        ("1. Objective: Grow revenue", "Grow revenue", None),
        ("- Objective 1: Grow revenue", "Grow revenue", None),
        ("🎯 Objective 1: Grow revenue 🚀", "Grow revenue", None),
        ("[PAY-7] Objective: Grow revenue", "Grow revenue", "PAY-7"),
        ("## [PAY-7] Grow revenue", "Grow revenue", "PAY-7"),
    ],
)
def test_objective_labels(heading: str, title: str, identifier: str | None) -> None:
    text = f"{heading}\n- KR1: Sign 12 customers\n- KR2: Raise NRR from 104% to 110%\n"
    assert _one(text) == (title, ["Sign 12 customers", "Raise NRR from 104% to 110%"], identifier)


@pytest.mark.parametrize(
    ("line", "text", "identifier"),
    [
        ("- KR1: Sign 12 customers", "Sign 12 customers", "KR1"),
        ("- KR 1: Sign 12 customers", "Sign 12 customers", "KR1"),
        ("KR 1.2 Sign 12 customers", "Sign 12 customers", "KR1.2"),
        ("KR1.1) Sign 12 customers", "Sign 12 customers", "KR1.1"),
        ("KR-3: Sign 12 customers", "Sign 12 customers", "KR-3"),
        ("Key result 2 - Sign 12 customers", "Sign 12 customers", "KR2"),
        ("Key Result: Sign 12 customers", "Sign 12 customers", None),
        ("1. Sign 12 customers", "Sign 12 customers", None),
        ("1) Sign 12 customers", "Sign 12 customers", None),
        ("1.2 Sign 12 customers", "Sign 12 customers", None),
        ("a) Sign 12 customers", "Sign 12 customers", None),
        ("(b) Sign 12 customers", "Sign 12 customers", None),
        ("* Sign 12 customers", "Sign 12 customers", None),
        ("+ Sign 12 customers", "Sign 12 customers", None),
        ("• Sign 12 customers", "Sign 12 customers", None),
        ("◦ Sign 12 customers", "Sign 12 customers", None),
        ("– Sign 12 customers", "Sign 12 customers", None),
        ("- [ ] Sign 12 customers", "Sign 12 customers", None),
        ("- [x] ✅ Sign 12 customers", "Sign 12 customers", None),
        ("- **KR1** — Sign *12* customers", "Sign 12 customers", "KR1"),
        ("- Sign [12 customers](https://crm.example.com/q)", "Sign 12 customers", None),
        ("> - Sign 12 customers", "Sign 12 customers", None),
    ],
)
def test_key_result_lines(line: str, text: str, identifier: str | None) -> None:
    okr_set = parse_okrs(f"Objective 1: Grow revenue\n{line}\n")
    kr = okr_set.objectives[0].key_results[0]
    assert (kr.text, kr.id, kr.line) == (text, identifier, 2)


@pytest.mark.parametrize(
    ("suffix", "owner"),
    [
        (" (owner: Priya)", "Priya"),
        (" (Owner - Priya Shah)", "Priya Shah"),
        (" [Owner: Ana]", "Ana"),
        (" [DRI: Bo]", "Bo"),
        (" — @sam", "sam"),
        (" - @sam.lee", "sam.lee"),
        (" (@sam)", "sam"),
        (" — Owner: Priya", "Priya"),
        (" | Owner: Ana", "Ana"),
        ("", None),
    ],
)
def test_trailing_owner_annotations(suffix: str, owner: str | None) -> None:
    okr_set = parse_okrs(f"Objective: Grow revenue{suffix}\n- Sign 12 customers{suffix}\n")
    objective = okr_set.objectives[0]
    assert (objective.title, objective.owner) == ("Grow revenue", owner)
    assert (objective.key_results[0].text, objective.key_results[0].owner) == ("Sign 12 customers", owner)


def test_owner_lines_attach_to_what_they_follow() -> None:
    okr_set = parse_okrs(
        "Objective: Grow revenue\n"
        "Owner: Priya\n"
        "- Sign 12 customers\n"
        "  - Owner: Sam\n"
        "- Raise NRR from 104% to 110%\n"
        "  Owner: Lee\n"
        "- Win 3 lighthouse logos\n"
    )
    objective = okr_set.objectives[0]
    assert objective.owner == "Priya"
    assert [kr.owner for kr in objective.key_results] == ["Sam", "Lee", None]


@pytest.mark.parametrize(
    ("annotation", "parent", "kind", "alignment_type"),
    [
        ("Aligns to: CO-2", "CO-2", ParentKind.OBJECTIVE, AlignmentType.DIRECTIONAL),
        ("Aligned to CO-2", "CO-2", ParentKind.OBJECTIVE, AlignmentType.DIRECTIONAL),
        ("Parent: C1", "C1", ParentKind.OBJECTIVE, AlignmentType.DIRECTIONAL),
        ("Supports: CO-1 — Grow revenue", "CO-1", ParentKind.OBJECTIVE, AlignmentType.DIRECTIONAL),
        ("Contributes to: CO-2.KR1 (key result)", "CO-2.KR1", ParentKind.KEY_RESULT, AlignmentType.DIRECTIONAL),
        ("Parent: KR CO-1.2 (explicit)", "CO-1.2", ParentKind.KEY_RESULT, AlignmentType.EXPLICIT),
        ("Company objective: Win the mid-market", "Win the mid-market", ParentKind.OBJECTIVE,
         AlignmentType.DIRECTIONAL),
    ],
)
def test_alignment_lines(annotation: str, parent: str, kind: ParentKind, alignment_type: AlignmentType) -> None:
    okr_set = parse_okrs(f"## Objective 1: Grow revenue\n{annotation}\n- Sign 12 customers\n")
    alignment = okr_set.objectives[0].aligns_to
    assert alignment is not None
    assert (alignment.id, alignment.kind, alignment.type) == (parent, kind, alignment_type)


@pytest.mark.parametrize(
    ("title", "team", "period"),
    [
        ("# Payments team OKRs — 2027-Q1", "Payments", "2027-Q1"),
        ("# OKRs for the Platform Engineering team, Q1 2027", "Platform Engineering", "2027-Q1"),
        ("# Growth – Q2 '27 OKRs", "Growth", "2027-Q2"),
        ("# Data OKRs FY27 Q2", "Data", "FY2027-Q2"),
        ("# Data OKRs — H1 2027", "Data", "2027-H1"),
        ("Billing OKRs (Jan–Mar 2027)", "Billing", "2027-Q1"),
        ("# OKRs", None, None),
    ],
)
def test_team_and_period_from_the_title(title: str, team: str | None, period: str | None) -> None:
    okr_set = parse_okrs(f"{title}\n\nObjective 1: Grow revenue\n- Sign 12 customers\n")
    assert (okr_set.team, okr_set.period) == (team, period)


def test_team_and_period_lines_win_over_the_title() -> None:
    okr_set = parse_okrs("# Sales OKRs Q1 2027\nTeam: EMEA Sales\nPeriod: 2027-Q2\n\nO1: Grow\n- Sign 12\n")
    assert (okr_set.team, okr_set.period) == ("EMEA Sales", "2027-Q2")
    okr_set = parse_okrs("Team: EMEA Sales\nPeriod: 2027 Q2\n# Sales OKRs Q1 2027\n\nO1: Grow\n- Sign 12\n")
    assert (okr_set.team, okr_set.period) == ("EMEA Sales", "2027-Q2")


def test_front_matter_is_the_only_source_when_present() -> None:
    okr_set = parse_okrs("---\nteam: Core\nlevel: company\n---\n# Other OKRs Q3 2026\n\nO1: Grow\n- Sign 12\n")
    assert (okr_set.team, okr_set.period, okr_set.level.value) == ("Core", None, "company")


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("2027-Q1", "2027-Q1"), ("2027 Q1", "2027-Q1"), ("Q1 2027", "2027-Q1"), ("q1-2027", "2027-Q1"),
        ("Q1/2027", "2027-Q1"), ("Q1'27", "2027-Q1"), ("Q1 '27", "2027-Q1"), ("Q3-26", "2026-Q3"),
        ("FY27 Q2", "FY2027-Q2"), ("Q2 FY2027", "FY2027-Q2"), ("FY27", "FY2027"), ("H1 2027", "2027-H1"),
        ("2027 H2", "2027-H2"), ("first quarter of 2027", "2027-Q1"), ("Quarter 3, 2026", "2026-Q3"),
        ("Apr-Jun 2027", "2027-Q2"), ("2027-07-01 to 2027-09-30", "2027-Q3"), ("Q4", "Q4"), ("2027", "2027"),
        ("Q1 2027 OKRs", "2027-Q1"), ("Spring 2027", "Spring 2027"), ("Sprint 42", "Sprint 42"),
        ("2027-01-01 to 2027-02-15", "2027-01-01 to 2027-02-15"), ("Jan-Feb 2027", "Jan-Feb 2027"),
    ],
)
def test_period_normalisation(written: str, normal: str) -> None:
    assert normalise_period(written) == normal


def test_sections_that_are_not_key_results_are_skipped() -> None:
    okr_set = parse_okrs(
        "## Objective 1: Grow revenue\n"
        "Key results:\n- Sign 12 customers\n- Raise NRR from 104% to 110%\n"
        "Initiatives:\n- Partner programme\n- New pricing page\n"
        "## Objective 2: Keep customers\n"
        "- Cut churn from 3% to 2%\n"
        "  - Initiative: health scores\n"
        "### Risks\n- Pricing change slips\n"
        "## Appendix\n- Glossary\n"
    )
    assert [len(o.key_results) for o in okr_set.objectives] == [2, 1]


def test_a_forgotten_label_does_not_lose_an_objective() -> None:
    okr_set = parse_okrs(
        "# Sales OKRs Q1 2027\n"
        "## Objective 1: Win the mid-market\n- Sign 25 logos\n"
        "## Keep every renewal\n- Raise gross retention from 88% to 93%\n"
        "## Risks\n- Hiring 3 AEs slips\n"
        "## Team notes\n- Weekly pipeline review on Mondays\n"
    )
    assert [o.title for o in okr_set.objectives] == ["Win the mid-market", "Keep every renewal"]


def test_code_blocks_and_comments_hold_no_okrs() -> None:
    okr_set = parse_okrs(
        "Objective: Grow revenue\n<!-- - Draft KR we dropped -->\n- Sign 12 customers\n"
        "```\n- not a key result\nObjective 9: not an objective\n```\n<!--\n- hidden\n-->\n- Win 3 logos\n"
    )
    assert [kr.text for kr in okr_set.objectives[0].key_results] == ["Sign 12 customers", "Win 3 logos"]
    assert okr_set.objectives[0].key_results[1].line == 11


def test_a_whole_file_pasted_in_a_code_block() -> None:
    okr_set = parse_okrs("```yaml\nobjectives:\n  - title: Grow\n    key_results: [a, b]\n```\n")
    assert okr_set.objectives[0].title == "Grow"
    assert okr_set.objectives[0].line == 3


def test_windows_line_endings_keep_line_numbers() -> None:
    okr_set = parse_okrs("Team: X\r\n\r\nObjective 1: Grow\r\n- Sign 12\r\n")
    assert (okr_set.objectives[0].line, okr_set.objectives[0].key_results[0].line) == (3, 4)


def test_objective_title_on_the_next_line() -> None:
    okr_set = parse_okrs("## Objective 1\nGrow revenue\n- Sign 12 customers\n")
    assert okr_set.objectives[0].title == "Grow revenue"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("Team: Sales\n\n- KR1: Sign 12 customers\nObjective 1: Grow\n", 3, "before any objective"),
        ("# Q1 2027 OKRs\n\n- Sign 12 customers\n- Win 3 logos\n", 3, "before any objective"),
        ("Just some notes about the quarter.\nNothing here is an objective.", 1, "no objectives found"),
        ("\n\n# Notes\n\nWe should talk.\n", 3, "no objectives found"),
        ("Objective 1:\n- Sign 12 customers\n", 1, "no objective after it"),
        ("Objective 1: Grow\n- KR2:\n", 2, "no key result after it"),
        ("| Key result | Owner |\n|---|---|\n| Sign 12 customers | Jo |\n", 3, "before any objective"),
    ],
)
def test_errors_name_the_line(text: str, line: int, words: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_okrs(text, source="okrs.md")
    assert caught.value.line == line, caught.value.message
    assert words in caught.value.message
    assert caught.value.message.startswith(f"okrs.md, line {line}: ")


def test_empty_text_is_an_error() -> None:
    with pytest.raises(ParseError, match="empty"):
        parse_okrs(" \n\t\n")


def test_too_many_objectives_in_markdown() -> None:
    text = "".join(f"Objective {index}: Goal number {index}\n- KR: Reach {index}\n" for index in range(1, 2_001))
    with pytest.raises(PayloadTooLarge, match="line 1001"):
        parse_okrs(text)


def test_unknown_format_is_refused() -> None:
    with pytest.raises(UnsupportedFormat, match="unknown OKR format 'xml'"):
        parse_okrs("Objective: x\n- y\n", fmt="xml")


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ('{"objectives": []}', "json"),
        ('  [{"title": "a"}]', "json"),
        ("team: X\nobjectives:\n  - title: a\n", "yaml"),
        ("# comment\nobjectives:\n\n  - title: a\n", "yaml"),
        ("objectives: [{title: a}]\n", "yaml"),
        ("- title: Grow\n  key_results: [a]\n", "yaml"),
        ("## Objective 1: Grow\n- Sign 12\n", "md"),
        ("[DRAFT] Objective 1: Grow\n- Sign 12\n", "md"),
        ("Objectives:\nGrow revenue\n", "text"),
        ("Objective 1: Grow\nKR1: Sign 12\n", "text"),
    ],
)
def test_format_detection(text: str, fmt: str) -> None:
    assert detect_format(text) == fmt


def test_yaml_with_capitalised_keys_is_still_read() -> None:
    okr_set = parse_okrs("Team: Core\nObjectives:\n  - Title: Grow\n    Key results:\n      - Sign 12\n")
    assert (okr_set.team, okr_set.objectives[0].title) == ("Core", "Grow")
