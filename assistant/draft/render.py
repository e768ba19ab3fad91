"""A draft for people (Markdown, with provenance tags, citations and trace) and for tools (JSON, YAML)."""

from __future__ import annotations

import json

from assistant.errors import UnsupportedFormat
from assistant.okr import DraftResult, KeyResult, NumberRef, Provenance

FORMATS = ("md", "json", "yaml")


def render_draft(result: DraftResult, fmt: str = "md") -> str:
    """``result`` as Markdown, or as the JSON/YAML contract (``DraftResult.model_dump(mode="json")``)."""
    if fmt == "json":
        return json.dumps(result.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    if fmt == "yaml":
        import yaml

        return str(yaml.safe_dump(result.model_dump(mode="json"), sort_keys=False, allow_unicode=True))
    if fmt == "md":
        return _markdown(result)
    raise UnsupportedFormat(f"Unknown draft format {fmt!r}: use one of {', '.join(FORMATS)}.")


def _markdown(result: DraftResult) -> str:
    okr_set = result.okr_set
    refs = {c.chunk_id: i + 1 for i, c in enumerate(result.citations)}
    lines = [f"# Draft OKRs: {okr_set.team or 'team'} ({okr_set.period or 'no period'})", ""]
    if not result.complete:
        lines += ["> **Incomplete draft**: the model failed before every objective was drafted.", ""]
    for number, objective in enumerate(okr_set.objectives, start=1):
        lines.append(f"## {number}. {objective.title}")
        if objective.aligns_to:
            a = objective.aligns_to
            lines.append(f"Aligns to **{a.id}** ({a.type.value}, parent {a.kind.value.replace('_', ' ')})")
        if objective.rationale:
            lines.append(f"_{objective.rationale}_")
        lines.append("")
        for kr in objective.key_results:
            lines.append(f"- {_tagged_text(kr, refs)}")
            extras = []
            if kr.owner:
                extras.append(f"owner: {kr.owner}")
            if kr.sources:
                extras.append("sources: " + " ".join(f"[{refs[c]}]" for c in kr.sources if c in refs))
            if extras:
                lines.append(f"  ({'; '.join(extras)})")
        lines.append("")
    lines += _findings(result)
    if result.citations:
        lines += ["## Citations", ""]
        for index, citation in enumerate(result.citations, start=1):
            snippet = " ".join(citation.text.split())
            if len(snippet) > 240:
                snippet = snippet[:237].rsplit(" ", 1)[0] + "..."
            lines.append(f"[{index}] {citation.document} `{citation.chunk_id}`: \"{snippet}\"")
        lines.append("")
    lines += _trace(result)
    return "\n".join(lines).rstrip() + "\n"


def _tagged_text(kr: KeyResult, refs: dict[str, int]) -> str:
    """The key result's text with each number followed by its provenance, e.g. ``32% [sourced 1]``."""
    from assistant.krparse import numbers_in

    mentions = numbers_in(kr.text)
    if len(mentions) != len(kr.numbers):
        return kr.text + (" " + " ".join(_tag(n, refs) for n in kr.numbers) if kr.numbers else "")
    out, cursor = [], 0
    for mention, number in zip(mentions, kr.numbers, strict=True):
        out += [kr.text[cursor : mention.end], f" {_tag(number, refs)}"]
        cursor = mention.end
    out.append(kr.text[cursor:])
    return "".join(out)


def _tag(number: NumberRef, refs: dict[str, int]) -> str:
    if number.provenance is Provenance.SOURCED and number.chunk_id in refs:
        return f"[sourced {refs[number.chunk_id]}]"
    return f"[{number.provenance.value}]"


def _findings(result: DraftResult) -> list[str]:
    lines = [f"## Review: score {result.score}/100", ""]
    if not result.findings:
        return [*lines, "No findings.", ""]
    for finding in result.findings:
        where = f" `{finding.path}`" if finding.path else ""
        lines.append(f"- **{finding.severity.value}** {finding.rule}{where}: {finding.message}")
    return [*lines, ""]


def _trace(result: DraftResult) -> list[str]:
    trace = result.trace
    lines = [
        "## Trace",
        "",
        f"Backend {trace.backend}, model {trace.model}: {trace.prompt_tokens} prompt + "
        f"{trace.completion_tokens} completion tokens, {trace.seconds:.1f} s, "
        f"{trace.repair_rounds} repair round{'s' if trace.repair_rounds != 1 else ''}.",
        "",
        "| step | seconds | prompt tokens | completion tokens | detail |",
        "|---|---:|---:|---:|---|",
    ]
    for step in trace.steps:
        detail = (step.detail or "").replace("|", "/")
        lines.append(f"| {step.name} | {step.seconds:.2f} | {step.prompt_tokens} | {step.completion_tokens} | {detail} |")
    return [*lines, ""]
