"""Tables of OKRs: Markdown (``| Objective | Key result |``), Confluence (``||Objective||``), and
tab-separated rows pasted from a spreadsheet or a Jira export (``Key  Summary  Issue Type  Parent``).

A table becomes a list of rows, each an objective or a key result; ``text.py`` places them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.parsing.drafts import KeyResultDraft, ObjectiveDraft, new_key_result, new_objective
from assistant.parsing.fields import alignment_from_text
from assistant.parsing.limits import MAX_KEY_RESULTS, MAX_OBJECTIVES
from assistant.parsing.lines import clean_inline, key_result_label, objective_label

_ROLES = {
    "objective": ("objective", "objectives", "goal", "goals", "o", "obj", "objective title", "okr"),
    "kr": ("key result", "key results", "kr", "krs", "key result(s)", "result", "results", "measure",
           "measures", "kr text", "key result text", "kr description"),
    "text": ("title", "summary", "description", "name", "item"),
    "type": ("type", "issue type", "kind", "item type", "work type"),
    "id": ("id", "key", "#", "ref", "no", "no.", "number", "kr id", "kr #", "issue key", "issue id"),
    "owner": ("owner", "owners", "assignee", "dri", "responsible", "lead", "accountable", "kr owner"),
    "objective_owner": ("objective owner", "o owner"),
    "parent": ("parent", "aligns to", "aligned to", "alignment", "parent objective", "company objective",
               "supports", "parent id", "contributes to", "links to", "parent key", "parent okr"),
    "baseline": ("baseline", "start", "current", "from", "starting value", "baseline value", "start value"),
    "target": ("target", "to", "target value"),
    "unit": ("unit", "units"),
    "due": ("due", "due date", "deadline", "by", "target date"),
    "metric": ("metric", "kpi"),
    "direction": ("direction",),
}
_LOOKUP = {name: role for role, names in _ROLES.items() for name in names}
_MAX_COLUMNS = 40
_SEPARATOR_CELL = re.compile(r"^:?-{1,}:?$")
_BR = re.compile(r"<br\s*/?>|\\n", re.IGNORECASE)
_PIPE = re.compile(r"(?<!\\)\|")


@dataclass(slots=True)
class Table:
    line: int
    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


@dataclass(slots=True)
class TableRow:
    """One objective or key result read from a table row."""

    line: int
    objective: ObjectiveDraft | None = None
    key_result: KeyResultDraft | None = None
    parent: str | None = None  # for a key result row in a typed table: the objective's id


def split_cells(stripped: str) -> list[str]:
    """Cells of one row: ``| a | b |``, ``||a||b||`` or tab-separated."""
    if not stripped.startswith("|"):
        return [cell.strip() for cell in stripped.split("\t")]
    if stripped.startswith("||"):
        inner = stripped.strip("|")
        return [cell.strip() for cell in inner.split("||")]
    inner = stripped[1:]
    if inner.endswith("|") and not inner.endswith("\\|"):
        inner = inner[:-1]
    return [cell.strip().replace("\\|", "|") for cell in _PIPE.split(inner)]


def is_separator(cells: list[str]) -> bool:
    return all(_SEPARATOR_CELL.match(cell.replace(" ", "")) or not cell for cell in cells) and any(cells)


def roles(header: list[str]) -> list[str | None]:
    """The role of each column; 'goal' is the objective unless it follows the key result column."""
    result: list[str | None] = []
    if len(header) > _MAX_COLUMNS:
        return [None] * len(header)  # no OKR table is that wide
    for cell in header:
        name = " ".join(clean_inline(cell).lower().rstrip(":").split())
        role = _LOOKUP.get(name)
        if name in ("goal", "goals") and "kr" in result:
            role = "target"
        result.append(role)
    return result


def is_okr_header(header: list[str]) -> bool:
    found = set(roles(header))
    return bool(found & {"objective", "type", "kr"}) or ("text" in found and len(header) >= 2)


def _cell(cells: list[str], columns: dict[str, int], role: str) -> str:
    index = columns.get(role)
    if index is None or index >= len(cells):
        return ""
    return clean_inline(_BR.sub(" ", cells[index]))


def _identifier(cells: list[str], columns: dict[str, int]) -> str | None:
    """The id column's value; a bare row number (1, 2, 1.1) is an ordinal, not an id."""
    value = _cell(cells, columns, "id")
    return None if not value or value.replace(".", "").isdigit() else value


