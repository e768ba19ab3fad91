"""Eval case schemas, one pydantic model per task, and the JSONL dataset loader.

Datasets are versioned JSONL files, ``<task>.v<N>.jsonl``, shipped inside the ``evals`` package. A dataset is
bumped to a new version when its cases change, so two reports on the same version are comparable.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from assistant.errors import InputError
from assistant.okr import Direction, Level, OKRSet, Parent, Severity
from assistant.retrieval.models import Hit
from assistant.review.catalogue import CATALOGUE

Split = Literal["dev", "heldout"]
SPLITS: tuple[Split, ...] = ("dev", "heldout")

DEFAULT_PERIOD = "2027-Q1"
DEFAULT_OWNER = "Sam Rivera"
DEFAULT_PARENT = Parent(id="CO-1", title="Build a company our customers recommend without being asked")

_SEVERITY = {rule.id: rule.severity for rule in CATALOGUE}
_FAMILY = {rule.id: rule.family for rule in CATALOGUE}
_KIND_FAMILIES = {"kr": {"kr"}, "objective": {"objective"}, "set": {"set", "objective", "kr"}}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class KRFields(_Strict):
    """Structured fields given alongside a key result's text, as a YAML or JSON file would carry them."""

    metric: str | None = None
    direction: Direction | None = None
    baseline: float | None = None
    target: float | None = None
    unit: str | None = None
    due: str | None = None


class ReviewContext(_Strict):
    """What surrounds the item under review. The defaults keep set-level and period rules quiet,
    so a key result or objective is judged on its own merits unless the case is about its context."""

    period: str | None = DEFAULT_PERIOD
    level: Level = Level.TEAM
    team: str | None = None
    owner: str | None = DEFAULT_OWNER
    objective: str | None = Field(default=None, description="Objective a KR item sits under (a neutral one if unset).")
    key_results: list[str] | None = Field(default=None, description="KRs under an objective item (neutral ones if unset).")
    parent_id: str | None = DEFAULT_PARENT.id
    known_parents: list[Parent] | None = Field(default_factory=lambda: [DEFAULT_PARENT])


class ReviewCase(_Strict):
    """One labelled item: a key result, an objective or a whole set, and the rules an OKR coach would raise."""

    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9-]*$")
    split: Split
    function: str = Field(min_length=1)
    kind: Literal["kr", "objective", "set"]
    text: str | None = None
    fields: KRFields | None = None
    okr_set: OKRSet | None = None
    context: ReviewContext = Field(default_factory=ReviewContext)
    expected_rules: list[str] = Field(default_factory=list, description="Warning/error rules that should fire.")
    allowed_rules: list[str] = Field(default_factory=list, description="Also-correct descriptions of the same flaw.")
    info_rules: list[str] | None = Field(default=None, description="Info rules that should fire; null = not labelled.")
    note: str = ""

    @property
    def flawed(self) -> bool:
        return bool(self.expected_rules)

    @model_validator(mode="after")
    def _consistent(self) -> ReviewCase:
        if self.kind == "set":
            if self.okr_set is None or self.text is not None:
                raise ValueError("a 'set' case needs okr_set and no text")
        elif not (self.text and self.text.strip()) or self.okr_set is not None:
            raise ValueError(f"a {self.kind!r} case needs text and no okr_set")
        if self.fields is not None and self.kind != "kr":
            raise ValueError("fields are only for 'kr' cases")
        for name, rules in (("expected_rules", self.expected_rules), ("allowed_rules", self.allowed_rules)):
            for rule in rules:
                _check_rule(name, rule, self.kind, info=False)
        for rule in self.info_rules or []:
            _check_rule("info_rules", rule, self.kind, info=True)
        if set(self.expected_rules) & set(self.allowed_rules):
            raise ValueError("a rule cannot be both expected and allowed")
        if self.allowed_rules and not self.expected_rules:
            raise ValueError("allowed_rules only make sense on a flawed item: label a sound item sound")
        return self


