"""The draft eval's `ci-local` subset on the real local model (slow: a few minutes on a laptop CPU).

Three small cases (one objective each) keep the run bounded; the chain's own limits (max tokens per objective,
repair rounds) bound each case. What is asserted is what the chain promises whatever the model writes: every
complete draft links to parents that exist, stays within the policy and states no invented baseline.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def test_ci_local_subset_on_the_local_model(tmp_path: Path, local_model: Path) -> None:
    env = {**os.environ, "OKR_LOCAL_MODEL_PATH": str(local_model)}
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "eval", "draft", "--backend", "local", "--subset", "ci-local",
         "--repair-rounds", "1", "--timeout", "900", "--out", str(tmp_path), "--format", "json"],
        capture_output=True, text=True, timeout=2400, env=env,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout)
    metrics = report["summary"]["metrics"]
    assert report["config"]["backend"] == "local" and report["config"]["subset"] == "ci-local"
    assert len(report["cases"]) == 3 and not any(case["error"] for case in report["cases"])
    assert metrics["chain.tokens_mean"] > 0 and metrics["chain.latency_s_mean"] > 0
    assert metrics["baseline.cases"] == 3
    complete = [case for case in report["cases"] if case["scores"]["chain.valid"]["value"] is True]
    assert complete, [case["scores"]["chain.valid"]["reason"] for case in report["cases"]]
    for case in complete:
        for check in ("parents_valid", "counts_ok", "no_invented_baselines"):
            score = case["scores"][f"chain.{check}"]
            assert score["value"] is True, (case["id"], check, score["reason"])
    assert list(tmp_path.glob("draft-*.html"))
