"""The report: verdicts, score, summary, and how it is written out (md, json, yaml)."""

from __future__ import annotations

import json

import pytest
import yaml
from review_helpers import one_kr_set

from assistant.okr import KeyResult, Objective, OKRSet, Report, Severity, Verdict
from assistant.policy import PROFILES, Policy, get_policy
from assistant.review import render_report, review
from assistant.review.scoring import score, tally, verdicts


def kr_verdict(report: Report, o: int = 0, k: int = 0) -> Verdict:
    return report.objectives[o].key_results[k].verdict


def test_sound_set_passes_with_full_score() -> None:
    report = review(one_kr_set("Increase NPS from 31 to 45"))
    assert not report.has_errors()
    assert {f.severity for f in report.findings} <= {Severity.INFO}
    assert report.score == 100
    assert all(o.verdict is Verdict.PASS for o in report.objectives)
    assert all(k.verdict is Verdict.PASS for o in report.objectives for k in o.key_results)


def test_info_findings_do_not_change_a_verdict() -> None:
    report = review(one_kr_set("Increase NPS to 45", owner=None))  # no baseline, no owner: advice only
    rules = {f.rule for f in report.findings if f.path == "objectives[0].key_results[0]"}
    assert {"kr-no-baseline", "kr-no-owner"} <= rules
    assert kr_verdict(report) is Verdict.PASS
    assert report.score == 100


def test_warning_makes_kr_weak_and_objective_weak() -> None:
    report = review(one_kr_set("Publish 12 blog posts"))
    assert kr_verdict(report) is Verdict.WEAK
    assert kr_verdict(report, 0, 1) is Verdict.PASS
    assert report.objectives[0].verdict is Verdict.WEAK  # a weak KR keeps its objective from passing
    assert report.objectives[1].verdict is Verdict.PASS


def test_error_fails_the_kr_and_weakens_the_objective() -> None:
    report = review(one_kr_set("Be the go-to team for data"))
    assert kr_verdict(report) is Verdict.FAIL
    assert report.objectives[0].verdict is Verdict.WEAK  # one sound KR is left to grade it by
    assert report.has_errors()


def test_objective_fails_when_all_its_krs_fail() -> None:
    okr_set = one_kr_set("Be the go-to team for data")
    okr_set.objectives[0].key_results[1] = KeyResult(text="Foster a culture of ownership", owner="a")
    report = review(okr_set)
    assert report.objectives[0].verdict is Verdict.FAIL


def test_objective_error_of_its_own_fails_it() -> None:
    okr_set = one_kr_set("Increase NPS from 31 to 45")
    okr_set.objectives[0].key_results = okr_set.objectives[0].key_results[:1]  # 1 KR: objective-kr-count error
    report = review(okr_set)
    assert report.objectives[0].verdict is Verdict.FAIL
    assert kr_verdict(report) is Verdict.PASS


def test_score_orders_sets_by_how_much_is_wrong() -> None:
    sound = review(one_kr_set("Increase NPS from 31 to 45")).score
    warned = review(one_kr_set("Publish 12 blog posts")).score
    failed = review(one_kr_set("Be the go-to team for data")).score
    assert sound > warned > failed
    assert failed >= 0


def test_score_item_arithmetic() -> None:
    # 9 items (3 objectives + 6 KRs); one KR with one warning loses 15 points on that item
    report = review(one_kr_set("Publish 12 blog posts"))
    warnings = [f for f in report.findings if f.severity is Severity.WARNING]
    assert [f.rule for f in warnings] == ["kr-activity"]
    assert report.score == round((8 * 100 + 85) / 9)


def test_set_level_findings_cost_points() -> None:
    with_period = review(one_kr_set("Increase NPS from 31 to 45")).score
    without = review(one_kr_set("Increase NPS from 31 to 45 by 2027-03-31", period=None))
    assert "set-no-period" in {f.rule for f in without.findings}
    assert without.score < with_period


def test_empty_set_scores_zero_and_fails() -> None:
    report = review(OKRSet(team="x", period="2027-Q1"))
    assert report.score == 0
    assert report.has_errors()
    assert report.objectives == []


def test_score_is_bounded_for_terrible_sets() -> None:
    objectives = [Objective(title=f"Maintain {i}% of things", key_results=[KeyResult(text="Improve stuff")])
                  for i in range(9)]
    report = review(OKRSet(objectives=objectives))
    assert report.score == 0


def test_rule_turned_off_changes_nothing_else() -> None:
    policy = get_policy("default").model_copy(deep=True)
    policy.severities["kr-activity"] = None
    report = review(one_kr_set("Publish 12 blog posts"), policy=policy)
    assert not [f for f in report.findings if f.rule == "kr-activity"]
    assert kr_verdict(report) is Verdict.PASS


