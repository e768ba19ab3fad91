"""OKR sets written out as Markdown, YAML, JSON or CSV.

Markdown, YAML and JSON read back (``assistant.parse``) to the same set. JSON is the full model (every key
result a mapping, ``numbers`` and ``sources`` included); YAML is the compact form people edit by hand;
Markdown is for documents and keeps every field except ``numbers`` and ``sources``; CSV has one row per
key result for spreadsheets.
"""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from typing import Any

import yaml

from assistant.errors import UnsupportedFormat
from assistant.okr import AlignmentType, KeyResult, Objective, OKRSet, ParentKind
from assistant.parsing.fields import describe_alignment
from assistant.parsing.lines import classify

RENDER_FORMATS = ("md", "yaml", "json", "csv")
_Dumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_NATURAL_OBJECTIVE_ID = re.compile(r"^O\d{1,3}(?:\.\d{1,2})?$")
_LABEL_OBJECTIVE_ID = re.compile(r"^[A-Za-z]{1,6}[-_.]?\d{1,4}(?:[.\-]\d{1,4}){0,3}[a-z]?$")
_NATURAL_KR_ID = re.compile(r"^KR-?\d{1,4}(?:[.\-]\d{1,4}){0,3}[a-z]?$")
_KR_FIELDS = ("metric", "direction", "baseline", "target", "unit", "due")
_CSV_COLUMNS = (
    "team", "period", "level", "objective_id", "objective", "objective_owner", "aligns_to", "aligns_to_kind",
    "aligns_to_type", "rationale", "kr_id", "key_result", "owner", "metric", "direction", "baseline", "target",
    "unit", "due",
)


def format_number(value: float) -> str:
    """A number as people write it, exactly: 3.0 -> '3', 0.1 -> '0.1', 1e-07 -> '0.0000001'."""
    if value == int(value):
        return str(int(value))
    return format(Decimal(repr(value)), "f")


def _one_line(text: str) -> str:
    return " ".join(text.split())


# --- Markdown ------------------------------------------------------------------------------------------


def _objective_md(objective: Objective, number: int) -> list[str]:
    title = _one_line(objective.title)
    identifier = objective.id
    if identifier is None:
        lines = [f"## Objective {number}: {title}"]
    elif _NATURAL_OBJECTIVE_ID.match(identifier):
        lines = [f"## {identifier}: {title}"]
    elif _LABEL_OBJECTIVE_ID.match(identifier) and not identifier.replace(".", "").isdigit():
        lines = [f"## Objective {identifier}: {title}"]
    else:
        lines = [f"## Objective {number}: {title}", f"ID: {_one_line(identifier)}"]
    if objective.owner:
        lines.append(f"Owner: {_one_line(objective.owner)}")
    if objective.aligns_to is not None:
        lines.append(f"Aligns to: {describe_alignment(objective.aligns_to)}")
    if objective.rationale:
        lines.append(f"Rationale: {_one_line(objective.rationale)}")
    if objective.key_results:
        lines.append("")
    for kr in objective.key_results:
        lines.extend(_key_result_md(kr))
    return lines


def _reads_as_written(line: str) -> bool:
    """Whether the parser reads ``line`` as plain text (not as a label, an annotation or a section)."""
    return classify(line, 1).plain


def _key_result_md(kr: KeyResult) -> list[str]:
    text = _one_line(kr.text)
    details: list[str] = []
    if kr.id is not None and _NATURAL_KR_ID.match(kr.id):
        lines = [f"- {kr.id}: {text}"]
    elif _reads_as_written(f"- {text}"):
        lines = [f"- {text}"]
    else:
        lines = [f"- KR: {text}"]  # "Risks ..." or "O1 ..." would otherwise read as a section or a label
    if kr.id is not None and not _NATURAL_KR_ID.match(kr.id):
        details.append(f"ID: {_one_line(kr.id)}")
    if kr.owner:
        details.append(f"Owner: {_one_line(kr.owner)}")
    for name in _KR_FIELDS:
        value = getattr(kr, name)
        if value is None:
            continue
        shown = format_number(value) if isinstance(value, float) else str(getattr(value, "value", value))
        details.append(f"{name.capitalize()}: {_one_line(shown)}")
    if kr.sources:
        details.append(f"Sources: {', '.join(kr.sources)}")
    lines.extend(f"  - {detail}" for detail in details)
    return lines


