"""The embedded backend: llama.cpp in-process through llama-cpp-python, no network, no server.

The model is loaded once per process and path (loading maps 1.1 GB; a second copy would double memory), and
calls on one model are serialised because a llama.cpp context is not thread-safe. A schema becomes a
llama.cpp grammar, so the output is JSON of the schema's shape by construction; the prompt shows only the
compact note (each field and what it means), at the end, so the system prompt stays a constant prefix.
llama.cpp reuses the longest token prefix the prompt shares with the previous call (prompt and reply), so a
caller that keeps the shared part of its prompts first pays for it once; each completion reports how many
prompt tokens were actually evaluated. A deadline stops generation that runs past the timeout.
``prime`` carries that reuse across processes: it puts a shared leading turn (a draft's system turn) into the
context from a state file saved the first time this machine evaluated it (``prompt_cache``).
"""

from __future__ import annotations

import atexit
import contextlib
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
from assistant.llm.prompt_cache import LlamaContext, PrimeResult, PromptCache, prefix_tokens, prime_prefix
from assistant.llm.sampling import lazy_grammar
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


_loaded: dict[str, LoadedModel] = {}
_loading = threading.Lock()


def close_models() -> None:
    """Free every loaded model. Runs at exit: llama.cpp's own finaliser fails once the interpreter is tearing
    down its modules, and would print a traceback to the user."""
    with _loading:
        for loaded in _loaded.values():
            with contextlib.suppress(Exception):
                loaded.llama.close()
        _loaded.clear()


def llama_available() -> bool:
    """True when llama-cpp-python can be imported (without importing it)."""
    import importlib.util

    return importlib.util.find_spec("llama_cpp") is not None


# Iterations an OpenMP thread spins before it sleeps while waiting (see load_model).
GOMP_SPINCOUNT = "1000"