def test_summary_is_one_line_with_counts() -> None:
    report = review(one_kr_set("Be the go-to team for data"))
    assert "\n" not in report.summary
    assert report.summary.startswith(f"Score {report.score}/100 (default profile)")
    assert "1 error" in report.summary and "3 objectives, 6 key results" in report.summary


def test_scoring_functions_directly() -> None:
    from assistant.review.context import build_env

    env = build_env(one_kr_set("Increase NPS from 31 to 45"), get_policy("default"), None)
    assert score(env, tally([])) == 100
    assert [o.verdict for o in verdicts(env, tally([]))] == [Verdict.PASS] * 3


# --- rendering ---------------------------------------------------------------------------------------------


@pytest.fixture
def weak_report() -> Report:
    okr_set = one_kr_set("Publish 12 blog posts", period=None)
    return review(okr_set)


def test_json_is_the_contract_shape(weak_report: Report) -> None:
    data = json.loads(render_report(weak_report, "json"))
    assert set(data) <= {"score", "profile", "findings", "objectives", "summary"}
    assert {"score", "profile", "findings", "objectives"} <= set(data)
    assert isinstance(data["score"], int) and data["profile"] == "default"
    for f in data["findings"]:
        assert {"rule", "severity", "path", "message", "suggestion"} <= set(f)
        assert set(f) <= {"rule", "severity", "path", "message", "suggestion", "source"}
    o = data["objectives"][0]
    assert set(o) == {"path", "title", "verdict", "key_results"}
    assert o["path"] == "objectives[0]" and o["verdict"] == "weak"
    assert o["key_results"][0] == {"path": "objectives[0].key_results[0]", "text": "Publish 12 blog posts",
                                   "verdict": "weak"}
    activity = next(f for f in data["findings"] if f["rule"] == "kr-activity")
    assert activity["severity"] == "warning" and activity["path"] == "objectives[0].key_results[0]"


def test_yaml_matches_json(weak_report: Report) -> None:
    assert yaml.safe_load(render_report(weak_report, "yaml")) == json.loads(render_report(weak_report, "json"))


def test_markdown_shows_items_in_place_with_verdicts(weak_report: Report) -> None:
    md = render_report(weak_report, "md")
    assert md.startswith("# OKR review")
    assert f"**Score {weak_report.score}/100**" in md
    assert "## Whole set" in md and "`set-no-period`" in md
    assert "## Objective 1: Make onboarding effortless — **WEAK**" in md
    kr_line = md.index("1. Publish 12 blog posts — **WEAK**")
    activity = md.index("`kr-activity`")
    assert kr_line < activity < md.index("## Objective 2")
    assert "→ Suggestion: Increase" in md
    assert "\x1b[" not in md


def test_markdown_color_only_when_asked(weak_report: Report) -> None:
    colored = render_report(weak_report, "md", color=True)
    assert "\x1b[" in colored
    import click

    assert click.unstyle(colored) == render_report(weak_report, "md")


def test_unknown_format_is_an_input_error(weak_report: Report) -> None:
    from assistant.errors import UnsupportedFormat

    with pytest.raises(UnsupportedFormat):
        render_report(weak_report, "html")


def test_fast_built_models_equal_validated_ones() -> None:
    """The validator builds findings and verdicts without re-validation: they must be indistinguishable."""
    from assistant.okr import Finding, KeyResultVerdict, ObjectiveVerdict
    from assistant.parsing.models import trusted

    values: dict[str, object] = {"rule": "kr-vague", "severity": Severity.WARNING, "path": "objectives[0]",
                                 "message": "m", "suggestion": None, "source": "rules"}
    fast, slow = trusted(Finding, dict(values)), Finding.model_validate(values)
    assert fast == slow and fast.model_dump_json() == slow.model_dump_json() and repr(fast) == repr(slow)
    kr = trusted(KeyResultVerdict, {"path": "p", "text": "t", "verdict": Verdict.PASS})
    objective = trusted(ObjectiveVerdict, {"path": "o", "title": "t", "verdict": Verdict.WEAK, "key_results": [kr]})
    assert objective == ObjectiveVerdict(path="o", title="t", verdict=Verdict.WEAK,
                                         key_results=[KeyResultVerdict(path="p", text="t", verdict=Verdict.PASS)])
    report = review(one_kr_set("Publish 12 blog posts"))
    assert Report.model_validate_json(report.model_dump_json()) == report


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_built_in_profiles_are_valid_policies(name: str) -> None:
    built_in = PROFILES[name]  # made without validation, for start-up time
    assert Policy.model_validate(built_in.model_dump()) == built_in
    assert get_policy(name) == built_in and get_policy(name) is not built_in
