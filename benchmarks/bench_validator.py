"""Validator throughput: review a generated corpus of 10,000 key results on one core.

    .venv/bin/python -m benchmarks.bench_validator [--krs 10000] [--rounds 3] [--mode both|native|python] [--pairs 2]
                                                   [--out reports/bench]

Prints the figures and writes ``validator.json``. Target (issue 2, section 8): at least 20,000 KRs/s for
``review()`` (parse facts, run every rule, score, verdicts). A figure, not a timed test.

The reviewer ships compiled with mypyc (``assistant.native``); the baseline is the same code as plain Python
(``OKR_NATIVE=0``). By default each is measured in its own processes, alternating (``--pairs`` of each), and the
fastest run of each is compared.

Both wall-clock and CPU-time throughput are reported: on a shared machine the process gets only part of its
core, and CPU time (``time.process_time``) is the figure that compares across runs. ``parse_kr_text`` alone is
measured too, since the parser's share bounds what the rules can reach; and ``calibration_s`` (a fixed
pure-Python loop) lets figures from different machines be compared. Every text is distinct and the corpus is
larger than the parser's cache, so no round is served from a cache.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant import native
from assistant.krparse import parse_kr_text
from assistant.okr import KeyResult, Objective, OKRSet
from assistant.policy import get_policy
from assistant.review import check, render_report, review

TARGET_KRS_PER_S = 20_000

_METRICS = ("weekly active teams", "trial-to-paid conversion", "net revenue retention", "NPS", "first response time",
            "monthly recurring revenue", "activation rate", "newsletter subscribers", "p95 API latency", "churn")
_TEMPLATES = (
    "Increase {metric} from {a:,} to {b:,} by 2027-03-31",
    "Reduce {metric} from {p}% to {q}%",
    "Grow {metric} from {a:,} to {b:,}",
    "Keep p95 latency under {ms} ms",
    "Publish {n} blog posts about {topic}",
    "Hire {n} account executives for {region}",
    "Launch the {product} in {region}",
    "Launch the {product} to {a:,} users with a 4.{n} rating",
    "Improve {topic} onboarding",
    "{p}% of engineers complete {topic} training",
    "Increase signups by {p}% and reduce churn to {q}%",
    "Generate {a:,} qualified leads from {region}",
    "Reach ${n}M ARR in {region}",
    "Increase {metric} by X%",
    "Achieve SOC 2 Type II certification for the {product}",
    "Reduce churn from {q}% to {p}%",
)
_TOPICS = ("security", "billing", "analytics", "mobile", "search", "payments", "privacy", "accessibility")
_PRODUCTS = ("mobile app", "partner portal", "public API", "self-serve checkout", "usage dashboard")
_SEGMENTS = ("SMB", "mid-market", "enterprise", "public sector", "education", "healthcare", "retail", "fintech",
             "logistics", "manufacturing", "media", "nonprofit")
_AIMS = ("Make onboarding effortless", "Win the trust of enterprise buyers", "Make support a reason to stay",
         "Keep the platform fast", "Become the default analytics tool")
_REGIONS = ("EMEA", "North America", "APAC", "LATAM", "the Nordics")


def corpus(n_krs: int, *, seed: int = 7, krs_per_objective: int = 3, objectives_per_set: int = 4) -> list[OKRSet]:
    """Sets of generated key results: varied wording and numbers, so no two texts repeat by construction."""
    rng = random.Random(seed)
    seen: set[str] = set()
    sets: list[OKRSet] = []
    made = 0
    while made < n_krs:
        objectives = []
        for _ in range(objectives_per_set):
            krs = []
            for _ in range(krs_per_objective):
                if made >= n_krs:
                    break
                text = ""
                while not text or text in seen:  # every text distinct: no cache can serve a repeat
                    a = rng.randrange(100, 50_000)
                    text = rng.choice(_TEMPLATES).format(
                        metric=rng.choice(_METRICS), a=a, b=a + rng.randrange(10, 20_000), p=rng.randrange(2, 60),
                        q=rng.randrange(1, 30), ms=rng.randrange(80, 900), n=rng.randrange(2, 9),
                        topic=rng.choice(_TOPICS), product=rng.choice(_PRODUCTS),
                        region=f"{rng.choice(_REGIONS)} {rng.choice(_SEGMENTS)}",
                    )
                seen.add(text)
                krs.append(KeyResult(text=text, owner=rng.choice((None, "ana", "raj"))))
                made += 1
            if krs:
                title = f"{rng.choice(_AIMS)} for {rng.choice(_REGIONS)} customers"
                objectives.append(Objective(title=title, key_results=krs))
        sets.append(OKRSet(team="bench", period=rng.choice(("2027-Q1", None)), objectives=objectives))
    return sets


def _pin_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity)"


def _time(fn: Callable[[OKRSet], object], sets: list[OKRSet], rounds: int) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of ``rounds`` passes of ``fn`` over ``sets``."""
    wall, cpu = [], []
    for _ in range(rounds):
        w, c = time.perf_counter(), time.process_time()
        for s in sets:
            fn(s)
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return wall, cpu


