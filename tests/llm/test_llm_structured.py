from __future__ import annotations

import json

import pytest
from pydantic import BaseModel, Field

from assistant.errors import BackendTimeout, StructuredOutputError
from assistant.llm import Completion, FakeBackend, Message, generate_structured
from assistant.llm.local import _reused_prefix
from assistant.llm.structured import json_schema_of, schema_note, with_schema_instructions


class KR(BaseModel):
    title: str = Field(description="what is measured")
    target: float


class Draft(BaseModel):
    objective: str = Field(min_length=3)
    key_results: list[KR] = Field(min_length=1, max_length=3)


GOOD = {"objective": "Delight new users", "key_results": [{"title": "activation rate", "target": 40}]}
ASK = [Message(role="system", content="You draft OKRs."), Message(role="user", content="Draft one.")]


def test_valid_json_is_accepted_on_the_first_attempt() -> None:
    fake = FakeBackend([json.dumps(GOOD)])
    draft, completions = generate_structured(fake, ASK, Draft)
    assert draft == Draft.model_validate(GOOD)
    assert len(completions) == 1 and len(fake.calls) == 1
    assert fake.calls[0].schema is Draft


@pytest.mark.parametrize(
    "reply",
    [
        "```json\n" + json.dumps(GOOD) + "\n```",
        "```\n" + json.dumps(GOOD, indent=2) + "```",
        "Sure! Here is the JSON you asked for:\n" + json.dumps(GOOD) + "\nHope that helps.",
        json.dumps({"Draft": GOOD}),
    ],
    ids=["json-fence", "bare-fence", "prose-around", "wrapped-in-schema-name"],
)
def test_common_wrappings_are_unwrapped(reply: str) -> None:
    draft, completions = generate_structured(FakeBackend([reply]), ASK, Draft)
    assert draft.key_results[0].title == "activation rate" and len(completions) == 1


def test_malformed_json_is_re_asked_with_the_parse_error() -> None:
    broken = '{"objective": "Delight new users", "key_results": [{"title": "x", "target": 4'
    fake = FakeBackend([broken, json.dumps(GOOD)])
    draft, completions = generate_structured(fake, ASK, Draft)
    assert draft.objective == "Delight new users" and len(completions) == 2
    second = fake.calls[1].messages
    assert second[: len(ASK)] == ASK
    assert second[-2] == Message(role="assistant", content=broken)
    assert second[-1].role == "user" and "not valid JSON" in second[-1].content


def test_schema_violations_name_the_field_in_the_re_ask() -> None:
    wrong = {"objective": "Delight new users", "key_results": [{"title": "activation", "target": "lots"}]}
    fake = FakeBackend([json.dumps(wrong), json.dumps(GOOD)])
    generate_structured(fake, ASK, Draft)
    feedback = fake.calls[1].messages[-1].content
    assert "key_results[0].target" in feedback and "valid number" in feedback


def test_textual_refusal_and_empty_output_are_re_asked() -> None:
    fake = FakeBackend(["I'm sorry, but I can't help with that.", "   ", json.dumps(GOOD)])
    draft, completions = generate_structured(fake, ASK, Draft, retries=2)
    assert len(completions) == 3 and draft.objective == "Delight new users"
    assert "empty" in fake.calls[2].messages[-1].content
    assert fake.calls[2].messages[-2].content == "(empty reply)"


def test_a_flagged_refusal_never_validates_even_if_text_looks_fine() -> None:
    refusal = Completion(text="", model="m", finish_reason="refusal", extra={"refusal": "I cannot do that"})
    fake = FakeBackend([refusal, refusal])
    with pytest.raises(StructuredOutputError, match="refused") as caught:
        generate_structured(fake, ASK, Draft, retries=1)
    assert caught.value.attempts == 2


def test_a_reply_cut_off_at_the_token_limit_asks_for_brevity() -> None:
    cut = Completion(text='{"objective": "Delight', model="m", finish_reason="length")
    fake = FakeBackend([cut, json.dumps(GOOD)])
    generate_structured(fake, ASK, Draft, max_tokens=8)
    assert "cut off" in fake.calls[1].messages[-1].content
    assert fake.calls[0].max_tokens == 8


