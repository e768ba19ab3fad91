"""Search latency over 10,000 chunks: ``Store.search`` end to end (embed the query, ask Chroma, build hits).

    .venv/bin/python -m benchmarks.bench_search [--chunks 10000] [--queries 300] [--out reports/bench]

Builds a store of generated documents with the real ingest pipeline (short sections, so that building it
takes minutes, not an hour: latency depends on the number of chunks, not on their length), then, in a fresh
process so that peak memory is the search's own, times ``--queries`` distinct queries after a warm-up.
Reports p50/p95/max, the CPU time per search (what the search costs, whatever else runs on the machine), the
split between query embedding and the Chroma query, and peak RSS of both the build and the search. Target: p50 at most 20 ms. Writes ``search.json``. A figure, not a timed test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import cast

TARGET_P50_MS = 20.0
SECTIONS_PER_DOCUMENT = 100

_TEAMS = ("Platform", "Mobile", "Billing", "Support", "Sales EMEA", "Growth", "Data", "Security", "People", "Finance")
_THEMES = (
    "trial-to-paid conversion", "gross revenue churn", "scheduling API uptime", "time to first schedule",
    "offer acceptance", "NPS", "p95 latency", "expansion revenue", "ticket backlog", "onboarding time",
    "discount approvals", "data residency", "route optimisation", "accounting integrations", "on-call load",
)
_MOVES = ("rose to", "fell to", "stayed at", "reached", "slipped to", "improved to")
_WHEN = ("in Q1", "in Q2", "after the launch", "since the reorganisation", "in Europe", "in the US", "this year")


def _passage(rng: random.Random, n: int) -> str:
    return (
        f"{rng.choice(_TEAMS)} notes {n}: {rng.choice(_THEMES)} {rng.choice(_MOVES)} {rng.randint(2, 98)}% "
        f"{rng.choice(_WHEN)}, and {rng.choice(_THEMES)} {rng.choice(_MOVES)} {rng.randint(2, 98)}% "
        f"{rng.choice(_WHEN)}."
    )


def make_corpus(folder: Path, *, chunks: int, seed: int = 5) -> int:
    """Markdown documents whose sections are one chunk each, ``chunks`` sections in all."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    made = 0
    doc = 0
    while made < chunks:
        sections = min(SECTIONS_PER_DOCUMENT, chunks - made)
        lines = [f"# Operating review {doc + 1}\n"]
        for s in range(sections):
            lines.append(f"## {rng.choice(_TEAMS)} update {s + 1}\n\n{_passage(rng, made + s)}\n")
        (folder / f"review-{doc + 1:04d}.md").write_text("\n".join(lines), encoding="utf-8")
        made += sections
        doc += 1
    return doc


def queries(count: int, *, seed: int = 9) -> list[str]:
    rng = random.Random(seed)
    return [
        f"What happened to {rng.choice(_THEMES)} for the {rng.choice(_TEAMS)} team {rng.choice(_WHEN)}? ({n})"
        for n in range(count)
    ]


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _child_build(corpus: Path, data_dir: Path) -> dict[str, float]:
    from assistant.config import settings_from_env
    from assistant.retrieval.store import open_store

    store = open_store(settings_from_env(data_dir=data_dir))
    start = time.perf_counter()
    summary = store.ingest([corpus])
    assert not summary.skipped, summary.skipped
    return {
        "chunks": float(store.documents.count()),
        "seconds": time.perf_counter() - start,
        "peak_rss_mb": _peak_rss_mb(),
    }


def _child_search(data_dir: Path, count: int) -> dict[str, object]:
    from assistant.config import settings_from_env
    from assistant.retrieval.store import open_store

    store = open_store(settings_from_env(data_dir=data_dir))
    for text in queries(10, seed=1):  # warm-up: model session, HNSW index in memory
        store.search(text, k=5)
    total: list[float] = []
    cpu: list[float] = []
    embed: list[float] = []
    query: list[float] = []
    for text in queries(count):
        t0 = time.perf_counter()
        vector = store.embedder.embed([text])[0]
        t1 = time.perf_counter()
        store.documents.search(vector, k=5)
        t2, c2 = time.perf_counter(), time.process_time()
        hits = store.search(text, k=5)
        t3, c3 = time.perf_counter(), time.process_time()
        cpu.append((c3 - c2) * 1000)
        assert len(hits) == 5
        embed.append((t1 - t0) * 1000)
        query.append((t2 - t1) * 1000)
        total.append((t3 - t2) * 1000)
    return {
        "chunks": store.documents.count(),
        "search_ms": {"p50": _percentile(total, 0.5), "p95": _percentile(total, 0.95), "max": max(total),
                      "mean": statistics.fmean(total)},
        "search_cpu_ms": {"p50": _percentile(cpu, 0.5), "p95": _percentile(cpu, 0.95)},
        "embed_query_ms": {"p50": _percentile(embed, 0.5), "p95": _percentile(embed, 0.95)},
        "chroma_query_ms": {"p50": _percentile(query, 0.5), "p95": _percentile(query, 0.95)},
        "peak_rss_mb": _peak_rss_mb(),
    }


def _run_child(*args: str) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_search", "--child", *args], capture_output=True, text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{result.stderr}")
    figures: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chunks", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--out", type=Path, default=Path("reports/bench"))
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, *rest = args.child
        figures = (
            _child_build(Path(rest[0]), Path(rest[1])) if kind == "build" else _child_search(Path(rest[0]), int(rest[1]))
        )
        print(json.dumps(figures))
        return 0

    work = Path(tempfile.mkdtemp(prefix="okr-bench-search-"))
    try:
        documents = make_corpus(work / "corpus", chunks=args.chunks)
        build = cast("dict[str, float]", _run_child("build", str(work / "corpus"), str(work / "data")))
        search = _run_child("search", str(work / "data"), str(args.queries))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    latency = search["search_ms"]
    assert isinstance(latency, dict)
    report = {
        "benchmark": "search",
        "chunks": search["chunks"],
        "documents": documents,
        "queries": args.queries,
        "k": 5,
        **{key: search[key] for key in ("search_ms", "search_cpu_ms", "embed_query_ms", "chroma_query_ms")},
        "target_p50_ms": TARGET_P50_MS,
        "meets_target": latency["p50"] <= TARGET_P50_MS,
        "search_peak_rss_mb": round(float(str(search["peak_rss_mb"])), 1),
        "build": {"seconds": round(float(build["seconds"]), 1),
                  "chunks_per_s": round(float(build["chunks"]) / float(build["seconds"]), 1),
                  "peak_rss_mb": round(float(build["peak_rss_mb"]), 1)},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_average": list(os.getloadavg())},
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "search.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(
        f"search over {report['chunks']} chunks: p50 {latency['p50']:.1f} ms, p95 {latency['p95']:.1f} ms "
        f"(target p50 <= {TARGET_P50_MS:.0f} ms); CPU per search p50 "
        f"{float(str(report['search_cpu_ms']['p50'])):.1f} ms; search peak RSS {report['search_peak_rss_mb']} MB; "
        f"build {report['build']['seconds']} s at {report['build']['chunks_per_s']} chunks/s, "
        f"peak RSS {report['build']['peak_rss_mb']} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
