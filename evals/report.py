"""Write an eval report as JSON (for `okr eval compare` and CI) plus Markdown and HTML (for people)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from assistant.errors import InputError
from evals.html import render_html
from evals.results import Cell, EvalReport, Table


@dataclass(frozen=True)
class ReportFiles:
    json: Path
    markdown: Path
    html: Path


def write_reports(report: EvalReport, out_dir: Path) -> ReportFiles:
    """Write ``<out_dir>/<task>-<timestamp>.json``, ``.md`` and ``.html``; never overwrites an earlier run."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"Cannot create the report folder {out_dir}: {exc.strerror}.") from None
    stamp = datetime.fromisoformat(report.created).strftime("%Y%m%dT%H%M%SZ")
    stem = f"{report.task}-{stamp}"
    counter = 1
    while any((out_dir / f"{stem}{ext}").exists() for ext in (".json", ".md", ".html")):
        counter += 1
        stem = f"{report.task}-{stamp}-{counter}"
    files = ReportFiles(out_dir / f"{stem}.json", out_dir / f"{stem}.md", out_dir / f"{stem}.html")
    files.json.write_text(render_json(report), encoding="utf-8")
    files.markdown.write_text(render_markdown(report), encoding="utf-8")
    files.html.write_text(render_html(report), encoding="utf-8")
    return files


def render_json(report: EvalReport) -> str:
    return report.model_dump_json(indent=2) + "\n"


def load_report(path: Path) -> EvalReport:
    """Read a JSON report written by `okr eval`; raises ``InputError`` with the reason."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"Report {path} does not exist.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"Cannot read report {path}: {exc}.") from None
    try:
        return EvalReport.model_validate_json(text)
    except ValueError as exc:
        raise InputError(f"{path} is not an `okr eval` JSON report: {str(exc).splitlines()[0]}.") from None


def cell(value: Cell) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_table(columns: list[str], rows: list[list[Cell]]) -> list[str]:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_md_escape(cell(value)) for value in row) + " |" for row in rows]
    return lines


def _table_lines(table: Table) -> list[str]:
    lines = [f"### {table.title}", ""]
    if table.rows:
        lines += _md_table(table.columns, table.rows)
    else:
        lines.append("(no rows)")
    if table.note:
        lines += ["", f"_{table.note}_"]
    return [*lines, ""]


def render_markdown(report: EvalReport, *, cases: bool = True) -> str:
    """The human report. ``cases=False`` leaves out the per-case table (for printing to a terminal)."""
    summary = report.summary
    passed = sum(1 for case in report.cases if case.passed)
    lines = [
        f"# Eval: {report.task}",
        "",
        f"Dataset `{report.dataset}`, run {report.created}, {len(report.cases)} cases, {passed} passed, "
        f"{len(report.errors)} errors, {report.seconds:.1f} s.",
    ]
    if report.config:
        lines.append("Config: " + ", ".join(f"{k}=`{v}`" for k, v in sorted(report.config.items())) + ".")
    lines += ["", "## Headline", ""]
    headline = summary.headline or sorted(summary.metrics)[:10]
    lines += _md_table(["metric", "value"], [[name, summary.metrics.get(name)] for name in headline])
    lines.append("")
    for table in summary.tables:
        lines += _table_lines(table)
    failures = report.failures
    lines += [f"## Failures ({len(failures)})", ""]
    if failures:
        for case in failures:
            reasons = "; ".join(s.reason for s in case.scores.values() if s.is_check and s.value is False)
            lines.append(
                f"- **{case.id}** ({case.split or '-'}) {_md_escape(case.input)} — expected: {_md_escape(case.expected)};"
                f" got: {_md_escape(case.actual or case.error or '')}" + (f". {_md_escape(reasons)}" if reasons else "")
            )
    else:
        lines.append("None.")
    lines.append("")
    if cases:
        score_names = sorted({name for case in report.cases for name in case.scores})
        lines += ["## Cases", ""]
        rows: list[list[Cell]] = []
        for case in report.cases:
            values: list[Cell] = [_score_cell(case.scores[n].value) if n in case.scores else None for n in score_names]
            rows.append([case.id, case.split, "pass" if case.passed else "FAIL", case.input, case.expected,
                         case.actual, *values])
        lines += _md_table(["id", "split", "result", "input", "expected", "actual", *score_names], rows)
        lines.append("")
    return "\n".join(lines)


def _score_cell(value: bool | float) -> Cell:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return round(value, 3)
