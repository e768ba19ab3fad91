"""The interactive coach in a terminal: one exercise at a time, immediate feedback, a summary at the end.

Every graded answer is saved to the progress file as soon as it is given, so quitting (``q``, Ctrl-D, Ctrl-C)
loses nothing. ``s`` skips an exercise without counting it.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence

import click

from assistant.coach.display import Presentation, present
from assistant.coach.exercises import Exercise
from assistant.coach.grading import Answer, Grade, grade
from assistant.coach.progress import AnswerRecord, ProgressStore, Summary, record_of, summarize
from assistant.errors import InputError

Grader = Callable[[Exercise, Answer], Grade]


class _Quit(Exception):
    pass


def run_session(
    exercises: Sequence[Exercise], *, store: ProgressStore | None, session_id: str, mode: str = "session",
    title: str = "Coach session", grader: Grader = grade,
) -> Summary:
    """Ask each exercise in turn, grade, give feedback, save; print and return the session summary."""
    earlier = store.load() if store is not None else None
    if store is not None and store.warning:
        click.secho(store.warning, fg="yellow", err=True)
    n = len(exercises)
    click.echo(f"{title}: {n} exercise{'s' if n != 1 else ''}. Answer each one; type s to skip, q to stop.")
    records: list[AnswerRecord] = []
    skipped = 0
    for number, exercise in enumerate(exercises, 1):
        view = present(exercise)
        click.echo("")
        click.secho(f"── Exercise {number}/{n} · {exercise.kind.value} · {exercise.difficulty.value} "
                    f"· {exercise.id} ──", bold=True)
        _show(view)
        try:
            result = _ask_until_graded(exercise, view, grader)
        except _Quit:
            click.echo("Stopping here.")
            break
        if result is None:
            skipped += 1
            click.echo(f"Skipped. One answer: {exercise.rewrites[0] if exercise.rewrites else '(none)'}"
                       .replace("\n", "\n  "))
            continue
        _feedback(result)
        record = record_of(exercise.id, exercise.kind.value, result.rules, correct=result.correct,
                           score=result.score, per_rule=result.per_rule)
        records.append(record)
        if store is not None:
            store.record(session_id, mode, [record])
    summary = summarize(records)
    _summary(summary, skipped=skipped, earlier=earlier)
    return summary


def _show(view: Presentation) -> None:
    click.echo(view.header)
    if view.outline:
        click.echo("")
        for line in view.outline:
            indent = "    - " if line.depth else "  "
            text = click.style("▶ " + line.text, bold=True) if line.marked else line.text
            click.echo(indent + text)
    click.echo("")
    click.secho(view.item, bold=True)
    click.echo("")
    click.echo(_wrap(view.question))
    for i, choice in enumerate(view.choices, 1):
        click.echo(f"  {i:>2}) {choice.id}  {choice.text}")


def _ask_until_graded(exercise: Exercise, view: Presentation, grader: Grader) -> Grade | None:
    while True:
        answer = _read_answer(view)
        if answer is None:
            return None
        try:
            return grader(exercise, answer)
        except InputError as exc:
            click.secho(exc.message, fg="yellow")


def _read_answer(view: Presentation) -> Answer | None:
    if view.choices:
        example = "1 3" if view.input == "choices" else "2 7"
        while True:
            raw = _prompt(f"Your answer (numbers or ids, e.g. {example})").strip()
            if _control(raw):
                return None
            picked = _pick(raw, view)
            if picked is not None:
                return Answer(choices=picked)
    if view.input == "lines":
        click.echo("Type your version line by line; an empty line ends it.")
        lines: list[str] = []
        while True:
            raw = _prompt(">" if lines else "Your rewrite")
            if not lines and _control(raw.strip()):
                return None
            if not raw.strip():
                if lines:
                    return Answer(text="\n".join(lines))
                continue
            lines.append(raw.rstrip())
    while True:
        raw = _prompt("Your rewrite").strip()
        if _control(raw):
            return None
        if raw:
            return Answer(text=raw)


def _prompt(label: str) -> str:
    value: str = click.prompt(label, default="", show_default=False, prompt_suffix=" ")
    return value


def _control(raw: str) -> bool:
    """True for a skip; raises _Quit for a quit."""
    low = raw.lower()
    if low in ("q", "quit", "exit"):
        raise _Quit
    return low in ("s", "skip")


def _pick(raw: str, view: Presentation) -> list[str] | None:
    ids = [c.id for c in view.choices]
    lower = {i.lower(): i for i in ids}
    picked: list[str] = []
    for token in raw.replace(",", " ").split():
        if token.isdigit() and 1 <= int(token) <= len(ids):
            picked.append(ids[int(token) - 1])
        elif token.lower() in lower:
            picked.append(lower[token.lower()])
        else:
            click.secho(f"{token!r} is not one of the choices: give their numbers (1-{len(ids)}) or ids.",
                        fg="yellow")
            return None
    if not picked:
        click.secho("Choose at least one answer (or s to skip).", fg="yellow")
        return None
    return list(dict.fromkeys(picked))


def _feedback(result: Grade) -> None:
    if result.correct:
        click.secho(f"✔ Correct · score {result.score:.2f}", fg="green", bold=True)
    else:
        click.secho(f"✘ Not quite · score {result.score:.2f}", fg="red", bold=True)
    for line in result.feedback.splitlines():
        click.echo(_wrap(line, indent="  "))


def _summary(summary: Summary, *, skipped: int, earlier: object) -> None:
    from assistant.coach.progress import Progress

    click.echo("")
    click.secho("── Session summary ──", bold=True)
    if not summary.answered:
        click.echo("No exercise answered" + (f" ({skipped} skipped)." if skipped else "."))
        return
    extra = f", {skipped} skipped" if skipped else ""
    click.echo(f"{summary.correct} of {summary.answered} correct ({summary.accuracy:.0%}), "
               f"mean score {summary.score:.2f}{extra}.")
    click.echo("Accuracy per rule:")
    width = max(len(t.rule) for t in summary.rules)
    for tally in summary.rules:
        hint = f"   read: okr rules {tally.rule}" if tally.correct < tally.attempts else ""
        click.echo(f"  {tally.rule.ljust(width)}  {tally.correct}/{tally.attempts}  {tally.accuracy:>4.0%}{hint}")
    if isinstance(earlier, Progress):
        before = [a for a in earlier.answers()]
        if before:
            past = summarize(before)
            click.echo(f"All earlier answers: {past.accuracy:.0%} correct; this session: {summary.accuracy:.0%}. "
                       "See `okr coach progress`.")
    weakest = min(summary.rules, key=lambda t: (t.accuracy, -t.attempts))
    if weakest.accuracy < 1:
        click.echo(f"Practise next: okr coach --rule {weakest.rule}")


def _wrap(text: str, *, indent: str = "") -> str:
    return textwrap.fill(text, width=100, initial_indent=indent, subsequent_indent=indent + "  ",
                         break_long_words=False, break_on_hyphens=False) if text else ""
