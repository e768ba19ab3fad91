"""Exercises: the YAML files in ``knowledge/exercises/``, read into models, and the OKR set each item sits in.

An exercise shows one flawed item (a key result, an objective, or a small set) in its context (team, period,
objective, parent). Grading puts an answer in the item's place and runs the real validator over that set, so the
context decides which rules can fire: a key result under a set with a period never lacks a deadline.
See ``knowledge/exercises/README.md`` for the file format.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from assistant.errors import ConfigError, UnknownExercise
from assistant.okr import (
    Alignment,
    AlignmentType,
    KeyResult,
    Level,
    Objective,
    OKRSet,
    Parent,
    ParentKeyResult,
    ParentKind,
)

if TYPE_CHECKING:
    from assistant.policy import Policy

FUNCTIONS = frozenset({
    "engineering", "product", "design", "data", "sales", "marketing", "support", "success", "people", "finance",
    "operations", "security", "legal",
})
MATURITIES = frozenset({"new", "established"})


class Kind(StrEnum):
    SPOT = "spot"  # which rules does the item break? (multiple choice)
    REWRITE = "rewrite"  # write a better version
    ALIGN = "align"  # which parent does this objective serve, explicitly or directionally?


class Difficulty(StrEnum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


class Scope(StrEnum):
    KR = "kr"  # the item is one key result under the context's objective
    OBJECTIVE = "objective"  # the item is an objective title, over the context's key results
    SET = "set"  # the item is a small OKR text (title lines and key result bullets)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ContextObjective(_Model):
    """An objective around the item: the one it sits in, or another one in the same set."""

    title: str = "Untitled objective"
    owner: str | None = None
    aligns_to: str | None = None
    alignment: AlignmentType = AlignmentType.DIRECTIONAL
    key_results: list[str] = Field(default_factory=list)

    def build(self, *, title: str | None = None, key_results: Sequence[KeyResult] = ()) -> Objective:
        link = None
        if self.aligns_to:
            kind = ParentKind.KEY_RESULT if ".KR" in self.aligns_to.upper() else ParentKind.OBJECTIVE
            link = Alignment(id=self.aligns_to, kind=kind, type=self.alignment)
        krs = [KeyResult(text=text) for text in self.key_results]
        return Objective(title=title or self.title, owner=self.owner, aligns_to=link, key_results=[*krs, *key_results])


class Context(_Model):
    """Where the item sits. ``parents: quill`` makes the Quill company and department OKRs the known parents."""

    team: str | None = None
    period: str | None = None
    level: Level = Level.TEAM
    mission: str | None = None
    parents: str | None = Field(default=None, pattern="^quill$")
    objective: ContextObjective = Field(default_factory=ContextObjective)
    others: list[ContextObjective] = Field(default_factory=list, description="Objectives before the item's own.")


class AlignAnswer(_Model):
    parent: str
    type: AlignmentType


class Exercise(_Model):
    """One exercise as written in ``knowledge/exercises/*.yaml``."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    kind: Kind
    difficulty: Difficulty
    function: str
    maturity: str
    scope: Scope = Scope.KR
    item: str = Field(min_length=1)
    rules: list[str] = Field(min_length=1)
    explanation: str = Field(min_length=20)
    rewrites: list[str] = Field(min_length=2)
    context: Context = Field(default_factory=Context)
    distractors: list[str] = Field(default_factory=list, description="spot: wrong choices offered with the rules.")
    answer: AlignAnswer | None = None
    parent_choices: list[str] = Field(default_factory=list, description="align: parent ids offered.")
    workshop: bool = False  # built from a team's own file, not from the shipped files

    @field_validator("rules", "distractors")
    @classmethod
    def _rule_ids(cls, value: list[str]) -> list[str]:
        from assistant.review.catalogue import RULE_IDS

        unknown = [rule for rule in value if rule not in RULE_IDS]
        if unknown:
            raise ValueError(f"unknown rule ids {unknown}; see `okr rules`")
        return value

    @model_validator(mode="after")
    def _kind_fields(self) -> Exercise:
        if not self.workshop and self.function not in FUNCTIONS:
            raise ValueError(f"unknown function {self.function!r}; use one of {', '.join(sorted(FUNCTIONS))}")
        if not self.workshop and self.maturity not in MATURITIES:
            raise ValueError(f"maturity must be new or established, not {self.maturity!r}")
        if self.kind is Kind.SPOT and len(self.distractors) < 2:
            raise ValueError("a spot exercise needs at least two distractors")
        if set(self.distractors) & set(self.rules):
            raise ValueError("a distractor is also one of the exercise's rules")
        if self.kind is Kind.ALIGN:
            if self.answer is None or len(self.parent_choices) < 3:
                raise ValueError("an align exercise needs an answer and at least three parent_choices")
            if self.answer.parent not in self.parent_choices:
                raise ValueError(f"the answer {self.answer.parent} is not among parent_choices")
            if self.context.parents is None:
                raise ValueError("an align exercise needs known parents (context.parents: quill)")
        return self

    @property
    def item_label(self) -> str:
        return {Scope.KR: "key result", Scope.OBJECTIVE: "objective", Scope.SET: "set"}[self.scope]

    def known_parents(self) -> list[Parent]:
        return quill_parents() if self.context.parents == "quill" else []

    def meaning_context(self) -> list[str]:
        """Texts besides the item and the model rewrites that a rewrite may match in meaning (none here)."""
        return []

    def policy(self) -> Policy:
        """The rule policy the exercise is graded under (the default profile for the shipped exercises)."""
        from assistant.policy import get_policy

        return get_policy("default")

    def build_set(self, item: str) -> tuple[OKRSet, str]:
        """The exercise's context with ``item`` in the flawed item's place, and the path of that item.

        For the set scope the path is "" (the whole set). Raises ``ParseError`` when a set-scope answer cannot
        be read as OKRs.
        """
        ctx = self.context
        others = [o.build() for o in ctx.others]
        if self.scope is Scope.SET:
            from assistant.parse import parse_okrs

            parsed = parse_okrs(item, fmt="text", source="your answer")
            okr_set = parsed.model_copy(update={
                "team": parsed.team or ctx.team,
                "period": parsed.period or ctx.period,
                "level": ctx.level,
                "objectives": [*others, *parsed.objectives],
            })
            return okr_set, ""
        if self.scope is Scope.OBJECTIVE:
            title, link = split_alignment(item)
            own = ctx.objective.build(title=title)
            if link is not None:
                own.aligns_to = link
            path = f"objectives[{len(others)}]"
        else:
            own = ctx.objective.build(key_results=[KeyResult(text=item.strip())])
            path = f"objectives[{len(others)}].key_results[{len(own.key_results) - 1}]"
        okr_set = OKRSet(team=ctx.team, period=ctx.period, level=ctx.level, objectives=[*others, own])
        return okr_set, path


_LINK_RE = re.compile(
    r"\s*[(\[]\s*(?:aligns?\s+to|parent|serves|contributes\s+to)\s*:?\s*([A-Za-z0-9][\w.-]*?)"
    r"\s*(?:,\s*(explicit|directional))?\s*[)\]]\s*\.?\s*$",
    re.IGNORECASE,
)


def split_alignment(text: str) -> tuple[str, Alignment | None]:
    """An objective title and the parent link written after it: "Win Europe (aligns to CO-1, directional)"."""
    text = " ".join(text.split())
    match = _LINK_RE.search(text)
    if match is None:
        return text, None
    parent = match.group(1)
    kind = ParentKind.KEY_RESULT if ".KR" in parent.upper() else ParentKind.OBJECTIVE
    link_type = AlignmentType((match.group(2) or "directional").lower())
    return text[: match.start()].strip(), Alignment(id=parent, kind=kind, type=link_type)


class ExerciseFile(_Model):
    exercises: list[Exercise]


def in_scope(path: str, finding_path: str, scope: Scope) -> bool:
    """Whether a finding at ``finding_path`` is about the item at ``path``.

    A key result owns only its own findings; an objective its own (not its key results', which an answer that
    rewrites the title cannot change); a set everything.
    """
    if scope is Scope.SET:
        return True
    return finding_path == path


def exercises_dir() -> Path:
    from assistant.resources import knowledge_dir

    return knowledge_dir() / "exercises"


@cache
def load_exercises(directory: Path | None = None) -> tuple[Exercise, ...]:
    """Every exercise in ``directory`` (default: the shipped ``knowledge/exercises/``), in file then list order.

    Raises:
        ConfigError: a file is unreadable or an exercise is malformed (names the file and the exercise).
    """
    import yaml

    folder = directory or exercises_dir()
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise ConfigError(f"No exercise files in {folder}: reinstall okr-assistant.")
    exercises: list[Exercise] = []
    seen: set[str] = set()
    for path in files:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            loaded = ExerciseFile.model_validate(data).exercises
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"Exercise file {path} cannot be read: {exc}") from None
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ConfigError(f"Exercise file {path}: {where}: {first['msg']}") from None
        for exercise in loaded:
            if exercise.id in seen:
                raise ConfigError(f"Exercise file {path}: the id {exercise.id!r} is used twice.")
            seen.add(exercise.id)
        exercises.extend(loaded)
    return tuple(exercises)


def get_exercise(exercise_id: str, exercises: Sequence[Exercise] | None = None) -> Exercise:
    """The exercise with ``exercise_id``; raises ``UnknownExercise``."""
    pool = load_exercises() if exercises is None else exercises
    wanted = exercise_id.strip()
    for exercise in pool:
        if exercise.id == wanted:
            return exercise
    raise UnknownExercise(
        f"No exercise {exercise_id!r}. Run `okr coach next` for one, or see knowledge/exercises/ for the ids."
    )


@cache
def quill_parents() -> list[Parent]:
    """The Quill sample company's company and department objectives, as known parents."""
    from assistant.parse import load_okrs
    from assistant.resources import knowledge_dir

    folder = knowledge_dir() / "examples" / "quill"
    parents: list[Parent] = []
    for name in ("company-okrs.yaml", "department-okrs.yaml"):
        okr_set = load_okrs(folder / name)
        for objective in okr_set.objectives:
            if not objective.id:
                continue
            krs = [ParentKeyResult(id=kr.id, text=kr.text) for kr in objective.key_results if kr.id]
            parents.append(Parent(id=objective.id, title=objective.title, level=okr_set.level,
                                  period=okr_set.period, owner=objective.owner, key_results=krs))
    return parents


def parent_text(parent_id: str) -> str:
    """The title of a Quill objective or the text of one of its key results (for choices and feedback)."""
    for parent in quill_parents():
        if parent.id == parent_id:
            return parent.title
        for kr in parent.key_results:
            if kr.id == parent_id:
                return kr.text
    return parent_id
