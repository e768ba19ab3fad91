"""The draft's trace: which backend and model, tokens, and the time of every step."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from assistant.llm.base import Completion
from assistant.okr import Trace, TraceStep


class TraceRecorder:
    """Collects ``TraceStep``s; model calls are split into prompt evaluation and generation when timed."""

    def __init__(self, *, backend: str, model: str) -> None:
        self.trace = Trace(backend=backend, model=model)
        self._started = time.perf_counter()

    @contextmanager
    def step(self, name: str, detail: str | None = None) -> Iterator[TraceStep]:
        """Time a step that makes no model call; the yielded step's ``detail`` may be set inside."""
        step = TraceStep(name=name, seconds=0.0, detail=detail)
        started = time.perf_counter()
        try:
            yield step
        finally:
            step.seconds = round(time.perf_counter() - started, 4)
            self.trace.steps.append(step)

    def model_call(self, name: str, completions: Sequence[Completion], *, seconds: float,
                   detail: str | None = None) -> None:
        """Record one model step (one or more completions, re-asks included) as prompt eval + generation.

        Backends that time the two phases report ``prompt_seconds`` in ``Completion.extra``; otherwise the
        whole call is booked as generation.
        """
        prompt_tokens = sum(c.prompt_tokens for c in completions)
        completion_tokens = sum(c.completion_tokens for c in completions)
        prompt_seconds = sum(_float(c.extra.get("prompt_seconds")) for c in completions)
        prompt_seconds = min(prompt_seconds, seconds)
        note = f"{len(completions)} call{'s' if len(completions) != 1 else ''}"
        evaluated = [c.extra["prompt_evaluated_tokens"] for c in completions if "prompt_evaluated_tokens" in c.extra]
        if evaluated:
            # what the prompt cost: tokens the model evaluated, the rest came from its prompt cache
            note += f"; {sum(int(e) for e in evaluated)} of {prompt_tokens} prompt tokens evaluated"
        if detail:
            note = f"{detail}; {note}"
        if prompt_seconds > 0:
            self.trace.steps.append(
                TraceStep(name=f"{name}: prompt eval", seconds=round(prompt_seconds, 4),
                          prompt_tokens=prompt_tokens, detail=note)
            )
            self.trace.steps.append(
                TraceStep(name=f"{name}: generation", seconds=round(seconds - prompt_seconds, 4),
                          completion_tokens=completion_tokens, detail=note)
            )
        else:
            self.trace.steps.append(
                TraceStep(name=name, seconds=round(seconds, 4), prompt_tokens=prompt_tokens,
                          completion_tokens=completion_tokens, detail=note)
            )
        self.trace.prompt_tokens += prompt_tokens
        self.trace.completion_tokens += completion_tokens
        if completions and completions[-1].model and self.trace.model in ("", "unknown"):
            self.trace.model = completions[-1].model

    def finish(self) -> Trace:
        self.trace.seconds = round(time.perf_counter() - self._started, 4)
        return self.trace


def _float(value: str | None) -> float:
    try:
        return float(value) if value else 0.0
    except ValueError:
        return 0.0
