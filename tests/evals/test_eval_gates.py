"""The quality gates CI holds the product to (evals/README.md): the shipped datasets, the real reviewer and store.

The draft eval's gate on the fake backend lives with the draft CLI tests; its local-model subset in
``test_eval_draft_local.py``. These two run the whole review and retrieval datasets through ``okr eval`` with the
thresholds, so a change to the rules, the lexicon, the chunker or the embeddings that costs quality turns CI red.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REVIEW_GATE = ["--fail-under", "heldout.flawed.f1=0.9", "--fail-over", "heldout.kr.false_alarm_rate=0.1",
               "--fail-under", "dev.flawed.f1=0.9"]
RETRIEVAL_GATE = ["--fail-under", "all.recall@5=0.9", "--fail-under", "quill.recall@5=0.9",
                  "--fail-under", "guide.recall@5=0.8"]


def okr_eval(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assistant", "eval", *args, "--format", "json"],
                          capture_output=True, text=True, timeout=900)


def test_reviewer_meets_its_quality_gate(tmp_path: Path) -> None:
    result = okr_eval("review", "--out", str(tmp_path), *REVIEW_GATE)
    assert result.returncode == 0, result.stderr[-3000:]
    metrics = json.loads(result.stdout)["summary"]["metrics"]
    assert metrics["heldout.flawed.f1"] >= 0.9 and metrics["heldout.kr.false_alarm_rate"] <= 0.1


def test_retrieval_meets_its_quality_gate(tmp_path: Path) -> None:
    result = okr_eval("retrieval", "--out", str(tmp_path / "out"), "--data-dir", str(tmp_path / "store"),
                      *RETRIEVAL_GATE)
    assert result.returncode == 0, result.stderr[-3000:]
    metrics = json.loads(result.stdout)["summary"]["metrics"]
    assert metrics["all.queries"] >= 60 and metrics["all.recall@5"] >= 0.9