def load_model(path: Path, *, n_ctx: int, n_threads: int) -> LoadedModel:
    """The process-wide ``Llama`` for this file, loaded on first use.

    A loaded model is reused whatever ``n_threads`` asks for, and when its context is at least ``n_ctx``;
    a larger context replaces it.
    """
    key = str(path.resolve())
    with _loading:
        loaded = _loaded.get(key)
        if loaded is not None and loaded.n_ctx >= n_ctx:
            return loaded
        # llama.cpp is built with OpenMP here. Its threads wait for each other at every step of a token; by default
        # they spin for a long time first, which on a busy machine (2 cores shared with other work) made generation
        # about 3x slower in our measurements, while sleeping at once (OMP_WAIT_POLICY=PASSIVE) cost 40% of the
        # speed on an idle machine. A short spin keeps most of both: about 15 tokens/s idle (9 passive, 16 spinning)
        # and 7 loaded (8.5 passive, 5 spinning). Set before the library loads; the user's own settings win.
        if "OMP_WAIT_POLICY" not in os.environ:
            os.environ.setdefault("GOMP_SPINCOUNT", GOMP_SPINCOUNT)
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
        if not _loaded:
            atexit.register(close_models)
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
        self,
        model_path: Path,
        *,
        n_ctx: int = 4096,
        n_threads: int | None = None,
        timeout: float = 120.0,
        lazy_grammar: bool = True,
        prompt_cache: Path | None = None,
    ):
        self.model_path = model_path
        self.prompt_cache = prompt_cache
        self.model = model_path.stem
        self.n_ctx = n_ctx
        self.n_threads = n_threads or os.cpu_count() or 1
        self.timeout = timeout
        self.lazy_grammar = lazy_grammar

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
            prompt_cache=settings.data_dir / "cache" / "prompts",
        )

    def _too_long(self) -> str:
        return (
            f"The prompt does not fit the local model's context ({self.n_ctx} tokens): raise "
            "OKR_LOCAL_CONTEXT, or shorten the input."
        )

    def _check_fits(self, loaded: LoadedModel, messages: list[Message]) -> None:
        """Refuse before generating when the messages alone fill the context.

        The chat template adds a few tokens more, which llama.cpp itself catches; checking here first means a
        prompt that can never fit is reported as such, not as a timeout of the generation that was never started.
        """
        text = "\n".join(m.content for m in messages).encode()
        if len(text) < self.n_ctx:  # a token is at least one byte: too short to overflow
            return
        with loaded.lock:
            tokens = len(loaded.llama.tokenize(text, add_bos=False, special=True))
        if tokens >= self.n_ctx:
            raise LLMError(self._too_long())

    def load(self) -> LoadedModel:
        return load_model(self.model_path, n_ctx=self.n_ctx, n_threads=self.n_threads)

    def prime(self, messages: list[Message]) -> PrimeResult | None:
        """Put the leading ``messages`` (those every following call starts with, e.g. a draft's system turn)
        into the model's context, so that the next ``complete`` evaluates only what comes after them.

        They are rendered as the chat template renders the start of a longer conversation. Nothing is done
        when the context already starts with them; otherwise their KV state is loaded from the prompt cache
        directory when this machine saved it before, or evaluated and saved there (a cache file that is
        damaged or cannot be written is ignored, never an error).

        Returns:
            What was done (tokens, source, seconds), or None when the chat format gives no prefix that is safe
            to reuse or the prefix does not fit the context.

        Raises:
            LLMError: llama.cpp failed to evaluate the prefix.
            BackendTimeout: evaluating it took longer than the timeout.
        """
        from llama_cpp import __version__ as runtime

        loaded = self.load()
        with loaded.lock:
            llama = loaded.llama
            tokens = prefix_tokens(llama, messages)
            if not tokens or len(tokens) >= llama.n_ctx():
                return None
            cache = PromptCache(self.prompt_cache) if self.prompt_cache is not None else None
            try:
                key = PromptCache.key(loaded.path, n_ctx=llama.n_ctx(), runtime=runtime, tokens=tokens)
            except OSError:
                cache, key = None, None
            context = LlamaContext(llama, deadline=time.monotonic() + self.timeout, timeout=self.timeout)
            try:
                return prime_prefix(context, tokens, cache=cache, key=key)
            except RuntimeError as exc:
                llama.reset()
                raise LLMError(f"llama.cpp failed to evaluate the prompt: {exc}") from exc

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
            messages = with_schema_instructions(messages, schema, compact=True)
        grammar = _grammar(json.dumps(json_schema_of(schema))) if schema is not None else None
        self._check_fits(loaded, messages)
        # Streamed so that a deadline can stop generation between tokens (llama.cpp has no timeout of its own),
        # and so that prompt evaluation and generation can be timed apart.
        deadline = time.monotonic() + self.timeout
        started = time.perf_counter()
        first_token_at: float | None = None
        prompt_tokens = 0
        reused = 0
        pieces: list[str] = []
        finish: str | None = None
        stops = getattr(schema, "string_stops", None) or {}
        with loaded.lock, lazy_grammar(loaded.llama, enabled=self.lazy_grammar and grammar is not None,
                                        string_stops=stops):
            previous = loaded.llama.input_ids[: loaded.llama.n_tokens].tolist()
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
                        reused = _reused_prefix(previous, loaded.llama.input_ids[:prompt_tokens].tolist())
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
                    raise LLMError(self._too_long()) from exc
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
                "prompt_cached_tokens": str(reused),
                "prompt_evaluated_tokens": str(prompt_tokens - reused),
                "generation_seconds": f"{ended - started - prompt_seconds:.3f}",
            },
        )


def _reused_prefix(previous: list[int], prompt: list[int]) -> int:
    """How many of ``prompt``'s tokens llama.cpp kept from the previous call's context (``Llama.generate``:
    the longest common prefix, less one when it covers the whole prompt, to recompute the last logits)."""
    from llama_cpp import Llama

    common = Llama.longest_token_prefix(previous, prompt)
    return common - 1 if prompt and common == len(prompt) else common
