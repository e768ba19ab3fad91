"""Compare two eval reports of the same task: deltas per metric and the cases that got worse."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from assistant.errors import InputError
from evals.report import cell
from evals.results import CaseResult, EvalReport

Change = Literal["better", "worse", "same", "added", "removed"]


class MetricDelta(BaseModel):
    name: str
    a: float | None
    b: float | None
    delta: float | None
    lower_is_better: bool = False
    change: Change


class CaseChange(BaseModel):
    """A case present in both runs whose result moved; ``scores`` names the scores that moved that way."""

    id: str
    split: str | None = None
    input: str = ""
    a_passed: bool
    b_passed: bool
    scores: list[str] = Field(default_factory=list)
    reason: str = ""


class Comparison(BaseModel):
    task: str
    a: str = Field(description="Label of the first (baseline) report.")
    b: str = Field(description="Label of the second (candidate) report.")
    a_dataset: str
    b_dataset: str
    metrics: list[MetricDelta]
    worse_cases: list[CaseChange]
    better_cases: list[CaseChange]
    only_in_a: list[str] = Field(default_factory=list)
    only_in_b: list[str] = Field(default_factory=list)

    @property
    def worse_metrics(self) -> list[MetricDelta]:
        return [m for m in self.metrics if m.change == "worse"]


def _change(a: float | None, b: float | None, lower_is_better: bool, tolerance: float) -> Change:
    if a is None:
        return "added"
    if b is None:
        return "removed"
    if abs(b - a) <= tolerance:
        return "same"
    improved = b < a if lower_is_better else b > a
    return "better" if improved else "worse"


def _score_moves(a: CaseResult, b: CaseResult, tolerance: float) -> tuple[list[str], list[str]]:
    worse, better = [], []
    for name in sorted(set(a.scores) & set(b.scores)):
        before, after = float(a.scores[name].value), float(b.scores[name].value)
        if after < before - tolerance:
            worse.append(name)
        elif after > before + tolerance:
            better.append(name)
    return worse, better


def compare_reports(
    a: EvalReport, b: EvalReport, *, a_label: str = "A", b_label: str = "B", tolerance: float = 1e-9
) -> Comparison:
    """How ``b`` differs from ``a``. Raises ``InputError`` when the reports are of different tasks."""
    if a.task != b.task:
        raise InputError(f"Cannot compare a {a.task!r} report with a {b.task!r} report.")
    lower = set(a.summary.lower_is_better) | set(b.summary.lower_is_better)
    deltas = []
    for name in sorted(set(a.metrics) | set(b.metrics)):
        va, vb = a.metrics.get(name), b.metrics.get(name)
        delta = None if va is None or vb is None else round(vb - va, 6)
        deltas.append(MetricDelta(name=name, a=va, b=vb, delta=delta, lower_is_better=name in lower,
                                  change=_change(va, vb, name in lower, tolerance)))
    cases_a = {case.id: case for case in a.cases}
    cases_b = {case.id: case for case in b.cases}
    worse_cases, better_cases = [], []
    for case_id in cases_a.keys() & cases_b.keys():
        ca, cb = cases_a[case_id], cases_b[case_id]
        worse, better = _score_moves(ca, cb, tolerance)
        lost = ca.passed and not cb.passed
        gained = cb.passed and not ca.passed
        change = CaseChange(id=case_id, split=cb.split, input=cb.input, a_passed=ca.passed, b_passed=cb.passed)
        if lost or (worse and not gained):
            reason = "; ".join(s.reason for s in cb.scores.values() if s.is_check and s.value is False) or (cb.error or "")
            worse_cases.append(change.model_copy(update={"scores": worse, "reason": reason}))
        elif gained or better:
            better_cases.append(change.model_copy(update={"scores": better}))
    order = {case.id: index for index, case in enumerate(b.cases)}
    worse_cases.sort(key=lambda c: order[c.id])
    better_cases.sort(key=lambda c: order[c.id])
    return Comparison(
        task=a.task, a=a_label, b=b_label, a_dataset=a.dataset, b_dataset=b.dataset, metrics=deltas,
        worse_cases=worse_cases, better_cases=better_cases,
        only_in_a=sorted(cases_a.keys() - cases_b.keys()), only_in_b=sorted(cases_b.keys() - cases_a.keys()),
    )


def render_comparison(comparison: Comparison) -> str:
    """The comparison as Markdown: changed metrics first, then the cases that got worse and better."""
    c = comparison
    lines = [f"# Compare: {c.task}", "", f"A: `{c.a}` (dataset {c.a_dataset})  ", f"B: `{c.b}` (dataset {c.b_dataset})", ""]
    if c.a_dataset != c.b_dataset:
        lines += ["**The datasets differ: case-level changes may reflect the data, not the system.**", ""]
    changed = [m for m in c.metrics if m.change != "same"]
    lines += [f"## Metrics that changed ({len(changed)} of {len(c.metrics)})", ""]
    if changed:
        lines += ["| metric | A | B | delta | |", "|---|---|---|---|---|"]
        for m in changed:
            delta = "–" if m.delta is None else f"{m.delta:+.3f}"
            lines.append(f"| {m.name} | {cell(m.a)} | {cell(m.b)} | {delta} | {m.change} |")
    else:
        lines.append("None: every metric is unchanged.")
    lines += ["", f"## Cases that got worse ({len(c.worse_cases)})", ""]
    for case in c.worse_cases:
        moved = f" ({', '.join(case.scores)} down)" if case.scores else ""
        verdict = "pass → FAIL" if case.a_passed and not case.b_passed else ("fail → fail" if not case.b_passed else "pass")
        lines.append(f"- **{case.id}** [{verdict}]{moved} {case.input}" + (f" — {case.reason}" if case.reason else ""))
    if not c.worse_cases:
        lines.append("None.")
    lines += ["", f"## Cases that got better ({len(c.better_cases)})", ""]
    lines += [f"- **{case.id}** {case.input}" for case in c.better_cases] or ["None."]
    if c.only_in_a or c.only_in_b:
        lines += ["", f"Only in A: {', '.join(c.only_in_a) or 'none'}. Only in B: {', '.join(c.only_in_b) or 'none'}."]
    return "\n".join(lines) + "\n"
