"""Every layout in fixtures/ reads into the structure a person sees in it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from assistant.okr import KeyResult, Objective, OKRSet
from assistant.parse import load_okrs

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@dataclass(frozen=True)
class Expect:
    team: str | None
    period: str | None
    objectives: list[tuple[str, int]]  # (title, number of key results)
    level: str = "team"
    owners: dict[str, str] = field(default_factory=dict)  # "0" = objective 0, "0.1" = its key result 1
    aligns: dict[int, tuple[str, str, str]] = field(default_factory=dict)  # objective -> (id, kind, type)
    ids: dict[str, str] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # key result text, exactly
    lines: dict[str, int] = field(default_factory=dict)
    values: dict[str, dict[str, object]] = field(default_factory=dict)  # given fields of a key result


def _item(okr_set: OKRSet, path: str) -> Objective | KeyResult:
    parts = [int(part) for part in path.split(".")]
    objective = okr_set.objectives[parts[0]]
    return objective if len(parts) == 1 else objective.key_results[parts[1]]


EXPECTED: dict[str, Expect] = {
    "md-front-matter-headings.md": Expect(
        "Payments", "2027-Q1",
        [("Make checkout effortless", 3), ("Grow enterprise revenue", 2)],
        owners={"0": "Priya Shah", "0.0": "sam", "0.1": "Ana Ruiz", "1.0": "Lee"},
        aligns={0: ("CO-2", "objective", "directional"), 1: ("C1", "objective", "directional")},
        ids={"0.0": "KR1.1", "0.2": "KR1.3"},
        texts={"0.0": "Raise checkout conversion from 2.1% to 3.0%",
               "1.1": "Increase net revenue retention from 104% to 110%"},
        lines={"0": 8, "0.0": 12, "1": 18, "1.1": 22},
        values={"0.1": {"target": 60.0, "unit": "s"}},
    ),
    "md-h3-o-dot.md": Expect(
        "Data Platform", "2027-H1",
        [("Make data trustworthy for every team", 3), ("Make self-serve analytics the default", 2),
         ("Run the platform for less", 2)],
        ids={"0": "O1", "2": "O3"},
        lines={"0": 6, "1.1": 13},
    ),
    "gdocs-bold-objectives.md": Expect(
        "Growth", "2026-Q3",
        [("Turn trial users into happy paying customers", 3), ("Make referrals a real acquisition channel", 2),
         ("Learn faster from experiments", 2)],
        texts={"2.0": "Run 24 A/B tests with a pre-registered hypothesis"},
    ),
    "text-objective-kr-labels.txt": Expect(
        "Customer Support", "2027-Q2",
        [("Resolve customer problems on first contact", 3), ("Make self-service the fastest way to get help", 2)],
        ids={"0.2": "KR3", "1.0": "KR1"},
        texts={"0.1": "Reduce average handle time from 11 min to 8 min"},
    ),
    "text-o1-dash.txt": Expect(
        "Infrastructure", "2027-Q1",
        [("Keep production boringly reliable", 3), ("Ship infrastructure changes safely and often", 2)],
        ids={"0": "O1", "0.1": "KR1.2", "1.1": "KR2.2"},
        texts={"0.0": "Raise availability of the public API from 99.82% to 99.95%"},
    ),
    "slides-all-caps.txt": Expect(
        "SALES EMEA", "FY2027-Q2",
        [("WIN THE MID-MARKET IN DACH", 3), ("MAKE EVERY RENEWAL A NON-EVENT", 2)],
        texts={"0.1": "GROW DACH PIPELINE FROM €4M TO €7M"},
    ),
    "slides-bullets-lost.txt": Expect(
        "Customer Support", "FY2027-Q2",
        [("Delight customers at every touchpoint", 3), ("Build a support team people want to join", 2),
         ("Scale support without scaling headcount", 2)],
        texts={"0.1": "Increase NPS from 31 to 45"},
        lines={"1": 8, "1.1": 10},
    ),
    "md-implicit-headings.md": Expect(
        "Mobile", "2026-Q3",
        [("Ship an app people love to open", 3), ("Make releases routine", 2)],
    ),
    "md-nested-list.md": Expect(
        "Platform Engineering", "2027-Q2",
        [("Give product teams a paved road to production", 3), ("Make the cloud bill predictable", 2)],
        texts={"1.0": "Keep monthly spend within 5% of forecast"},
    ),
    "text-nested-dash.txt": Expect(
        "People Ops", "2026-H2",
        [("Hire well and fast", 2), ("Make onboarding great", 2), ("Grow our managers", 2)],
    ),
    "md-table.md": Expect(
        "Marketing", "2027-Q1",
        [("Become the go-to voice on payments compliance", 3), ("Fill the pipeline with qualified demand", 2)],
        owners={"0.0": "Jo", "0.1": "Rafael", "0.2": "Jo", "1.0": "Mei", "1.1": "Mei"},
        lines={"0": 5, "0.2": 7, "1.0": 8},
    ),
    "confluence-table.txt": Expect(
        "Finance", "2026-Q4",
        [("Close the books faster", 2), ("Give leaders numbers they trust", 2)],
        owners={"0.0": "Hannah", "0.1": "Hannah", "1.0": "Omar", "1.1": "Omar"},
        texts={"0.1": "Automate 80% of bank reconciliations"},
    ),
    "jira-export.txt": Expect(
        None, None,
        [("Make security a reason customers choose us", 3), ("Make access reviews painless", 2)],
        owners={"0": "Nadia Haddad", "0.0": "Tom Berg", "0.1": "Nadia Haddad", "0.2": "Ivy Chen", "1": "Tom Berg",
                "1.0": "Tom Berg", "1.1": "Ivy Chen"},
        aligns={0: ("CO-4", "objective", "directional"), 1: ("CO-4", "objective", "directional")},
        ids={"0": "SEC-1", "0.0": "SEC-2", "1": "SEC-5", "1.1": "SEC-7"},
    ),
    "spreadsheet-paste.txt": Expect(
        None, None,
        [("Reduce churn in SMB", 3), ("Expand into healthcare", 2)],
        owners={"0.0": "Aisha", "0.1": "Aisha", "0.2": "Ben", "1.0": "Carla", "1.1": "Carla"},
        values={"0.0": {"baseline": 3.1, "target": 2.0, "unit": "%"},
                "1.1": {"baseline": 300_000.0, "target": 1_500_000.0, "unit": "USD"}},
    ),
    "md-kr-table-under-heading.md": Expect(
        "Design Systems", "2026-Q3",
        [("Make the design system the fastest way to build UI", 3), ("Make contributing easy", 2)],
        owners={"0.0": "Lina", "0.1": "Omar", "0.2": "Lina", "1.0": "Sven", "1.1": "Sven"},
        values={"0.0": {"target": 85.0, "unit": "%"}},
        ids={},
    ),
    "md-checklist-emoji.md": Expect(
        "Onboarding", "2026-Q4",
        [("New customers reach value in their first week", 3), ("Nobody needs a human to get started", 2)],
        texts={"0.1": "Cut setup steps from 14 to 6"},
    ),
    "text-goal-label.txt": Expect(
        "Legal & Compliance", "2027-H1",
        [("Make contracting fast and predictable", 2), ("Stay ahead of regulation", 2)],
        owners={"0": "Dana Whitfield", "1": "Felix Braun"},
    ),
    "md-sections-initiatives.md": Expect(
        "Developer Experience", "2027-Q2",
        [("Make local development fast", 2), ("Make CI something people trust", 2)],
    ),
    "text-okr-numbered-labels.txt": Expect(
        "Product Analytics", "2027-Q1",
        [("Make product decisions data-informed", 2), ("Trust the numbers", 3)],
        ids={"0.0": "KR1.1", "1.2": "KR2.3"},
    ),
    "md-setext.md": Expect(
        "Billing", "2027-Q1",
        [("Bill every customer correctly, every time", 2), ("Make pricing changes cheap to ship", 2)],
    ),
    "email-quoted.txt": Expect(
        None, "2026-Q4",
        [("Shorten the technical sales cycle", 2), ("Scale the team's knowledge", 2)],
        ids={"0": "O1", "1": "O2"},
    ),
    "md-title-next-line.md": Expect(
        "Community", "2027-Q2",
        [("Make first-time contributors feel welcome", 2), ("Grow a healthy meetup network", 2)],
        lines={"0": 3, "0.0": 7},
    ),
    "text-parent-annotations.txt": Expect(
        "Logistics", "2026-Q3",
        [("Deliver faster than anyone in the region", 2), ("Make returns painless", 2),
         ("Cut the cost of every parcel", 2)],
        level="department",
        aligns={0: ("CO-1", "objective", "directional"), 1: ("CO-3.KR2", "objective", "directional"),
                2: ("CO-2.KR1", "key_result", "explicit")},
    ),
    "notion-export.md": Expect(
        "Growth", "2026-H2",
        [("Make our free plan the best way to discover the product", 2), ("Turn content into a growth engine", 2)],
    ),
    "md-company-level.md": Expect(
        "Northwind", "2027",
        [("Become the default payments partner for mid-market retail", 3),
         ("Give every merchant a checkout their customers love", 2), ("Run a company people are proud to work at", 2)],
        level="company",
        ids={"0": "CO-1", "2": "CO-3"},
    ),
    "text-wrapped-lines.txt": Expect(
        "Research Operations", "2027-Q1",
        [("Make research easy to find and reuse", 3), ("Run research at the pace of product", 2)],
        texts={"0.1": "Cut time to recruit five participants from 12 days to 4 days, using the new panel"},
        lines={"0.1": 6},
    ),
    "md-mixed-markers.md": Expect(
        "API", "2027-Q3",
        [("Make the API a joy to integrate", 3), ("Scale the platform for the next 10x", 2)],
        ids={"0.2": "KR3"},
        texts={"1.0": "Keep p99 latency under 250 ms at 5x today's peak traffic"},
    ),
    "slides-kr-label-alone.txt": Expect(
        "PARTNERSHIPS", "2027-Q1",
        [("Make partners our second-largest sales channel", 2), ("Make partner onboarding a one-week job", 2)],
        ids={"0.1": "KR2"},
        texts={"1.0": "Cut partner onboarding time from 6 weeks to 1 week"},
        lines={"0": 3, "0.0": 6},
    ),
    "md-rationale-prose.md": Expect(
        "Trust & Safety", "2027-Q2",
        [("Keep scams off the marketplace", 2), ("Treat sellers fairly when we get it wrong", 2)],
    ),
    "text-individual.txt": Expect(
        None, "2027-Q1",
        [("Become the go-to person for our billing domain", 2), ("Grow as a mentor", 2)],
        level="individual",
    ),
    "text-owner-variants.txt": Expect(
        "Revenue Operations", "2027-Q2",
        [("Make the forecast something sales leaders bet on", 4), ("Give reps their time back", 2)],
        owners={"0": "Grace Liu", "0.0": "grace", "0.1": "Malik", "0.2": "Bo Svensson", "0.3": "Ana",
                "1": "Malik", "1.0": "Ana"},
        texts={"0.3": "Publish the weekly forecast by Monday 10:00 for 12 weeks in a row"},
    ),
    "md-objectives-section.md": Expect(
        "Infrastructure Security", "2027-Q1",
        [("Close the gaps customers ask about", 2), ("Know what runs where", 2)],
    ),
    "text-kr-labels-no-objective-labels.txt": Expect(
        "Finance Systems", "2027-Q2",
        [("Automate the quote-to-cash flow", 2), ("Make finance data self-serve", 2)],
        ids={"1.1": "KR2"},
    ),
    "text-key-results-header.txt": Expect(
        "Customer Education", "2026-Q4",
        [("Help customers succeed without talking to us", 3), ("Make learning part of the product", 2)],
        texts={"0.2": 'Reduce "how do I" tickets by 25%'},
    ),
    "yaml-full.yaml": Expect(
        "Payments", "2027-Q1",
        [("Make checkout effortless", 2), ("Grow enterprise revenue", 2)],
        owners={"0": "Priya Shah", "0.0": "Sam Lee", "0.1": "Ana Ruiz"},
        aligns={0: ("CO-2.KR1", "key_result", "explicit"), 1: ("CO-1", "objective", "directional")},
        ids={"0": "PAY-O1", "0.0": "PAY-KR1"},
        lines={"0": 6, "0.0": 15, "1": 29, "1.0": 32},
        values={"0.0": {"baseline": 2.1, "target": 3.0, "unit": "%", "due": "2027-03-31", "direction": "increase",
                        "metric": "checkout conversion"},
                "1.1": {"baseline": 104.0, "target": 110.0, "unit": "%"}},
    ),
    "yaml-synonyms.yaml": Expect(
        "Customer Success", "2027-Q2",
        [("Make renewals predictable", 2), ("Make onboarding a strength", 2)],
        owners={"0": "Aisha Khan, Ben Ode", "0.1": "Ben Ode"},
        aligns={0: ("CO-3", "objective", "directional")},
    ),
    "yaml-list.yaml": Expect(
        None, None,
        [("Keep the site fast everywhere", 2), ("Make performance everyone's job", 2)],
        lines={"0": 1, "1": 5, "1.1": 8},
    ),
    "yaml-shorthand.yaml": Expect(
        "Mobile", "2027-H1",
        [("Ship an app people love to open", 2), ("Make releases routine", 2)],
        ids={"0": "O1", "0.1": "KR2"},
    ),
    "yaml-keyed.yaml": Expect(
        "Data Science", "FY2027-Q3",
        [("Make recommendations worth clicking", 2), ("Put models into production faster", 2)],
        ids={"0": "DS-1", "1": "DS-2", "1.0": "KR1"},
    ),
    "json-full.json": Expect(
        "Platform", "2027-Q2",
        [("Give product teams a paved road to production", 2), ("Make the cloud bill predictable", 2)],
        level="department",
        owners={"0": "Ines", "0.0": "Ines"},
        aligns={0: ("CO-2", "objective", "directional"), 1: ("CO-4", "objective", "directional")},
        lines={"0": 6, "0.0": 12, "1": 16},
        values={"0.0": {"baseline": 40.0, "target": 80.0, "unit": "%"}, "0.1": {"direction": "decrease"}},
    ),
    "json-draft-result.json": Expect(
        "Support", "2027-Q1",
        [("Resolve problems on first contact", 2)],
    ),
    "confluence-wiki-markup.txt": Expect(
        "Integrations", "2027-Q1",
        [("Make connecting a CRM a five-minute job", 2), ("Stop losing data between systems", 2)],
        texts={"1.1": "Cut sync-related support tickets from 95 to 30 a month"},
        lines={"1": 8, "1.0": 9},
    ),
    "tracker-status-paste.md": Expect(
        "Technician App", "2027-Q1",
        [("Give technicians an app that never loses their work", 3), ("Make the app the fastest way to close a job", 2)],
        texts={"0.0": "Raise crash-free sessions on Android from 98.6% to 99.5%",
               "0.1": "Reduce offline updates that end in a sync conflict from 2.3% to 1%",
               "0.2": "Cut median app start time on low-end devices from 4.1 s to 2 s",
               "1.0": "Cut taps needed to close a standard job from 14 to 6"},
    ),
    "md-okr-heading-objective-line.md": Expect(
        "EU Go-to-Market", "2027-Q1",
        [("Become a name European field-service firms recognise", 2), ("Make buying from us feel local", 2)],
        lines={"0": 3, "0.0": 6, "1.1": 13},
    ),
    "word-tab-indented.txt": Expect(
        "Support Operations", "2027-Q2",
        [("Answer Europe in its own morning", 2), ("Help customers help themselves", 2)],
        owners={"0.1": "Aoife Brennan"},
        ids={"0.0": "KR1.1", "1.1": "KR2.2"},
        lines={"1": 8, "1.1": 10},
    ),
}


def test_every_fixture_has_expectations(fixtures_dir: Path) -> None:
    on_disk = {path.name for path in fixtures_dir.iterdir()}
    assert on_disk == set(EXPECTED)
    prose = [name for name in on_disk if name.endswith((".md", ".txt"))]
    assert len(prose) >= 25


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_reads_as_written(name: str) -> None:
    expect = EXPECTED[name]
    okr_set = load_okrs(FIXTURES / name)

    assert okr_set.team == expect.team
    assert okr_set.period == expect.period
    assert okr_set.level.value == expect.level
    assert [(o.title, len(o.key_results)) for o in okr_set.objectives] == expect.objectives
    for path, owner in expect.owners.items():
        assert _item(okr_set, path).owner == owner, path
    for index, (parent, kind, kind_of_link) in expect.aligns.items():
        alignment = okr_set.objectives[index].aligns_to
        assert alignment is not None, index
        assert (alignment.id, alignment.kind.value, alignment.type.value) == (parent, kind, kind_of_link)
    for path, identifier in expect.ids.items():
        assert _item(okr_set, path).id == identifier, path
    for path, text in expect.texts.items():
        kr = _item(okr_set, path)
        assert isinstance(kr, KeyResult) and kr.text == text, path
    for path, line in expect.lines.items():
        assert _item(okr_set, path).line == line, path
    for path, values in expect.values.items():
        item = _item(okr_set, path)
        assert {name: getattr(item, name) for name in values} == values, path


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_owners_and_parents_are_not_invented(name: str) -> None:
    """Anything not listed in the expectations stays empty: the parser adds nothing that was not written."""
    expect = EXPECTED[name]
    okr_set = load_okrs(FIXTURES / name)
    for index, objective in enumerate(okr_set.objectives):
        if str(index) not in expect.owners:
            assert objective.owner is None, index
        if index not in expect.aligns:
            assert objective.aligns_to is None, index
        for kr_index, kr in enumerate(objective.key_results):
            if f"{index}.{kr_index}" not in expect.owners:
                assert kr.owner is None, (index, kr_index)
            assert kr.line is not None
        assert objective.line is not None


@pytest.mark.parametrize("name", sorted(name for name in EXPECTED if name.endswith((".md", ".txt"))))
def test_prose_key_results_keep_their_words(name: str) -> None:
    """Markers, labels and annotations are taken off; the key result's own words are not touched."""
    okr_set = load_okrs(FIXTURES / name)
    for objective in okr_set.objectives:
        for kr in objective.key_results:
            assert kr.text == kr.text.strip()
            assert not kr.text.startswith(("-", "*", "•", "KR", "[", "✅", "🔑"))
            assert "(owner" not in kr.text.lower() and "@" not in kr.text
