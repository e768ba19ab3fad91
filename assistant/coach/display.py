"""How an exercise is shown: the context outline, the item, the question and the choices.

The same ``Presentation`` feeds the terminal, the JSON of ``okr coach next`` (``{"id", "kind", "prompt",
"choices"}``) and the Coach web page, so all three ask the same question.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel

from assistant.coach.exercises import Exercise, Kind, Scope, parent_text
from assistant.coach.grading import TYPES
from assistant.okr import Objective, OKRSet
from assistant.review.catalogue import CATALOGUE, rule_info

_ORDER = {rule.id: i for i, rule in enumerate(CATALOGUE)}


class Choice(BaseModel):
    id: str
    text: str


class ExercisePrompt(BaseModel):
    """The JSON of ``okr coach next`` and ``GET /api/v1/coach/exercises/next``."""

    id: str
    kind: str
    prompt: str
    choices: list[Choice]
    difficulty: str
    function: str
    maturity: str
    input: str  # "choices" (pick any), "parent+type" (one parent, one type), "line" or "lines" (a rewrite)


@dataclass
class Line:
    text: str
    depth: int = 0  # 0 objective, 1 key result
    marked: bool = False  # the item the exercise is about


@dataclass
class Presentation:
    header: str
    outline: list[Line] = field(default_factory=list)
    item: str = ""
    question: str = ""
    choices: list[Choice] = field(default_factory=list)
    input: str = "line"

    def text(self) -> str:
        lines = [self.header, ""]
        for line in self.outline:
            mark = "▶ " if line.marked else ""
            lines.append(("  - " if line.depth else "") + mark + line.text)
        if self.outline:
            lines.append("")
        lines.append(self.item)
        lines.extend(["", self.question])
        return "\n".join(lines)


def present(exercise: Exercise) -> Presentation:
    """What the learner sees for ``exercise``."""
    ctx = exercise.context
    bits = [f"Team: {ctx.team}" if ctx.team else "Team OKRs", f"period {ctx.period}" if ctx.period else "no period",
            f"{exercise.function}, {exercise.maturity} team"]
    if ctx.parents == "quill":
        bits.append("parents: Quill company OKRs (CO-1 to CO-4)")
    view = Presentation(header=" · ".join(bits))
    okr_set, path = exercise.build_set(exercise.item)
    if exercise.scope is Scope.KR:
        view.outline = _outline(okr_set, path, with_others=bool(ctx.others))
        view.item = f"Key result: {exercise.item}"
    elif exercise.scope is Scope.OBJECTIVE:
        own = okr_set.objectives[_objective_index(path) or 0]
        view.outline = []
        if own.aligns_to is not None and ctx.objective.aligns_to:
            link = own.aligns_to.id
            view.outline.append(Line(f"Linked to the parent {link}: {parent_text(link)}"))
        view.outline.append(Line("Key results under the objective below:"))
        view.outline += [Line(kr.text, 1) for kr in own.key_results]
        if ctx.mission:
            view.header += f"\nMission: {ctx.mission}"
        view.item = f"Objective: {exercise.item}"
    else:
        others = OKRSet(objectives=okr_set.objectives[: len(ctx.others)])
        view.outline = [Line("The rest of the set, as it stands:"), *_outline(others, "", with_others=True)]
        if not ctx.others:
            view.outline = []
        view.item = ("The part to judge:\n" if ctx.others else "") + exercise.item.rstrip()
    view.question, view.choices, view.input = _question(exercise)
    return view


def prompt_json(exercise: Exercise) -> ExercisePrompt:
    view = present(exercise)
    return ExercisePrompt(
        id=exercise.id, kind=exercise.kind.value, prompt=view.text(), choices=view.choices,
        difficulty=exercise.difficulty.value, function=exercise.function, maturity=exercise.maturity,
        input=view.input,
    )


def _question(exercise: Exercise) -> tuple[str, list[Choice], str]:
    label = exercise.item_label
    if exercise.kind is Kind.SPOT:
        ids = sorted([*exercise.rules, *exercise.distractors], key=lambda r: _ORDER.get(r, 99))
        choices = [Choice(id=r, text=rule_info(r).title) for r in ids]
        return f"Which rules does this {label} break? Choose every one that applies.", choices, "choices"
    if exercise.kind is Kind.ALIGN:
        choices = [Choice(id=p, text=parent_text(p)) for p in exercise.parent_choices]
        choices += [Choice(id=t, text=text) for t, text in TYPES.items()]
        question = (
            "Which parent does this objective serve, and how? Choose one parent and one type: explicit (the team "
            "adopts a parent key result as its objective) or directional (it contributes to a parent)."
        )
        return question, choices, "parent+type"
    broken = "; ".join(f"{r} ({rule_info(r).title})" for r in sorted(exercise.rules, key=lambda r: _ORDER.get(r, 99)))
    if exercise.scope is Scope.SET:
        how, kind = "Write the corrected version: one \"Objective:\" line per objective, key results as \"- \" bullets.", "lines"
    elif exercise.scope is Scope.OBJECTIVE:
        how, kind = "Write the new objective title; add a parent link as \"(aligns to CO-2)\" if one is needed.", "line"
    else:
        how, kind = "Write the new key result in one sentence; add \"(owner: Name)\" if it needs an owner.", "line"
    question = f"This {label} breaks: {broken}. Rewrite it so it keeps its meaning and breaks no rule. {how}"
    return question, [], kind


def _outline(okr_set: OKRSet, path: str, *, with_others: bool) -> list[Line]:
    own_index = _objective_index(path) if path else None
    lines: list[Line] = []
    for i, objective in enumerate(okr_set.objectives):
        mine = i == own_index
        if not mine and not with_others:
            continue
        lines.append(Line(_title(objective), 0))
        for j, kr in enumerate(objective.key_results):
            kr_path = f"objectives[{i}].key_results[{j}]"
            if kr_path == path:
                lines.append(Line("(this key result)", 1, True))
            else:
                lines.append(Line(kr.text, 1))
    return lines


def _objective_index(path: str) -> int | None:
    if not path.startswith("objectives["):
        return None
    return int(path[len("objectives["):].split("]")[0])


def _title(objective: Objective) -> str:
    text = f"Objective: {objective.title}"
    if objective.aligns_to:
        link = objective.aligns_to
        text += f" (aligns to {link.id}{', explicit' if link.type.value == 'explicit' else ''})"
    if objective.owner:
        text += f" · owner {objective.owner}"
    return text


def choice_label(exercise: Exercise, choice_id: str) -> str:
    """How a choice reads in feedback and summaries: ``kr-vague`` or ``CO-2 (Customers succeed ...)``."""
    if exercise.kind is Kind.ALIGN and choice_id not in TYPES:
        return f"{choice_id} ({parent_text(choice_id)})"
    return choice_id
