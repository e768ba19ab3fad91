"""The draft chain end to end on the fake backend and the fake store."""

from __future__ import annotations

import pytest
from drafting_fakes import (
    FakeStore,
    distinct_title,
    fake,
    good_replies,
    label_of,
    objective_json,
    objective_number,
)

from assistant.draft.schema import DraftedObjective
from assistant.drafting import draft_okrs
from assistant.errors import ConfigError, InputError, UnknownParent
from assistant.okr import AlignmentType, DraftEvent, DraftRequest, ParentKind, Provenance, Severity
from assistant.retrieval.models import Hit


def test_draft_produces_linked_cited_tagged_objectives(request_, store, policy, events):
    llm = fake(*good_replies())
    result = draft_okrs(request_, llm=llm, store=store, policy=policy, on_event=events.append)

    assert result.complete
    objectives = result.okr_set.objectives
    assert [o.title for o in objectives] == [
        "Become the obvious choice for European field teams",
        "Get every new customer live in days",
        "Make European customers feel at home",
    ]
    assert result.okr_set.team == "EU Growth" and result.okr_set.period == "2027-Q1"
    assert [o.aligns_to.id for o in objectives] == ["P-1", "P-2", "P-1.KR2"]
    assert objectives[2].aligns_to.kind is ParentKind.KEY_RESULT
    assert objectives[0].aligns_to.type is AlignmentType.DIRECTIONAL
    assert not [f for f in result.findings if f.severity is Severity.ERROR]
    assert 0 < result.score <= 100
    # every number is tagged, and a cited chunk stands behind every sourced one
    cited = {c.chunk_id for c in result.citations}
    for objective in objectives:
        for kr in objective.key_results:
            assert kr.numbers, kr.text
            for number in kr.numbers:
                if number.provenance is Provenance.SOURCED:
                    assert number.chunk_id in cited and number.chunk_id in kr.sources
            assert set(kr.sources) <= cited
    assert {c.chunk_id for c in result.citations} <= set(store.chunks)
    eu = next(c for c in result.citations if c.chunk_id == "c-eu")
    assert eu.document == "eu-plan.md" and "11.2%" in eu.text
    # structured fields are read from the final text
    first = objectives[0].key_results[0]
    assert (first.baseline, first.target, first.unit) == (11.2, 14.0, "%")
    assert len(llm.calls) == 3


def test_draft_reports_progress_in_order(request_, store, policy, events):
    draft_okrs(request_, llm=fake(*good_replies()), store=store, policy=policy, on_event=events.append)
    kinds = [e.kind for e in events]
    assert kinds[-1] == "result" and events[-1].result is not None and events[-1].result.complete
    assert kinds.count("objective") == 3
    objective_events = [e for e in events if e.kind == "objective"]
    assert [e.index for e in objective_events] == [0, 1, 2]
    assert objective_events[1].objective is not None
    assert any("P-1" in e.message for e in events if e.kind == "step")
    # the step naming objective 2 comes after objective 1 is shown
    steps = [e.message for e in events if e.kind in ("step", "objective")]
    assert steps.index("Become the obvious choice for European field teams") < next(
        i for i, m in enumerate(steps) if m.startswith("Objective 2/3"))


def test_each_objective_continues_one_conversation(request_, store, policy):
    llm = fake(*good_replies())
    draft_okrs(request_, llm=llm, store=store, policy=policy)
    calls = [call.messages for call in llm.calls]
    first, second, third = (messages[-1].content for messages in calls)
    # each call extends the one before: the earlier turns and the model's own replies, unchanged (a prefix the
    # local model's prompt cache already holds), then the next objective's turn
    assert [len(messages) for messages in calls] == [2, 4, 6]
    assert calls[1][:2] == calls[0] and calls[2][:4] == calls[1]
    assert [m.role for m in calls[2]] == ["system", "user", "assistant", "user", "assistant", "user"]
    assert "Become the obvious choice for European field teams" in calls[1][2].content
    assert "Get every new customer live in days" in calls[2][4].content
    # the shared facts come once, in the first turn; later turns ask for a different objective
    assert "Team: EU Growth" in first and "Team: EU Growth" not in second
    assert "Already drafted" not in first + second + third
    assert "a different outcome from the objectives above" in second
    # one objective per call: each turn names one parent and asks for objective n of 3
    assert "Write objective 1 of 3" in first and "parent P-1" in first
    assert "Write objective 2 of 3" in second and "parent P-2" in second
    # a passage is shown once; a later objective that rests on it refers back to it (the fake store has three
    # chunks, all retrieved for both parents)
    assert first.count("<passage ") == 3 and "<passage " not in second + third
    assert "Its passages shown above: S3, S1, S2." in second and "Its passages shown above: S1, S2, S3." in third
    # the system turn and the schema are the same for every call (a cacheable prefix)
    assert len({messages[0].content for messages in calls}) == 1
    assert {call.schema for call in llm.calls} == {llm.calls[0].schema}
    assert issubclass(llm.calls[0].schema, DraftedObjective)


