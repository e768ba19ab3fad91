"""The end-to-end demo: draft OKRs for a team of the sample company Quill, then review the draft.

    python -m assistant.demo --data-dir .demo-data [--team onboarding-growth] [--backend local]

Uses the knowledge base in ``--data-dir``; when it holds no strategy documents or no parents yet, the Quill
sample (``knowledge/examples/quill``) is ingested and imported first. Prints the draft (Markdown, with each
number's provenance, the citations and the trace), then the reviewer's report. Exits 1 when the draft has
error findings, and with the error's exit code when drafting fails.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from assistant.okr import DraftEvent

if TYPE_CHECKING:
    from assistant.retrieval.models import KnowledgeStore

DEFAULT_TEAM = "onboarding-growth"
DEFAULT_OBJECTIVES = 4


@click.command()
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The knowledge base to use (default: $OKR_DATA_DIR or the user data directory).")
@click.option("--team", default=DEFAULT_TEAM, show_default=True, help="Id or name of a team in Quill's teams.yaml.")
@click.option("--backend", type=click.Choice(["auto", "openai", "local", "fake"]), default="local",
              show_default=True, help="The model to draft with.")
@click.option("--objectives", type=click.IntRange(1, 10), default=DEFAULT_OBJECTIVES, show_default=True)
def main(data_dir: Path | None, team: str, backend: str, objectives: int) -> None:
    """Draft OKRs for one Quill team with the local model, print them, then review them."""
    from assistant.errors import OKRError

    try:
        errors = run(data_dir=data_dir, team=team, backend=backend, objectives=objectives)
    except OKRError as exc:
        click.secho(f"Error: {exc.message}", fg="red", err=True)
        sys.exit(exc.exit_code)
    sys.exit(1 if errors else 0)


DEMO_CALL_TIMEOUT = 900.0  # seconds per model call, unless OKR_LLM_TIMEOUT says otherwise


def run(*, data_dir: Path | None, team: str, backend: str, objectives: int) -> int:
    """Draft and review; returns the number of error findings in the draft."""
    from assistant.config import settings_from_env
    from assistant.draft.render import render_draft
    from assistant.draft.teams import request_from_team_file
    from assistant.drafting import draft_okrs
    from assistant.llm import build_backend
    from assistant.policy import get_policy
    from assistant.resources import knowledge_dir
    from assistant.retrieval.store import open_store
    from assistant.review import render_report, review

    settings = settings_from_env(data_dir=data_dir)
    if "OKR_LLM_TIMEOUT" not in os.environ:
        # The demo should finish on a slow laptop: a model call on 2 busy cores can take minutes.
        settings = settings.model_copy(update={"llm_timeout": DEMO_CALL_TIMEOUT})
    sample = knowledge_dir() / "examples" / "quill"
    store = open_store(settings)
    prepare(store, sample)
    request = request_from_team_file(sample / "teams.yaml", team, overrides={"objectives": objectives,
                                                                               "period": "2027-Q1"})
    known = store.parent_ids()
    request = request.model_copy(update={"parents": [p for p in request.parents if p in known]})
    policy = get_policy(settings.profile, file=settings.policy_file)
    llm = build_backend(settings, backend)
    click.echo(f"Drafting {objectives} objectives for {request.team} with {llm.name} ({llm.model})...", err=True)
    result = draft_okrs(request, llm=llm, store=store, policy=policy, on_event=_progress)
    click.echo(render_draft(result, "md"))
    report = review(result.okr_set, policy=policy, known_parents=store.list_parents())
    click.echo("# Review of the draft\n")
    click.echo(render_report(report, "md"))
    return sum(1 for f in report.findings if f.severity.value == "error")


def prepare(store: KnowledgeStore, sample: Path) -> None:
    """Ingest Quill's strategy and import its OKRs as parents when the store has none yet."""
    from assistant.parse import load_okrs

    if not store.list_documents():
        click.echo(f"Ingesting {sample / 'strategy'}...", err=True)
        store.ingest([sample / "strategy"])
    if not store.parent_ids():
        for name in ("company-okrs.yaml", "department-okrs.yaml"):
            if (sample / name).is_file():
                click.echo(f"Importing parents from {name}...", err=True)
                store.import_parents(load_okrs(sample / name))


def _progress(event: DraftEvent) -> None:
    """Progress to stderr; each objective in full as soon as it is drafted (the whole draft follows on stdout)."""
    if event.kind == "result":
        return
    if event.kind == "objective" and event.objective is not None:
        click.echo(f"  Objective {(event.index or 0) + 1}: {event.objective.title}", err=True)
        for kr in event.objective.key_results:
            click.echo(f"    - {kr.text}", err=True)
        return
    click.echo(f"  {event.message}", err=True)


if __name__ == "__main__":
    main()
