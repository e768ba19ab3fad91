"""Cold start of `okr review` on a 20-KR file, against `python -c pass` on the same machine.

    .venv/bin/python -m benchmarks.bench_cold_start [--runs 15] [--out reports/bench]

Prints the medians (wall clock, and CPU time of the child processes, which a busy machine does not inflate as
much) and the difference, and writes ``cold_start.json``. Target (issue 2, section 8): at most
0.3 s more than `python -c pass`, which means the review path never imports chromadb, langchain,
onnxruntime or llama_cpp. Also records which heavy modules the review path loaded (should be none).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_EXTRA_S = 0.3
HEAVY = ("chromadb", "onnxruntime", "numpy", "langchain", "langchain_core", "llama_cpp", "fastapi", "openai")

SAMPLE = """\
team: Growth
period: 2027-Q1
level: team
objectives:
"""
_KRS = (
    "Increase weekly active teams from 800 to 1,200",
    "Reduce trial-to-paid time from 14 to 7 days",
    "Publish 12 blog posts",
    "Grow newsletter subscribers from 2k to 5k",
    "Hire 2 account executives",
)


def sample_file(directory: Path) -> Path:
    """A YAML OKR file with 4 objectives of 5 key results each (20 KRs)."""
    lines = [SAMPLE]
    for o in range(4):
        lines.append(f"  - title: Make onboarding effortless for segment {o + 1}\n    key_results:\n")
        for kr in _KRS:
            lines.append(f"      - {kr}\n")
    path = directory / "okrs.yaml"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _okr_command() -> list[str]:
    script = Path(sys.executable).parent / "okr"
    return [str(script)] if script.exists() else [sys.executable, "-m", "assistant"]


def _median_run(cmd: list[str], runs: int, env: dict[str, str]) -> tuple[float, list[float], float, int]:
    """Median wall seconds, all wall times, median CPU seconds (user + system of the child), last exit code."""
    times, cpu = [], []
    code = 0
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, env=env, check=False)
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        code = done.returncode
    return statistics.median(times), times, statistics.median(cpu), code


def heavy_modules_loaded(path: Path, env: dict[str, str]) -> list[str]:
    """Heavy modules present in ``sys.modules`` after the review path ran in a fresh interpreter."""
    code = (
        "import sys\n"
        "from assistant.cli import main\n"
        "try:\n"
        f"    main(['review', {str(path)!r}, '--format', 'json'])\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print('HEAVY=' + ','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)
    marker = out.stdout.rsplit("HEAVY=", 1)
    return [m for m in marker[1].strip().split(",") if m] if len(marker) == 2 else ["<check failed>"]


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--out", type=Path, default=Path("reports/bench"))
    args = parser.parse_args(argv)
    env = {**os.environ, "NO_COLOR": "1"}
    # An installed package has its bytecode compiled (pip does it); with PYTHONDONTWRITEBYTECODE set, every run
    # would compile the changed modules' source again and time that instead. The warm-up runs write it.
    env.pop("PYTHONDONTWRITEBYTECODE", None)

    with tempfile.TemporaryDirectory() as tmp:
        path = sample_file(Path(tmp))
        okr = [*_okr_command(), "review", str(path), "--format", "json"]
        _median_run(okr, 2, env)  # warm the file cache and the bytecode
        baseline, base_times, base_cpu, _ = _median_run([sys.executable, "-c", "pass"], args.runs, env)
        review_s, review_times, review_cpu, code = _median_run(okr, args.runs, env)
        heavy = heavy_modules_loaded(path, env)

    extra = review_s - baseline
    result = {
        "benchmark": "cold_start",
        "command": " ".join(okr[:2]) + " <20-KR file> --format json",
        "runs": args.runs,
        "python_pass_median_s": round(baseline, 4),
        "okr_review_median_s": round(review_s, 4),
        "extra_s": round(extra, 4),
        "okr_review_min_s": round(min(review_times), 4),
        "python_pass_min_s": round(min(base_times), 4),
        "python_pass_cpu_s": round(base_cpu, 4),
        "okr_review_cpu_s": round(review_cpu, 4),
        "extra_cpu_s": round(review_cpu - base_cpu, 4),
        "exit_code": code,
        "target_extra_s": TARGET_EXTRA_S,
        "meets_target": extra <= TARGET_EXTRA_S,
        "meets_target_cpu": review_cpu - base_cpu <= TARGET_EXTRA_S,
        "heavy_modules_loaded": heavy,
        "load_average": _load(),
    }
    print(f"cold start: python -c pass {baseline:.3f} s, okr review (20 KRs) {review_s:.3f} s (wall medians of "
          f"{args.runs}; load {result['load_average']})")
    print(f"  extra wall: {extra:.3f} s (target <= {TARGET_EXTRA_S} s: {'met' if result['meets_target'] else 'NOT met'})")
    print(f"  extra CPU:  {review_cpu - base_cpu:.3f} s (user+system; {review_cpu:.3f} s vs {base_cpu:.3f} s: "
          f"{'met' if result['meets_target_cpu'] else 'NOT met'})")
    print(f"  heavy modules loaded: {', '.join(heavy) or 'none'}")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "cold_start.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"  wrote {args.out / 'cold_start.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
