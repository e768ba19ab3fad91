"""Aggregate reviewer metrics: flawed-vs-sound P/R/F1, false alarms, per-rule P/R/F1, per split and overall."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.okr import Severity
from assistant.review.catalogue import CATALOGUE
from evals.results import Bar, Cell, Chart, Summary, Table
from evals.runner import Outcome
from evals.schema import SPLITS, ReviewCase
from evals.scorers import Counts
from evals.scorers.review import ReviewOutput

ReviewOutcome = Outcome[ReviewCase, ReviewOutput]
GRADED_RULES = [rule.id for rule in CATALOGUE if rule.severity is not Severity.INFO]
INFO_RULES = [rule.id for rule in CATALOGUE if rule.severity is Severity.INFO]
KINDS = ("kr", "objective", "set")


def rule_counts(outcomes: Sequence[ReviewOutcome], rules: Sequence[str], *, info: bool = False) -> dict[str, Counts]:
    """Per-rule confusion counts. A fired rule the label allows is neither a hit nor a false alarm; for info
    rules only labelled items count."""
    counts = {rule: Counts() for rule in rules}
    for outcome in outcomes:
        if outcome.output is None:
            continue
        case = outcome.case
        if info:
            if case.info_rules is None:
                continue
            expected, allowed, predicted = set(case.info_rules), set(), set(outcome.output.info)
        else:
            expected, allowed, predicted = set(case.expected_rules), set(case.allowed_rules), set(outcome.output.rules)
        for rule in rules:
            if rule in allowed:
                continue
            counts[rule].add(expected=rule in expected, predicted=rule in predicted)
    return counts


def flawed_counts(outcomes: Sequence[ReviewOutcome], kind: str | None = None) -> Counts:
    counts = Counts()
    for outcome in outcomes:
        if outcome.output is not None and (kind is None or outcome.case.kind == kind):
            counts.add(expected=outcome.case.flawed, predicted=outcome.output.flawed)
    return counts


def _groups(outcomes: Sequence[ReviewOutcome], split: str) -> dict[str, list[ReviewOutcome]]:
    if split != "all":
        return {split: list(outcomes)}
    groups: dict[str, list[ReviewOutcome]] = {}
    for name in SPLITS:
        items = [o for o in outcomes if o.case.split == name]
        if items:
            groups[name] = items
    groups["all"] = list(outcomes)
    return groups


def _put(metrics: dict[str, float], name: str, value: float | None) -> None:
    if value is not None:
        metrics[name] = round(value, 4)


def _fmt(value: float | None) -> Cell:
    return None if value is None else round(value, 4)  # the same rounding as the metrics


def summarize_review(outcomes: Sequence[ReviewOutcome], *, split: str = "all") -> Summary:
    groups = _groups(outcomes, split)
    default = "all" if split == "all" else split
    metrics: dict[str, float] = {}
    lower: list[str] = []
    overview_rows: list[list[Cell]] = []
    per_group_rules: dict[str, dict[str, Counts]] = {}
    for group, items in groups.items():
        scored = [o for o in items if o.output is not None]
        flawed = flawed_counts(scored)
        metrics[f"{group}.cases"] = float(len(items))
        _put(metrics, f"{group}.flawed.precision", flawed.precision)
        _put(metrics, f"{group}.flawed.recall", flawed.recall)
        _put(metrics, f"{group}.flawed.f1", flawed.f1)
        _put(metrics, f"{group}.false_alarm_rate", flawed.false_alarm_rate)
        _put(metrics, f"{group}.accuracy", flawed.accuracy)
        lower.append(f"{group}.false_alarm_rate")
        for kind in KINDS:
            by_kind = flawed_counts(scored, kind)
            _put(metrics, f"{group}.{kind}.flawed.f1", by_kind.f1)
            _put(metrics, f"{group}.{kind}.false_alarm_rate", by_kind.false_alarm_rate)
            lower.append(f"{group}.{kind}.false_alarm_rate")
        exact = [o for o in scored if o.result.scores["rules_match"].value is True]
        _put(metrics, f"{group}.rules.exact", len(exact) / len(scored) if scored else None)
        rules = rule_counts(scored, GRADED_RULES)
        per_group_rules[group] = rules
        micro = Counts(
            tp=sum(c.tp for c in rules.values()), fp=sum(c.fp for c in rules.values()), fn=sum(c.fn for c in rules.values())
        )
        _put(metrics, f"{group}.rules.micro_precision", micro.precision)
        _put(metrics, f"{group}.rules.micro_recall", micro.recall)
        _put(metrics, f"{group}.rules.micro_f1", micro.f1)
        supported = [c.f1 or 0.0 for c in rules.values() if c.support]
        _put(metrics, f"{group}.rules.macro_f1", sum(supported) / len(supported) if supported else None)
        for rule, counts in rules.items():
            _put(metrics, f"{group}.rule.{rule}.precision", counts.precision)
            _put(metrics, f"{group}.rule.{rule}.recall", counts.recall)
            _put(metrics, f"{group}.rule.{rule}.f1", counts.f1)
        for rule, counts in rule_counts(scored, INFO_RULES, info=True).items():
            _put(metrics, f"{group}.info.{rule}.precision", counts.precision)
            _put(metrics, f"{group}.info.{rule}.recall", counts.recall)
            _put(metrics, f"{group}.info.{rule}.f1", counts.f1)
        kr_sound = flawed_counts(scored, "kr")
        overview_rows.append([
            group, len(items), flawed.support, _fmt(flawed.precision), _fmt(flawed.recall), _fmt(flawed.f1),
            _fmt(flawed.false_alarm_rate), _fmt(kr_sound.false_alarm_rate), _fmt(flawed.accuracy),
            metrics.get(f"{group}.rules.exact"), len(items) - len(scored),
        ])
    tables = [
        Table(
            title="Flawed vs sound",
            columns=["group", "items", "flawed", "precision", "recall", "F1", "false alarms", "false alarms (KRs)",
                     "accuracy", "rules exact", "errors"],
            rows=overview_rows,
            note="False alarms: share of sound items the reviewer called flawed (warning or error findings).",
        ),
        _rule_table(f"Per rule ({default})", per_group_rules, default, groups),
        _rule_table(
            f"Info rules, scored apart ({default}, labelled items only)",
            {g: rule_counts([o for o in items if o.output], INFO_RULES, info=True) for g, items in groups.items()},
            default, groups,
        ),
    ]
    charts = [
        Chart(title="Flawed vs sound", bars=[
            Bar(label=f"{g} {name}", value=metrics[f"{g}.{key}"], lower_is_better=key == "false_alarm_rate")
            for g in groups
            for name, key in (("precision", "flawed.precision"), ("recall", "flawed.recall"), ("F1", "flawed.f1"),
                              ("false alarms", "false_alarm_rate"))
            if f"{g}.{key}" in metrics
        ]),
        Chart(title=f"Per-rule F1 ({default})", bars=[
            Bar(label=rule, value=round(counts.f1 or 0.0, 4))
            for rule, counts in per_group_rules.get(default, {}).items() if counts.support or counts.fp
        ]),
    ]
    headline = [
        f"{g}.{key}" for g in groups
        for key in ("flawed.f1", "flawed.precision", "flawed.recall", "false_alarm_rate", "kr.false_alarm_rate",
                    "rules.micro_f1")
        if f"{g}.{key}" in metrics
    ]
    return Summary(metrics=metrics, lower_is_better=lower, headline=headline, charts=charts, tables=tables,
                   default_group=default)


def _rule_table(
    title: str, per_group: dict[str, dict[str, Counts]], default: str, groups: dict[str, list[ReviewOutcome]]
) -> Table:
    others = [g for g in groups if g != default]
    rows: list[list[Cell]] = []
    for rule, counts in per_group.get(default, {}).items():
        if not (counts.support or counts.fp):
            continue
        row: list[Cell] = [rule, counts.support, counts.tp + counts.fp, counts.tp, counts.fp, counts.fn,
                           _fmt(counts.precision), _fmt(counts.recall), _fmt(counts.f1)]
        row += [_fmt(per_group[g][rule].f1) for g in others]
        rows.append(row)
    columns = ["rule", "support", "fired", "TP", "FP", "FN", "precision", "recall", "F1"] + [f"F1 {g}" for g in others]
    return Table(title=title, columns=columns, rows=rows,
                 note="A fired rule that the label lists as allowed is neither a hit nor a false alarm.")
