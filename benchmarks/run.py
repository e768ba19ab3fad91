"""Run every benchmark in turn: `python -m benchmarks.run [NAME...]` (default: all), figures in reports/bench/.

Benchmarks are figures against a named baseline, never timed assertions. Each module prints its own figures and
writes a JSON file; this runner only sequences them (they must not run at the same time: they measure the CPU).
"""

from __future__ import annotations

import subprocess
import sys

BENCHMARKS = {
    "validator": "benchmarks.bench_validator",  # review throughput, 10,000 KRs, one core
    "cold_start": "benchmarks.bench_cold_start",  # `okr review` vs `python -c pass`
    "ingest": "benchmarks.bench_ingest",  # pipeline vs the embedding function alone
    "search": "benchmarks.bench_search",  # p50/p95 over 10,000 chunks
    "api": "benchmarks.bench_api",  # POST /reviews vs a bare FastAPI endpoint
    "llm_raw": "benchmarks.bench_llm_raw",  # llama.cpp raw tokens/s
    "draft": "benchmarks.bench_draft",  # 4-objective draft on the local model vs raw tokens/s
}


def main(argv: list[str]) -> int:
    names = argv or list(BENCHMARKS)
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    failed = []
    for name in names:
        print(f"\n=== {name} ({BENCHMARKS[name]})", flush=True)
        if subprocess.call([sys.executable, "-m", BENCHMARKS[name]]) != 0:
            failed.append(name)
    if failed:
        print(f"\nbenchmarks that failed to run: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
