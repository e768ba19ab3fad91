"""Objectives and key results while a document is being read, before they become models."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.errors import ParseError
from assistant.okr import Alignment, Direction, KeyResult, Objective
from assistant.parsing.annotations import Inline, strip_inline
from assistant.parsing.fields import alignment_from_text, parse_direction, parse_number
from assistant.parsing.models import checked


@dataclass(slots=True, eq=False)
class KeyResultDraft:
    text: str
    line: int
    indent: int = 0
    id: str | None = None
    owner: str | None = None
    baseline: float | None = None
    target: float | None = None
    unit: str | None = None
    due: str | None = None
    metric: str | None = None
    direction: Direction | None = None
    sources: list[str] = field(default_factory=list)

    def set_field(self, name: str, value: str) -> None:
        """Apply a given field (``Target: 45%`` under a key result); text that is not a value is kept in the text."""
        value = value.strip()
        if name in ("baseline", "target"):
            parsed = parse_number(value)
            if parsed is None:
                self.text = f"{self.text} ({name}: {value})"
                return
            setattr(self, name, parsed[0])
            if parsed[1] and self.unit is None:
                self.unit = parsed[1]
        elif name == "direction":
            self.direction = parse_direction(value) or self.direction
        elif name == "sources":
            self.sources.extend(part.strip() for part in value.split(",") if part.strip())
        elif name in ("unit", "due", "metric"):
            setattr(self, name, value or None)

    def model(self, source: str | None) -> KeyResult:
        text = " ".join(self.text.split())
        if not text:
            raise ParseError("a key result label with no key result after it", line=self.line, source=source)
        return checked(KeyResult,
            text=text,
            id=self.id,
            owner=self.owner,
            baseline=self.baseline,
            target=self.target,
            unit=self.unit,
            due=self.due,
            metric=self.metric,
            direction=self.direction,
            sources=list(self.sources),
            line=self.line,
        )


@dataclass(slots=True, eq=False)
class ObjectiveDraft:
    title: str
    line: int
    anchor: str  # heading | item | text | table
    level: int  # the heading level, or the indent of an item or text line
    id: str | None = None
    owner: str | None = None
    aligns_to: Alignment | None = None
    rationale: list[str] = field(default_factory=list)
    key_results: list[KeyResultDraft] = field(default_factory=list)

    def model(self, source: str | None) -> Objective:
        title = " ".join(self.title.split()).rstrip(":").strip()
        if not title:
            raise ParseError(
                "an objective label with no objective after it: write the objective on the same line "
                "('Objective 1: Make checkout effortless') or on the next one",
                line=self.line,
                source=source,
            )
        return checked(Objective,
            title=title,
            id=self.id,
            owner=self.owner,
            aligns_to=self.aligns_to,
            rationale=" ".join(" ".join(self.rationale).split()) or None,
            key_results=[kr.model(source) for kr in self.key_results],
            line=self.line,
        )


def apply_inline(found: Inline, target: ObjectiveDraft | KeyResultDraft) -> None:
    """Put inline annotations (owner, parent, id) taken off a line onto the item it describes."""
    if "owner" in found.found and target.owner is None:
        target.owner = found.found["owner"]
    if "id" in found.found and target.id is None:
        target.id = found.found["id"]
    if "align" in found.found and isinstance(target, ObjectiveDraft) and target.aligns_to is None:
        target.aligns_to = alignment_from_text(found.found["align"])


def new_objective(text: str, *, line: int, anchor: str, level: int, identifier: str | None) -> ObjectiveDraft:
    found = strip_inline(text)
    draft = ObjectiveDraft(found.text, line, anchor, level, id=identifier)
    apply_inline(found, draft)
    return draft


def new_key_result(text: str, *, line: int, indent: int, identifier: str | None) -> KeyResultDraft:
    found = strip_inline(text)
    draft = KeyResultDraft(found.text, line, indent, id=identifier)
    apply_inline(found, draft)
    return draft
