"""A persisted prompt cache for the embedded model: the KV state of a constant prompt prefix, kept on disk.

Every call of a draft starts with the same system turn; evaluating it costs the 2-core machine about 15 s,
reading its saved KV state about a tenth of a second. ``prime`` puts a prefix into the model's context: from
the context itself when it already holds it, else from a state file, else by evaluating it (and saving the
file for the next process). llama.cpp's own prefix reuse then skips it in the next completion.

A file holds one sequence's KV state (``llama_state_seq_get_data``: the cells of the prefix, a few tens of MB,
not ``Llama.save_state``, whose logits array alone is 300 MB) after a header that names its key, its tokens
and a sha256 of its contents. Its name is the sha256 of what the state depends on: the model file (path, size,
mtime), the context size, the llama-cpp-python version and the token ids. Files are written through a
temporary file and a rename; one that is truncated, damaged or unreadable is ignored (and rewritten), never an
error; only the ``KEEP`` most recently used files stay.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import os
import struct
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from assistant.errors import BackendTimeout
from assistant.llm.base import Message

if TYPE_CHECKING:
    from llama_cpp import Llama

MAGIC = b"okr-prompt-cache\n"
FORMAT = 1
KEEP = 8
SUFFIX = ".kv"

Source = Literal["context", "file", "evaluated"]


@dataclass(frozen=True)
class PrimeResult:
    """What ``prime`` did: how many prefix tokens are now in the context, and where they came from.

    ``source`` is ``context`` (already there, nothing done), ``file`` (the KV state was loaded from ``path``)
    or ``evaluated`` (the model evaluated ``evaluated`` tokens; ``path`` is the file saved, None when it could
    not be written or no cache directory is configured).
    """

    tokens: int
    source: Source
    seconds: float
    evaluated: int = 0
    path: Path | None = None
    file_bytes: int = 0

    def describe(self) -> str:
        """One line for a trace: ``589 prefix tokens loaded from the prompt cache (17.1 MB) in 0.09 s``."""
        if self.source == "context":
            return f"{self.tokens} prefix tokens already in the context"
        if self.source == "file":
            return (f"{self.tokens} prefix tokens loaded from the prompt cache ({self.file_bytes / 1e6:.1f} MB) "
                    f"in {self.seconds:.2f} s")
        saved = "saved to the prompt cache" if self.path is not None else "not saved"
        return f"{self.tokens} prefix tokens, {self.evaluated} evaluated in {self.seconds:.2f} s, {saved}"


class Context(Protocol):
    """The model context ``prime_prefix`` works on (``LlamaContext`` for llama.cpp)."""

    def tokens(self) -> list[int]:
        """The tokens whose KV state the context holds, in order."""
        ...

    def evaluate(self, tokens: Sequence[int]) -> int:
        """Make the context hold exactly ``tokens``, reusing what it holds; returns the tokens evaluated."""
        ...

    def save(self) -> bytes | None:
        """The KV state of what the context holds; None when it cannot be read."""
        ...

    def restore(self, tokens: Sequence[int], state: bytes) -> bool:
        """Replace the context with a saved state of ``tokens``; False (and an empty context) on failure."""
        ...


class PromptCache:
    """State files in one directory, keyed by everything a KV state depends on."""

    def __init__(self, directory: Path, *, keep: int = KEEP) -> None:
        self.directory = directory
        self.keep = keep

    @staticmethod
    def key(model_path: Path, *, n_ctx: int, runtime: str, tokens: Sequence[int]) -> str:
        """The file key: sha256 of the model file's identity (path, size, mtime), ``n_ctx``, the runtime
        (llama-cpp-python's version) and the token ids."""
        stat = model_path.stat()
        identity = json.dumps(
            {"format": FORMAT, "model": str(model_path.resolve()), "size": stat.st_size,
             "mtime_ns": stat.st_mtime_ns, "n_ctx": n_ctx, "runtime": runtime},
            sort_keys=True,
        )
        digest = hashlib.sha256(identity.encode())
        digest.update(_pack(tokens))
        return digest.hexdigest()

    def path(self, key: str) -> Path:
        return self.directory / f"{key}{SUFFIX}"

    def read(self, key: str, tokens: Sequence[int]) -> bytes | None:
        """The saved state for ``key`` holding exactly ``tokens``; None when absent, damaged or unreadable."""
        path = self.path(key)
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        state = _decode(raw, key, tokens)
        if state is not None:
            with contextlib.suppress(OSError):
                os.utime(path)  # recently used: pruned last
        return state

    def write(self, key: str, tokens: Sequence[int], state: bytes) -> Path | None:
        """Save atomically (a temporary file, then a rename) and prune; None when the directory is not
        writable (a cache that cannot be written is no error: the next process evaluates again)."""
        path = self.path(key)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            with open(tmp, "wb") as out:
                out.write(_encode(key, tokens, state))
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink()
            return None
        self.prune()
        return path

    def prune(self) -> None:
        """Delete all but the ``keep`` most recently used state files."""
        files = []
        for entry in self.directory.glob(f"*{SUFFIX}"):
            with contextlib.suppress(OSError):
                files.append((entry.stat().st_mtime_ns, entry))
        for _, entry in sorted(files, reverse=True)[self.keep :]:
            with contextlib.suppress(OSError):
                entry.unlink()


def prime_prefix(context: Context, tokens: Sequence[int], *, cache: PromptCache | None, key: str | None
                 ) -> PrimeResult:
    """Make ``context`` start with ``tokens``: keep it, load it from ``cache``, or evaluate it and save it."""
    started = time.perf_counter()
    held = context.tokens()
    if held[: len(tokens)] == list(tokens):
        return PrimeResult(len(tokens), "context", time.perf_counter() - started)
    if cache is not None and key is not None:
        state = cache.read(key, tokens)
        if state is not None and context.restore(tokens, state):
            loaded = cache.path(key)
            return PrimeResult(len(tokens), "file", time.perf_counter() - started, path=loaded,
                               file_bytes=_size(loaded))
    evaluated = context.evaluate(tokens)
    state = context.save() if cache is not None and key is not None else None
    path = cache.write(key, tokens, state) if cache is not None and key is not None and state else None
    return PrimeResult(len(tokens), "evaluated", time.perf_counter() - started, evaluated=evaluated, path=path,
                       file_bytes=_size(path))


def _size(path: Path | None) -> int:
    try:
        return path.stat().st_size if path is not None else 0
    except OSError:
        return 0


def _pack(tokens: Sequence[int]) -> bytes:
    return struct.pack(f"<{len(tokens)}i", *tokens)


def _encode(key: str, tokens: Sequence[int], state: bytes) -> bytes:
    body = _pack(tokens) + state
    header = json.dumps({"format": FORMAT, "key": key, "n_tokens": len(tokens), "state_bytes": len(state),
                         "sha256": hashlib.sha256(body).hexdigest()})
    return MAGIC + header.encode() + b"\n" + body


def _decode(raw: bytes, key: str, tokens: Sequence[int]) -> bytes | None:
    """The state in a file's bytes, or None unless every check passes (a damaged state would load silently
    and make the model write nonsense, so the checksum is not optional)."""
    if not raw.startswith(MAGIC):
        return None
    end = raw.find(b"\n", len(MAGIC))
    if end < 0:
        return None
    try:
        header = json.loads(raw[len(MAGIC) : end])
        n_tokens, state_bytes, checksum = int(header["n_tokens"]), int(header["state_bytes"]), header["sha256"]
        ok = header["format"] == FORMAT and header["key"] == key
    except (ValueError, KeyError, TypeError):
        return None
    body = raw[end + 1 :]
    if not ok or n_tokens != len(tokens) or len(body) != 4 * n_tokens + state_bytes:
        return None
    if hashlib.sha256(body).hexdigest() != checksum or body[: 4 * n_tokens] != _pack(tokens):
        return None
    return body[4 * n_tokens :]


# The llama.cpp side: the prefix as the chat template renders it, and sequence 0 of the KV cache.

Role = Literal["system", "user", "assistant"]
_CONTINUATION: dict[str, Role] = {"user": "assistant", "assistant": "user", "system": "user"}


def prefix_tokens(llama: Llama, messages: Sequence[Message]) -> list[int]:
    """The tokens ``llama.create_chat_completion`` puts first in every conversation that starts with
    ``messages``; empty when the chat format gives no such prefix.

    The conversation is rendered twice by the model's own chat handler, with two different turns after
    ``messages``; their common tokens are cut back to just after the last control token (``<|im_start|>`` in
    chatml), because text between control tokens is tokenized on its own and may merge differently with
    whatever follows it.
    """
    from llama_cpp import Llama, llama_cpp

    if not messages:
        return []
    role = _CONTINUATION[messages[-1].role]
    renders = [_render(llama, [*messages, Message(role=role, content=text)]) for text in ("A", "B")]
    first, second = renders
    if first is None or second is None:
        return []
    common = first[: Llama.longest_token_prefix(first, second)]
    vocab = llama._model.vocab
    cut = max((i + 1 for i, token in enumerate(common) if llama_cpp.llama_vocab_is_control(vocab, token)),
              default=0)
    return common[:cut]


class _Rendered(Exception):
    def __init__(self, tokens: list[int]) -> None:
        self.tokens = tokens


class _Capture:
    """Stands in for the ``Llama`` a chat handler is given: the handler renders and tokenizes as usual, and
    its ``create_completion`` call hands back the prompt tokens instead of generating."""

    def __init__(self, llama: Llama) -> None:
        self._llama = llama

    def __getattr__(self, name: str) -> Any:
        return getattr(self._llama, name)

    def create_completion(self, *, prompt: object, **options: object) -> None:
        if isinstance(prompt, list):
            raise _Rendered([int(token) for token in prompt])
        raise _Rendered([])  # text: tokenized later with options this cannot see; no safe prefix


def _render(llama: Llama, messages: Sequence[Message]) -> list[int] | None:
    """The prompt tokens of ``messages``, chosen and rendered as ``Llama.create_chat_completion`` does."""
    from llama_cpp import llama_chat_format

    handler: Any = (
        llama.chat_handler
        or llama._chat_handlers.get(llama.chat_format or "")
        or llama_chat_format.get_chat_completion_handler(llama.chat_format or "")
    )
    try:
        handler(llama=_Capture(llama), messages=[{"role": m.role, "content": m.content} for m in messages],
                stream=True)
    except _Rendered as rendered:
        return rendered.tokens or None
    except Exception:  # a template that refuses these turns: no prefix, no priming
        return None
    return None


class LlamaContext:
    """``Context`` over a ``Llama``: its ``input_ids``/``n_tokens`` and sequence 0 of its KV cache.

    ``Llama.generate`` trusts ``input_ids[:n_tokens]`` to describe the KV cache; a restored state sets both
    and marks the logits stale (``_requires_eval``), so the next completion evaluates at least one token.
    """

    def __init__(self, llama: Llama, *, deadline: float | None = None, timeout: float = 0.0) -> None:
        self.llama = llama
        self.deadline = deadline
        self.timeout = timeout

    def tokens(self) -> list[int]:
        return [int(t) for t in self.llama.input_ids[: self.llama.n_tokens]]

    def evaluate(self, tokens: Sequence[int]) -> int:
        from llama_cpp import Llama

        llama = self.llama
        common = min(Llama.longest_token_prefix(self.tokens(), list(tokens)), len(tokens) - 1)
        llama.n_tokens = max(common, 0)  # eval() drops the KV cells from n_tokens on, keeping the shared part
        for start in range(llama.n_tokens, len(tokens), llama.n_batch):
            if self.deadline is not None and time.monotonic() > self.deadline:
                raise BackendTimeout(
                    f"The local model did not evaluate the prompt within {self.timeout:g} s: raise "
                    "OKR_LLM_TIMEOUT, or use an OpenAI-compatible server (OKR_LLM_BASE_URL)."
                )
            llama.eval(tokens[start : start + llama.n_batch])
        return len(tokens) - max(common, 0)

    def save(self) -> bytes | None:
        from llama_cpp import llama_cpp

        ctx = self.llama._ctx.ctx
        size = int(llama_cpp.llama_state_seq_get_size(ctx, 0))
        buffer = (ctypes.c_uint8 * size)()
        written = int(llama_cpp.llama_state_seq_get_data(ctx, buffer, size, 0))
        return ctypes.string_at(buffer, written) if 0 < written <= size else None

    def restore(self, tokens: Sequence[int], state: bytes) -> bool:
        from llama_cpp import llama_cpp

        llama = self.llama
        llama.reset()
        buffer = (ctypes.c_uint8 * len(state)).from_buffer_copy(state)
        if int(llama_cpp.llama_state_seq_set_data(llama._ctx.ctx, buffer, len(state), 0)) != len(state):
            llama._ctx.kv_cache_seq_rm(-1, 0, -1)
            return False
        llama.input_ids[: len(tokens)] = tokens
        llama.n_tokens = len(tokens)
        llama._requires_eval = True
        return True
