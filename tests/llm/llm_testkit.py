"""Plain helpers for the LLM tests (the fixtures live in conftest.py): fake parts packages, scripted replies."""

from __future__ import annotations

import hashlib
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.llm.model_files import ModelSpec


@dataclass
class FakeParts:
    """A set of fake parts distributions on disk, and the spec that describes what they join into."""

    site: Path
    spec: ModelSpec
    content: bytes
    paths: list[Path]


def make_parts(
    root: Path, chunks: list[bytes], *, version: str = "0.2.0", prefix: str = "fake-model-part"
) -> FakeParts:
    """Write one real dist-info distribution per chunk (METADATA + RECORD + the chunk file)."""
    site = root / "site"
    parts: list[tuple[str, str]] = []
    paths: list[Path] = []
    for number, chunk in enumerate(chunks, start=1):
        name = f"{prefix}{number}"
        package = name.replace("-", "_")
        info = site / f"{package}-{version}.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
        relative = f"{package}/data/part{number:02d}.bin"
        (info / "RECORD").write_text(f"{relative},,\n{package}-{version}.dist-info/METADATA,,\n")
        data = site / relative
        data.parent.mkdir(parents=True)
        data.write_bytes(chunk)
        parts.append((name, f"data/part{number:02d}.bin"))
        paths.append(data)
    content = b"".join(chunks)
    spec = ModelSpec(
        filename="tiny-test-model.gguf",
        parts=tuple(parts),
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        version="0.2.0",
    )
    return FakeParts(site, spec, content, paths)


@dataclass
class Scripted:
    """One scripted HTTP answer."""

    status: int = 200
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    raw: bytes | None = None  # sent as text/html instead of the JSON body


@dataclass
class ScriptedServer:
    url: str
    replies: deque[Scripted]
    requests: list[dict[str, Any]]

    def add(self, *replies: Scripted) -> None:
        self.replies.extend(replies)

    @property
    def chat_requests(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["path"].endswith("/chat/completions")]


def chat_reply(
    content: str | None,
    *,
    model: str = "scripted-model",
    tool_args: str | None = None,
    refusal: str | None = None,
    finish: str = "stop",
) -> dict[str, Any]:
    """A chat.completion body as OpenAI-compatible servers send it."""
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if refusal is not None:
        message["refusal"] = refusal
    if tool_args is not None:
        message["tool_calls"] = [
            {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": tool_args}}
        ]
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
    }