def test_a_repair_that_never_converges_raises_with_attempts_and_last_output() -> None:
    replies = ["nope", '{"objective": "x"}', '{"objective": "Delight", "key_results": []}']
    fake = FakeBackend(replies)
    with pytest.raises(StructuredOutputError) as caught:
        generate_structured(fake, ASK, Draft, retries=2)
    error = caught.value
    assert error.attempts == 3 and len(fake.calls) == 3
    assert error.last_output == replies[-1]
    assert "Draft" in error.message and "key_results" in error.message
    assert fake.remaining == 0


def test_zero_retries_means_one_attempt() -> None:
    fake = FakeBackend(["[1, 2]", json.dumps(GOOD)])
    with pytest.raises(StructuredOutputError, match="not an object") as caught:
        generate_structured(fake, ASK, Draft, retries=0)
    assert caught.value.attempts == 1 and fake.remaining == 1


def test_backend_errors_propagate_unchanged_even_mid_repair() -> None:
    fake = FakeBackend(["not json", BackendTimeout("the model took too long")])
    with pytest.raises(BackendTimeout, match="too long"):
        generate_structured(fake, ASK, Draft)
    assert len(fake.calls) == 2


def test_long_rejected_replies_are_truncated_when_echoed() -> None:
    fake = FakeBackend(["x" * 10_000, json.dumps(GOOD)])
    generate_structured(fake, ASK, Draft)
    assert len(fake.calls[1].messages[-2].content) == 2000


def test_schema_note_goes_into_the_system_message_and_keeps_title_fields() -> None:
    messages = with_schema_instructions(ASK, Draft)
    assert len(messages) == 2 and messages[0].role == "system"
    assert messages[0].content.startswith("You draft OKRs.")
    schema = json.loads(messages[0].content.split("JSON schema:\n", 1)[1])
    assert schema == json_schema_of(Draft)
    assert "title" in schema["$defs"]["KR"]["properties"]  # a field called "title" survives
    assert "title" not in schema and "title" not in schema["$defs"]["KR"]  # title annotations do not
    assert schema["$defs"]["KR"]["properties"]["title"]["description"] == "what is measured"
    no_system = with_schema_instructions([Message(role="user", content="hi")], Draft)
    assert [m.role for m in no_system] == ["system", "user"]
    assert ASK[0].content == "You draft OKRs."  # the caller's messages are not modified


def test_the_compact_note_lists_each_field_with_its_type_and_description() -> None:
    note = schema_note(Draft, compact=True)
    assert note.splitlines() == [
        "Reply with one JSON object and nothing else, with these fields:",
        "- objective (string)",
        "- key_results (list of 1 to 3 objects)",
        "  - title (string): what is measured",
        "  - target (number)",
    ]


def test_the_compact_note_goes_last_so_earlier_turns_stay_a_cacheable_prefix() -> None:
    messages = with_schema_instructions(ASK, Draft, compact=True)
    assert messages[0] == ASK[0] and messages[1].content.startswith("Draft one.\n\nReply with one JSON object")
    assert ASK[1].content == "Draft one."
    # a caller that placed the note itself (in a constant system turn) gets its messages back unchanged
    placed = [Message(role="system", content=f"You draft OKRs.\n\n{schema_note(Draft, compact=True)}"), ASK[1]]
    assert with_schema_instructions(placed, Draft, compact=True) == placed


@pytest.mark.parametrize(("previous", "prompt", "reused"), [
    ([], [1, 2, 3], 0),
    ([1, 2, 3, 9, 9], [1, 2, 3, 4], 3),  # the earlier prompt and reply share a prefix with the new prompt
    ([1, 2, 3, 4, 5], [1, 2, 3, 4], 3),  # all of it cached: llama.cpp evaluates the last token again
    ([7, 2, 3], [1, 2, 3], 0),
])
def test_the_reused_prefix_is_what_llama_cpp_keeps(previous: list[int], prompt: list[int], reused: int) -> None:
    assert _reused_prefix(previous, prompt) == reused
