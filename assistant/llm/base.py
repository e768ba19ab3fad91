"""The one protocol every chat backend implements.

langchain, openai and llama_cpp are imported only inside their backend modules, never here.
"""

from __future__ import annotations

from typing import Literal, Protocol, runtime_checkable

from pydantic import BaseModel, Field


class Message(BaseModel):
    role: Literal["system", "user", "assistant"]
    content: str


class Completion(BaseModel):
    """One model reply. ``text`` is the raw output (JSON text when a schema was asked for)."""

    text: str
    model: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    finish_reason: str | None = None
    extra: dict[str, str] = Field(default_factory=dict)


@runtime_checkable
class ChatBackend(Protocol):
    """A chat model. ``schema`` asks for JSON that validates against a pydantic model's JSON schema."""

    name: str  # "openai" | "local" | "fake"
    model: str

    def complete(
        self,
        messages: list[Message],
        *,
        schema: type[BaseModel] | None = None,
        max_tokens: int = 1024,
        temperature: float = 0.2,
    ) -> Completion: ...
