"""The embedded backend: llama.cpp in-process through llama-cpp-python, no network, no server.

The model is loaded once per process and path (loading maps 1.1 GB; a second copy would double memory), and
calls on one model are serialised because a llama.cpp context is not thread-safe. A schema becomes a
llama.cpp grammar, so the output is JSON of the schema's shape by construction; the schema is also shown in
the prompt so the model sees the fields' descriptions. A deadline stops generation that runs past the timeout.
"""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from assistant.config import Settings
from assistant.errors import BackendTimeout, ConfigError, LLMError
from assistant.llm.base import Completion, Message
from assistant.llm.model_files import resolve_model_path
from assistant.llm.structured import json_schema_of, with_schema_instructions

if TYPE_CHECKING:
    from llama_cpp import Llama, LlamaGrammar

INSTALL_LLAMA = (
    "The local backend needs llama-cpp-python: `pip install 'okr-assistant[local]'` (or `make setup`), "
    "or set OKR_LLM_BASE_URL to an OpenAI-compatible server."
)


@dataclass
class LoadedModel:
    llama: Llama
    path: Path
    n_ctx: int
    n_threads: int
    load_seconds: float
    lock: threading.Lock


_loaded: dict[tuple[str, int, int], LoadedModel] = {}
_loading = threading.Lock()


def llama_available() -> bool:
    """True when llama-cpp-python can be imported (without importing it)."""
    import importlib.util

    return importlib.util.find_spec("llama_cpp") is not None


def load_model(path: Path, *, n_ctx: int, n_threads: int) -> LoadedModel:
    """The process-wide ``Llama`` for this file and configuration, loaded on first use."""
    key = (str(path.resolve()), n_ctx, n_threads)
    with _loading:
        if key in _loaded:
            return _loaded[key]
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise ConfigError(INSTALL_LLAMA) from exc
        started = time.perf_counter()
        try:
            llama = Llama(model_path=str(path), n_ctx=n_ctx, n_threads=n_threads, verbose=False)
        except (ValueError, RuntimeError) as exc:
            raise LLMError(
                f"llama.cpp could not load {path} ({exc}): check that it is a GGUF model llama.cpp supports, "
                "or reinstall the default one with `okr model install --force`."
            ) from exc
        loaded = LoadedModel(llama, path, n_ctx, n_threads, time.perf_counter() - started, threading.Lock())
        _loaded[key] = loaded
        return loaded


@lru_cache(maxsize=32)
def _grammar(schema_json: str) -> LlamaGrammar:
    from llama_cpp import LlamaGrammar

    return LlamaGrammar.from_json_schema(schema_json, verbose=False)


class LocalBackend:
    """A chat backend running a GGUF model in this process."""

    name = "local"

    def __init__(
        self, model_path: Path, *, n_ctx: int = 4096, n_threads: int | None = None, timeout: float = 120.0
    ):
        self.model_path = model_path
        self.model = model_path.stem
        self.n_ctx = n_ctx
        self.n_threads = n_threads or os.cpu_count() or 1
        self.timeout = timeout

    @classmethod
    def from_settings(cls, settings: Settings) -> LocalBackend:
        """Resolve (and if needed install) the model file; loading waits for the first call."""
        if not llama_available():
            raise ConfigError(INSTALL_LLAMA)
        return cls(
            resolve_model_path(settings),
            n_ctx=settings.local_context,
            n_threads=settings.local_threads,
            timeout=settings.llm_timeout,
        )

    def load(self) -> LoadedModel:
        return load_model(self.model_path, n_ctx=self.n_ctx, n_threads=self.n_threads)

    def complete(
        self,
        messages: list[Message],
        *,
        schema: type[BaseModel] | None = None,
        max_tokens: int = 1024,
        temperature: float = 0.2,
    ) -> Completion:
        loaded = self.load()
        if schema is not None:
            messages = with_schema_instructions(messages, schema)
        grammar = _grammar(json.dumps(json_schema_of(schema))) if schema is not None else None
        # Streamed so that a deadline can stop generation between tokens (llama.cpp has no timeout of its own),
        # and so that prompt evaluation and generation can be timed apart.
        deadline = time.monotonic() + self.timeout
        started = time.perf_counter()
        first_token_at: float | None = None
        prompt_tokens = 0
        pieces: list[str] = []
        finish: str | None = None
        with loaded.lock:
            try:
                stream: Any = loaded.llama.create_chat_completion(
                    messages=[{"role": m.role, "content": m.content} for m in messages],  # type: ignore[misc]
                    max_tokens=max_tokens,
                    temperature=temperature,
                    grammar=grammar,
                    stream=True,
                )
                for chunk in stream:
                    if first_token_at is None:
                        first_token_at = time.perf_counter()
                        prompt_tokens = loaded.llama.n_tokens  # the prompt is in the context, no output yet
                    choice = chunk["choices"][0]
                    pieces.append(choice["delta"].get("content") or "")
                    finish = choice.get("finish_reason") or finish
                    if time.monotonic() > deadline:
                        stream.close()
                        raise BackendTimeout(
                            f"The local model did not finish within {self.timeout:g} s: raise OKR_LLM_TIMEOUT, "
                            "ask for fewer tokens, or use an OpenAI-compatible server (OKR_LLM_BASE_URL)."
                        )
            except ValueError as exc:
                if "context window" in str(exc) or "exceed" in str(exc):
                    raise LLMError(
                        f"The prompt does not fit the local model's context ({self.n_ctx} tokens): raise "
                        "OKR_LOCAL_CONTEXT, or shorten the input."
                    ) from exc
                raise LLMError(f"llama.cpp failed: {exc}") from exc
            text = "".join(pieces)
            completion_tokens = (
                len(loaded.llama.tokenize(text.encode(), add_bos=False, special=True)) if text else 0
            )
        ended = time.perf_counter()
        prompt_seconds = (first_token_at or ended) - started
        return Completion(
            text=text,
            model=self.model,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            seconds=ended - started,
            finish_reason=finish,
            extra={
                "load_seconds": f"{loaded.load_seconds:.3f}",
                "prompt_seconds": f"{prompt_seconds:.3f}",
                "generation_seconds": f"{ended - started - prompt_seconds:.3f}",
            },
        )
