"""YAML/JSON trees to an ``OKRSet``: the field names people use, and wrong types reported at their line.

Accepted shapes: a mapping with ``objectives`` (or ``okrs``, ``goals``), a bare list of objectives, a single
objective, or a draft result (``{"okr_set": ...}``). Objectives and key results may be mappings or plain
text; lists may also be written as mappings keyed by id or title. Unknown keys are ignored, except ones
that look like a misspelt known key, which are reported.

The models are made with ``assistant.parsing.models.checked``: every value has been checked here, with a
message naming its line, so pydantic's validation would only repeat it. (``NumberRef`` entries, checked by
nobody else, are validated.)
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from assistant.errors import ParseError
from assistant.okr import Alignment, KeyResult, NumberRef, Objective, OKRSet
from assistant.parsing import fields
from assistant.parsing.limits import (
    MAX_KEY_RESULTS,
    MAX_OBJECTIVES,
    too_many_key_results,
    too_many_objectives,
)
from assistant.parsing.models import checked
from assistant.parsing.names import (
    ALIGNMENT_FIELDS,
    ID_LIKE,
    KR_FIELDS,
    OBJECTIVE_FIELDS,
    SET_FIELDS,
    normalise_key,
)
from assistant.parsing.periods import normalise_period
from assistant.parsing.tree import Map, Node, Scalar, Seq, kind_name


@dataclass(frozen=True)
class _Fields:
    """A mapping's entries resolved to canonical names."""

    found: dict[str, tuple[Scalar, Node]]
    unknown: list[tuple[str, Scalar, Node]]


