"""Validator throughput: review a generated corpus of 10,000 key results on one core.

    .venv/bin/python -m benchmarks.bench_validator [--krs 10000] [--rounds 3] [--out reports/bench]

Prints the figures and writes ``validator.json``. Target (issue 2, section 8): at least 20,000 KRs/s for
``review()`` (parse facts, run every rule, score, verdicts). A figure, not a timed test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

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
_AIMS = ("Make onboarding effortless", "Win the trust of enterprise buyers", "Make support a reason to stay",
         "Keep the platform fast", "Become the default analytics tool")
_REGIONS = ("EMEA", "North America", "APAC", "LATAM", "the Nordics")


def corpus(n_krs: int, *, seed: int = 7, krs_per_objective: int = 3, objectives_per_set: int = 4) -> list[OKRSet]:
    """Sets of generated key results: varied wording and numbers, so no two texts repeat by construction."""
    rng = random.Random(seed)
    sets: list[OKRSet] = []
    made = 0
    while made < n_krs:
        objectives = []
        for o in range(objectives_per_set):
            krs = []
            for _ in range(krs_per_objective):
                if made >= n_krs:
                    break
                a = rng.randrange(100, 50_000)
                template = rng.choice(_TEMPLATES)
                text = template.format(
                    metric=rng.choice(_METRICS), a=a, b=a + rng.randrange(10, 20_000), p=rng.randrange(2, 60),
                    q=rng.randrange(1, 30), ms=rng.randrange(80, 900), n=rng.randrange(2, 9),
                    topic=rng.choice(_TOPICS), product=rng.choice(_PRODUCTS), region=rng.choice(_REGIONS),
                )
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


def _time(fn: object, sets: list[OKRSet], rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for s in sets:
            fn(s)  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--krs", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("reports/bench"))
    args = parser.parse_args(argv)

    pinned = _pin_one_core()
    sets = corpus(args.krs)
    n_krs = sum(len(o.key_results) for s in sets for o in s.objectives)
    policy = get_policy("default")
    review(sets[0], policy=policy)  # warm the regex caches

    review_times = _time(lambda s: review(s, policy=policy), sets, args.rounds)
    check_times = _time(lambda s: check(s, policy=policy), sets, args.rounds)
    reports = [review(s, policy=policy) for s in sets]
    start = time.perf_counter()
    for r in reports:
        render_report(r, "json")
    json_time = time.perf_counter() - start
    findings = sum(len(r.findings) for r in reports)

    best = min(review_times)
    result = {
        "benchmark": "validator",
        "krs": n_krs,
        "sets": len(sets),
        "findings": findings,
        "rounds": args.rounds,
        "review_seconds_best": round(best, 4),
        "review_seconds_median": round(statistics.median(review_times), 4),
        "review_krs_per_s": round(n_krs / best),
        "review_krs_per_s_median": round(n_krs / statistics.median(review_times)),
        "check_krs_per_s": round(n_krs / min(check_times)),
        "render_json_krs_per_s": round(n_krs / json_time) if json_time else None,
        "target_krs_per_s": TARGET_KRS_PER_S,
        "meets_target": n_krs / best >= TARGET_KRS_PER_S,
        "cpu": pinned,
        "python": sys.version.split()[0],
        "machine": platform.machine(),
    }
    print(f"validator: {n_krs:,} KRs in {len(sets):,} sets, {findings:,} findings ({pinned})")
    print(f"  review(): {result['review_krs_per_s']:,} KRs/s best, {result['review_krs_per_s_median']:,} median "
          f"(target {TARGET_KRS_PER_S:,}: {'met' if result['meets_target'] else 'NOT met'})")
    print(f"  check():  {result['check_krs_per_s']:,} KRs/s;  render json: {result['render_json_krs_per_s']:,} KRs/s")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "validator.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"  wrote {args.out / 'validator.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
