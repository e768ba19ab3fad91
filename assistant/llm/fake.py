"""A scripted chat backend for tests: a queue of replies and a record of every call.

An empty queue is an error, never a silent default, so a test that makes one call more than it scripted fails
loudly instead of passing on made-up output.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from pydantic import BaseModel

from assistant.errors import LLMError
from assistant.llm.base import Completion, Message

Reply = str | Completion | Exception | Callable[[list[Message]], str]


class FakeQueueEmpty(LLMError):
    """The fake backend was called more often than its script allows."""

    code = "fake_queue_empty"


@dataclass(frozen=True)
class FakeCall:
    """One recorded call: the messages as sent, the schema asked for, and the options."""

    messages: list[Message]
    schema: type[BaseModel] | None
    max_tokens: int
    temperature: float


class FakeBackend:
    """A real backend whose model is a script.

    Each reply is a string (returned as the completion text), a ``Completion`` (returned as is, e.g. to script
    a refusal or a reply cut off at the token limit), an exception (raised, e.g. ``BackendTimeout``), or a
    function of the messages that returns the text. Token counts are whitespace word counts, so traces
    built on a fake look like real ones.
    """

    name = "fake"

    def __init__(self, replies: Iterable[Reply] = (), *, model: str = "fake-model") -> None:
        self.model = model
        self._replies: deque[Reply] = deque(replies)
        self.calls: list[FakeCall] = []

    def add(self, *replies: Reply) -> None:
        """Append replies to the script."""
        self._replies.extend(replies)

    @property
    def remaining(self) -> int:
        """How many scripted replies are left."""
        return len(self._replies)

    def complete(
        self,
        messages: list[Message],
        *,
        schema: type[BaseModel] | None = None,
        max_tokens: int = 1024,
        temperature: float = 0.2,
    ) -> Completion:
        self.calls.append(FakeCall(list(messages), schema, max_tokens, temperature))
        if not self._replies:
            raise FakeQueueEmpty(
                f"FakeBackend has no scripted reply left for call {len(self.calls)} "
                f"(schema {schema.__name__ if schema else 'none'}): add one more reply to the script."
            )
        started = time.perf_counter()
        reply = self._replies.popleft()
        if isinstance(reply, Exception):
            raise reply
        if isinstance(reply, Completion):
            return reply
        text = reply(list(messages)) if callable(reply) else reply
        return Completion(
            text=text,
            model=self.model,
            prompt_tokens=sum(len(m.content.split()) for m in messages),
            completion_tokens=len(text.split()),
            seconds=time.perf_counter() - started,
            finish_reason="stop",
        )
