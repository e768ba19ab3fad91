"""`okr coach`: practise with graded exercises, alone in a terminal, from tools, or on a team's own OKR file.

    okr coach [-n N] [--rule ID] [--kind K] [--difficulty D]     an interactive session
    okr coach next [--rule ID] [--kind K] [--format json]        the next exercise, for tools
    okr coach answer ID (--choice ID... | --text TEXT)            grade an answer
    okr coach progress [--format json]                           accuracy across sessions
    okr coach workshop FILE [--parents FILE]                     a session on a team's own OKRs
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from assistant.cli.common import build_settings, data_dir_option, format_option

if TYPE_CHECKING:
    from assistant.coach.progress import ProgressStore

KINDS = click.Choice(["spot", "rewrite", "align"])
DIFFICULTIES = click.Choice(["easy", "medium", "hard"])


def _store(data_dir: Path | None) -> ProgressStore:
    from assistant.coach.progress import ProgressStore

    return ProgressStore(build_settings(data_dir).data_dir)


@click.group("coach", invoke_without_command=True)
@click.option("-n", "count", type=click.IntRange(1, 100), default=5, show_default=True,
              help="Number of exercises in the session.")
@click.option("--rule", default=None, metavar="ID", help="Only exercises on this rule (see `okr rules`).")
@click.option("--kind", type=KINDS, default=None, help="Only this kind of exercise.")
@click.option("--difficulty", type=DIFFICULTIES, default=None, help="Only this difficulty.")
@click.option("--seed", type=int, default=None, hidden=True, help="Fix the order of the session (for tests).")
@data_dir_option
@click.pass_context
def coach_command(
    ctx: click.Context, count: int, rule: str | None, kind: str | None, difficulty: str | None,
    seed: int | None, data_dir: Path | None,
) -> None:
    """Practise writing OKRs: a session of graded exercises with immediate feedback.

    Without a subcommand, runs an interactive session of N exercises (unseen and missed ones first) and ends with
    your accuracy per rule. Progress is kept in the data directory: see `okr coach progress`.
    """
    if ctx.invoked_subcommand is not None:
        return
    from assistant.coach.exercises import load_exercises
    from assistant.coach.progress import new_session_id
    from assistant.coach.selection import filter_exercises, session_exercises
    from assistant.coach.terminal import run_session

    store = _store(data_dir)
    candidates = filter_exercises(load_exercises(), rule=rule, kind=kind, difficulty=difficulty)
    chosen = session_exercises(candidates, count, store.load(), seed=seed)
    if len(chosen) < count:
        click.echo(f"Only {len(chosen)} exercise{'s' if len(chosen) != 1 else ''} match these filters.")
    run_session(chosen, store=store, session_id=new_session_id("session"))


@coach_command.command("next")
@click.option("--rule", default=None, metavar="ID", help="Only exercises on this rule.")
@click.option("--kind", type=KINDS, default=None, help="Only this kind of exercise.")
@click.option("--difficulty", type=DIFFICULTIES, default=None, help="Only this difficulty.")
@format_option("md", "json")
@data_dir_option
def next_command(rule: str | None, kind: str | None, difficulty: str | None, fmt: str, data_dir: Path | None) -> None:
    """Print the next exercise: never tried first, then missed ones, weakest rules first.

    --format json prints {"id", "kind", "prompt", "choices": [{"id", "text"}], ...}; answer it with
    `okr coach answer ID`.
    """
    from assistant.coach.display import present, prompt_json
    from assistant.coach.exercises import load_exercises
    from assistant.coach.selection import filter_exercises, next_exercise

    store = _store(data_dir)
    candidates = filter_exercises(load_exercises(), rule=rule, kind=kind, difficulty=difficulty)
    exercise = next_exercise(candidates, store.load())
    if fmt == "json":
        click.echo(json.dumps(prompt_json(exercise).model_dump(), indent=2, ensure_ascii=False))
        return
    view = present(exercise)
    click.echo(f"Exercise {exercise.id} ({exercise.kind.value}, {exercise.difficulty.value})\n")
    click.echo(view.text())
    for choice in view.choices:
        click.echo(f"  - {choice.id}: {choice.text}")
    how = "--choice ID (repeat it)" if view.choices else "--text \"...\""
    click.echo(f"\nAnswer with: okr coach answer {exercise.id} {how}")


@coach_command.command("answer")
@click.argument("exercise_id", metavar="ID")
@click.option("--choice", "choices", multiple=True, metavar="ID", help="A choice id; repeat for several.")
@click.option("--text", default=None, help="Your rewrite (or for align: \"CO-2 directional\"). - reads stdin.")
@click.option("--no-save", is_flag=True, help="Do not record the answer in your progress.")
@format_option("md", "json")
@data_dir_option
def answer_command(
    exercise_id: str, choices: tuple[str, ...], text: str | None, no_save: bool, fmt: str, data_dir: Path | None,
) -> None:
    """Grade an answer to exercise ID and print the feedback.

    --format json prints {"correct", "score", "feedback", "rules"}. An unknown ID is an error (non-zero exit).
    """
    from datetime import date

    from assistant.coach.exercises import get_exercise
    from assistant.coach.grading import Answer, grade
    from assistant.coach.progress import record_of
    from assistant.errors import InputError

    exercise = get_exercise(exercise_id)
    if text == "-":
        text = sys.stdin.read()
    if not choices and not (text or "").strip():
        raise InputError(f"Give your answer to {exercise.id}: --choice ID (repeatable) or --text \"...\".")
    result = grade(exercise, Answer(choices=list(choices), text=text))
    if not no_save:
        store = _store(data_dir)
        record = record_of(exercise.id, exercise.kind.value, result.rules, correct=result.correct,
                           score=result.score, per_rule=result.per_rule)
        store.record(f"answers-{date.today().isoformat()}", "answers", [record])
    if fmt == "json":
        click.echo(json.dumps(result.model_dump(), indent=2, ensure_ascii=False))
        return
    mark = click.style("✔ Correct", fg="green") if result.correct else click.style("✘ Not quite", fg="red")
    click.echo(f"{mark} · score {result.score:.2f}\n")
    click.echo(result.feedback)


@coach_command.command("progress")
@format_option("md", "json")
@data_dir_option
def progress_command(fmt: str, data_dir: Path | None) -> None:
    """Show your accuracy per session and per rule, and how it changed since your first session."""
    from assistant.coach.progress import progress_report

    store = _store(data_dir)
    report = progress_report(store.load())
    if store.warning:
        click.secho(store.warning, fg="yellow", err=True)
    if fmt == "json":
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
        return
    click.echo(render_progress(report))


def render_progress(report: dict[str, object]) -> str:
    sessions = report["sessions"]
    assert isinstance(sessions, list)
    if not sessions:
        return "No answers yet. Start a session with `okr coach`."
    lines = ["# Coach progress", "", f"{report['correct']} of {report['answered']} answers correct "
             f"({float(str(report['accuracy'])):.0%}); {report['exercises_solved']} exercises solved.", ""]
    trend = report.get("trend")
    if trend is not None:
        change = float(str(trend))
        word = "up" if change > 0 else "down" if change < 0 else "unchanged"
        lines += [f"Accuracy {word} {abs(change):.0%} from the first session to the latest.", ""]
    lines += ["| session | started | answered | correct | accuracy |", "|---|---|---|---|---|"]
    for s in sessions:
        lines.append(f"| {s['id']} | {s['started']} | {s['answered']} | {s['correct']} | {s['accuracy']:.0%} |")
    rules = report["rules"]
    assert isinstance(rules, dict)
    lines += ["", "| rule | attempts | accuracy | first session | latest |", "|---|---|---|---|---|"]
    for rule, row in rules.items():
        lines.append(f"| {rule} | {row['attempts']} | {row['accuracy']:.0%} | {row['first']:.0%} | "
                     f"{row['latest']:.0%} |")
    weak = [r for r, row in rules.items() if row["latest"] < 1]
    if weak:
        lines += ["", f"Practise next: okr coach --rule {weak[0]}"]
    return "\n".join(lines)


@coach_command.command("workshop")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--parents", "parents_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="OKR file of the parent objectives, to check aligns_to ids and copied titles.")
@click.option("--profile", default=None, help="Rule profile: default or lenient.")
@click.option("-n", "count", type=click.IntRange(1, 100), default=None, help="At most N exercises.")
@format_option("md", "json")
@data_dir_option
def workshop_command(
    file: Path, parents_file: Path | None, profile: str | None, count: int | None, fmt: str, data_dir: Path | None,
) -> None:
    """Turn the flawed items of a team's own OKR FILE into rewrite exercises and run a session on them.

    Each objective or key result with a warning or error becomes one exercise. --format json prints the
    exercises instead of running the session.
    """
    from assistant.cli.review import read_parents
    from assistant.coach.display import prompt_json
    from assistant.coach.progress import new_session_id
    from assistant.coach.terminal import run_session
    from assistant.coach.workshop import SET_RULES, workshop_exercises
    from assistant.parse import load_okrs
    from assistant.policy import get_policy
    from assistant.review import check

    settings = build_settings(data_dir)
    policy = get_policy(profile or settings.profile, file=settings.policy_file)
    okr_set = load_okrs(file)
    parents = read_parents(parents_file) if parents_file is not None else []
    findings = check(okr_set, policy=policy, known_parents=parents or None)
    exercises = workshop_exercises(okr_set, findings, policy=policy, known_parents=parents, source=file.name)
    if count is not None:
        exercises = exercises[:count]
    set_level = [f for f in findings if f.severity.value != "info" and (not f.path or f.rule in SET_RULES)]
    if fmt == "json":
        rows = []
        for e in exercises:
            row = prompt_json(e).model_dump()
            row.update({"item": e.item, "path": e.path, "rules": e.rules, "explanation": e.explanation,
                        "suggestions": e.rewrites})
            rows.append(row)
        payload = {"file": str(file), "exercises": rows,
                   "set_findings": [{"rule": f.rule, "message": f.message} for f in set_level]}
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    if not exercises:
        click.echo(f"{file}: no objective or key result needs a rewrite. Nothing to practise on.")
        return
    for f in set_level:
        click.echo(f"To fix in the file itself ({f.rule}): {f.message}")
    run_session(exercises, store=_store(data_dir), session_id=new_session_id("workshop"), mode="workshop",
                title=f"Workshop on {file.name}")
