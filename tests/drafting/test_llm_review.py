"""`review --llm`: rewrites are kept only when they pass the rules, keep the meaning and invent no baseline."""

from __future__ import annotations

import json

import pytest
from drafting_fakes import FakeStore, fake

from assistant.errors import BackendUnreachable
from assistant.llm_review import review_with_llm
from assistant.okr import KeyResult, Objective, OKRSet, Severity
from assistant.review import review

VAGUE = "Improve European trial conversion"


def _set() -> OKRSet:
    return OKRSet(team="EU Growth", period="2027-Q1", objectives=[
        Objective(title="Become the obvious choice for European field teams", aligns_to={"id": "P-1"},
                  key_results=[
                      KeyResult(text=VAGUE, owner="Priya"),
                      KeyResult(text="Grow European ARR from $4.3M to $5.4M by 2027-03-31", owner="Siobhan"),
                  ]),
    ])


def _words(a: str, b: str) -> float:
    wa, wb = set(a.lower().split()), set(b.lower().split())
    return len(wa & wb) / max(1, len(wa | wb)) + 0.5


def _rewrite(text: str) -> str:
    return json.dumps({"text": text})


NO_CONCERNS = json.dumps({"findings": []})


def _run(*replies, store=None, similarity=_words, threshold=0.6, policy=None):
    okr_set = _set()
    report = review(okr_set, policy=policy, known_parents=store.list_parents() if store else None)
    llm = fake(*replies)
    out = review_with_llm(okr_set, report, llm=llm, policy=report_policy(policy), store=store,
                          similarity=similarity, threshold=threshold)
    return okr_set, report, out, llm


def report_policy(policy):
    from assistant.policy import get_policy

    return policy or get_policy("default")


def test_a_rewrite_that_passes_the_rules_and_keeps_the_meaning_is_suggested():
    okr_set, report, out, llm = _run(
        _rewrite("Raise European trial conversion from 11.2% to 14% by 2027-03-31"), NO_CONCERNS,
        store=FakeStore())
    rewrites = [f for f in out.findings if f.rule == "llm-rewrite"]
    assert len(rewrites) == 1
    finding = rewrites[0]
    assert finding.path == "objectives[0].key_results[0]" and finding.source == "llm"
    assert finding.severity is Severity.INFO
    assert finding.suggestion == "Raise European trial conversion from 11.2% to 14% by 2027-03-31"
    # the rules' findings stay, the score stays the rules' score, the input is untouched
    assert out.findings[: len(report.findings)] == report.findings
    assert out.score == report.score
    assert okr_set.objectives[0].key_results[0].text == VAGUE
    assert "1 rewrite kept" in out.summary
    prompt = llm.calls[0].messages[-1].content
    assert VAGUE in prompt and "<item>" in prompt
    assert any(f.message in prompt for f in report.findings if f.path == "objectives[0].key_results[0]")


def test_a_rewrite_that_still_fails_the_rules_is_dropped():
    _, _, out, _ = _run(_rewrite("Improve European trial conversion a lot"), NO_CONCERNS)
    assert not [f for f in out.findings if f.rule == "llm-rewrite"]
    assert "0 rewrites kept, 1 rejected" in out.summary


def test_a_rewrite_that_changes_the_meaning_is_dropped():
    _, _, out, _ = _run(_rewrite("Cut Sev-1 incidents from 3 to 1 by 2027-03-31"), NO_CONCERNS,
                        similarity=lambda a, b: 0.1)
    assert not [f for f in out.findings if f.rule == "llm-rewrite"]


def test_a_rewrite_never_invents_a_baseline():
    _, _, out, _ = _run(_rewrite("Raise European trial conversion from 9% to 14% by 2027-03-31"), NO_CONCERNS,
                        store=FakeStore())
    suggestions = [f.suggestion for f in out.findings if f.rule == "llm-rewrite"]
    assert suggestions == ["Raise European trial conversion from a baseline to be established to 14% by 2027-03-31"]


def test_the_model_may_raise_what_rules_cannot_see():
    concerns = json.dumps({"findings": [
        {"path": "objectives[0].key_results[1]", "kind": "not-sufficient",
         "message": "ARR can grow from price rises alone; add a customer-count result."},
        {"path": "objectives[7]", "kind": "low-value", "message": "Invented path."},
        {"path": "objectives[0]", "kind": "business-as-usual", "message": "This is what sales does anyway."},
    ]})
    _, _, out, _ = _run(_rewrite("Improve European trial conversion a lot"), concerns)
    llm_findings = [f for f in out.findings if f.source == "llm" and f.rule != "llm-rewrite"]
    assert [(f.rule, f.path) for f in llm_findings] == [
        ("llm-not-sufficient", "objectives[0].key_results[1]"), ("llm-bau", "objectives[0]")]
    assert all(f.severity is Severity.WARNING for f in llm_findings)


def test_output_that_never_validates_skips_the_item_and_the_critique():
    _, report, out, _ = _run("nope", "still nope", "{}", '{"findings": "many"}', '{"findings": "many"}')
    assert out.findings == report.findings


def test_a_backend_failure_is_raised():
    with pytest.raises(BackendUnreachable):
        _run(BackendUnreachable("Cannot reach the server: start it."))


def test_a_sound_set_asks_only_for_the_critique():
    sound = OKRSet(team="EU Growth", period="2027-Q1", objectives=[
        Objective(title="Become the obvious choice for European field teams", owner="Pieter", key_results=[
            KeyResult(text="Raise European trial conversion from 11.2% to 14% by 2027-03-31", owner="Priya"),
            KeyResult(text="Grow European ARR from $4.3M to $5.4M by 2027-03-31", owner="Siobhan"),
        ]),
    ])
    report = review(sound)
    weak = [kr for o in report.objectives for kr in o.key_results if kr.verdict.value != "pass"]
    weak += [o for o in report.objectives if o.verdict.value != "pass"
             and any(f.path == o.path for f in report.findings)]
    llm = fake(*([_rewrite("x")] * len(weak)), NO_CONCERNS)
    review_with_llm(sound, report, llm=llm, policy=report_policy(None), similarity=_words)
    assert len(llm.calls) == len(weak) + 1
    assert "business-as-usual" in llm.calls[-1].messages[-1].content


def test_real_embedding_similarity_tells_a_faithful_rewrite_from_an_unrelated_one():
    from assistant.retrieval.embeddings import similarity

    faithful = similarity(VAGUE, "Raise European trial conversion from 11.2% to 14% by 2027-03-31")
    unrelated = similarity(VAGUE, "Cut Sev-1 incidents from 3 to 1 by 2027-03-31")
    assert faithful >= 0.6 > unrelated
