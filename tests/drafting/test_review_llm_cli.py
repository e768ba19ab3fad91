"""`okr review FILE --llm`: the real command, the model scripted; without --llm no model is touched."""

from __future__ import annotations

import json

import pytest
import yaml

from assistant.cli import main
from assistant.llm import FakeBackend

OKRS = {
    "team": "EU Growth", "period": "2027-Q1",
    "objectives": [{
        "title": "Become the obvious choice for European field teams", "owner": "Pieter",
        "key_results": [
            {"text": "Improve European trial conversion", "owner": "Priya"},
            {"text": "Grow European ARR from $4.3M to $5.4M by 2027-03-31", "owner": "Siobhan"},
        ],
    }],
}


@pytest.fixture
def okr_file(tmp_path):
    path = tmp_path / "okrs.yaml"
    path.write_text(yaml.safe_dump(OKRS), encoding="utf-8")
    return path


def _run(argv, monkeypatch, replies):
    backend = FakeBackend(replies)
    monkeypatch.setattr("assistant.llm.build_backend", lambda settings, name=None: backend)
    with pytest.raises(SystemExit) as info:
        main(argv)
        raise SystemExit(0)
    return info.value.code, backend


def test_review_llm_adds_a_kept_rewrite_and_model_findings(okr_file, monkeypatch, capsys):
    rewrite = json.dumps({"text": "Raise European trial conversion from a baseline to be established to 14% by "
                                  "2027-03-31"})
    critique = json.dumps({"findings": [{"path": "objectives[0].key_results[1]", "kind": "not-sufficient",
                                         "message": "ARR can grow from price rises alone; add a customer count."}]})
    def reply(messages):
        return critique if "business-as-usual" in messages[-1].content else rewrite

    replies = [reply] * 10
    code, backend = _run(["review", str(okr_file), "--llm", "--backend", "fake", "--format", "json"], monkeypatch,
                         replies)
    data = json.loads(capsys.readouterr().out)
    llm_findings = [f for f in data["findings"] if f.get("source") == "llm"]
    rules = {f["rule"] for f in llm_findings}
    assert "llm-not-sufficient" in rules
    rewrite_findings = [f for f in llm_findings if f["rule"] == "llm-rewrite"]
    assert [f["path"] for f in rewrite_findings] == ["objectives[0].key_results[0]"]
    assert rewrite_findings[0]["suggestion"].startswith("Raise European trial conversion")
    assert code == (1 if any(f["severity"] == "error" for f in data["findings"]) else 0)
    assert backend.calls


def test_review_without_llm_touches_no_model(okr_file, monkeypatch, capsys):
    code, backend = _run(["review", str(okr_file), "--format", "json"], monkeypatch, [])
    data = json.loads(capsys.readouterr().out)
    assert all(f.get("source", "rules") == "rules" for f in data["findings"])
    assert code == (1 if any(f["severity"] == "error" for f in data["findings"]) else 0)
    assert backend.calls == []