def test_a_turn_that_would_not_fit_the_context_starts_a_new_conversation(request_, store, policy):
    llm = fake(*good_replies())
    llm.n_ctx = 1_300  # type: ignore[attr-defined]  # as small as a local model's context could be set
    draft_okrs(request_, llm=llm, store=store, policy=policy)
    calls = [call.messages for call in llm.calls]
    assert [len(messages) for messages in calls] == [2, 2, 2]
    first, second, third = (messages[-1].content for messages in calls)
    # a new conversation repeats the shared facts and lists the objectives already drafted
    assert "Already drafted" not in first and "Team: EU Growth" in second
    assert "Become the obvious choice for European field teams" in second
    assert "Get every new customer live in days" in third
    assert "Cut median days to publish a first schedule from 19 to 12" in third
    head = first.split("Objective 1 of 3")[0]
    assert second.startswith(head) and third.startswith(head)
    assert "<passage " in third


def test_each_focus_area_goes_to_one_objective_and_the_prompts_share_their_start(request_, store, policy):
    llm = fake(*good_replies())
    draft_okrs(request_, llm=llm, store=store, policy=policy)
    first, second, third = (call.messages[-1].content for call in llm.calls)
    # P-1 is about European trials, P-2 about onboarding: each gets the focus area it shares words with
    assert 'serves this parent, with the focus "European trial conversion".' in first
    assert 'serves this parent, with the focus "onboarding time".' in second
    # two areas, three objectives: the third takes what a key result of its parent measures that the first
    # objective's focus is not about ("European" is the parent's word, not the metric's)
    assert 'serves this parent, with the focus "European ARR".' in third
    # everything the objectives share comes first, in the conversation's first turn
    head = first.split("Objective 1 of 3")[0]
    assert "- P-1: Win the European market" in head and "- P-2: Customers succeed quickly" in head


def test_trace_counts_tokens_and_times_every_step(request_, store, policy):
    result = draft_okrs(request_, llm=fake(*good_replies()), store=store, policy=policy)
    trace = result.trace
    assert (trace.backend, trace.model) == ("fake", "fake-model")
    names = [s.name for s in trace.steps]
    for expected in ("parents", "retrieval", "objective 1", "objective 2", "objective 3", "validation"):
        assert expected in names
    assert trace.prompt_tokens == sum(s.prompt_tokens for s in trace.steps) > 0
    assert trace.completion_tokens == sum(s.completion_tokens for s in trace.steps) > 0
    assert trace.seconds >= sum(s.seconds for s in trace.steps) * 0.99
    assert trace.repair_rounds == 0


def test_parents_are_suggested_from_the_mission_when_none_are_named(store, policy):
    request = DraftRequest(team="Onboarding", mission="Customers succeed quickly: onboarding in days",
                           period="2027-Q1", objectives=3)
    llm = fake(*[lambda m: objective_json(distinct_title(m), [
        f"Cut median days to publish a first schedule from 19 to {12 - objective_number(m)} by 2027-03-31",
        f"Reduce churned accounts that never finished onboarding from 31% to {20 - objective_number(m)}% by 2027-03-31",
    ], aligns="P-2", sources=[])] * 3)
    result = draft_okrs(request, llm=llm, store=store, policy=policy)
    # the closest parent first; with two parents and three objectives they take turns
    assert "Parent objective P-2" in llm.calls[0].messages[-1].content
    assert "Parent objective P-1" in llm.calls[1].messages[-1].content
    assert result.okr_set.objectives[1].aligns_to.id == "P-1"  # the model named P-2: overruled


def test_unknown_named_parent_is_a_404_style_error(request_, store, policy):
    request = request_.model_copy(update={"parents": ["P-1", "NOPE-9"]})
    llm = fake()
    with pytest.raises(UnknownParent, match="NOPE-9") as info:
        draft_okrs(request, llm=llm, store=store, policy=policy)
    assert info.value.status == 404 and "okr parents" in info.value.message
    assert llm.calls == []


def test_no_parents_at_all_says_how_to_import_them(request_, policy):
    request = request_.model_copy(update={"parents": []})
    with pytest.raises(ConfigError, match="okr parents import"):
        draft_okrs(request, llm=fake(), store=FakeStore(parents=[]), policy=policy)


def test_named_key_result_becomes_an_explicit_alignment(request_, store, policy):
    request = request_.model_copy(update={"parents": ["P-2.KR1"], "objectives": 3})
    replies = [lambda m: objective_json(distinct_title(m), [
        f"Cut median days to publish a first schedule from 19 to {12 - objective_number(m)} by 2027-03-31",
        f"Reduce churned accounts that never finished onboarding from 31% to {20 - objective_number(m)}% by 2027-03-31",
    ], aligns="P-2", sources=[label_of(m, "The median customer")])] * 3
    llm = fake(*replies)
    result = draft_okrs(request, llm=llm, store=store, policy=policy)
    assert "takes the parent key result P-2.KR1 as its own objective" in llm.calls[0].messages[-1].content
    alignment = result.okr_set.objectives[0].aligns_to
    assert (alignment.id, alignment.kind, alignment.type) == ("P-2.KR1", ParentKind.KEY_RESULT,
                                                              AlignmentType.EXPLICIT)


