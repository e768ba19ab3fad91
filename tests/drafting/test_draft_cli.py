"""`okr draft`: the real command over a real (tmp) knowledge base, with the fake model scripted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from drafting_fakes import distinct_title, objective_json, objective_number

from assistant.cli import cli
from assistant.draft.render import render_draft
from assistant.llm import FakeBackend, Message
from assistant.okr import OKRSet

STRATEGY = """# Europe plan

## Conversion

European trial conversion was 11.2% in Q4 2026, against 18.4% in the US.
37% of lost European deals cite the lack of EU data hosting.

## Onboarding

The median customer needs 19 days to publish a first schedule.
"""

PARENTS = {
    "team": "Acme", "period": "2027-Q1", "level": "company",
    "objectives": [
        {"id": "CO-1", "title": "Win the European market", "key_results": [
            {"id": "CO-1.KR1", "text": "Raise European trial conversion from 11.2% to 14% by 2027-03-31"}]},
        {"id": "CO-2", "title": "Customers succeed quickly", "key_results": [
            {"id": "CO-2.KR1", "text": "Cut median onboarding from 19 days to 12 days by 2027-03-31"}]},
    ],
}


def _label(messages: list[Message], start: str) -> list[str]:
    import re

    prompt = messages[-1].content
    return [m.group(1) for m in re.finditer(r'<passage id="(S\d+)"[^>]*>\n([^<]*)', prompt) if start in m.group(2)]


def _reply(messages: list[Message]) -> str:
    prompt = messages[-1].content
    n = objective_number(messages)
    if "parent CO-2" in prompt:
        return objective_json(distinct_title(messages), [
            f"Cut median days to publish a first schedule from 19 to {13 - n} by 2027-03-31",
            f"Raise accounts publishing within 14 days to {69 + n}% by 2027-03-31",
        ], aligns="CO-2", sources=_label(messages, "19 days"))
    return objective_json(distinct_title(messages), [
        f"Raise European trial conversion from 11.2% to {13 + n}% by 2027-03-31",
        f"Cut lost European deals citing data hosting from 37% to {21 - n}% by 2027-03-31",
    ], aligns="CO-1", sources=_label(messages, "11.2%"))


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from assistant.config import settings_from_env
    from assistant.retrieval.store import open_store

    data = tmp_path_factory.mktemp("draft-kb")
    docs = tmp_path_factory.mktemp("draft-docs")
    (docs / "europe-plan.md").write_text(STRATEGY, encoding="utf-8")
    store = open_store(settings_from_env(data_dir=data))
    store.ingest([docs / "europe-plan.md"])
    store.import_parents(OKRSet.model_validate(PARENTS))
    return data


@pytest.fixture
def scripted(monkeypatch: pytest.MonkeyPatch) -> FakeBackend:
    backend = FakeBackend([_reply] * 6)
    monkeypatch.setattr("assistant.llm.build_backend", lambda settings, name=None: backend)
    return backend


def _invoke(*args: str) -> tuple[int, str, str]:
    runner = CliRunner()
    result = runner.invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_draft_json_follows_the_contract(kb, scripted):
    code, out, err = _invoke("draft", "--data-dir", str(kb), "--team", "EU Growth", "--mission",
                             "Help European firms adopt Acme quickly", "--focus", "European trial conversion",
                             "--parent", "CO-1", "--parent", "CO-2", "--period", "2027-Q1", "--format", "json",
                             "--backend", "fake")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) >= {"okr_set", "findings", "score", "citations", "trace"}
    assert set(data["okr_set"]) >= {"team", "period", "objectives"}
    objective = data["okr_set"]["objectives"][0]
    assert set(objective) >= {"title", "aligns_to", "key_results"}
    assert set(objective["aligns_to"]) == {"id", "kind", "type"}
    kr = objective["key_results"][0]
    assert set(kr) >= {"text", "numbers", "sources"}
    assert set(kr["numbers"][0]) == {"value", "role", "provenance", "chunk_id"}
    assert kr["numbers"][0] == {"value": 11.2, "role": "baseline", "provenance": "sourced",
                                "chunk_id": kr["sources"][0]}
    assert all(set(c) == {"chunk_id", "document", "text"} for c in data["citations"])
    assert {c["chunk_id"] for c in data["citations"]} >= set(kr["sources"])
    assert data["trace"]["backend"] == "fake" and data["trace"]["steps"]
    assert isinstance(data["score"], int) and 0 <= data["score"] <= 100
    # progress went to stderr, never into the JSON
    assert "Objective 1/3" in err and "Parent CO-1" in err
    assert f"    - {kr['text']}" in err  # each objective is shown whole as soon as it is drafted


def test_every_citation_resolves_to_an_ingested_chunk(kb, scripted):
    from assistant.config import settings_from_env
    from assistant.retrieval.store import open_store

    code, out, err = _invoke("draft", "--data-dir", str(kb), "--team", "EU Growth", "--mission",
                             "Help European firms adopt Acme quickly", "--parent", "CO-1", "--parent", "CO-2",
                             "--period", "2027-Q1", "--format", "json")
    assert code == 0, err
    ids = [c["chunk_id"] for c in json.loads(out)["citations"]]
    assert ids
    found = open_store(settings_from_env(data_dir=kb)).get_chunks(ids)
    assert [h.chunk_id for h in found] == ids


def test_draft_markdown_shows_provenance_citations_and_trace(kb, scripted):
    code, out, _ = _invoke("draft", "--data-dir", str(kb), "--team", "EU Growth", "--mission",
                           "Help European firms adopt Acme quickly", "--parent", "CO-1", "--parent", "CO-2",
                           "--period", "2027-Q1")
    assert code == 0
    assert out.startswith("# Draft OKRs: EU Growth (2027-Q1)")
    assert "from 11.2% [sourced 1] to 14% [given]" in out
    assert "Aligns to **CO-1** (directional, parent objective)" in out
    assert "## Citations" in out and "europe-plan.md" in out
    assert "## Trace" in out and "| objective 1 |" in out


def test_draft_yaml_is_the_same_data(kb, scripted):
    code, out, _ = _invoke("draft", "--data-dir", str(kb), "--team", "EU Growth", "--mission", "Grow Europe",
                           "--parent", "CO-1", "--period", "2027-Q1", "--format", "yaml")
    assert code == 0
    assert yaml.safe_load(out)["okr_set"]["objectives"][0]["aligns_to"]["id"] == "CO-1"


def test_unknown_parent_exits_non_zero_with_a_message(kb, scripted):
    from assistant.cli import main

    with pytest.raises(SystemExit) as info:
        main(["draft", "--data-dir", str(kb), "--team", "T", "--mission", "M", "--parent", "NOPE"])
    assert info.value.code == 1
    assert scripted.calls == []


def test_missing_mission_is_a_usage_error(kb, capsys):
    from assistant.cli import main

    with pytest.raises(SystemExit) as info:
        main(["draft", "--data-dir", str(kb), "--team", "T"])
    assert info.value.code == 2
    assert "--mission" in capsys.readouterr().err


def test_error_findings_left_make_the_exit_code_non_zero(kb, monkeypatch):
    def vague(messages):
        return objective_json(distinct_title(messages), ["Make onboarding much better for everyone",
                                                         "Poetry everywhere"], aligns="CO-1", sources=[])

    backend = FakeBackend([vague, '{"text": "Poetry everywhere"}', '{"text": "Poetry everywhere"}'] * 3)
    monkeypatch.setattr("assistant.llm.build_backend", lambda settings, name=None: backend)
    code, out, err = _invoke("draft", "--data-dir", str(kb), "--team", "T", "--mission", "M", "--parent", "CO-1",
                             "--period", "2027-Q1", "--repair-rounds", "1")
    assert code == 1
    assert "kr-not-measurable" in out and "error finding" in err
    assert "repair round 1" in err


def test_team_file_fills_the_request(kb, scripted, tmp_path):
    teams = tmp_path / "teams.yaml"
    teams.write_text(yaml.safe_dump({"teams": [{
        "id": "eu-gtm", "name": "EU Go-to-Market", "mission": "Build a predictable European revenue engine.",
        "focus": ["pipeline"], "maturity": "new", "capacity": "Ten people", "suggested_parents": ["CO-1"],
    }]}), encoding="utf-8")
    code, out, err = _invoke("draft", "--data-dir", str(kb), "--team-file", str(teams), "--team-name", "eu-gtm",
                             "--period", "2027-Q1", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["okr_set"]["team"] == "EU Go-to-Market"
    assert "Stage: a new team" in scripted.calls[0].messages[-1].content
    from assistant.cli import main

    with pytest.raises(SystemExit) as info:
        main(["draft", "--data-dir", str(kb), "--team-file", str(teams), "--team-name", "nobody"])
    assert info.value.code == 1


def test_render_rejects_an_unknown_format():
    from assistant.errors import UnsupportedFormat
    from assistant.okr import DraftResult, Trace

    with pytest.raises(UnsupportedFormat):
        render_draft(DraftResult(okr_set=OKRSet(), score=0, trace=Trace(backend="fake", model="m")), "csv")