def calibration() -> float:
    """CPU seconds of a fixed pure-Python loop (about 0.4 s on a 2023 laptop core)."""
    start = time.process_time()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.process_time() - start


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def measure(n: int, rounds: int) -> dict[str, Any]:
    """Every figure for one copy of the reviewer (the one this process loaded), as ``validator.json`` holds them."""
    pinned = _pin_one_core()
    sets = corpus(n)
    n_krs = sum(len(o.key_results) for s in sets for o in s.objectives)
    policy = get_policy("default")
    review(sets[0], policy=policy)  # warm up: first calls compile the patterns
    # the corpus is set-up, not work: keep the garbage collector from re-scanning its 10,000 models every round
    gc.collect()
    gc.freeze()
    texts = [(k.text, s.period) for s in sets for o in s.objectives for k in o.key_results]

    review_wall, review_cpu = _time(lambda s: review(s, policy=policy), sets, rounds)
    check_wall, check_cpu = _time(lambda s: check(s, policy=policy), sets, rounds)
    parse_cpu = []
    for _ in range(rounds):
        c = time.process_time()
        for text, period in texts:
            parse_kr_text(text, period=period)
        parse_cpu.append(time.process_time() - c)
    reports = [review(s, policy=policy) for s in sets]
    start = time.process_time()
    for r in reports:
        render_report(r, "json")
    json_cpu = time.process_time() - start
    findings = sum(len(r.findings) for r in reports)
    calib = calibration()

    best_wall, best_cpu = min(review_wall), min(review_cpu)
    parse_us = min(parse_cpu) / n_krs * 1e6
    mode, why = native.status()
    return {
        "benchmark": "validator",
        "reviewer": mode,
        "reviewer_detail": why,
        "krs": n_krs,
        "sets": len(sets),
        "findings": findings,
        "rounds": rounds,
        "review_krs_per_s_wall": round(n_krs / best_wall),
        "review_krs_per_s_cpu": round(n_krs / best_cpu),
        "review_us_per_kr_cpu": round(best_cpu / n_krs * 1e6, 1),
        "parse_us_per_kr_cpu": round(parse_us, 1),
        "rules_us_per_kr_cpu": round(best_cpu / n_krs * 1e6 - parse_us, 1),
        "check_krs_per_s_cpu": round(n_krs / min(check_cpu)),
        "check_krs_per_s_wall": round(n_krs / min(check_wall)),
        "render_json_krs_per_s_cpu": round(n_krs / json_cpu) if json_cpu else None,
        "target_krs_per_s": TARGET_KRS_PER_S,
        "meets_target_cpu": n_krs / best_cpu >= TARGET_KRS_PER_S,
        "calibration_s": round(calib, 3),
        "load_average": _load(),
        "cpu": pinned,
        "python": sys.version.split()[0],
        "machine": platform.machine(),
    }


