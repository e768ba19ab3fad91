"""`okr eval draft` end to end: the real chain on scripted replies, the baseline, reports, thresholds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.draft.context import ParentContext, Passage
from assistant.draft.prompts import objective_message, system_message
from assistant.llm import Message
from assistant.okr import Parent, ParentKeyResult
from assistant.policy import get_policy
from evals.draft_cases import DraftCase
from evals.schema import load_cases
from evals.tasks.draft_fake import INVENTED_BASELINE, fake_reply, read_prompt, scripted_backend

CASES = {case.id: case for case in load_cases("draft.v1", DraftCase)}


def okr(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assistant", "eval", "draft", *args],
                          capture_output=True, text=True, timeout=timeout)


def two_cases(tmp_path: Path) -> Path:
    """Two cases of one company (one ingest): a named parent and one picked by meaning."""
    rows = [CASES["gb-fulfilment"], CASES["gb-sustainability"]]
    path = tmp_path / "draft.two.jsonl"
    path.write_text("".join(case.model_dump_json(exclude_none=True) + "\n" for case in rows), encoding="utf-8")
    return path


def test_fake_backend_end_to_end_writes_side_by_side_reports(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    result = okr("--backend", "fake", "--dataset", str(two_cases(tmp_path)), "--out", str(out), "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    metrics = report["summary"]["metrics"]
    assert report["task"] == "draft" and report["dataset"] == "draft.two"
    assert "fake" in report["config"]["backend"] and report["config"]["systems"] == "chain,baseline"
    assert [case["id"] for case in report["cases"]] == ["gb-fulfilment", "gb-sustainability"]
    for system in ("chain", "baseline"):
        assert metrics[f"{system}.cases"] == 2
        assert metrics[f"{system}.valid"] == 1.0
        assert metrics[f"{system}.invented_baselines"] == 0  # the scripted 37% baseline was rewritten
    assert metrics["chain.tokens_mean"] > 0 and metrics["baseline.tokens_mean"] == 0
    assert metrics["chain.repair_rounds_mean"] >= 1  # the scripted copy of the parent title went back
    assert metrics["comparison.metrics_beaten"] + metrics["comparison.metrics_not_beaten"] == 16
    assert all(f"chain.{name}" in report["cases"][0]["scores"] for name in ("valid", "groundedness"))
    (json_file,) = out.glob("draft-*.json")
    markdown = json_file.with_suffix(".md").read_text(encoding="utf-8")
    assert "LLM chain vs no-LLM baseline" in markdown
    assert "The chain does not beat the no-LLM baseline on:" in markdown  # tokens at the very least
    assert "<svg" in json_file.with_suffix(".html").read_text(encoding="utf-8")


CI_GATE = ["--fail-under", "pass_rate=1", "--fail-under", "groundedness=0.95", "--fail-under", "parent_match=0.9",
           "--fail-under", "theme_coverage=0.9", "--fail-under", "citation_validity=0.7",
           "--fail-over", "invented_baselines=0", "--fail-under", "baseline.pass_rate=0.9"]


def test_ci_gate_holds_on_the_fake_backend_over_the_whole_dataset(tmp_path: Path) -> None:
    """The thresholds CI uses (evals/README.md): the pipeline on every case, scripted replies."""
    result = okr("--backend", "fake", "--out", str(tmp_path), *CI_GATE)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "| chain.pass_rate | 1.000 |" in result.stdout


def test_baseline_only_needs_no_model_and_thresholds_gate_the_exit_code(tmp_path: Path) -> None:
    dataset = str(two_cases(tmp_path))
    result = okr("--baseline", "--dataset", dataset, "--out", str(tmp_path / "a"), "--format", "json",
                 "--fail-under", "pass_rate=1.01", "--fail-over", "invented_baselines=0")
    assert result.returncode == 1
    assert "baseline.pass_rate" in result.stderr and "below the threshold 1.01" in result.stderr
    assert "invented_baselines" not in result.stderr  # that one holds
    metrics = json.loads(result.stdout)["summary"]["metrics"]
    assert not any(name.startswith("chain.") for name in metrics)
    refused = okr("--baseline", "--dataset", dataset, "--out", str(tmp_path / "b"), "--fail-under", "duplication=0.5")
    assert refused.returncode != 0 and "lower-is-better" in refused.stderr


def test_unknown_subset_is_refused(tmp_path: Path) -> None:
    result = okr("--baseline", "--subset", "nightly", "--out", str(tmp_path))
    assert result.returncode == 2 and "nightly" in result.stderr


def test_fake_reader_understands_the_drafters_real_prompt() -> None:
    case = CASES["hh-scheduling"]
    parent = Parent(id="HH-1", title="Patients get care when they need it", key_results=[
        ParentKeyResult(id="HH-1.KR1", text="Cut the median wait from 11 days to 7 days by 2027-03-31")])
    passage = Passage(label="S1", chunk_id="c1", document="ops.md", heading="Access", score=0.5,
                      text="Clinician schedule utilisation was 78%; the target is 88%.")
    context = ParentContext(parent, passages=[passage])
    messages = [
        system_message(get_policy("lenient")),
        objective_message(case.request(), period="2027-Q1", deadline="2027-03-31", number=2, total=2,
                          context=context, drafted=[]),
    ]
    prompt = read_prompt(messages)
    assert (prompt.number, prompt.deadline, prompt.parent_id) == (2, "2027-03-31", "HH-1")
    assert prompt.passages == [("S1", passage.text)] and not prompt.repair
    reply = json.loads(fake_reply(case, messages))
    assert reply["aligns_to"]["id"] == "HH-1" and reply["sources"] == ["S1"]
    texts = [kr["text"] for kr in reply["key_results"]]
    assert texts[0] == "Raise clinician schedule utilisation from 78% to 88% by 2027-03-31"
    assert INVENTED_BASELINE in texts[1]  # objective 2 carries the scripted invented baseline
    repair = [*messages, Message(role="assistant", content="{}"), Message(role="user", content="Fix it.")]
    assert read_prompt(repair).repair


def test_scripted_backend_runs_out_loudly() -> None:
    backend = scripted_backend(CASES["gb-data"], calls=1)
    assert backend.remaining == 1
    with pytest.raises(ValueError, match="no objective prompt"):
        backend.complete([Message(role="user", content="hello")])
