"""The reviewer: deterministic SMART and limit rules over an OKR set, a score, and per-item verdicts.

    from assistant.review import review, render_report
    report = review(okr_set, policy=get_policy("lenient"))
    print(render_report(report, "md"))

Nothing here imports ``assistant.policy`` at module level (it imports ``assistant.review.catalogue``), nor
anything heavy: the review path stays fast to start.
"""

from __future__ import annotations

from assistant.review.catalogue import CATALOGUE, RULE_IDS, RuleInfo, rule_info
from assistant.review.render import FORMATS, render_report, report_data
from assistant.review.validator import check, review

__all__ = [
    "CATALOGUE",
    "FORMATS",
    "RULE_IDS",
    "RuleInfo",
    "check",
    "render_report",
    "report_data",
    "review",
    "rule_info",
]
