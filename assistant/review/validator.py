"""The deterministic reviewer: read the set once, run every rule the policy turns on, score and judge.

Rules are pure functions over the read set (``context.Env``), one module per family; each returns ``Hit``s
(path, message, suggestion) and the validator stamps them with the rule id and the policy's severity.
A rule whose severity is ``None`` in the policy is off and is not run.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from assistant.okr import Finding, ObjectiveVerdict, OKRSet, Parent, Report, Severity, Verdict
from assistant.parsing.models import trusted
from assistant.review import rules_kr, rules_objective, rules_set
from assistant.review.catalogue import CATALOGUE
from assistant.review.context import Env, build_env
from assistant.review.scoring import judge, tally

if TYPE_CHECKING:
    from assistant.policy import Policy

_ORDER: Final = {rule.id: i for i, rule in enumerate(CATALOGUE)}


def _policy(policy: Policy | None) -> Policy:
    if policy is not None:
        return policy
    from assistant.policy import PROFILES  # here, not at import: assistant.policy imports this package

    # the profile itself, not get_policy's deep copy (one per review): the reviewer only reads its policy
    return PROFILES["default"]


def check(okr_set: OKRSet, *, policy: Policy | None = None, known_parents: Sequence[Parent] | None = None) -> list[Finding]:
    """The findings of every rule the policy turns on, in document order (set, then each objective and its KRs).

    ``known_parents``: when given (and not empty), ``objective-unknown-parent`` checks each ``aligns_to`` id
    against their ids and their key results' ids, and ``objective-copies-parent`` compares titles.
    """
    return _run(build_env(okr_set, _policy(policy), known_parents))


def review(okr_set: OKRSet, *, policy: Policy | None = None, known_parents: Sequence[Parent] | None = None) -> Report:
    """Review ``okr_set``: findings, a 0-100 score, a verdict per objective and key result, and a summary.

    See ``assistant.review.scoring`` for how the score and the verdicts are decided.
    """
    env = build_env(okr_set, _policy(policy), known_parents)
    findings = _run(env)
    counts = tally(findings)
    objectives, value = judge(env, counts)
    profile = env.policy.name
    summary = _summary(value, profile, findings, objectives, counts)
    return trusted(Report, {"score": value, "profile": profile, "findings": findings, "objectives": objectives,
                            "summary": summary})


def _run(env: Env) -> list[Finding]:
    severity = env.policy.severity
    set_rules = [(rid, fn, sev) for rid, fn in rules_set.RULES.items() if (sev := severity(rid)) is not None]
    obj_rules = [(rid, fn, sev) for rid, fn in rules_objective.RULES.items() if (sev := severity(rid)) is not None]
    kr_rules = [(rid, fn, sev) for rid, fn in rules_kr.RULES.items() if (sev := severity(rid)) is not None]

    findings: list[Finding] = []
    append = findings.append
    late: list[Finding] = []  # set rules that point at an item (duplicates): placed with that item below
    for rid, set_fn, sev in set_rules:
        for hit in set_fn(env):
            (findings if hit.path == "" else late).append(_finding(rid, sev, hit.path, hit.message, hit.suggestion))
    by_path: dict[str, list[Finding]] = {}
    for f in late:
        by_path.setdefault(f.path, []).append(f)

    for o in env.objectives:
        for rid, obj_fn, sev in obj_rules:
            found = obj_fn(o, env)
            if found is not None:
                append(_finding(rid, sev, found.path, found.message, found.suggestion))
        for k in o.key_results:
            start = len(findings)
            for rid, kr_fn, sev in kr_rules:
                found = kr_fn(k, env)
                if found is not None:
                    append(_finding(rid, sev, found.path, found.message, found.suggestion))
            if by_path:
                extra = by_path.get(k.path)
                if extra:
                    findings[start:] = sorted(findings[start:] + extra, key=lambda f: _ORDER.get(f.rule, 99))
    return findings


def _finding(rule: str, severity: Severity, path: str, message: str, suggestion: str | None) -> Finding:
    return trusted(Finding, {"rule": rule, "severity": severity, "path": path, "message": message,
                             "suggestion": suggestion, "source": "rules"})


_ERROR: Final = Severity.ERROR
_WARNING: Final = Severity.WARNING
_FAIL: Final = Verdict.FAIL
_WEAK: Final = Verdict.WEAK


def summarize(report: Report) -> str:
    """One line for people: score, counts, and the items that need work."""
    return _summary(report.score, report.profile, report.findings, report.objectives, tally(report.findings))


def _summary(score: int, profile: str, findings: Sequence[Finding], objectives: Sequence[ObjectiveVerdict],
             counts: dict[str, dict[Severity, int]]) -> str:
    """``counts`` is ``tally(findings)``: a count per item rather than a look at every finding."""
    errors = warnings = 0
    for per in counts.values():
        errors += per[_ERROR]
        warnings += per[_WARNING]
    infos = len(findings) - errors - warnings
    n_obj = len(objectives)
    n_krs = failing = weak = 0
    for o in objectives:
        for k in o.key_results:
            n_krs += 1
            verdict = k.verdict
            if verdict is _FAIL:
                failing += 1
            elif verdict is _WEAK:
                weak += 1
    head = f"Score {score}/100 ({profile} profile)"
    size = f"{n_obj} objective{'s' if n_obj != 1 else ''}, {n_krs} key result{'s' if n_krs != 1 else ''}"
    tallied = f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}, {infos} note{'s' if infos != 1 else ''}"
    if errors == 0 and warnings == 0:
        verdict_text = "ready to publish"
    else:
        verdict_text = f"{failing} key result{'s' if failing != 1 else ''} failing, {weak} weak"
    return f"{head}: {size}; {tallied}; {verdict_text}."
