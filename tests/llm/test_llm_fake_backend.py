from __future__ import annotations

import pytest
from pydantic import BaseModel

from assistant.errors import BackendTimeout, LLMError
from assistant.llm import ChatBackend, Completion, FakeBackend, FakeQueueEmpty, Message


class Answer(BaseModel):
    value: int


def test_replies_come_back_in_order_and_calls_are_recorded() -> None:
    fake = FakeBackend(["first", "second"])
    one = fake.complete([Message(role="user", content="hello there")], schema=Answer, max_tokens=50)
    two = fake.complete([Message(role="user", content="again")], temperature=0.0)
    assert (one.text, two.text) == ("first", "second")
    assert [call.schema for call in fake.calls] == [Answer, None]
    assert fake.calls[0].messages[0].content == "hello there"
    assert (fake.calls[0].max_tokens, fake.calls[1].temperature) == (50, 0.0)
    assert one.prompt_tokens == 2 and one.completion_tokens == 1 and one.model == "fake-model"
    assert fake.remaining == 0


def test_an_empty_queue_is_an_error_never_a_default() -> None:
    fake = FakeBackend(["only one"])
    fake.complete([Message(role="user", content="x")])
    with pytest.raises(FakeQueueEmpty, match="no scripted reply left for call 2"):
        fake.complete([Message(role="user", content="x")], schema=Answer)
    assert isinstance(FakeQueueEmpty("x"), LLMError)
    assert len(fake.calls) == 2  # the failed call is recorded too


def test_exceptions_are_raised_and_functions_see_the_messages() -> None:
    fake = FakeBackend([BackendTimeout("too slow"), lambda messages: messages[-1].content.upper()])
    with pytest.raises(BackendTimeout, match="too slow"):
        fake.complete([Message(role="user", content="x")])
    assert fake.complete([Message(role="user", content="shout")]).text == "SHOUT"


def test_scripted_completions_pass_through_unchanged() -> None:
    scripted = Completion(text="", model="m", finish_reason="refusal", extra={"refusal": "no"})
    fake = FakeBackend([scripted])
    fake.add("later")
    assert fake.complete([Message(role="user", content="x")]) is scripted
    assert fake.complete([Message(role="user", content="x")]).text == "later"


def test_fake_satisfies_the_protocol() -> None:
    assert isinstance(FakeBackend(), ChatBackend)
