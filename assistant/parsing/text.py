"""Markdown and plain text pasted from docs and slides to an ``OKRSet``.

The document is read line by line (``document.py``); objectives are the labelled lines ("Objective 1:",
"O2 -", "## Objective: ...") or, when there are none, the lines the outline implies (``outline.py``).
Key results are the list items, ``KR`` lines and table rows under an objective; annotations such as
``Owner:``, ``Aligns to:``, ``Team:`` and ``Period:`` attach to the item they follow.
"""

from __future__ import annotations

from dataclasses import replace

from assistant.errors import ParseError
from assistant.okr import OKRSet
from assistant.parsing.annotations import Annotation, strip_inline
from assistant.parsing.document import Document, read_document
from assistant.parsing.drafts import (
    KeyResultDraft,
    ObjectiveDraft,
    apply_inline,
    new_key_result,
    new_objective,
)
from assistant.parsing.fields import alignment_from_text, parse_level
from assistant.parsing.limits import (
    MAX_KEY_RESULTS,
    MAX_OBJECTIVES,
    too_many_key_results,
    too_many_objectives,
)
from assistant.parsing.lines import Label, Line
from assistant.parsing.models import checked
from assistant.parsing.outline import promote, promote_unlabelled
from assistant.parsing.periods import normalise_period
from assistant.parsing.tables import read_table, roles
from assistant.parsing.titles import TitleFacts, is_title, read_title

_NO_OBJECTIVE_HINT = (
    "start each objective with a line such as 'Objective 1: Make checkout effortless' (or a '## ' heading) "
    "and list its key results below it as '- ' bullets"
)