def _markdown(okr_set: OKRSet) -> str:
    front = {"team": okr_set.team, "period": okr_set.period, "level": okr_set.level.value}
    header = yaml.dump({k: v for k, v in front.items() if v is not None}, Dumper=_Dumper, sort_keys=False,
                       allow_unicode=True, width=1000)
    title = " ".join(part for part in (okr_set.team and _one_line(okr_set.team), "OKRs") if part)
    if okr_set.period:
        title += f" — {_one_line(okr_set.period)}"
    lines = ["---", header.rstrip("\n"), "---"]
    if _reads_as_written(f"# {title}"):
        lines.extend(["", f"# {title}"])
    for number, objective in enumerate(okr_set.objectives, start=1):
        lines.append("")
        lines.extend(_objective_md(objective, number))
    return "\n".join(lines) + "\n"


# --- YAML and JSON ----------------------------------------------------------------------------------------


def _key_result_data(kr: KeyResult) -> str | dict[str, Any]:
    data = kr.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    for name in ("baseline", "target"):
        value = data.get(name)
        if isinstance(value, float) and value.is_integer():
            data[name] = int(value)  # 95 reads better than 95.0, and reads back as the same number
    if set(data) == {"text"}:
        return kr.text
    ordered: dict[str, Any] = {"text": data.pop("text")}
    ordered.update(data)
    return ordered


def _objective_data(objective: Objective) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if objective.id is not None:
        data["id"] = objective.id
    data["title"] = objective.title
    if objective.owner is not None:
        data["owner"] = objective.owner
    alignment = objective.aligns_to
    if alignment is not None:
        default = alignment.kind is ParentKind.OBJECTIVE and alignment.type is AlignmentType.DIRECTIONAL
        data["aligns_to"] = alignment.id if default else alignment.model_dump(mode="json")
    if objective.rationale is not None:
        data["rationale"] = objective.rationale
    data["key_results"] = [_key_result_data(kr) for kr in objective.key_results]
    return data


def _yaml(okr_set: OKRSet) -> str:
    data: dict[str, Any] = {}
    if okr_set.team is not None:
        data["team"] = okr_set.team
    if okr_set.period is not None:
        data["period"] = okr_set.period
    data["level"] = okr_set.level.value
    data["objectives"] = [_objective_data(objective) for objective in okr_set.objectives]
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110, default_flow_style=False)


def _json(okr_set: OKRSet) -> str:
    return json.dumps(okr_set.model_dump(mode="json", exclude_none=True), indent=2, ensure_ascii=False) + "\n"


# --- CSV ------------------------------------------------------------------------------------------------


def _cell(value: object) -> str:
    """A CSV cell; text that a spreadsheet would run as a formula is prefixed with a quote (CSV injection)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return format_number(value)
    text = str(getattr(value, "value", value))
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(okr_set: OKRSet) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_CSV_COLUMNS)
    for objective in okr_set.objectives:
        alignment = objective.aligns_to
        head = [
            okr_set.team, okr_set.period, okr_set.level, objective.id, objective.title, objective.owner,
            alignment.id if alignment else None, alignment.kind if alignment else None,
            alignment.type if alignment else None, objective.rationale,
        ]
        rows: list[KeyResult | None] = list(objective.key_results) or [None]
        for kr in rows:
            tail = [None] * 9 if kr is None else [kr.id, kr.text, kr.owner, *(getattr(kr, name) for name in _KR_FIELDS)]
            writer.writerow([_cell(value) for value in head + tail])
    return buffer.getvalue()


def render_okrs(okr_set: OKRSet, fmt: str) -> str:
    """Write ``okr_set`` as ``fmt``: md, yaml, json or csv.

    Raises:
        UnsupportedFormat: any other format.
    """
    renderers = {"md": _markdown, "markdown": _markdown, "yaml": _yaml, "yml": _yaml, "json": _json, "csv": _csv}
    renderer = renderers.get(fmt.strip().lower())
    if renderer is None:
        raise UnsupportedFormat(f"cannot write OKRs as '{fmt}': use one of {', '.join(RENDER_FORMATS)}")
    return renderer(okr_set)

