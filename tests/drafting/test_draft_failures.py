"""Model failures: a draft that could not be finished is never presented as complete."""

from __future__ import annotations

import pytest
from drafting_fakes import fake, good_replies

from assistant.drafting import draft_okrs
from assistant.errors import BackendTimeout, BackendUnreachable, DraftIncomplete, LLMError
from assistant.okr import DraftEvent


def _fails_at_objective_two(request_, store, policy, *bad):
    first, _, _ = good_replies()
    events: list[DraftEvent] = []
    llm = fake(first, *bad)
    with pytest.raises(DraftIncomplete) as info:
        draft_okrs(request_, llm=llm, store=store, policy=policy, on_event=events.append)
    return info.value, events, llm


def _assert_partial(events: list[DraftEvent]) -> None:
    results = [e for e in events if e.kind == "result"]
    assert len(results) == 1
    partial = results[0].result
    assert partial is not None and partial.complete is False
    assert [o.title for o in partial.okr_set.objectives] == ["Become the obvious choice for European field teams"]


def test_malformed_json_is_reasked_then_the_draft_is_incomplete(request_, store, policy):
    error, events, llm = _fails_at_objective_two(request_, store, policy, "{not json", "```json\n{\"title\": ")
    assert len(llm.calls) == 3  # objective 1, then objective 2 and its one re-ask
    reask = llm.calls[2].messages[-1].content
    assert "not valid JSON" in reask
    assert "objective 2 of 3" in error.message and "only 1 of 3" in error.message
    assert error.status == 502 and error.code == "draft_incomplete"
    assert isinstance(error.__cause__, LLMError)
    _assert_partial(events)


def test_schema_violations_are_reasked_with_the_validation_error(request_, store, policy):
    first, second, third = good_replies()
    llm = fake(first, '{"title": "Only a title", "aligns_to": {"id": "P-2"}}', second, third)
    result = draft_okrs(request_, llm=llm, store=store, policy=policy)
    assert result.complete and len(result.okr_set.objectives) == 3
    assert "key_results" in llm.calls[2].messages[-1].content


def test_too_few_key_results_violate_the_schema(request_, store, policy):
    one_kr = '{"title": "Few", "aligns_to": {"id": "P-2"}, "key_results": [{"text": "Cut days from 19 to 12"}]}'
    error, _, llm = _fails_at_objective_two(request_, store, policy, one_kr, one_kr)
    assert "at least 2" in llm.calls[2].messages[-1].content
    assert "no valid DraftedObjective" in error.message


def test_a_timeout_makes_the_draft_incomplete_with_a_fix(request_, store, policy):
    timeout = BackendTimeout("The local model did not finish within 120 s: raise OKR_LLM_TIMEOUT.")
    error, events, _ = _fails_at_objective_two(request_, store, policy, timeout)
    assert "OKR_LLM_TIMEOUT" in error.message and error.__cause__ is timeout
    _assert_partial(events)


def test_an_unreachable_server_makes_the_draft_incomplete(request_, store, policy):
    error, events, _ = _fails_at_objective_two(
        request_, store, policy, BackendUnreachable("Cannot reach http://127.0.0.1:9: start the server."))
    assert "start the server" in error.message
    _assert_partial(events)


def test_a_refusal_is_never_taken_as_a_draft(request_, store, policy):
    refusal = "I'm sorry, but I can't help with that request."
    error, events, llm = _fails_at_objective_two(request_, store, policy, refusal, refusal)
    assert "no valid DraftedObjective" in error.message
    assert llm.calls[2].messages[-2].content == refusal  # shown back to the model once, then given up
    _assert_partial(events)


def test_the_first_objective_failing_leaves_an_empty_partial(request_, store, policy):
    events: list[DraftEvent] = []
    with pytest.raises(DraftIncomplete, match="objective 1 of 3"):
        draft_okrs(request_, llm=fake(BackendTimeout("slow")), store=store, policy=policy, on_event=events.append)
    assert events[-1].kind == "result" and events[-1].result is not None
    assert events[-1].result.complete is False and events[-1].result.okr_set.objectives == []


def test_an_empty_script_is_an_error_not_a_silent_default(request_, store, policy):
    with pytest.raises(DraftIncomplete, match="no scripted reply"):
        draft_okrs(request_, llm=fake(), store=store, policy=policy)
