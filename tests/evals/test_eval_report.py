from __future__ import annotations

import json
import re
from pathlib import Path

import evals_testkit
import pytest

from assistant.errors import InputError
from evals.html import svg_bar_chart
from evals.report import load_report, render_markdown, write_reports
from evals.results import Bar, Chart, EvalReport
from evals.runner import run_task
from evals.schema import ReviewCase, load_cases
from evals.tasks.review import review_task


@pytest.fixture
def report(small_dataset: Path) -> EvalReport:
    return run_task(review_task(load_cases(small_dataset, ReviewCase), reviewer=evals_testkit.review))


def test_write_reports_writes_json_markdown_and_html(report: EvalReport, tmp_path: Path) -> None:
    files = write_reports(report, tmp_path / "reports")
    assert re.fullmatch(r"review-\d{8}T\d{6}Z\.json", files.json.name)
    assert files.markdown == files.json.with_suffix(".md") and files.html == files.json.with_suffix(".html")
    data = json.loads(files.json.read_text(encoding="utf-8"))
    assert data["task"] == "review" and data["summary"]["metrics"]["all.flawed.f1"] == 0.8
    assert len(data["cases"]) == 8
    assert load_report(files.json) == report


def test_html_has_charts_tables_failures_and_every_case(report: EvalReport, tmp_path: Path) -> None:
    html = write_reports(report, tmp_path).html.read_text(encoding="utf-8")
    assert html.count("<svg") == len(report.summary.charts) == 2
    assert "<rect" in html and "all F1" in html and "kr-activity" in html
    assert "Failures (2)" in html and "e-direction" in html
    for case in report.cases:
        assert f"<td>{case.id}</td>" in html
    assert '<tr class="fail">' in html and '<tr class="pass">' in html


def test_markdown_lists_failures_and_tables(report: EvalReport, tmp_path: Path) -> None:
    markdown = write_reports(report, tmp_path).markdown.read_text(encoding="utf-8")
    assert "## Failures (2)" in markdown
    assert "- **e-direction** (dev)" in markdown and "missed: labelled kr-wrong-direction" in markdown
    assert "### Flawed vs sound" in markdown and "### Per rule (all)" in markdown
    assert "## Cases" in markdown
    assert "## Cases" not in render_markdown(report, cases=False)


def test_a_second_run_never_overwrites_the_first(report: EvalReport, tmp_path: Path) -> None:
    first = write_reports(report, tmp_path)
    second = write_reports(report, tmp_path)
    assert first.json != second.json and first.json.exists() and second.json.name.endswith("-2.json")


def test_svg_bars_scale_and_escape() -> None:
    svg = svg_bar_chart(Chart(title="A <b> & c", bars=[Bar(label="x<y", value=0.5), Bar(label="z", value=1.0,
                                                                                           lower_is_better=True)]))
    assert "A &lt;b&gt; &amp; c" in svg and "x&lt;y" in svg
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([0-9.]+)"', svg)]
    assert widths[1] == pytest.approx(2 * widths[0])
    assert "no data" in svg_bar_chart(Chart(title="empty", bars=[]))


def test_html_escapes_case_text(small_dataset: Path, tmp_path: Path) -> None:
    cases = load_cases(small_dataset, ReviewCase)
    cases[0] = cases[0].model_copy(update={"text": "Raise <script>alert(1)</script> from 1 to 2"})
    report = run_task(review_task(cases, reviewer=evals_testkit.review))
    html = write_reports(report, tmp_path).html.read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize(("content", "message"), [(None, "does not exist"), ("{", "not an `okr eval` JSON report"),
                                                   ('{"task": "review"}', "not an `okr eval` JSON report")])
def test_load_report_errors(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "r.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_report(path)
