"""The real model: in-process through llama.cpp, and behind llama-cpp-python's OpenAI-compatible server.

Slow (a model load each, a few seconds of generation): kept to a few small calls.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
import testkit
from pydantic import BaseModel, Field

from assistant.config import Settings
from assistant.errors import BackendTimeout, LLMError
from assistant.llm import Message, build_backend, generate_structured
from assistant.llm.local import LocalBackend, load_model
from assistant.llm.openai_backend import OpenAIBackend
from assistant.llm.structured import schema_note

pytestmark = pytest.mark.slow


class Capital(BaseModel):
    country: str = Field(description="the country asked about")
    capital: str = Field(description="its capital city")
    on_the_coast: bool = Field(description="whether the capital lies on the sea coast")


ASK = [
    Message(role="system", content="You are a concise geography assistant."),
    Message(role="user", content="What is the capital of France?"),
]


def test_in_process_local_backend_gives_schema_valid_json(local_model: Path, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", local_context=2048, local_threads=2)
    chat = build_backend(settings, "local")
    assert (
        isinstance(chat, LocalBackend) and chat.model_path == local_model
    )  # the shared install, no copy
    answer, completions = generate_structured(chat, ASK, Capital, max_tokens=60, temperature=0.0)
    assert "paris" in answer.capital.lower() and "france" in answer.country.lower()
    first = completions[0]
    assert first.prompt_tokens > 50 and 5 < first.completion_tokens <= 60
    assert float(first.extra["prompt_seconds"]) > 0 and float(first.extra["generation_seconds"]) > 0
    assert not (tmp_path / "data" / "models").exists()
    # loaded once per process: a second backend on the same file shares the Llama object
    again = LocalBackend(local_model, n_ctx=2048, n_threads=2)
    assert again.load() is chat.load() is load_model(local_model, n_ctx=2048, n_threads=2)


def test_lazy_grammar_sampling_matches_the_full_grammar(local_model: Path) -> None:
    """Greedy decoding must give the same tokens whether the grammar is checked lazily or on every token."""
    texts = []
    for lazy in (True, False):
        chat = LocalBackend(local_model, n_ctx=2048, n_threads=2, lazy_grammar=lazy)
        chat.load().llama.reset()  # same full prompt evaluation for both runs
        texts.append(chat.complete(ASK, schema=Capital, max_tokens=40, temperature=0.0).text)
    assert texts[0] == texts[1]
    assert texts[0].startswith("{")


class Headline(BaseModel):
    string_stops: ClassVar[dict[str, str]] = {"headline": r"(?i:\b(?:from|by))\W*\d"}

    headline: str = Field(description="the headline, word for word")
    section: str = Field(description="the newspaper section")


def test_a_field_whose_figures_are_dropped_ends_where_they_start(local_model: Path) -> None:
    """The local backend closes such a string at the first digit after "from" (or "by") and goes on with valid JSON."""
    ask = [Message(role="system", content="You copy headlines exactly."),
           Message(role="user", content='Headline: "Cut onboarding time from 19 days to 12 days by 2027". Section: business.')]
    chat = LocalBackend(local_model, n_ctx=2048, n_threads=2)
    reply = chat.complete(ask, schema=Headline, max_tokens=60, temperature=0.0)
    value = Headline.model_validate_json(reply.text)
    assert value.headline.strip() == "Cut onboarding time from"
    assert value.section.strip().lower() == "business"


def test_a_call_that_continues_the_last_conversation_evaluates_only_what_is_new(local_model: Path) -> None:
    """llama.cpp's prefix cache at work, as the draft chain uses it: a constant system turn that already holds
    the compact schema note, then a repair-style question after the model's own reply."""
    system = Message(role="system", content=f"{ASK[0].content}\n\n{schema_note(Capital, compact=True)}")
    chat = LocalBackend(local_model, n_ctx=2048, n_threads=2)
    chat.load().llama.reset()
    first = chat.complete([system, ASK[1]], schema=Capital, max_tokens=60, temperature=0.0)
    assert first.extra["prompt_cached_tokens"] == "0"
    assert int(first.extra["prompt_evaluated_tokens"]) == first.prompt_tokens
    follow = [system, ASK[1], Message(role="assistant", content=first.text),
              Message(role="user", content="And the capital of Spain?")]
    second = chat.complete(follow, schema=Capital, max_tokens=60, temperature=0.0)
    assert "madrid" in second.text.lower()
    cached, evaluated = int(second.extra["prompt_cached_tokens"]), int(second.extra["prompt_evaluated_tokens"])
    assert cached + evaluated == second.prompt_tokens
    assert cached >= first.prompt_tokens  # the whole first prompt, and its reply
    assert evaluated < 30  # only the question (and the turn markers around it)


def test_local_generation_stops_at_the_deadline(local_model: Path) -> None:
    chat = LocalBackend(local_model, n_ctx=2048, n_threads=2, timeout=0.0)
    with pytest.raises(BackendTimeout, match="OKR_LLM_TIMEOUT"):
        chat.complete(ASK, max_tokens=200)
    with pytest.raises(LLMError, match=r"does not fit the local model's context .*OKR_LOCAL_CONTEXT"):
        chat.complete([Message(role="user", content="budget " * 3000)], max_tokens=10)
    # the interrupted generation leaves the shared model usable
    after = LocalBackend(local_model, n_ctx=2048, n_threads=2).complete(
        ASK, schema=Capital, max_tokens=60
    )
    assert Capital.model_validate_json(after.text).capital


@pytest.fixture
def llama_server(local_model: Path, tmp_path: Path) -> Iterator[str]:
    """`python -m llama_cpp.server` serving the local model on loopback; stopped after the test."""
    with testkit.llama_server(local_model, tmp_path, n_ctx=2048, threads=2, within=120) as url:
        yield url


def test_openai_backend_against_a_real_llama_cpp_server(llama_server: str) -> None:
    chat = OpenAIBackend(base_url=llama_server, timeout=120, max_retries=1)
    assert chat.mode == "json_object"  # llama-cpp-python's server takes no strict json_schema
    answer, completions = generate_structured(chat, ASK, Capital, max_tokens=60, temperature=0.0)
    assert "paris" in answer.capital.lower()
    assert chat.model  # discovered from /v1/models
    assert completions[0].prompt_tokens > 50 and completions[0].completion_tokens > 5
    assert completions[0].extra["mode"] == "json_object"