@pytest.mark.parametrize("count", [2, 6])
def test_objective_count_outside_the_policy_is_refused(request_, store, policy, count):
    request = request_.model_copy(update={"objectives": count})
    with pytest.raises(InputError, match="3 to 5"):
        draft_okrs(request, llm=fake(), store=store, policy=policy)


def test_default_count_is_the_policy_minimum_and_default_period_the_next_quarter(request_, store, policy):
    request = request_.model_copy(update={"period": None})
    result = draft_okrs(request, llm=fake(*good_replies()), store=store, policy=policy)
    assert len(result.okr_set.objectives) == policy.objectives.min
    assert result.okr_set.period and "-Q" in result.okr_set.period


def test_events_are_optional_and_do_not_change_the_result(request_, store, policy):
    seen: list[DraftEvent] = []
    with_events = draft_okrs(request_, llm=fake(*good_replies()), store=store, policy=policy, on_event=seen.append)
    without = draft_okrs(request_, llm=fake(*good_replies()), store=store, policy=policy)
    assert with_events.okr_set == without.okr_set and seen


@pytest.mark.parametrize(("focus", "count", "expected"), [
    (["European trial conversion", "onboarding time"], 3,
     ["European trial conversion", "onboarding time", "European ARR"]),
    (["onboarding time", "European trial conversion"], 2, ["European trial conversion", "onboarding time"]),
    (["European trial conversion", "onboarding time", "pricing"], 1,
     ["European trial conversion; onboarding time; pricing"]),
    # no area (left): an objective takes what one of its parent's key results measures, unless an earlier
    # objective's focus is about it already
    ([], 2, ["European trial conversion", "median onboarding time"]),
    # "European trial conversion" shares one word of three with "European growth": a different metric
    (["European growth"], 3, ["European growth", "median onboarding time", "European trial conversion"]),
    # its second key result measures what the focus is about: the third takes the one after
    (["trial conversion in Europe"], 3, ["trial conversion in Europe", "median onboarding time", "European ARR"]),
])
def test_focus_areas_are_spread_over_the_objectives(request_, store, focus, count, expected):
    from assistant.draft.context import PassageBook, focus_plan, retrieve_passages, select_parents

    request = request_.model_copy(update={"focus": focus})
    contexts = retrieve_passages(select_parents(request, store, count=count), request, store, PassageBook())
    assert focus_plan(request, contexts, count) == expected


@pytest.mark.parametrize(("measured", "expected"), [
    ([], ["European trial conversion", "onboarding time", "European ARR"]),
    # a key result drafted so far measures European ARR, and the parent's other metric is a focus area already:
    # the third objective is not sent to write that key result again (the model chooses)
    (["European ARR"], ["European trial conversion", "onboarding time", None]),
])
def test_an_objective_without_an_area_takes_a_metric_nothing_drafted_measures(request_, store, measured, expected):
    from assistant.draft.context import PassageBook, focus_plan, retrieve_passages, select_parents

    request = request_.model_copy(update={"focus": ["European trial conversion", "onboarding time"]})
    contexts = retrieve_passages(select_parents(request, store, count=3), request, store, PassageBook())
    assert focus_plan(request, contexts, 3, measured=measured) == expected


class _ScoredStore(FakeStore):
    """Search hands back every chunk with the score given for it, whatever the query."""

    def __init__(self, scores: dict[str, float]) -> None:
        super().__init__()
        self.scores = scores

    def search(self, query: str, *, k: int = 5) -> list[Hit]:
        self.searches.append(query)
        hits = [self.chunks[c].model_copy(update={"score": s}) for c, s in self.scores.items()]
        return sorted(hits, key=lambda h: -h.score)[:k]


@pytest.mark.parametrize(("scores", "shown"), [
    # one passage is about the parent, the others score far below it: only that one is shown
    ({"c-eu": 0.81, "c-us": 0.59, "c-onb": 0.52}, ["c-eu"]),
    # close scores: all are about the parent
    ({"c-eu": 0.74, "c-onb": 0.68, "c-us": 0.65}, ["c-eu", "c-onb", "c-us"]),
    # three quarters of the best is kept, just under is not
    ({"c-eu": 0.8, "c-onb": 0.61, "c-us": 0.59}, ["c-eu", "c-onb"]),
])
def test_passages_far_below_the_parents_best_match_are_left_out(request_, scores, shown):
    from assistant.draft.context import PassageBook, retrieve_passages, select_parents

    store = _ScoredStore(scores)
    request = request_.model_copy(update={"parents": ["P-1"]})
    [context] = retrieve_passages(select_parents(request, store, count=1), request, store, PassageBook())
    assert [p.chunk_id for p in context.passages] == shown
