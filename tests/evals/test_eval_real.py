"""The evals against the real reviewer and the real knowledge store (no fakes)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from evals.runner import run_task
from evals.schema import RetrievalCase, ReviewCase, load_cases
from evals.tasks.review import review_task


def test_real_reviewer_runs_over_the_whole_dataset() -> None:
    from assistant.review import review

    cases = load_cases("review.v1", ReviewCase)
    report = run_task(review_task(cases, reviewer=review))
    assert not report.errors, [case.error for case in report.errors][:3]
    for group in ("dev", "heldout", "all"):
        assert 0.0 <= report.metrics[f"{group}.flawed.f1"] <= 1.0
        assert f"{group}.false_alarm_rate" in report.metrics


def test_retrieval_eval_on_the_real_store(tmp_path: Path) -> None:
    shipped = load_cases("retrieval.v1", RetrievalCase)
    picked = [next(c for c in shipped if c.corpus == "guide"), next(c for c in shipped if c.corpus != "guide")]
    dataset = tmp_path / "retrieval.tiny.jsonl"
    dataset.write_text("".join(c.model_dump_json(exclude_none=True) + "\n" for c in picked), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "eval", "retrieval", "--dataset", str(dataset), "--out",
         str(tmp_path / "out"), "--data-dir", str(tmp_path / "store"), "--format", "json"],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["summary"]["metrics"]["all.queries"] == 2
    assert 0.0 <= data["summary"]["metrics"]["all.recall@5"] <= 1.0
    assert all(case["actual"] for case in data["cases"])  # every query got hits from the real store
    assert (tmp_path / "store").is_dir()
