"""The rule catalogue: stable ids, families, default severities and one-line titles.

The long explanations (why, bad examples, good rewrites) live in ``knowledge/rules/<id>.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.okr import Severity


@dataclass(frozen=True)
class RuleInfo:
    id: str
    family: str  # "set" | "objective" | "kr"
    severity: Severity
    title: str


CATALOGUE: tuple[RuleInfo, ...] = (
    RuleInfo("set-objective-count", "set", Severity.ERROR, "Number of objectives outside the policy's range"),
    RuleInfo("set-no-period", "set", Severity.WARNING, "The set names no period"),
    RuleInfo("set-duplicate-kr", "set", Severity.WARNING, "The same key result appears more than once"),
    RuleInfo("objective-kr-count", "objective", Severity.ERROR, "Number of key results outside the policy's range"),
    RuleInfo("objective-has-metric", "objective", Severity.WARNING, "Objective carries numbers or targets"),
    RuleInfo("objective-too-long", "objective", Severity.WARNING, "Objective is too long to remember"),
    RuleInfo("objective-no-parent", "objective", Severity.WARNING, "Objective links to no parent"),
    RuleInfo("objective-unknown-parent", "objective", Severity.ERROR, "Objective links to a parent that does not exist"),
    RuleInfo("objective-copies-parent", "objective", Severity.WARNING, "Objective copies its parent word for word"),
    RuleInfo("objective-bau", "objective", Severity.WARNING, "Objective describes business as usual"),
    RuleInfo("objective-kr-same-metric", "objective", Severity.WARNING,
             "Two key results of one objective set targets for the same metric"),
    RuleInfo("kr-not-measurable", "kr", Severity.ERROR, "Key result cannot be measured"),
    RuleInfo("kr-no-target", "kr", Severity.WARNING, "Key result names a metric but no target"),
    RuleInfo("kr-activity", "kr", Severity.WARNING, "Key result is a task or output, not an outcome"),
    RuleInfo("kr-binary", "kr", Severity.WARNING, "Key result is done / not done"),
    RuleInfo("kr-vague", "kr", Severity.WARNING, "Key result uses vague wording without a number"),
    RuleInfo("kr-compound", "kr", Severity.WARNING, "Key result bundles two metrics"),
    RuleInfo("kr-wrong-direction", "kr", Severity.WARNING, "Key result moves its metric the wrong way"),
    RuleInfo("kr-no-deadline", "kr", Severity.WARNING, "Neither the key result nor the set has a deadline"),
    RuleInfo("kr-no-baseline", "kr", Severity.INFO, "Key result gives no starting point"),
    RuleInfo("kr-no-owner", "kr", Severity.INFO, "Key result has no owner"),
)

RULE_IDS: frozenset[str] = frozenset(rule.id for rule in CATALOGUE)


def rule_info(rule_id: str) -> RuleInfo:
    """The catalogue entry for ``rule_id``; raises ``UnknownRule``."""
    for rule in CATALOGUE:
        if rule.id == rule_id:
            return rule
    from assistant.errors import UnknownRule

    raise UnknownRule(f"No rule {rule_id!r}. Run `okr rules` to list the rule ids.")
