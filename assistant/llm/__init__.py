"""Chat backends behind one protocol, and structured output on top of them.

Importing this package is cheap: openai and llama_cpp are imported only when a backend is built or called.
"""

from __future__ import annotations

from assistant.llm.base import ChatBackend, Completion, Message
from assistant.llm.factory import build_backend, choose_backend
from assistant.llm.fake import FakeBackend, FakeCall, FakeQueueEmpty
from assistant.llm.structured import generate_structured

__all__ = [
    "ChatBackend",
    "Completion",
    "FakeBackend",
    "FakeCall",
    "FakeQueueEmpty",
    "Message",
    "build_backend",
    "choose_backend",
    "generate_structured",
]