def _key_results(cells: list[str], columns: dict[str, int], role: str, line: int) -> list[KeyResultDraft]:
    index = columns.get(role)
    if index is None or index >= len(cells):
        return []
    drafts = []
    for part in _BR.split(cells[index]):
        text = clean_inline(part)
        if not text:
            continue
        label = key_result_label(text)
        identifier = label.id if label else None
        draft = new_key_result(label.rest if label else text, line=line, indent=0, identifier=identifier)
        drafts.append(draft)
    for kr in drafts:
        kr.owner = kr.owner or _cell(cells, columns, "owner") or None
    if len(drafts) == 1:  # ids and values in other columns describe the row's single key result
        kr = drafts[0]
        kr.id = kr.id or _identifier(cells, columns)
        for name in ("baseline", "target", "unit", "due", "metric", "direction"):
            value = _cell(cells, columns, name)
            if value:
                kr.set_field(name, value)
    return drafts


def _objective(text: str, cells: list[str], columns: dict[str, int], line: int, *, with_krs: bool) -> ObjectiveDraft:
    label = objective_label(text, top_level=True)
    title = label.rest if label and label.rest else text
    draft = new_objective(title, line=line, anchor="table", level=0, identifier=label.id if label else None)
    owner = _cell(cells, columns, "objective_owner") or ("" if with_krs else _cell(cells, columns, "owner"))
    draft.owner = draft.owner or owner or None
    if not with_krs:
        draft.id = draft.id or _identifier(cells, columns)
    parent = _cell(cells, columns, "parent")
    if parent and draft.aligns_to is None:
        draft.aligns_to = alignment_from_text(parent)
    return draft


def read_table(table: Table) -> tuple[list[TableRow], bool]:
    """Rows of ``table`` in order, and whether it holds objectives (False: key results of the current one)."""
    header_roles = roles(table.header)
    columns: dict[str, int] = {}
    for index, role in enumerate(header_roles):
        if role is not None:
            columns.setdefault(role, index)
    kr_column = "kr" if "kr" in columns else "text"
    rows: list[TableRow] = []
    # a row past this many is refused by the reader's limits anyway: stop reading there
    table.rows = table.rows[: MAX_OBJECTIVES + MAX_KEY_RESULTS + 1]
    if "type" in columns:
        for line, cells in table.rows:
            kind = _cell(cells, columns, "type").lower()
            text = _cell(cells, columns, "text") or _cell(cells, columns, "objective") or _cell(cells, columns, "kr")
            if not text:
                continue
            if "objective" in kind or "goal" in kind:
                draft = new_objective(text, line=line, anchor="table", level=0, identifier=_identifier(cells, columns))
                draft.owner = draft.owner or _cell(cells, columns, "owner") or None
                parent = _cell(cells, columns, "parent")
                draft.aligns_to = draft.aligns_to or (alignment_from_text(parent) if parent else None)
                rows.append(TableRow(line, objective=draft))
            elif "key" in kind or "kr" in kind.split() or "result" in kind:
                kr = new_key_result(text, line=line, indent=0, identifier=_identifier(cells, columns))
                kr.owner = kr.owner or _cell(cells, columns, "owner") or None
                rows.append(TableRow(line, key_result=kr, parent=_cell(cells, columns, "parent") or None))
        return rows, True
    if "objective" in columns:
        current = ""
        for line, cells in table.rows:
            text = _cell(cells, columns, "objective")
            krs = _key_results(cells, columns, kr_column, line)
            if text and text != current:
                current = text
                rows.append(TableRow(line, objective=_objective(text, cells, columns, line, with_krs=kr_column in columns)))
            rows.extend(TableRow(line, key_result=kr) for kr in krs)
        return rows, True
    for line, cells in table.rows:
        rows.extend(TableRow(line, key_result=kr) for kr in _key_results(cells, columns, kr_column, line))
    return rows, False

