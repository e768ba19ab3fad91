"""The persisted prompt cache without a model: the state files, their keys and checks, and the prime decision."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pytest

from assistant.llm.prompt_cache import KEEP, PrimeResult, PromptCache, prime_prefix

TOKENS = [151644, 8948, 198, 2610, 525, 264, 10950, 151645, 198, 151644]
STATE = bytes(range(256)) * 64


class ListContext:
    """A context whose KV state is its token list, serialised: enough to tell evaluating from loading."""

    def __init__(self, held: Sequence[int] = (), *, restorable: bool = True) -> None:
        self.held = list(held)
        self.restorable = restorable
        self.evaluated: list[int] = []
        self.restored = 0

    def tokens(self) -> list[int]:
        return list(self.held)

    def evaluate(self, tokens: Sequence[int]) -> int:
        common = 0
        while common < min(len(self.held), len(tokens)) and self.held[common] == tokens[common]:
            common += 1
        self.evaluated += list(tokens[common:])
        self.held = list(tokens)
        return len(tokens) - common

    def save(self) -> bytes | None:
        return b"kv:" + ",".join(map(str, self.held)).encode()

    def restore(self, tokens: Sequence[int], state: bytes) -> bool:
        self.restored += 1
        if not self.restorable or state != b"kv:" + ",".join(map(str, tokens)).encode():
            self.held = []
            return False
        self.held = list(tokens)
        return True


@pytest.fixture
def model_file(tmp_path: Path) -> Path:
    path = tmp_path / "model.gguf"
    path.write_bytes(b"GGUF" + b"\0" * 100)
    return path


def key_for(model: Path, tokens: Sequence[int] = TOKENS, *, n_ctx: int = 4096, runtime: str = "0.3.36") -> str:
    return PromptCache.key(model, n_ctx=n_ctx, runtime=runtime, tokens=tokens)


def test_a_saved_state_reads_back_from_a_file_named_by_its_key(tmp_path: Path, model_file: Path) -> None:
    cache = PromptCache(tmp_path / "cache" / "prompts")
    key = key_for(model_file)
    assert cache.read(key, TOKENS) is None  # nothing saved yet, and no directory: no error
    path = cache.write(key, TOKENS, STATE)
    assert path == cache.directory / f"{key}.kv" and path.is_file()
    assert [p.name for p in cache.directory.iterdir()] == [path.name]  # the temporary file was renamed
    assert cache.read(key, TOKENS) == STATE
    assert cache.read(key, TOKENS[:-1]) is None  # a state of other tokens is never handed out


def test_the_key_changes_with_everything_the_state_depends_on(model_file: Path, tmp_path: Path) -> None:
    base = key_for(model_file)
    assert key_for(model_file) == base and len(base) == 64
    assert key_for(model_file, [*TOKENS[:-1], 42]) != base
    assert key_for(model_file, n_ctx=2048) != base
    assert key_for(model_file, runtime="0.3.37") != base
    other = tmp_path / "other.gguf"
    other.write_bytes(model_file.read_bytes())
    assert key_for(other) != base  # another file
    stat = model_file.stat()
    os.utime(model_file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert key_for(model_file) != base  # the same file, replaced
    model_file.write_bytes(model_file.read_bytes() + b"x")
    assert key_for(model_file) != base


def flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda raw: flip(raw, len(raw) // 2), id="a flipped bit in the state"),
        pytest.param(lambda raw: flip(raw, raw.index(b"\n", 20) + 3), id="a flipped bit in the tokens"),
        pytest.param(lambda raw: raw[: len(raw) - 100], id="truncated"),
        pytest.param(lambda raw: raw + b"\0", id="trailing bytes"),
        pytest.param(lambda raw: b"", id="empty"),
        pytest.param(lambda raw: os.urandom(4096), id="garbage"),
        pytest.param(lambda raw: raw.replace(b'"format": 1', b'"format": 9'), id="another format"),
        pytest.param(lambda raw: raw.replace(b'"n_tokens": 10', b'"n_tokens": "x"'), id="a bad header"),
    ],
)
def test_a_damaged_file_is_ignored(damage: object, tmp_path: Path, model_file: Path) -> None:
    cache = PromptCache(tmp_path / "prompts")
    key = key_for(model_file)
    path = cache.write(key, TOKENS, STATE)
    assert path is not None
    raw = path.read_bytes()
    damaged = damage(raw)  # type: ignore[operator]
    assert damaged != raw
    path.write_bytes(damaged)
    assert cache.read(key, TOKENS) is None


def test_a_file_under_another_key_is_ignored(tmp_path: Path, model_file: Path) -> None:
    cache = PromptCache(tmp_path / "prompts")
    path = cache.write(key_for(model_file), TOKENS, STATE)
    assert path is not None
    other = key_for(model_file, n_ctx=2048)
    path.rename(cache.path(other))  # same tokens, but saved for another context size
    assert cache.read(other, TOKENS) is None


def test_only_the_most_recently_used_files_are_kept(tmp_path: Path, model_file: Path) -> None:
    cache = PromptCache(tmp_path / "prompts", keep=3)
    keys = [key_for(model_file, [*TOKENS, n]) for n in range(5)]
    for n in range(3):
        path = cache.write(keys[n], [*TOKENS, n], STATE)
        assert path is not None
        os.utime(path, (1_000_000 + n, 1_000_000 + n))  # oldest first
    assert cache.read(keys[0], [*TOKENS, 0]) == STATE  # a read marks the oldest as used now
    cache.write(keys[3], [*TOKENS, 3], STATE)
    assert sorted(p.name for p in cache.directory.iterdir()) == sorted(f"{k}.kv" for k in (keys[0], keys[2], keys[3]))
    assert KEEP == 8


def test_a_cache_that_cannot_be_written_is_no_error(tmp_path: Path, model_file: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the cache directory's parent should be")
    cache = PromptCache(blocker / "cache" / "prompts")
    assert cache.write(key_for(model_file), TOKENS, STATE) is None
    assert cache.read(key_for(model_file), TOKENS) is None


def test_prime_does_nothing_when_the_context_already_starts_with_the_prefix(tmp_path: Path,
                                                                           model_file: Path) -> None:
    cache = PromptCache(tmp_path / "prompts")
    context = ListContext([*TOKENS, 7, 8, 9])  # the prefix, then an earlier call's user turn and reply
    result = prime_prefix(context, TOKENS, cache=cache, key=key_for(model_file))
    assert (result.source, result.tokens, result.evaluated, result.path) == ("context", len(TOKENS), 0, None)
    assert context.evaluated == [] and context.restored == 0 and not cache.directory.exists()
    assert result.describe() == f"{len(TOKENS)} prefix tokens already in the context"


def test_prime_evaluates_and_saves_once_then_loads_the_file(tmp_path: Path, model_file: Path) -> None:
    cache = PromptCache(tmp_path / "prompts")
    key = key_for(model_file)
    first = ListContext()
    cold = prime_prefix(first, TOKENS, cache=cache, key=key)
    assert (cold.source, cold.evaluated, cold.path) == ("evaluated", len(TOKENS), cache.path(key))
    assert first.evaluated == TOKENS and cold.file_bytes == cache.path(key).stat().st_size
    assert "evaluated" in cold.describe() and "saved to the prompt cache" in cold.describe()

    fresh = ListContext([1, 2, 3])  # another process: its context holds something else
    warm = prime_prefix(fresh, TOKENS, cache=cache, key=key)
    assert (warm.source, warm.evaluated, warm.path) == ("file", 0, cache.path(key))
    assert fresh.evaluated == [] and fresh.tokens() == TOKENS
    assert "loaded from the prompt cache" in warm.describe()


def test_a_corrupt_file_is_evaluated_again_and_rewritten(tmp_path: Path, model_file: Path) -> None:
    cache = PromptCache(tmp_path / "prompts")
    key = key_for(model_file)
    prime_prefix(ListContext(), TOKENS, cache=cache, key=key)
    cache.path(key).write_bytes(flip(cache.path(key).read_bytes(), 200))
    context = ListContext()
    result = prime_prefix(context, TOKENS, cache=cache, key=key)
    assert result.source == "evaluated" and context.restored == 0  # the checksum caught it before llama.cpp
    assert prime_prefix(ListContext(), TOKENS, cache=cache, key=key).source == "file"  # rewritten


def test_a_state_the_model_refuses_is_evaluated_again(tmp_path: Path, model_file: Path) -> None:
    cache = PromptCache(tmp_path / "prompts")
    key = key_for(model_file)
    prime_prefix(ListContext(), TOKENS, cache=cache, key=key)
    context = ListContext([5, 6], restorable=False)
    result = prime_prefix(context, TOKENS, cache=cache, key=key)
    assert result.source == "evaluated" and context.restored == 1 and context.tokens() == TOKENS


def test_prime_without_a_cache_directory_only_evaluates(model_file: Path) -> None:
    context = ListContext([*TOKENS[:4], 99])
    result = prime_prefix(context, TOKENS, cache=None, key=None)
    assert (result.source, result.evaluated, result.path) == ("evaluated", len(TOKENS) - 4, None)
    assert context.evaluated == TOKENS[4:]  # the shared start of the context was kept
    assert result.describe().endswith("not saved")


def test_prime_result_describes_a_load_in_megabytes() -> None:
    result = PrimeResult(589, "file", 0.0912, path=Path("x.kv"), file_bytes=17_070_282)
    assert result.describe() == "589 prefix tokens loaded from the prompt cache (17.1 MB) in 0.09 s"
