"""A report written out: Markdown for people (optionally coloured for a terminal), JSON and YAML for tools.

The JSON is the contract of ``okr review --format json``::

    {"score": 72, "profile": "default",
     "findings": [{"rule", "severity", "path", "message", "suggestion", "source"}],
     "objectives": [{"path", "title", "verdict", "key_results": [{"path", "text", "verdict"}]}],
     "summary": "..."}
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from enum import Enum
from typing import Final, cast

from pydantic import BaseModel

from assistant.errors import UnsupportedFormat
from assistant.okr import Finding, KeyResultVerdict, ObjectiveVerdict, Report, Severity, Verdict

FORMATS: Final = ("md", "json", "yaml")

_VERDICT_COLOR: Final = {Verdict.PASS: "green", Verdict.WEAK: "yellow", Verdict.FAIL: "red"}
_SEVERITY_COLOR: Final = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_SEVERITY_MARK: Final = {Severity.ERROR: "✖", Severity.WARNING: "▲", Severity.INFO: "ℹ"}


def render_report(report: Report, fmt: str = "md", *, color: bool = False) -> str:
    """``report`` as ``fmt`` (md, json or yaml); ``color`` adds terminal colours to Markdown only."""
    if fmt == "json":
        return json.dumps(report_data(report), indent=2, ensure_ascii=False) + "\n"
    if fmt == "yaml":
        import yaml

        return str(yaml.safe_dump(report_data(report), sort_keys=False, allow_unicode=True, width=100))
    if fmt == "md":
        return _markdown(report, color=color)
    raise UnsupportedFormat(f"Unknown report format {fmt!r}; choose one of: {', '.join(FORMATS)}.")


def report_data(report: Report) -> dict[str, object]:
    """The report as plain data, in the contract's key order: ``report.model_dump(mode="json")``.

    Written out here rather than asked of pydantic, which would first build the models' serializers: that is a
    noticeable part of `okr review`'s start-up, for a few dictionaries and lists. A value of a type this does
    not know goes back to pydantic.
    """
    try:
        return cast("dict[str, object]", _plain(report))
    except _Unplain:
        return report.model_dump(mode="json")


class _Unplain(Exception):
    pass


_MODELS: Final = frozenset((Report, Finding, ObjectiveVerdict, KeyResultVerdict))


def _plain(value: object) -> object:
    """``value`` as ``model_dump(mode="json")`` writes it, for models, lists, enums and JSON scalars."""
    kind = type(value)
    if value is None or kind is str or kind is int or kind is bool:
        return value
    if kind in _MODELS:  # exactly these: a subclass could serialize otherwise
        fields = cast("type[BaseModel]", kind).model_fields
        return {name: _plain(getattr(value, name)) for name, field in fields.items() if not field.exclude}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, Enum) and isinstance(value.value, str):
        return value.value
    if kind is float and math.isfinite(cast(float, value)):
        return value
    raise _Unplain(type(value).__name__)


def _styler(color: bool) -> Callable[..., str]:
    if not color:
        return lambda text, **_: text
    import click

    return click.style


def _markdown(report: Report, *, color: bool) -> str:
    style = _styler(color)
    by_path: dict[str, list[Finding]] = {}
    for f in report.findings:
        by_path.setdefault(f.path, []).append(f)
    placed: set[str] = {""}

    def verdict(v: Verdict) -> str:
        return style(f"**{v.value.upper()}**", fg=_VERDICT_COLOR[v], bold=True)

    errors = sum(1 for f in report.findings if f.severity is Severity.ERROR)
    warnings = sum(1 for f in report.findings if f.severity is Severity.WARNING)
    notes = len(report.findings) - errors - warnings
    score_color = "green" if report.score >= 80 else "yellow" if report.score >= 50 else "red"
    lines = [
        "# OKR review",
        "",
        f"{style(f'**Score {report.score}/100**', fg=score_color, bold=True)} · profile `{report.profile}` · "
        f"{errors} error{'s' if errors != 1 else ''} · {warnings} warning{'s' if warnings != 1 else ''} · "
        f"{notes} note{'s' if notes != 1 else ''}",
    ]
    if report.summary:
        lines += ["", report.summary]
    if by_path.get(""):
        lines += ["", "## Whole set", ""]
        lines += _finding_lines(by_path[""], "", style)

    for i, o in enumerate(report.objectives, start=1):
        placed.add(o.path)
        lines += ["", f"## Objective {i}: {o.title} — {verdict(o.verdict)}", ""]
        own = by_path.get(o.path, [])
        lines += _finding_lines(own, "", style)
        if own:
            lines.append("")
        if not o.key_results:
            lines.append("_No key results._")
        for j, k in enumerate(o.key_results, start=1):
            placed.add(k.path)
            lines.append(f"{j}. {k.text} — {verdict(k.verdict)}")
            lines += _finding_lines(by_path.get(k.path, []), "   ", style)

    other = [f for path, fs in by_path.items() if path not in placed for f in fs]
    if other:
        lines += ["", "## Other findings", ""]
        lines += _finding_lines(other, "", style, with_path=True)
    if not report.findings:
        lines += ["", style("No findings: every rule passes.", fg="green")]
    return "\n".join(lines).rstrip() + "\n"


def _finding_lines(findings: list[Finding], indent: str, style: Callable[..., str], *, with_path: bool = False) -> list[str]:
    out: list[str] = []
    for f in findings:
        mark = style(f"{_SEVERITY_MARK[f.severity]} {f.severity.value}", fg=_SEVERITY_COLOR[f.severity], bold=True)
        where = f" ({f.path})" if with_path and f.path else ""
        source = " [llm]" if f.source != "rules" else ""
        out.append(f"{indent}- {mark} `{f.rule}`{source}{where}: {f.message}")
        if f.suggestion:
            out.append(f"{indent}  → Suggestion: {style(f.suggestion, fg='green')}")
    return out