def _child(mode: str, args: argparse.Namespace) -> dict[str, Any]:
    """``measure`` in a fresh process running the compiled copy (``native``) or plain Python (``python``)."""
    env = {**os.environ, "OKR_NATIVE": "1" if mode == "native" else "0"}
    done = subprocess.run([sys.executable, "-m", "benchmarks.bench_validator", "--mode", mode, "--krs", str(args.krs),
                           "--rounds", str(args.rounds), "--json"], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"bench_validator --mode {mode} failed:\n{done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _report(result: dict[str, Any]) -> None:
    print(f"  {result['reviewer']} ({result['reviewer_detail']}):")
    print(f"    review(): {result['review_krs_per_s_cpu']:,} KRs/s of CPU time, {result['review_krs_per_s_wall']:,} KRs/s "
          f"wall (target {TARGET_KRS_PER_S:,}: {'met' if result['meets_target_cpu'] else 'NOT met'})")
    print(f"    per KR: {result['review_us_per_kr_cpu']} us CPU = parser {result['parse_us_per_kr_cpu']} us + reading, "
          f"rules, score {result['rules_us_per_kr_cpu']} us")
    print(f"    check(): {result['check_krs_per_s_cpu']:,} KRs/s CPU; render json: "
          f"{result['render_json_krs_per_s_cpu']:,} KRs/s CPU; calibration loop {result['calibration_s']} s CPU")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--krs", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--mode", choices=("both", "native", "python"), default="both",
                        help="both (default): the compiled reviewer against plain Python, each in its own process")
    parser.add_argument("--pairs", type=int, default=2, help="with --mode both: how many runs of each, alternating")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # a child's figures, on stdout
    parser.add_argument("--out", type=Path, default=Path("reports/bench"))
    args = parser.parse_args(argv)

    if args.mode != "both":
        if native.status()[0] != args.mode:
            raise SystemExit(f"bench_validator: asked for {args.mode}, but {native.status()[1]}")
        out = measure(args.krs, args.rounds)
        if args.json:
            print(json.dumps(out))
            return 0
        shown = [out]
    else:
        # plain Python and the compiled copy in turn, each in a fresh process, ``--pairs`` times: a slow spell of
        # the machine shows as runs of one kind apart; the fastest run of each kind is compared
        runs: dict[str, list[dict[str, Any]]] = {"python": [], "native": []}
        for _ in range(args.pairs):
            for mode in ("python", "native"):
                runs[mode].append(_child(mode, args))
        compiled, baseline = (min(runs[mode], key=lambda r: float(r["review_us_per_kr_cpu"]))
                              for mode in ("native", "python"))
        speedup = float(baseline["review_us_per_kr_cpu"]) / float(compiled["review_us_per_kr_cpu"])
        spread = {mode: [r["review_krs_per_s_cpu"] for r in runs[mode]] for mode in runs}
        out = {**compiled, "baseline": "the same reviewer as plain Python (OKR_NATIVE=0), same run",
               "python": baseline, "runs": runs, "review_krs_per_s_cpu_runs": spread,
               "speedup_vs_python": round(speedup, 2)}
        shown = [compiled, baseline]
    print(f"validator: {out['krs']:,} KRs in {out['sets']:,} sets, {out['findings']:,} findings ({out['cpu']}, "
          f"load {_load()})")
    for result in shown:
        _report(result)
    if "speedup_vs_python" in out:
        print(f"  compiled vs plain Python: {out['speedup_vs_python']:.2f}x (review(), CPU time per KR)")
        for mode, figures in out["review_krs_per_s_cpu_runs"].items():
            # the best run is the figure; every run is shown, so a slow spell of the machine is seen, not hidden
            print(f"  every {mode} run: {', '.join(f'{f:,}' for f in figures)} KRs/s (median "
                  f"{statistics.median(figures):,.0f}; calibration {', '.join(str(r['calibration_s']) for r in runs[mode])} s)")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "validator.json").write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(f"  wrote {args.out / 'validator.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