class Builder:
    def __init__(self, *, source: str | None) -> None:
        self.source = source
        self.key_results = 0

    def error(self, message: str, node: Node) -> ParseError:
        return ParseError(message, line=node.line, column=node.column, source=self.source)

    # --- mappings -----------------------------------------------------------------------------------

    def fields(self, node: Map, lookup: dict[str, str], what: str, *, strict: bool = True) -> _Fields:
        """``node``'s entries by canonical field; ``lookup`` maps each known name to its field (names.py)."""
        found: dict[str, tuple[Scalar, Node]] = {}
        unknown: list[tuple[str, Scalar, Node]] = []
        for raw, (key, value) in node.entries.items():
            canonical = lookup.get(normalise_key(raw))
            if canonical is None:
                unknown.append((raw, key, value))
            elif canonical not in found:  # the first synonym given wins
                found[canonical] = (key, value)
        if strict:
            for raw, key, _ in unknown:
                import difflib  # only when a key is unknown

                close = difflib.get_close_matches(normalise_key(raw), list(lookup), n=1, cutoff=0.85)
                if close and not ID_LIKE.match(raw):
                    raise self.error(f"unknown key '{raw}' in {what}: did you mean '{close[0]}'?", key)
        return _Fields(found, unknown)

    def text(self, node: Node, what: str, *, required: bool = False) -> str | None:
        """A scalar as text (as written, so ``yes`` stays 'yes' and ``3.10`` stays '3.10')."""
        if not isinstance(node, Scalar):
            raise self.error(f"{what} must be text, got {kind_name(node)}", node)
        if node.value is None:
            value = ""
        else:
            value = (node.value if isinstance(node.value, str) else node.text).strip()
        if not value and required:
            raise self.error(f"{what} is empty", node)
        return value or None

    def owner(self, node: Node) -> str | None:
        if isinstance(node, Seq):
            names = [self.text(item, "an owner") for item in node.items]
            return ", ".join(name for name in names if name) or None
        return self.text(node, "owner")

    # --- the set --------------------------------------------------------------------------------------

    def okr_set(self, root: Node | None) -> OKRSet:
        if root is None:
            raise ParseError("the document is empty: write at least one objective", line=1, source=self.source)
        if isinstance(root, Seq):
            return checked(OKRSet, objectives=self.objectives(root))
        if not isinstance(root, Map):
            raise self.error(
                f"expected a mapping with 'team', 'period' and 'objectives', or a list of objectives; "
                f"got {kind_name(root)}",
                root,
            )
        wrapped = {normalise_key(name): value for name, (_, value) in root.entries.items()}
        if "okr_set" in wrapped and isinstance(wrapped["okr_set"], Map):
            root = wrapped["okr_set"]
            assert isinstance(root, Map)
        found = self.fields(root, SET_FIELDS, "the OKR set", strict=False)
        if "objectives" not in found.found:
            objective_fields = self.fields(root, OBJECTIVE_FIELDS, "the OKR set", strict=False)
            if "title" in objective_fields.found and "key_results" in objective_fields.found:
                return checked(OKRSet, objectives=[self.objective(root, 0)])
            self.fields(root, SET_FIELDS, "the OKR set")  # a misspelt 'objectives' is the likely cause
            raise self.error(
                "no 'objectives' list: write 'objectives:' followed by the objectives, each with a 'title' "
                "and its 'key_results'",
                root,
            )
        self.fields(root, SET_FIELDS, "the OKR set")
        okr_set = checked(OKRSet, objectives=self.objectives(found.found["objectives"][1]))
        if "team" in found.found:
            okr_set.team = self.text(found.found["team"][1], "team")
        if "period" in found.found:
            period = self.text(found.found["period"][1], "period")
            okr_set.period = normalise_period(period) if period else None
        if "level" in found.found:
            node = found.found["level"][1]
            written = self.text(node, "level") or ""
            level = fields.parse_level(written)
            if level is None:
                raise self.error(
                    f"unknown level '{written}': use company, department, team or individual", node
                )
            okr_set.level = level
        return okr_set

    def entries(self, node: Node, what: str, hint: str) -> list[tuple[Scalar | None, Node]]:
        """A list, or a mapping keyed by id/title, as (key or None, value) pairs."""
        if isinstance(node, Seq):
            return [(None, item) for item in node.items]
        if isinstance(node, Map):
            return [(key, value) for key, value in node.entries.values()]
        if isinstance(node, Scalar) and node.value is None:
            return []
        raise self.error(f"'{what}' must be a list {hint}, got {kind_name(node)}", node)

    def objectives(self, node: Node) -> list[Objective]:
        items = self.entries(node, "objectives", "of objectives (each a mapping with 'title' and 'key_results')")
        result: list[Objective] = []
        for index, (key, item) in enumerate(items):
            if index >= MAX_OBJECTIVES:
                raise too_many_objectives(line=item.line, source=self.source)
            result.append(self.objective(item, index, key=key))
        return result

    # --- objectives -----------------------------------------------------------------------------------

    def objective(self, node: Node, index: int, *, key: Scalar | None = None) -> Objective:
        what = f"objective {index + 1}"
        if key is not None:
            return self._keyed_objective(key, node, what)
        if isinstance(node, Scalar) and isinstance(node.value, str) and node.value.strip():
            return checked(Objective, title=node.value.strip(), line=node.line)
        if not isinstance(node, Map):
            raise self.error(
                f"{what} must be a mapping (title, key_results, owner, aligns_to) or its title as text, "
                f"got {kind_name(node)}",
                node,
            )
        found = self.fields(node, OBJECTIVE_FIELDS, what, strict=False)
        if "title" in found.found:
            self.fields(node, OBJECTIVE_FIELDS, what)
            return self._objective(node, found.found, what)
        shorthand = self._shorthand(node, found, what)
        if shorthand is not None:
            return shorthand
        self.fields(node, OBJECTIVE_FIELDS, what)  # a misspelt 'title' is the likely cause
        raise self.error(f"{what} has no title: give it a 'title' (the objective itself)", node)

    def _objective(
        self,
        node: Map,
        values: dict[str, tuple[Scalar, Node]],
        what: str,
        *,
        title: str | None = None,
        identifier: str | None = None,
        krs: Node | None = None,
    ) -> Objective:
        if title is None:
            title = self.text(values["title"][1], f"{what}'s title", required=True)
        if "id" in values:
            identifier = self.text(values["id"][1], f"{what}'s id") or identifier
        objective = checked(Objective, title=title or "", id=identifier, line=node.line)
        if "owner" in values:
            objective.owner = self.owner(values["owner"][1])
        if "rationale" in values:
            objective.rationale = self.text(values["rationale"][1], f"{what}'s rationale")
        if "aligns_to" in values:
            objective.aligns_to = self.alignment(values["aligns_to"][1], what)
        krs = values["key_results"][1] if "key_results" in values else krs
        if krs is not None:
            objective.key_results = self.key_results_of(krs, what)
        return objective

    def _keyed_objective(self, key: Scalar, node: Node, what: str) -> Objective:
        """An entry of objectives written as a mapping: ``O1: {...}``, ``O1: Title``, ``Title: [krs]``."""
        label = self.text(key, "an objective key", required=True) or ""
        is_id = bool(ID_LIKE.match(label))
        if isinstance(node, Map):
            found = self.fields(node, OBJECTIVE_FIELDS, what)
            if "title" in found.found:
                return self._objective(node, found.found, what, identifier=label if is_id else None)
            if is_id:
                raise self.error(f"objective {label} has no title: give it a 'title'", node)
            return self._objective(node, found.found, what, title=label)
        if isinstance(node, Scalar) and isinstance(node.value, str) and node.value.strip():
            title = node.value.strip()
            if is_id:
                return checked(Objective, title=title, id=label, line=key.line)
            return checked(Objective, title=f"{label}: {title}", line=key.line)
        if is_id:
            raise self.error(f"objective {label} has no title: write '{label}: <the objective>'", node)
        if isinstance(node, Seq) or (isinstance(node, Scalar) and node.value is None):
            objective = checked(Objective, title=label, line=key.line)
            objective.key_results = self.key_results_of(node, what)
            return objective
        raise self.error(f"{what} must be a mapping or its title as text, got {kind_name(node)}", node)

    def _shorthand(self, node: Map, found: _Fields, what: str) -> Objective | None:
        """A title held by a key the reader does not know: ``- O1: Title`` or ``- Title: [krs]``."""
        values = found.found
        if len(found.unknown) != 1:
            return None
        raw, key, value = found.unknown[0]
        label = raw.strip()
        if ID_LIKE.match(label):
            if isinstance(value, Scalar) and isinstance(value.value, str) and value.value.strip():
                return self._objective(node, values, what, title=value.value.strip(), identifier=label)
            return None
        if isinstance(value, Map) and not values:
            return self._keyed_objective(key, value, what)
        if "key_results" not in values and (isinstance(value, Seq) or (isinstance(value, Scalar) and value.value is None)):
            return self._objective(node, values, what, title=label, krs=value)
        return None

    def alignment(self, node: Node, what: str) -> Alignment:
        if isinstance(node, Scalar):
            identifier = self.text(node, f"{what}'s parent id", required=True)
            return checked(Alignment, id=identifier or "")
        if isinstance(node, Seq):
            raise self.error(f"{what} aligns to one parent; give one id, not a list", node)
        assert isinstance(node, Map)
        found = self.fields(node, ALIGNMENT_FIELDS, f"{what}'s aligns_to").found
        if "id" not in found:
            raise self.error(f"{what}'s aligns_to needs an 'id' (the parent's id)", node)
        alignment = checked(Alignment, id=self.text(found["id"][1], "the parent id", required=True) or "")
        if "kind" in found:
            value = found["kind"][1]
            kind = fields.parse_kind(self.text(value, "kind") or "")
            if kind is None:
                raise self.error("kind must be 'objective' or 'key_result'", value)
            alignment.kind = kind
        if "type" in found:
            value = found["type"][1]
            alignment_type = fields.parse_type(self.text(value, "type") or "")
            if alignment_type is None:
                raise self.error("type must be 'explicit' or 'directional'", value)
            alignment.type = alignment_type
        return alignment

    # --- key results ----------------------------------------------------------------------------------

    def key_results_of(self, node: Node, what: str) -> list[KeyResult]:
        items = self.entries(node, f"{what}'s key_results", "of key results (text, or mappings with 'text')")
        result = []
        for index, (key, item) in enumerate(items):
            self.key_results += 1
            if self.key_results > MAX_KEY_RESULTS:
                raise too_many_key_results(line=item.line, source=self.source)
            result.append(self.key_result(item, f"key result {index + 1} of {what}", key=key))
        return result

    def key_result(self, node: Node, what: str, *, key: Scalar | None = None) -> KeyResult:
        if key is not None and not isinstance(node, Map):
            label = self.text(key, "a key result key", required=True) or ""
            text = self.text(node, what) if isinstance(node, Scalar) else None
            if isinstance(node, Seq):
                raise self.error(f"{what} must be text or a mapping, got {kind_name(node)}", node)
            if text is None:
                return checked(KeyResult, text=label, line=key.line)
            if ID_LIKE.match(label):
                return checked(KeyResult, text=text, id=label, line=key.line)
            return checked(KeyResult, text=f"{label}: {text}", line=key.line)
        if isinstance(node, Scalar):
            if node.value is None:
                raise self.error(f"{what} is empty: write the key result, or remove the '-'", node)
            if not isinstance(node.value, str):
                raise self.error(f"{what} must be text or a mapping, got {kind_name(node)}", node)
            text = node.value.strip()
            if not text:
                raise self.error(f"{what} is empty", node)
            return checked(KeyResult, text=text, line=node.line)
        if isinstance(node, Seq):
            raise self.error(
                f"{what} must be text or a mapping (text, owner, baseline, target, unit, due), got a list; "
                "check the indentation",
                node,
            )
        assert isinstance(node, Map)
        found = self.fields(node, KR_FIELDS, what, strict=False)
        values = found.found
        identifier = self.text(values["id"][1], f"{what}'s id") if "id" in values else None
        if "text" not in values:
            # ``- KR1: Raise conversion`` or ``- Raise conversion: from 2% to 3%`` read as a mapping
            if len(node.entries) == 1 and found.unknown:
                raw, _, value = found.unknown[0]
                if isinstance(value, Scalar) and isinstance(value.value, str | int | float):
                    rest = self.text(value, what) or ""
                    if ID_LIKE.match(raw):
                        return checked(KeyResult, text=rest, id=raw.strip(), line=node.line)
                    return checked(KeyResult, text=f"{raw.strip()}: {rest}", line=node.line)
            self.fields(node, KR_FIELDS, what)
            raise self.error(f"{what} has no 'text': write the key result itself under 'text'", node)
        self.fields(node, KR_FIELDS, what)
        text = self.text(values["text"][1], f"{what}'s text", required=True) or ""
        kr = checked(KeyResult, text=text, id=identifier, line=node.line)
        self._kr_fields(kr, values, what)
        return kr

    def _kr_fields(self, kr: KeyResult, values: dict[str, tuple[Scalar, Node]], what: str) -> None:
        if "owner" in values:
            kr.owner = self.owner(values["owner"][1])
        for name in ("unit", "due", "metric"):
            if name in values:
                setattr(kr, name, self.text(values[name][1], f"{what}'s {name}"))
        for name in ("baseline", "target"):
            if name in values:
                value, unit = self.number(values[name][1], f"{what}'s {name}")
                setattr(kr, name, value)
                if unit and kr.unit is None:
                    kr.unit = unit
        if "direction" in values:
            node = values["direction"][1]
            written = self.text(node, "direction")
            if written is not None:
                direction = fields.parse_direction(written)
                if direction is None:
                    raise self.error(
                        f"unknown direction '{written}': use increase, decrease, maintain or achieve", node
                    )
                kr.direction = direction
        if "sources" in values:
            node = values["sources"][1]
            items = node.items if isinstance(node, Seq) else [node]
            kr.sources = [text for item in items if (text := self.text(item, "a source id"))]
        if "numbers" in values:
            kr.numbers = self.numbers(values["numbers"][1])

    def number(self, node: Node, what: str) -> tuple[float | None, str | None]:
        if isinstance(node, Scalar):
            if node.value is None:
                return None, None
            if isinstance(node.value, int | float) and not isinstance(node.value, bool):
                return float(node.value), None
            if isinstance(node.value, str):
                parsed = fields.parse_number(node.value)
                if parsed is not None:
                    return parsed
        raise self.error(f"{what} must be a number such as 45, 3.5% or 1,200, got {kind_name(node)}", node)

    def numbers(self, node: Node) -> list[NumberRef]:
        if not isinstance(node, Seq):
            raise self.error(f"'numbers' must be a list, got {kind_name(node)}", node)
        result = []
        for item in node.items:
            if not isinstance(item, Map):
                raise self.error(f"each of 'numbers' must be a mapping, got {kind_name(item)}", item)
            data = {name: value.value if isinstance(value, Scalar) else None for name, (_, value) in item.entries.items()}
            try:
                result.append(NumberRef.model_validate(data))
            except ValidationError as exc:
                problem = exc.errors()[0]
                raise self.error(f"invalid number entry: {problem['msg']} ({'.'.join(map(str, problem['loc']))})", item) from None
        return result


def build_okr_set(root: Node | None, *, source: str | None = None) -> OKRSet:
    """Turn a YAML/JSON tree into an ``OKRSet``; raises ``ParseError`` naming the offending line."""
    return Builder(source=source).okr_set(root)
