"""Aggregate draft metrics per system, and the chain-versus-baseline comparison the report leads with.

Every metric is named ``<system>.<metric>``. Rates and means are over all cases: a case that crashed counts
as failing every check and scoring 0 (1 for duplication). Where the chain does not beat the baseline on a
metric, the comparison table says so in words, and the note under it lists those metrics.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from evals.draft_cases import DraftCase
from evals.results import Bar, Cell, Chart, Summary, Table
from evals.runner import Outcome
from evals.scorers.draft import GATE, SCORERS, DraftPair, audit_numbers

DraftOutcome = Outcome[DraftCase, DraftPair]

CHECKS = ("valid", "no_errors", "counts_ok", "parents_valid", "no_invented_baselines")
GRADED = ("rule_pass_rate", "parent_match", "alignment", "theme_coverage", "groundedness", "citation_validity",
          "duplication")
COST = ("latency_s_mean", "latency_s_p50", "tokens_mean", "repair_rounds_mean")
LOWER_IS_BETTER = frozenset({"duplication", "invented_baselines", *COST})
COMPARED = ("pass_rate", *CHECKS, *GRADED, "invented_baselines", "latency_s_mean", "tokens_mean")
LABELS = {
    "pass_rate": "cases passing the gate", "valid": "valid structured output", "no_errors": "0 error findings",
    "counts_ok": "counts within policy", "parents_valid": "parent links exist", "no_invented_baselines":
    "no invented baseline", "rule_pass_rate": "items with no warning/error", "parent_match": "parents as expected",
    "alignment": "alignment similarity", "theme_coverage": "theme coverage", "groundedness": "groundedness",
    "citation_validity": "citation validity", "duplication": "duplicated objective pairs",
    "invented_baselines": "invented baselines (count)", "latency_s_mean": "latency, s per case",
    "tokens_mean": "tokens per case",
}


def _score(outcome: DraftOutcome, system: str, name: str, *, failed: float) -> float:
    score = outcome.result.scores.get(f"{system}.{name}")
    return failed if score is None else float(score.value)


def system_metrics(outcomes: Sequence[DraftOutcome], system: str) -> dict[str, float]:
    """The metrics of one system over ``outcomes`` (unprefixed names)."""
    n = len(outcomes)
    if not n:
        return {}
    metrics: dict[str, float] = {"cases": float(n)}
    gate = [f"{system}.{name}" for name in GATE]
    passed = [o for o in outcomes if o.result.error is None
              and all(o.result.scores.get(g) is not None and bool(o.result.scores[g].value) for g in gate)]
    metrics["pass_rate"] = round(len(passed) / n, 4)
    for name in CHECKS:
        metrics[name] = round(sum(_score(o, system, name, failed=0.0) for o in outcomes) / n, 4)
    for name in GRADED:
        failed = 1.0 if name == "duplication" else 0.0
        metrics[name] = round(sum(_score(o, system, name, failed=failed) for o in outcomes) / n, 4)
    outputs = [(o.case, o.output.get(system)) for o in outcomes if o.output is not None]
    present = [(case, out) for case, out in outputs if out is not None]
    metrics["invented_baselines"] = float(
        sum(len(audit_numbers(case, out).invented_baselines) for case, out in present if out.failure is None)
    )
    seconds = [out.seconds for _, out in present]
    tokens = [out.tokens for _, out in present]
    repairs = [out.result.trace.repair_rounds for _, out in present]
    metrics["latency_s_mean"] = round(statistics.fmean(seconds), 3) if seconds else 0.0
    metrics["latency_s_p50"] = round(statistics.median(seconds), 3) if seconds else 0.0
    metrics["tokens_mean"] = round(statistics.fmean(tokens), 1) if tokens else 0.0
    metrics["repair_rounds_mean"] = round(statistics.fmean(repairs), 3) if repairs else 0.0
    return metrics


def verdict(metric: str, chain: float, baseline: float) -> tuple[str, bool]:
    """How the chain compares with the baseline on ``metric``: the words for the report, and whether it beats it."""
    lower = metric in LOWER_IS_BETTER
    better = chain < baseline if lower else chain > baseline
    if abs(chain - baseline) < 1e-9:
        return "tie: the chain does not beat the baseline", False
    if better:
        return "chain better", True
    return "the chain does NOT beat the baseline", False


def summarize_draft(outcomes: Sequence[DraftOutcome], *, systems: Sequence[str]) -> Summary:
    per_system = {system: system_metrics(outcomes, system) for system in systems}
    metrics = {f"{system}.{name}": value for system, values in per_system.items() for name, value in values.items()}
    lower = [f"{system}.{name}" for system in systems for name in LOWER_IS_BETTER]
    primary = systems[0]
    headline = [f"{primary}.{name}" for name in ("pass_rate", "theme_coverage", "groundedness", "invented_baselines",
                                                  "citation_validity", "alignment", "parent_match")]
    tables: list[Table] = []
    if "chain" in per_system and "baseline" in per_system:
        table, not_beaten = comparison_table(per_system["chain"], per_system["baseline"])
        tables.append(table)
        metrics["comparison.metrics_beaten"] = float(len(COMPARED) - len(not_beaten))
        metrics["comparison.metrics_not_beaten"] = float(len(not_beaten))
        lower.append("comparison.metrics_not_beaten")
        headline += [f"baseline.{name}" for name in ("pass_rate", "theme_coverage", "groundedness")]
        headline.append("comparison.metrics_not_beaten")
    else:
        values = per_system[primary]
        tables.append(Table(title=f"Metrics ({primary})", columns=["metric", primary],
                            rows=[[LABELS.get(name, name), values.get(name)] for name in COMPARED]))
    tables += [company_table(outcomes, systems), case_table(outcomes, systems)]
    return Summary(metrics=metrics, lower_is_better=lower, headline=headline, charts=charts(per_system),
                   tables=tables, default_group=primary)


def comparison_table(chain: dict[str, float], baseline: dict[str, float]) -> tuple[Table, list[str]]:
    rows: list[list[Cell]] = []
    not_beaten = []
    for name in COMPARED:
        words, beats = verdict(name, chain[name], baseline[name])
        if not beats:
            not_beaten.append(LABELS[name])
        direction = "lower" if name in LOWER_IS_BETTER else "higher"
        rows.append([LABELS[name], chain[name], baseline[name], direction, words])
    note = ("The chain beats the baseline on every metric." if not not_beaten else
            "The chain does not beat the no-LLM baseline on: " + "; ".join(not_beaten) + ".")
    table = Table(title="LLM chain vs no-LLM baseline", columns=["metric", "chain", "baseline", "better", "verdict"],
                  rows=rows, note=note)
    return table, not_beaten


def company_table(outcomes: Sequence[DraftOutcome], systems: Sequence[str]) -> Table:
    companies = sorted({o.case.company for o in outcomes})
    columns = ["company", "cases"]
    for system in systems:
        columns += [f"{system} pass", f"{system} themes", f"{system} grounded"]
    rows: list[list[Cell]] = []
    for company in companies:
        items = [o for o in outcomes if o.case.company == company]
        row: list[Cell] = [company, len(items)]
        for system in systems:
            values = system_metrics(items, system)
            row += [values["pass_rate"], values["theme_coverage"], values["groundedness"]]
        rows.append(row)
    return Table(title="Per company", columns=columns, rows=rows)


def case_table(outcomes: Sequence[DraftOutcome], systems: Sequence[str]) -> Table:
    columns = ["case", "function", "maturity", "objectives"]
    for system in systems:
        columns += [f"{system} pass", "themes", "grounded", "citations", "s", "tokens"]
    rows: list[list[Cell]] = []
    for outcome in outcomes:
        case = outcome.case
        row: list[Cell] = [case.id, case.function, case.maturity, case.objectives]
        for system in systems:
            output = outcome.output.get(system) if outcome.output is not None else None
            gate = all(bool(s.value) for n in GATE if (s := outcome.result.scores.get(f"{system}.{n}")) is not None)
            row += [
                "pass" if output is not None and gate else "FAIL",
                _score(outcome, system, "theme_coverage", failed=0.0),
                _score(outcome, system, "groundedness", failed=0.0),
                _score(outcome, system, "citation_validity", failed=0.0),
                round(output.seconds, 2) if output else None,
                output.tokens if output else None,
            ]
        rows.append(row)
    return Table(title="Per case", columns=columns, rows=rows)


def charts(per_system: dict[str, dict[str, float]]) -> list[Chart]:
    quality = [name for name in ("pass_rate", *CHECKS, *GRADED) if name in SCORERS or name == "pass_rate"]
    bars = [Bar(label=f"{system}: {LABELS[name]}", value=values[name], lower_is_better=name in LOWER_IS_BETTER)
            for name in quality for system, values in per_system.items()]
    latency = [Bar(label=f"{system}: latency, s per case", value=values["latency_s_mean"], lower_is_better=True)
               for system, values in per_system.items()]
    return [Chart(title="Draft quality per system", bars=bars),
            Chart(title="Latency per system", bars=latency, max_value=None)]