class _Reader:
    def __init__(self, document: Document, *, source: str | None) -> None:
        self.document = document
        self.source = source
        self.lines = document.lines
        self.explicit = any(line.objective is not None for line in self.lines) or bool(document.okr_tables)
        self.promoted = promote_unlabelled(document) if self.explicit else promote(document)
        self.bulletless = not any(line.kind == "item" or line.key_result is not None for line in self.lines) and not (
            document.tables
        )
        self.objectives: list[ObjectiveDraft] = []
        self.current: ObjectiveDraft | None = None
        self.closed = False  # an objective was closed by a heading: later stray items are notes
        self.mode = "normal"  # normal | krs | ignore
        self.ignore_indent = -1
        self.kr_indent: int | None = None
        self.krs_from_items = False
        self.last_kr: KeyResultDraft | None = None
        self.pending: ObjectiveDraft | KeyResultDraft | None = None  # a label whose text is on the next line
        self.previous: Line | None = None  # the previous non-blank line, and what it made
        self.previous_made: ObjectiveDraft | KeyResultDraft | None = None
        self.blank_since = False
        self.key_results = 0
        self.team, self.period, self.level = document.team, document.period, document.level
        self.inferred = TitleFacts(None, None, None)  # from a title: used where nothing says it explicitly

    def error(self, message: str, line: Line) -> ParseError:
        return ParseError(message, line=line.number, source=self.source)

    # --- the document -----------------------------------------------------------------------------------

    def read(self) -> OKRSet:
        self._title()
        for index, line in enumerate(self.lines):
            if line.kind in ("blank", "rule"):
                self.blank_since = True
                continue
            made = self._line(index, line)
            self.previous, self.previous_made, self.blank_since = line, made, False
        if not self.objectives:
            first = next((line for line in self.lines if line.kind not in ("blank", "rule")), None)
            raise ParseError(
                f"no objectives found: {_NO_OBJECTIVE_HINT}", line=first.number if first else 1, source=self.source
            )
        okr_set = checked(OKRSet, objectives=[draft.model(self.source) for draft in self.objectives])
        if not self.document.front_matter:
            self.team = self.team or self.inferred.team
            self.period = self.period or self.inferred.period
            self.level = self.level or self.inferred.level
        okr_set.team = self.team
        okr_set.period = normalise_period(self.period) if self.period else None
        if self.level is not None:
            okr_set.level = self.level
        return okr_set

    def _title(self) -> None:
        """Team, period and level from the first title line ('Payments team OKRs — Q1 2027') before the
        first objective. Front matter and ``Team:``/``Period:`` lines win over what a title says."""
        for index, line in enumerate(self.lines):
            if index in self.promoted or line.objective is not None or line.key_result is not None:
                return
            if line.kind in ("heading", "text") and line.plain and is_title(line.content):
                self.inferred = read_title(line.content)
                return

    def _line(self, index: int, line: Line) -> ObjectiveDraft | KeyResultDraft | None:
        if line.kind == "table":
            table = self.document.tables.get(index)
            if table is not None:
                self._table(index)
            return None
        if line.objective is not None:
            return self._objective(line, line.objective)
        if index in self.promoted:
            return self._objective(line, None)
        if line.key_result is not None:
            return self._labelled_key_result(line, line.key_result)
        if line.annotation is not None:
            return self._annotation(line, line.annotation)
        if line.kind == "heading":
            self._heading(line)
            return None
        if line.section is not None:
            self._section(line)
            return None
        if line.kind == "item":
            return self._item(line)
        return self._text(line)

    # --- objectives and key results ----------------------------------------------------------------------

    def _open(self, draft: ObjectiveDraft, line: Line) -> ObjectiveDraft:
        if len(self.objectives) >= MAX_OBJECTIVES:
            raise too_many_objectives(line=line.number, source=self.source)
        self.objectives.append(draft)
        self.current, self.closed, self.mode = draft, False, "normal"
        self.kr_indent, self.last_kr, self.krs_from_items = None, None, False
        self.pending = draft if not draft.title else None
        return draft

    def _objective(self, line: Line, label: Label | None) -> ObjectiveDraft:
        anchor = line.kind if line.kind in ("heading", "item") else "text"
        level = line.level if line.kind == "heading" else line.indent
        text = label.rest if label is not None else line.content
        pending = self.pending
        if isinstance(pending, ObjectiveDraft) and not pending.key_results and text:
            # "## OKR 1" then "Objective: Grow revenue": one objective, titled by the second line
            self._append(pending, text)
            pending.id = pending.id or (label.id if label else None)
            self.pending = None
            return pending
        draft = new_objective(text, line=line.number, anchor=anchor, level=level, identifier=label.id if label else None)
        return self._open(draft, line)

    def _add(self, kr: KeyResultDraft, line: Line, objective: ObjectiveDraft) -> KeyResultDraft:
        self.key_results += 1
        if self.key_results > MAX_KEY_RESULTS:
            raise too_many_key_results(line=line.number, source=self.source)
        objective.key_results.append(kr)
        self.last_kr = kr
        if line.kind == "item":
            self.krs_from_items = True
            self.kr_indent = line.indent if self.kr_indent is None else min(self.kr_indent, line.indent)
        return kr

    def _labelled_key_result(self, line: Line, label: Label) -> KeyResultDraft:
        objective = self.current or (self.objectives[-1] if self.objectives else None)
        if objective is None:
            raise self.error(f"a key result before any objective ('{line.content[:60]}'): {_NO_OBJECTIVE_HINT}", line)
        self.mode = "normal" if self.mode == "ignore" else self.mode
        kr = new_key_result(label.rest, line=line.number, indent=line.indent, identifier=label.id)
        self.pending = kr if not kr.text else None
        return self._add(kr, line, objective)

    def _item(self, line: Line) -> KeyResultDraft | None:
        if self.mode == "ignore":
            if line.indent > self.ignore_indent:
                return None
            self.mode = "normal"
        objective = self.current
        if objective is None:
            if self.closed or self.explicit:
                return None  # bullets in a preamble or an appendix
            raise self.error(f"a key result before any objective ('{line.content[:60]}'): {_NO_OBJECTIVE_HINT}", line)
        if self.kr_indent is not None and self.last_kr is not None and line.indent > self.kr_indent:
            return None  # a detail under a key result (an initiative, a note)
        return self._add(new_key_result(line.content, line=line.number, indent=line.indent, identifier=None), line, objective)

    def _text(self, line: Line) -> KeyResultDraft | None:
        previous, made = self.previous, self.previous_made
        if (
            previous is not None
            and made is not None
            and not self.blank_since
            and previous.kind in ("item", "text")
            and line.indent > previous.indent
        ):
            self._append(made, line.content)  # a wrapped line
            return None if isinstance(made, ObjectiveDraft) else made
        if self.pending is not None:
            self._append(self.pending, line.content)
            made = self.pending
            self.pending = None
            return made if isinstance(made, KeyResultDraft) else None
        if self.mode == "ignore" or self.current is None:
            return None
        if (self.mode == "krs" and not self.krs_from_items) or self.bulletless:
            return self._add(new_key_result(line.content, line=line.number, indent=line.indent, identifier=None), line, self.current)
        if not self.current.key_results:
            self.current.rationale.append(line.content)
        return None

    def _append(self, target: ObjectiveDraft | KeyResultDraft, content: str) -> None:
        found = strip_inline(content)
        if isinstance(target, ObjectiveDraft):
            target.title = f"{target.title} {found.text}".strip()
        else:
            target.text = f"{target.text} {found.text}".strip()
        apply_inline(found, target)

    # --- structure ---------------------------------------------------------------------------------------

    def _heading(self, line: Line) -> None:
        self.pending = None
        if line.section == "krs" and self.current is not None:
            self.mode = "krs"
            return
        current = self.current
        if current is not None and current.anchor == "heading" and line.level > current.level:
            self.mode = "ignore" if line.section == "ignore" else "normal"
            self.ignore_indent = -1
            return
        if current is not None:
            self.current, self.closed = None, True
        self.mode = "ignore" if line.section == "ignore" else "normal"
        self.ignore_indent = -1
        if self.inferred.period is None and line.content:
            period = normalise_period(line.content)
            if period != line.content or is_title(line.content):
                self.inferred = replace(self.inferred, period=read_title(line.content).period)

    def _section(self, line: Line) -> None:
        if line.section == "krs":
            self.mode = "krs"
        elif line.section == "ignore":
            self.mode, self.ignore_indent = "ignore", line.indent - 1 if line.kind != "item" else line.indent

    def _annotation(self, line: Line, annotation: Annotation) -> ObjectiveDraft | KeyResultDraft | None:
        kind, value = annotation.kind, annotation.value
        if kind == "team":
            self.team = self.team or value
        elif kind == "period":
            self.period = self.period or value
        elif kind == "level":
            self.level = self.level or parse_level(value)
        elif kind == "meta":
            pass  # "Status: on track", "Confidence: 7/10": tracker fields, not OKRs
        elif self.current is not None or self.objectives:
            return self._attach(line, annotation)
        return None

    def _attach(self, line: Line, annotation: Annotation) -> ObjectiveDraft | KeyResultDraft | None:
        objective = self.current or self.objectives[-1]
        kr = objective.key_results[-1] if objective.key_results else None
        on_kr = kr is not None and (
            line.indent > kr.indent
            or (
                not self.blank_since
                and self.previous_made is kr
                and (line.kind == "item" or self.previous is None or self.previous.kind != "item")
            )
        )
        kind, value = annotation.kind, annotation.value
        if kind == "field":
            if on_kr and kr is not None:
                kr.set_field(annotation.name, value)
            return kr if on_kr else None
        target: ObjectiveDraft | KeyResultDraft = kr if on_kr and kr is not None and kind in ("owner", "id") else objective
        if kind == "owner":
            target.owner = target.owner or value
        elif kind == "id":
            target.id = target.id or value
        elif kind == "align":
            objective.aligns_to = objective.aligns_to or alignment_from_text(value)
        elif kind == "rationale":
            objective.rationale.append(value)
        return target if target is kr else None

    def _table(self, index: int) -> None:
        table = self.document.tables[index]
        rows, holds_objectives = read_table(table)
        if not holds_objectives and index not in self.document.okr_tables:
            return
        for row in rows:
            row_line = Line(row.line, "table")
            if row.objective is not None:
                self._open(row.objective, row_line)
                continue
            if row.key_result is None:
                continue
            objective = self.current
            if row.parent is not None:
                objective = next((o for o in reversed(self.objectives) if o.id == row.parent), objective)
            if objective is None:
                if "kr" not in roles(table.header):
                    return  # a table of titles or descriptions outside any objective: not key results
                raise self.error(f"a key result row before any objective: {_NO_OBJECTIVE_HINT}", row_line)
            self._add(row.key_result, row_line, objective)


def parse_text(text: str, *, source: str | None = None) -> OKRSet:
    """Read Markdown or plain text into an ``OKRSet``; raises ``ParseError`` naming the line."""
    return _Reader(read_document(text, source=source), source=source).read()
