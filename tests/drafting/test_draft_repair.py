"""The repair loop: error findings go back to the model, bounded; what never converges is reported."""

from __future__ import annotations

from drafting_fakes import fake, good_replies, label_of, objective_json

from assistant.drafting import draft_okrs
from assistant.llm import Message
from assistant.okr import Severity

VAGUE = "Make onboarding much better for everyone"


def _vague_first(m: list[Message]) -> str:
    return objective_json("Get every new customer live in days", [
        "Cut median days to publish a first schedule from 19 to 12 by 2027-03-31",
        VAGUE,
    ], aligns="P-2", sources=[label_of(m, "The median customer")])


def _fixed(m: list[Message]) -> str:
    return objective_json("Get every new customer live in days", [
        "Cut median days to publish a first schedule from 19 to 12 by 2027-03-31",
        "Reduce churned accounts that never finished onboarding from 31% to 20% by 2027-03-31",
    ], aligns="P-2", sources=[label_of(m, "The median customer")])


def test_error_findings_are_fed_back_and_the_repair_converges(request_, store, policy, events):
    first, _, third = good_replies()
    llm = fake(first, _vague_first, _fixed, third)
    result = draft_okrs(request_, llm=llm, store=store, policy=policy, on_event=events.append)

    assert len(llm.calls) == 4
    repair_call = llm.calls[2].messages
    # the conversation goes on: the rejected objective as the assistant turn, then the findings
    assert [m.role for m in repair_call] == ["system", "user", "assistant", "user"]
    assert VAGUE in repair_call[2].content
    feedback = repair_call[3].content
    assert "repair round 1" in feedback and "key result 2" in feedback
    assert "kr-not-measurable" not in feedback  # messages are written for people, not rule ids
    assert result.okr_set.objectives[1].key_results[1].text.startswith("Reduce churned accounts")
    assert not [f for f in result.findings if f.severity is Severity.ERROR]
    assert result.trace.repair_rounds == 1
    assert any(s.name == "objective 2: repair 1" for s in result.trace.steps)
    repairs = [e for e in events if e.kind == "repair"]
    assert len(repairs) == 1 and repairs[0].index == 1 and "repair round 1" in repairs[0].message


def test_the_messages_fed_back_are_the_reviewers_messages(request_, store, policy):
    from assistant.okr import KeyResult, Objective, OKRSet
    from assistant.review import check

    first, _, third = good_replies()
    llm = fake(first, _vague_first, _fixed, third)
    draft_okrs(request_, llm=llm, store=store, policy=policy)
    trial = OKRSet(period="2027-Q1", objectives=[Objective(title="x", key_results=[KeyResult(text=VAGUE)])])
    errors = [f for f in check(trial, policy=policy) if f.severity is Severity.ERROR and "key_results" in f.path]
    assert errors
    for finding in errors:
        assert finding.message in llm.calls[2].messages[-1].content


def test_a_repair_that_never_converges_stops_after_the_rounds_and_reports_what_remains(request_, store, policy):
    first, _, third = good_replies()
    llm = fake(first, _vague_first, _vague_first, _vague_first, third)
    result = draft_okrs(request_, llm=llm, store=store, policy=policy, repair_rounds=2)

    assert len(llm.calls) == 5  # one draft + two repairs for objective 2, nothing more
    assert result.complete  # the draft is whole, and says what is still wrong with it
    errors = [f for f in result.findings if f.severity is Severity.ERROR]
    assert errors and all(f.path.startswith("objectives[1]") for f in errors)
    assert result.trace.repair_rounds == 2
    assert result.okr_set.objectives[1].key_results[1].text == VAGUE


def test_repair_rounds_zero_sends_nothing_back(request_, store, policy):
    first, _, third = good_replies()
    llm = fake(first, _vague_first, third)
    result = draft_okrs(request_, llm=llm, store=store, policy=policy, repair_rounds=0)
    assert len(llm.calls) == 3
    assert any(f.severity is Severity.ERROR for f in result.findings)


def test_a_copied_parent_title_is_sent_back_too(request_, store, policy):
    copied = lambda m: objective_json("Win the European market", [  # noqa: E731
        "Raise European trial conversion from 11.2% to 14% by 2027-03-31",
        "Cut lost European deals citing data hosting from 37% to 20% by 2027-03-31",
    ], aligns="P-1", sources=[label_of(m, "European trial")])
    first, second, third = good_replies()
    llm = fake(copied, first, second, third)
    result = draft_okrs(request_, llm=llm, store=store, policy=policy)
    assert "objective" in llm.calls[1].messages[-1].content
    assert "Win the European market" in llm.calls[1].messages[2].content
    assert result.okr_set.objectives[0].title == "Become the obvious choice for European field teams"
    assert not any(f.rule == "objective-copies-parent" for f in result.findings)


def test_malformed_output_during_repair_keeps_the_last_valid_version(request_, store, policy):
    first, _, third = good_replies()
    llm = fake(first, _vague_first, "not json", "still not json", third)
    result = draft_okrs(request_, llm=llm, store=store, policy=policy)
    assert result.complete
    assert result.okr_set.objectives[1].key_results[1].text == VAGUE
    assert any("repair round 1 gave no valid output" in (s.detail or "") for s in result.trace.steps)


def test_a_title_that_restates_a_parent_key_result_is_sent_back(request_, store, policy):
    copied = lambda m: objective_json("Raise European trial conversion from 11.2% to 14% by 2027-03-31", [  # noqa: E731
        "Raise European trial conversion from 11.2% to 14% by 2027-03-31",
        "Cut lost European deals citing data hosting from 37% to 20% by 2027-03-31",
    ], aligns="P-1", sources=[label_of(m, "European trial")])
    first, second, third = good_replies()
    llm = fake(copied, first, second, third)
    result = draft_okrs(request_, llm=llm, store=store, policy=policy)
    feedback = llm.calls[1].messages[-1].content
    assert "repeats the parent's words" in feedback
    assert result.okr_set.objectives[0].title == "Become the obvious choice for European field teams"