def _check_rule(field: str, rule: str, kind: str, *, info: bool) -> None:
    if rule not in _SEVERITY:
        raise ValueError(f"{field}: unknown rule id {rule!r}")
    if (_SEVERITY[rule] is Severity.INFO) != info:
        where = "info_rules" if _SEVERITY[rule] is Severity.INFO else "expected_rules/allowed_rules"
        raise ValueError(f"{field}: {rule} belongs in {where}")
    if _FAMILY[rule] not in _KIND_FAMILIES[kind]:
        raise ValueError(f"{field}: a {kind!r} item cannot be judged on the {_FAMILY[rule]}-level rule {rule}")


class ExpectedPassage(_Strict):
    """One passage that answers a query. Several on a case are alternatives: any of them is a hit."""

    document: str | None = Field(default=None, description="File name or path suffix of the source document.")
    heading_contains: str | None = Field(default=None, description="Case-insensitive part of the heading path.")
    text_contains: str | None = Field(default=None, description="Case-insensitive part of the passage text.")
    chunk_id: str | None = None

    @model_validator(mode="after")
    def _says_something(self) -> ExpectedPassage:
        if not (self.document or self.heading_contains or self.text_contains or self.chunk_id):
            raise ValueError("an expected passage needs document, heading_contains, text_contains or chunk_id")
        return self

    def matches(self, hit: Hit) -> bool:
        """Whether ``hit`` is this passage (every given criterion holds)."""
        if self.chunk_id is not None and hit.chunk_id != self.chunk_id:
            return False
        if self.document is not None:
            wanted = self.document.replace("\\", "/").strip("/")
            got = hit.document.replace("\\", "/")
            if got != wanted and not got.endswith("/" + wanted):
                return False
        if self.heading_contains is not None and self.heading_contains.casefold() not in hit.heading.casefold():
            return False
        return self.text_contains is None or self.text_contains.casefold() in hit.text.casefold()


class RetrievalCase(_Strict):
    """One query and the passages that answer it.

    ``corpus`` is ``guide`` (the built-in OKR guide, searched with ``search_guide``) or the name of a sample
    company under ``knowledge/examples/<corpus>/`` (its documents are ingested and searched with ``search``).
    """

    id: str = Field(min_length=1)
    corpus: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_-]+$")
    query: str = Field(min_length=1)
    expected: list[ExpectedPassage] = Field(min_length=1)
    split: str | None = None
    note: str = ""


CaseT = TypeVar("CaseT", bound=BaseModel)


def datasets_dir() -> Path:
    """The folder of shipped datasets (inside the installed ``evals`` package)."""
    return Path(str(files("evals") / "datasets"))


def dataset_path(name_or_path: str | Path) -> Path:
    """A dataset file: a path as given, or a shipped dataset by name (``review.v1``)."""
    path = Path(name_or_path)
    if path.suffix == ".jsonl" or path.exists():
        return path
    return datasets_dir() / f"{name_or_path}.jsonl"


def load_cases(source: str | Path, model: type[CaseT]) -> list[CaseT]:
    """Read a JSONL dataset into ``model`` instances.

    Raises ``InputError`` naming the file and line for a missing file, bad JSON, a case that does not fit the
    schema, or a duplicate id.
    """
    path = dataset_path(source)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InputError(f"Dataset {path} does not exist.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"Cannot read dataset {path}: {exc}.") from None
    cases: list[CaseT] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            case = model.model_validate(json.loads(line))
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}, line {number}: not valid JSON ({exc.msg}, column {exc.colno}).") from None
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            reason = str(first["msg"]).removeprefix("Value error, ")
            raise InputError(f"{path}, line {number}: {where + ': ' if where else ''}{reason}.") from None
        case_id = str(getattr(case, "id", number))
        if case_id in seen:
            raise InputError(f"{path}, line {number}: duplicate id {case_id!r} (first on line {seen[case_id]}).")
        seen[case_id] = number
        cases.append(case)
    if not cases:
        raise InputError(f"Dataset {path} has no cases.")
    return cases


def select_split(cases: Sequence[CaseT], split: str) -> list[CaseT]:
    """The cases of one split (``dev``/``heldout``), or all of them for ``all``."""
    if split == "all":
        return list(cases)
    return [case for case in cases if getattr(case, "split", None) == split]
