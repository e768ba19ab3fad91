"""`okr eval` through the real command, in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def okr(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "assistant", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


def review(dataset: Path, tmp_path: Path, *extra: str, reviewer: str = "evals_testkit:review") -> subprocess.CompletedProcess[str]:
    return okr("eval", "review", "--dataset", str(dataset), "--reviewer", reviewer, "--out", str(tmp_path / "out"),
               *extra, cwd=tmp_path)


def test_review_writes_reports_and_prints_a_summary(small_dataset: Path, tmp_path: Path) -> None:
    result = review(small_dataset, tmp_path, "--fail-under", "flawed.f1=0.8", "--fail-over", "false_alarm_rate=0.5")
    assert result.returncode == 0, result.stderr
    assert "# Eval: review" in result.stdout and "| all.flawed.f1 | 0.800 |" in result.stdout
    assert "## Failures (2)" in result.stdout and "## Cases" not in result.stdout
    assert "Wrote" in result.stderr
    written = sorted(p.suffix for p in (tmp_path / "out").iterdir())
    assert written == [".html", ".json", ".md"]


@pytest.mark.parametrize(
    ("threshold", "message"),
    [
        (("--fail-under", "flawed.f1=0.9"), "all.flawed.f1 = 0.800 is below the threshold 0.9"),
        (("--fail-under", "heldout.rules.micro_f1=0.99"), "heldout.rules.micro_f1"),
        (("--fail-over", "false_alarm_rate=0.1"), "all.false_alarm_rate = 0.333 is above the threshold 0.1"),
    ],
)
def test_broken_threshold_exits_1(small_dataset: Path, tmp_path: Path, threshold: tuple[str, str], message: str) -> None:
    result = review(small_dataset, tmp_path, *threshold)
    assert result.returncode == 1
    assert "Eval gate failed" in result.stderr and message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(list((tmp_path / "out").glob("*.json"))) == 1  # the report is written even when the gate fails


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--fail-under", "flawed.f1"), 2, "must look like metric=value"),
        (("--fail-under", "f2=0.5"), 2, "No metric 'f2'"),
        (("--fail-under", "false_alarm_rate=0.1"), 2, "use --fail-over"),
        (("--split", "test"), 2, "'test' is not one of"),
    ],
)
def test_bad_arguments_exit_2(small_dataset: Path, tmp_path: Path, args: tuple[str, ...], code: int, message: str) -> None:
    result = review(small_dataset, tmp_path, *args)
    assert result.returncode == code, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr


def test_json_format_and_split(small_dataset: Path, tmp_path: Path) -> None:
    result = review(small_dataset, tmp_path, "--format", "json", "--split", "heldout")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["config"]["split"] == "heldout" and len(data["cases"]) == 3
    assert data["summary"]["metrics"]["heldout.flawed.f1"] == 1.0


def test_compare_two_runs(small_dataset: Path, tmp_path: Path) -> None:
    assert review(small_dataset, tmp_path).returncode == 0
    assert review(small_dataset, tmp_path, reviewer="evals_testkit:silent_review").returncode == 0
    # within one second the second run is written as `<stamp>-2.json`, which sorts before `<stamp>.json`
    first, second = sorted((tmp_path / "out").glob("*.json"), key=lambda path: path.stat().st_mtime_ns)
    result = okr("eval", "compare", str(first), str(second), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "| all.flawed.f1 | 0.800 | 0.000 | -0.800 | worse |" in result.stdout
    assert "## Cases that got worse (4)" in result.stdout
    as_json = json.loads(okr("eval", "compare", str(first), str(second), "--format", "json", cwd=tmp_path).stdout)
    assert [c["id"] for c in as_json["worse_cases"]] == ["b-vague", "c-hire", "g-metric", "h-launch"]
    missing = okr("eval", "compare", str(first), str(tmp_path / "nope.json"), cwd=tmp_path)
    assert missing.returncode == 2 and "does not exist" in missing.stderr


def test_crashing_reviewer_fails_the_run(tmp_path: Path) -> None:
    dataset = tmp_path / "crash.jsonl"
    dataset.write_text(json.dumps({"id": "x", "split": "dev", "function": "sales", "kind": "kr",
                                   "text": "CRASH please", "expected_rules": []}) + "\n", encoding="utf-8")
    result = review(dataset, tmp_path)
    assert result.returncode == 1 and "1 case(s) raised an error (x)" in result.stderr


def test_unknown_reviewer_and_listing(small_dataset: Path, tmp_path: Path) -> None:
    result = review(small_dataset, tmp_path, reviewer="no_such_module:review")
    assert result.returncode == 1 and "cannot be imported" in result.stderr
    listing = okr("eval", "--help", cwd=tmp_path)
    assert all(name in listing.stdout for name in ("review", "retrieval", "draft", "compare"))
