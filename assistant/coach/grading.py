"""Grading: spot (rule ids chosen), rewrite (the real validator plus meaning), align (parent and type).

Every grade is ``{"correct", "score", "feedback", "rules"}``. ``rules`` names the rules the answer is about: the
exercise's own, plus any new rule a rewrite breaks. Feedback says what is right, what is still wrong and where to
read about it (``okr rules <id>`` in the terminal, ``/rules/<id>`` on the web).
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from assistant.coach.exercises import Exercise, Kind, in_scope, parent_text
from assistant.coach.meaning import MEANING_THRESHOLD, Similarity, meaning_similarity, references
from assistant.errors import InputError, ParseError
from assistant.okr import AlignmentType, Finding, Severity
from assistant.review.catalogue import CATALOGUE, rule_info

_ORDER = {rule.id: i for i, rule in enumerate(CATALOGUE)}
TYPES = {
    AlignmentType.EXPLICIT.value: "the team takes a parent key result on as its own objective",
    AlignmentType.DIRECTIONAL.value: "the team sets its own objective that contributes to a parent",
}


class Answer(BaseModel):
    """What a learner answers: choice ids (spot, align) or a text (rewrite; align as "CO-2 directional")."""

    model_config = ConfigDict(extra="forbid")

    choices: list[str] = Field(default_factory=list, max_length=40)
    text: str | None = Field(default=None, max_length=8000)


class Grade(BaseModel):
    """The grading JSON: ``correct``, ``score`` 0..1, ``feedback`` and the ``rules`` it concerns."""

    correct: bool
    score: float = Field(ge=0.0, le=1.0)
    feedback: str
    rules: list[str]
    per_rule: dict[str, bool] = Field(default_factory=dict, exclude=True)  # for progress: rule -> got it right


def cite(rule_id: str) -> str:
    return f"`okr rules {rule_id}` or /rules/{rule_id}"


def ordered(rule_ids: Sequence[str]) -> list[str]:
    return sorted(dict.fromkeys(rule_ids), key=lambda r: _ORDER.get(r, 99))


def scoped_findings(exercise: Exercise, item: str) -> list[Finding]:
    """The validator's findings about ``item`` put in the exercise's place (ParseError for unreadable sets)."""
    from assistant.review import check

    okr_set, path = exercise.build_set(item)
    findings = check(okr_set, policy=exercise.policy(), known_parents=exercise.known_parents() or None)
    return [f for f in findings if in_scope(path, f.path, exercise.scope)]


def grade(exercise: Exercise, answer: Answer, *, similarity: Similarity | None = None) -> Grade:
    """Grade ``answer`` to ``exercise``.

    Args:
        similarity: ``(text, references) -> float`` for the meaning check of rewrites; defaults to the offline
            embedding model.

    Raises:
        InputError: the answer does not fit the exercise (no text for a rewrite, a choice that was not offered).
    """
    if exercise.kind is Kind.SPOT:
        return grade_spot(exercise, answer)
    if exercise.kind is Kind.ALIGN:
        return grade_align(exercise, answer)
    return grade_rewrite(exercise, answer, similarity=similarity or meaning_similarity)


def _choices(answer: Answer) -> list[str]:
    picked = [c.strip() for c in answer.choices if c.strip()]
    if not picked and answer.text:
        picked = [part for part in answer.text.replace(",", " ").split() if part]
    return list(dict.fromkeys(picked))


def grade_spot(exercise: Exercise, answer: Answer) -> Grade:
    offered = set(exercise.rules) | set(exercise.distractors)
    picked = _choices(answer)
    unknown = [c for c in picked if c not in offered]
    if unknown:
        raise InputError(
            f"{', '.join(unknown)} is not one of the choices of exercise {exercise.id}; "
            f"choose from: {', '.join(ordered(list(offered)))}."
        )
    right, chosen = set(exercise.rules), set(picked)
    union = right | chosen
    score = len(right & chosen) / len(union) if union else 0.0
    correct = chosen == right
    lines: list[str] = []
    if correct:
        lines.append(f"Correct: the {exercise.item_label} breaks {_names(right)}.")
    else:
        if right & chosen:
            lines.append(f"Right: {_names(right & chosen)}.")
        for rule in ordered(list(right - chosen)):
            lines.append(f"Missed: {rule} ({rule_info(rule).title}). Read {cite(rule)}.")
        for rule in ordered(list(chosen - right)):
            lines.append(f"Not broken here: {rule} ({rule_info(rule).title}). Read {cite(rule)} for when it applies.")
        if not chosen:
            lines.append(f"The answer is: {_names(right)}.")
    lines.append(f"Why: {exercise.explanation.strip()}")
    lines.append(f"A better version: {_show(exercise.rewrites[0])}")
    if correct:
        lines.append(f"Read more: {', '.join(cite(r) for r in ordered(list(right)))}.")
    per_rule = {r: r in chosen for r in right} | {r: False for r in chosen - right}
    return Grade(correct=correct, score=round(score, 2), feedback="\n".join(lines), rules=ordered(list(right)),
                 per_rule=per_rule)


def grade_align(exercise: Exercise, answer: Answer) -> Grade:
    assert exercise.answer is not None  # checked when the exercise was loaded
    tokens = [t for c in _choices(answer) for t in c.replace("/", " ").split()]
    by_lower = {p.lower(): p for p in exercise.parent_choices}
    parents = [by_lower[t.lower()] for t in tokens if t.lower() in by_lower]
    types = [t.lower() for t in tokens if t.lower() in TYPES]
    stray = [t for t in tokens if t.lower() not in by_lower and t.lower() not in TYPES]
    if stray or len(parents) != 1 or len(types) != 1:
        raise InputError(
            f"Exercise {exercise.id} wants one parent id ({', '.join(exercise.parent_choices)}) and one alignment "
            "type (explicit or directional), e.g. `--choice CO-2 --choice directional`."
        )
    parent, kind = parents[0], AlignmentType(types[0])
    want = exercise.answer
    parent_score = 1.0 if parent == want.parent else 0.5 if _family(parent) == _family(want.parent) else 0.0
    type_ok = kind is want.type
    score = 0.5 * parent_score + (0.5 if type_ok else 0.0)
    correct = parent == want.parent and type_ok
    lines: list[str] = []
    if parent == want.parent:
        lines.append(f"Parent: right, {want.parent} ({parent_text(want.parent)}).")
    elif parent_score:
        lines.append(f"Parent: close. {parent} is in the right family, but the best link is {want.parent} "
                     f"({parent_text(want.parent)}).")
    else:
        lines.append(f"Parent: {parent} ({parent_text(parent)}) is not what this objective moves; it serves "
                     f"{want.parent} ({parent_text(want.parent)}).")
    if type_ok:
        lines.append(f"Type: right, {kind.value}: {TYPES[kind.value]}.")
    else:
        lines.append(f"Type: not {kind.value}. It is {want.type.value}: {TYPES[want.type.value]}.")
    lines.append(f"Why: {exercise.explanation.strip()}")
    lines.append(f"Written out: {_show(exercise.rewrites[0])}")
    lines.append(f"Read {cite('objective-no-parent')}, and the guide page on alignment types.")
    return Grade(correct=correct, score=round(score, 2), feedback="\n".join(lines), rules=ordered(exercise.rules),
                 per_rule={r: correct for r in exercise.rules})


def _family(parent_id: str) -> str:
    return parent_id.split(".")[0].upper()


def grade_rewrite(exercise: Exercise, answer: Answer, *, similarity: Similarity) -> Grade:
    text = (answer.text or "").strip()
    if not text:
        raise InputError(f"Exercise {exercise.id} asks for a rewrite: give the new {exercise.item_label} as text.")
    targets = ordered(exercise.rules)
    try:
        findings = scoped_findings(exercise, text)
    except ParseError as exc:
        return Grade(correct=False, score=0.0, rules=targets, per_rule=dict.fromkeys(targets, False), feedback=(
            f"Your answer could not be read as OKRs ({exc.reason}). Write one objective per line starting "
            "\"Objective:\", with its key results below it as \"- \" bullets."))
    fired = {f.rule: f for f in findings}
    before = _item_rules(exercise)  # a workshop item may break rules outside the exercise (e.g. a KR count)
    still = [r for r in targets if r in fired]
    fixed = [r for r in targets if r not in fired]
    others = [f for f in findings if f.rule not in targets]
    new = ordered([f.rule for f in others if f.severity is not Severity.INFO and f.rule not in before])
    notes = ordered([f.rule for f in others if f.severity is Severity.INFO or f.rule in before])
    unchanged = _norm(text) == _norm(exercise.item)
    sim = 0.0 if unchanged else similarity(text, references(exercise))
    meaning_ok = sim >= MEANING_THRESHOLD
    rule_part = len(fixed) / (len(targets) + len(new))
    score = 0.0 if unchanged else rule_part * min(1.0, sim / MEANING_THRESHOLD)
    correct = not still and not new and meaning_ok and not unchanged

    lines: list[str] = []
    if unchanged:
        lines.append(f"That is the original {exercise.item_label}, unchanged.")
        for rule in still:
            lines.append(f"Still broken: {rule} ({rule_info(rule).title}). {fired[rule].message} Read {cite(rule)}.")
    elif correct:
        lines.append(f"Well done: the rewrite no longer breaks {_names(targets)}, adds no new problem and keeps "
                     f"the original meaning (similarity {sim:.2f}).")
    else:
        if fixed:
            lines.append(f"Fixed: {_names(fixed)}.")
        for rule in still:
            lines.append(f"Still broken: {rule} ({rule_info(rule).title}). {fired[rule].message} Read {cite(rule)}.")
        for rule in new:
            lines.append(f"New problem: {rule} ({rule_info(rule).title}). {fired[rule].message} Read {cite(rule)}.")
        if not meaning_ok:
            lines.append(
                f"Meaning: the rewrite drifts from what the original was about (similarity {sim:.2f}, "
                f"{MEANING_THRESHOLD:.2f} needed). Keep the same subject and improve how it is measured."
            )
    for rule in notes:
        outside = " (outside this exercise: the original breaks it too)" if rule in before else ""
        lines.append(f"Note: {rule} ({rule_info(rule).title}){outside}. {fired[rule].message}")
    if exercise.rewrites:
        model = exercise.rewrites[0] if not correct else exercise.rewrites[-1]
        lines.append(f"{'Another way to write it' if correct else 'A model rewrite'}: {_show(model)}")
    if correct:
        lines.append(f"Read more: {', '.join(cite(r) for r in targets)}.")
    per_rule = {r: r in fixed and meaning_ok for r in targets} | dict.fromkeys(new, False)
    return Grade(correct=correct, score=round(min(1.0, score), 2), feedback="\n".join(lines),
                 rules=ordered([*targets, *new]), per_rule=per_rule)


def _item_rules(exercise: Exercise) -> set[str]:
    try:
        return {f.rule for f in scoped_findings(exercise, exercise.item)}
    except ParseError:
        return set()


def _names(rule_ids: set[str] | Sequence[str]) -> str:
    return ", ".join(f"{r} ({rule_info(r).title})" for r in ordered(list(rule_ids)))


def _norm(text: str) -> str:
    return " ".join(text.lower().split()).rstrip(".")


def _show(text: str) -> str:
    text = text.strip()
    return f"\n{text}" if "\n" in text else f"\"{text}\""


def check_exercise(exercise: Exercise) -> list[str]:
    """What is wrong with an exercise as written (empty when it is sound): used by the tests and by authors.

    The item must break each listed rule, and no warning or error outside the list; a spot exercise's
    distractors must not fire; each model rewrite must fix every listed rule and break nothing at warning or
    error severity.
    """
    problems: list[str] = []
    try:
        fired = {f.rule: f.severity for f in scoped_findings(exercise, exercise.item)}
    except ParseError as exc:
        return [f"{exercise.id}: the item cannot be parsed: {exc}"]
    missing = [r for r in exercise.rules if r not in fired]
    extra = [r for r, sev in fired.items() if r not in exercise.rules and sev is not Severity.INFO]
    firing_distractors = [r for r in exercise.distractors if r in fired]
    if missing:
        problems.append(f"{exercise.id}: the item does not break {missing} (it breaks {sorted(fired)})")
    if extra:
        problems.append(f"{exercise.id}: the item also breaks {extra}, which the exercise does not list")
    if firing_distractors:
        problems.append(f"{exercise.id}: distractors {firing_distractors} do fire on the item")
    for rewrite in exercise.rewrites:
        try:
            after = scoped_findings(exercise, rewrite)
        except ParseError as exc:
            problems.append(f"{exercise.id}: a model rewrite cannot be parsed: {exc}")
            continue
        bad = [f.rule for f in after if f.rule in exercise.rules or f.severity is not Severity.INFO]
        if bad:
            problems.append(f"{exercise.id}: model rewrite {rewrite!r} still breaks {bad}")
    return problems
