"""`okr draft`: draft team OKRs that fit the strategy; progress to stderr, the draft to stdout."""

from __future__ import annotations

from pathlib import Path

import click

from assistant.cli.common import build_settings, data_dir_option, format_option
from assistant.okr import DraftEvent, DraftRequest


@click.command("draft")
@click.option("--team", help="The team's name.")
@click.option("--mission", help="What the team is for, in a sentence or two.")
@click.option("--focus", multiple=True, help="A focus area for the period (repeatable).")
@click.option("--maturity", type=click.Choice(["new", "established"]), default=None,
              help="A new team drafts around forming itself; an established one around growth.  [default: established]")
@click.option("--capacity", default=None, help="Capacity notes, e.g. 'two engineers, one designer'.")
@click.option("--parent", "parents", multiple=True, help="A parent objective id to align to (repeatable).")
@click.option("--period", default=None, help="The OKR period, e.g. 2027-Q1 (default: the next quarter).")
@click.option("--objectives", type=click.IntRange(1, 10), default=None,
              help="How many objectives (default: the policy's minimum).")
@click.option("--team-file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="A teams YAML file to read the team from (with --team-name).")
@click.option("--team-name", default=None, help="Which team of --team-file to draft for.")
@click.option("--backend", type=click.Choice(["auto", "openai", "local", "fake"]), default=None,
              help="Which model to use (default: $OKR_LLM_BACKEND or auto).")
@click.option("--repair-rounds", type=click.IntRange(0, 5), default=2, show_default=True,
              help="How often an objective with error findings goes back to the model.")
@format_option("md", "json", "yaml")
@data_dir_option
def draft_command(
    team: str | None, mission: str | None, focus: tuple[str, ...], maturity: str | None, capacity: str | None,
    parents: tuple[str, ...], period: str | None, objectives: int | None, team_file: Path | None,
    team_name: str | None, backend: str | None, repair_rounds: int, fmt: str, data_dir: Path | None,
) -> None:
    """Draft OKRs for a team: aligned to parent objectives, citing the strategy passages they rest on.

    Exits 1 when the draft still has error findings after the repair rounds.
    """
    from assistant.draft.render import render_draft
    from assistant.draft.teams import request_from_team_file
    from assistant.drafting import draft_okrs
    from assistant.errors import InputError
    from assistant.llm import build_backend
    from assistant.policy import get_policy
    from assistant.retrieval.store import open_store

    if team_file is not None:
        request = request_from_team_file(team_file, team_name or team, overrides={
            "mission": mission, "focus": list(focus) or None, "maturity": maturity, "capacity": capacity,
            "parents": list(parents) or None, "period": period, "objectives": objectives,
        })
    else:
        if not team or not mission:
            raise InputError("Give the team and its mission: --team NAME --mission TEXT (or --team-file FILE "
                             "--team-name NAME).")
        request = _request(team=team, mission=mission, focus=list(focus), maturity=maturity or "established",
                           capacity=capacity, parents=list(parents), period=period, objectives=objectives)
    settings = build_settings(data_dir)
    policy = get_policy(settings.profile, file=settings.policy_file)
    store = open_store(settings)
    llm = build_backend(settings, backend)
    click.echo(f"Drafting with {llm.name} ({llm.model}) for team {request.team}...", err=True)
    result = draft_okrs(request, llm=llm, store=store, policy=policy, on_event=_progress,
                        repair_rounds=repair_rounds)
    click.echo(render_draft(result, fmt), nl=False)
    errors = sum(1 for f in result.findings if f.severity.value == "error")
    if errors:
        click.secho(f"The draft still has {errors} error finding{'s' if errors != 1 else ''}: fix them by hand, "
                    "or draft again with more --repair-rounds.", fg="yellow", err=True)
        raise click.exceptions.Exit(1)


def _request(**fields: object) -> DraftRequest:
    from pydantic import ValidationError

    from assistant.errors import InputError

    try:
        return DraftRequest.model_validate(fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(f"Invalid --{where}: {first['msg']}.") from None


def _progress(event: DraftEvent) -> None:
    if event.kind == "result":
        return
    prefix = {"step": "·", "objective": "✓", "repair": "↻"}.get(event.kind, "·")
    click.echo(f"{prefix} {event.message}", err=True)
    if event.kind == "objective" and event.objective is not None:  # shown whole as soon as it exists
        for kr in event.objective.key_results:
            click.echo(f"    - {kr.text}", err=True)
