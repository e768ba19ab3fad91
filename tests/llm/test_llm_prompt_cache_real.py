"""The persisted prompt cache on the real model: a new process loads the system turn instead of evaluating it.

Slow (a model load, a short system turn evaluated twice, a few 8-token completions).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from testkit import REPO

from assistant.llm import Message
from assistant.llm.base import Completion
from assistant.llm.local import LocalBackend
from assistant.llm.prompt_cache import prefix_tokens

pytestmark = pytest.mark.slow

SYSTEM = Message(role="system", content=(
    "You help team leads write OKRs. An objective is short, qualitative and inspiring; it names an outcome, "
    "not a task, and carries no numbers. Key results carry the numbers: a metric, a baseline and a target. "
    "Write in plain English, in the team's own words, and never copy the parent objective."
))
USER = Message(role="user", content="Team Payments makes checkout fast for EU shoppers. One objective title:")

# What another process does: the same backend settings, then prime and one greedy call.
CHILD = """
import json, sys
from pathlib import Path
from assistant.llm import Message
from assistant.llm.local import LocalBackend
args = json.loads(sys.argv[1])
chat = LocalBackend(Path(args["model"]), n_ctx=args["n_ctx"], n_threads=2, prompt_cache=Path(args["cache"]))
system, user = (Message.model_validate(m) for m in args["messages"])
primed = chat.prime([system])
done = chat.complete([system, user], max_tokens=8, temperature=0.0)
print(json.dumps({"source": primed.source, "tokens": primed.tokens, "text": done.text,
                  "cached": int(done.extra["prompt_cached_tokens"]),
                  "evaluated": int(done.extra["prompt_evaluated_tokens"])}))
"""


def ask(chat: LocalBackend) -> Completion:
    return chat.complete([SYSTEM, USER], max_tokens=8, temperature=0.0)


def test_the_prefix_is_a_token_prefix_of_every_call_of_a_draft(local_model: Path) -> None:
    """Checked against the model's chat template rendered independently (no generation)."""
    from llama_cpp import Llama
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    from assistant.draft.prompts import system_message
    from assistant.policy import get_policy

    llama = LocalBackend(local_model, n_ctx=2048, n_threads=2).load().llama
    system = system_message(get_policy("default"))
    template = Jinja2ChatFormatter(template=llama.metadata["tokenizer.chat_template"], eos_token="", bos_token="")
    prefix = prefix_tokens(llama, [system])
    system_only = llama.tokenize(system.content.encode(), add_bos=False, special=True)
    assert len(system_only) < len(prefix) < len(system_only) + 10  # the turn, with its markers
    reply = Message(role="assistant", content='{"title": "Checkout that just works"}')
    for conversation in ([system, USER], [system, USER, reply, Message(role="user", content="Shorter.")]):
        prompt = template(messages=[m.model_dump() for m in conversation]).prompt  # type: ignore[misc]
        tokens = llama.tokenize(prompt.encode(), add_bos=False, special=True)
        assert Llama.longest_token_prefix(prefix, tokens) == len(prefix)
    assert prefix_tokens(llama, []) == []


def test_a_new_process_loads_the_system_turn_instead_of_evaluating_it(local_model: Path, tmp_path: Path) -> None:
    cache = tmp_path / "prompts"
    chat = LocalBackend(local_model, n_ctx=2048, n_threads=2, prompt_cache=cache)
    chat.load().llama.reset()
    cold = chat.prime([SYSTEM])
    assert cold is not None and cold.source == "evaluated" and cold.evaluated == cold.tokens > 50
    assert cold.path is not None and cold.path.parent == cache and cold.file_bytes > 1_000_000
    first = ask(chat)
    assert int(first.extra["prompt_cached_tokens"]) == cold.tokens
    assert int(first.extra["prompt_evaluated_tokens"]) == first.prompt_tokens - cold.tokens
    again = chat.prime([SYSTEM])  # the context holds the system turn, the question and the reply
    assert again is not None and again.source == "context"

    # the same context size as the model this process holds: an earlier test may have loaded it with a larger one
    # (a loaded model is reused for any smaller request), and the KV state is keyed by the actual context size
    args = {"model": str(local_model), "cache": str(cache), "n_ctx": chat.load().n_ctx,
            "messages": [SYSTEM.model_dump(), USER.model_dump()]}
    child = subprocess.run([sys.executable, "-c", CHILD, json.dumps(args)], cwd=REPO, capture_output=True,
                           text=True, timeout=300, check=True)
    assert json.loads(child.stdout.strip().splitlines()[-1]) == {
        "source": "file", "tokens": cold.tokens, "text": first.text,  # greedy: the very same words
        "cached": cold.tokens, "evaluated": first.prompt_tokens - cold.tokens,
    }
    assert [p.name for p in cache.iterdir()] == [cold.path.name]


def test_a_corrupt_cache_file_is_evaluated_again_and_replaced(local_model: Path, tmp_path: Path) -> None:
    chat = LocalBackend(local_model, n_ctx=2048, n_threads=2, prompt_cache=tmp_path / "prompts")
    llama = chat.load().llama
    llama.reset()
    saved = chat.prime([SYSTEM])
    assert saved is not None and saved.path is not None
    first = ask(chat)
    raw = bytearray(saved.path.read_bytes())
    raw[len(raw) // 2] ^= 0xFF  # a KV value: llama.cpp would load it and write nonsense
    saved.path.write_bytes(bytes(raw))

    llama.reset()
    redone = chat.prime([SYSTEM])
    assert redone is not None and redone.source == "evaluated" and redone.path == saved.path
    llama.reset()
    loaded = LocalBackend(local_model, n_ctx=2048, n_threads=2, prompt_cache=tmp_path / "prompts").prime([SYSTEM])
    assert loaded is not None and loaded.source == "file"  # the rewritten file is whole again
    assert ask(chat).text == first.text
