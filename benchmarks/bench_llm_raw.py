"""Raw llama.cpp speed of the local model on this machine: load time, prompt and generation tokens/s.

    .venv/bin/python -m benchmarks.bench_llm_raw [--prompt-tokens 512] [--gen-tokens 128] [--threads N]
                                                 [--ctx 4096] [--repeat 2] [--out reports/bench]

Drives llama.cpp directly (eval a prompt in one batch, then sample and eval one token at a time, greedy,
no grammar, no chat template), so it is the ceiling the drafting chain is compared against. Also runs one
structured call through ``LocalBackend`` (chat template, schema grammar, streaming) to show what the
backend itself costs. Prints the figures and writes ``llm_raw.json``. A figure, not a timed test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from assistant.config import settings_from_env
from assistant.llm.base import Message
from assistant.llm.local import LocalBackend, load_model
from assistant.llm.model_files import resolve_model_path

# Prompt text for the raw runs: strategy-like prose, repeated and cut to the exact token count.
_PROSE = (
    "Northwind's strategy for the coming year focuses on growing self-serve revenue in Europe, cutting the time "
    "new customers need to reach their first report, and raising retention among mid-market accounts. Teams "
    "should align their objectives with these company goals and measure outcomes rather than activities. "
)


class _Probe(BaseModel):
    objective: str = Field(description="an inspiring, qualitative objective for the team")
    key_results: list[str] = Field(
        description="two measurable key results, each with a baseline and a target"
    )


def measure_raw(
    model_path: Path, *, n_ctx: int, n_threads: int, prompt_tokens: int, gen_tokens: int
) -> dict[str, float]:
    """One raw run: prompt eval of ``prompt_tokens`` in one batch, then ``gen_tokens`` greedy decode steps."""
    loaded = load_model(model_path, n_ctx=n_ctx, n_threads=n_threads)
    llama = loaded.llama
    text = _PROSE * (prompt_tokens // 40 + 2)
    tokens = llama.tokenize(text.encode(), add_bos=True)[:prompt_tokens]
    with loaded.lock:
        llama.reset()
        started = time.perf_counter()
        llama.eval(tokens)
        prompt_seconds = time.perf_counter() - started
        started = time.perf_counter()
        for _ in range(gen_tokens):
            token = llama.sample(temp=0.0)
            llama.eval([token])  # end-of-text is ignored on purpose: this measures speed, not answers
        gen_seconds = time.perf_counter() - started
        llama.reset()
    return {
        "prompt_tokens": len(tokens),
        "prompt_seconds": prompt_seconds,
        "prompt_tokens_per_s": len(tokens) / prompt_seconds,
        "gen_tokens": gen_tokens,
        "gen_seconds": gen_seconds,
        "gen_tokens_per_s": gen_tokens / gen_seconds,
    }


def measure_backend(
    model_path: Path, *, n_ctx: int, n_threads: int, lazy_grammar: bool = True
) -> dict[str, float]:
    """One structured call through LocalBackend, split into prompt evaluation and generation."""
    backend = LocalBackend(
        model_path, n_ctx=n_ctx, n_threads=n_threads, timeout=600, lazy_grammar=lazy_grammar
    )
    messages = [
        Message(role="system", content="You draft OKRs for software teams."),
        Message(
            role="user",
            content="Draft one objective with two key results for a team that runs onboarding. " + _PROSE,
        ),
    ]
    backend.load().llama.reset()  # no prompt cache from the raw runs
    completion = backend.complete(messages, schema=_Probe, max_tokens=160, temperature=0.0)
    prompt_s = float(completion.extra["prompt_seconds"])
    gen_s = float(completion.extra["generation_seconds"])
    return {
        "prompt_tokens": completion.prompt_tokens,
        "prompt_seconds": prompt_s,
        "prompt_tokens_per_s": completion.prompt_tokens / prompt_s if prompt_s else 0.0,
        "gen_tokens": completion.completion_tokens,
        "gen_seconds": gen_s,
        "gen_tokens_per_s": completion.completion_tokens / gen_s if gen_s else 0.0,
        "total_seconds": completion.seconds,
        "valid_json": float(_valid(completion.text)),
    }


def _valid(text: str) -> bool:
    try:
        _Probe.model_validate_json(text)
    except ValueError:
        return False
    return True


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    settings = settings_from_env()
    parser.add_argument("--prompt-tokens", type=int, default=512)
    parser.add_argument("--gen-tokens", type=int, default=128)
    parser.add_argument("--threads", type=int, default=settings.local_threads or os.cpu_count() or 1)
    parser.add_argument("--ctx", type=int, default=settings.local_context)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--no-backend", action="store_true", help="Skip the LocalBackend structured call.")
    parser.add_argument("--out", type=Path, default=None, help="Directory for llm_raw.json.")
    args = parser.parse_args(argv)

    model_path = resolve_model_path(settings)
    started = time.perf_counter()
    loaded = load_model(model_path, n_ctx=args.ctx, n_threads=args.threads)
    load_seconds = time.perf_counter() - started
    runs = [
        measure_raw(
            model_path,
            n_ctx=args.ctx,
            n_threads=args.threads,
            prompt_tokens=args.prompt_tokens,
            gen_tokens=args.gen_tokens,
        )
        for _ in range(max(1, args.repeat))
    ]
    raw = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    result: dict[str, Any] = {
        "model": model_path.name,
        "machine": {
            "cpus": os.cpu_count(),
            "threads": args.threads,
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "load_seconds": load_seconds,
        "n_ctx": loaded.n_ctx,
        "raw": raw,
        "runs": runs,
    }
    if not args.no_backend:
        for key, lazy in (("backend", True), ("backend_full_grammar", False)):
            result[key] = measure_backend(
                model_path, n_ctx=args.ctx, n_threads=args.threads, lazy_grammar=lazy
            )
    result["max_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"model           {result['model']}  ({args.threads} threads, n_ctx {loaded.n_ctx})")
    print(f"load            {load_seconds:.2f} s")
    print(
        f"prompt (raw)    {raw['prompt_tokens_per_s']:.1f} tokens/s  ({raw['prompt_tokens']:.0f} tokens in "
        f"{raw['prompt_seconds']:.2f} s, median of {len(runs)})"
    )
    print(
        f"generation (raw){raw['gen_tokens_per_s']:7.1f} tokens/s  ({raw['gen_tokens']:.0f} tokens in "
        f"{raw['gen_seconds']:.2f} s)"
    )
    for key, label in (("backend", "lazy grammar"), ("backend_full_grammar", "full grammar")):
        if key in result:
            b = result[key]
            print(
                f"backend call    prompt {b['prompt_tokens_per_s']:.1f} tokens/s ({b['prompt_tokens']:.0f} tokens), "
                f"generation {b['gen_tokens_per_s']:.1f} tokens/s ({b['gen_tokens']:.0f} tokens, {label}), "
                f"{b['total_seconds']:.2f} s total, valid JSON: {bool(b['valid_json'])}"
            )
    print(f"peak RSS        {result['max_rss_mib']:.0f} MiB")
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "llm_raw.json").write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
