"""`okr parents import|list|suggest`: the company and department objectives team OKRs align to."""

from __future__ import annotations

import json
from pathlib import Path

import click

from assistant.cli.common import build_settings, data_dir_option, format_option


@click.group("parents")
def parents_command() -> None:
    """Import, list and suggest parent objectives."""


@parents_command.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--level", type=click.Choice(["company", "department", "team", "individual"]), default=None,
    help="The level of these objectives (default: the level the file states).",
)
@data_dir_option
def parents_import(file: Path, level: str | None, data_dir: Path | None) -> None:
    """Import the objectives of an OKR file (YAML, JSON, Markdown or text) as parents.

    Ids given in the file are kept; others are derived from the titles. Importing the same set again
    (same level, team and period) replaces it.
    """
    from assistant.okr import Level
    from assistant.parse import load_okrs
    from assistant.retrieval.store import open_store

    okr_set = load_okrs(file)
    store = open_store(build_settings(data_dir))
    parents = store.import_parents(okr_set, level=Level(level) if level else None)
    krs = sum(len(p.key_results) for p in parents)
    click.echo(f"Imported {len(parents)} parent objectives with {krs} key results from {file}:")
    for parent in parents:
        click.echo(f"  {parent.id}  {parent.title}")


@parents_command.command("list")
@format_option("md", "json")
@data_dir_option
def parents_list(fmt: str, data_dir: Path | None) -> None:
    """List the parent objectives and their key results, with their ids."""
    from assistant.retrieval.store import open_store

    parents = open_store(build_settings(data_dir)).list_parents()
    if fmt == "json":
        rows = [
            {
                "id": p.id, "title": p.title, "level": p.level.value, "period": p.period,
                "key_results": [{"id": kr.id, "text": kr.text} for kr in p.key_results],
            }
            for p in parents
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    if not parents:
        click.echo("No parent objectives yet: add them with `okr parents import FILE`.")
        return
    for parent in parents:
        details = ", ".join(x for x in (parent.level.value, parent.period, parent.owner) if x)
        click.echo(f"{parent.id}  {parent.title}  ({details})")
        for kr in parent.key_results:
            click.echo(f"    {kr.id}  {kr.text}")


@parents_command.command("suggest")
@click.argument("text")
@click.option("-k", "k", type=click.IntRange(1, 50), default=5, show_default=True, help="How many parents.")
@format_option("md", "json")
@data_dir_option
def parents_suggest(text: str, k: int, fmt: str, data_dir: Path | None) -> None:
    """Rank the parent objectives by how close they are in meaning to TEXT (e.g. a team's mission)."""
    from assistant.errors import InputError
    from assistant.retrieval.store import open_store

    if not text.strip():
        raise InputError("Say what the team does: `okr parents suggest \"our mission...\"`.")
    matches = open_store(build_settings(data_dir)).suggest_parents(text, k=k)
    if fmt == "json":
        click.echo(json.dumps([m.model_dump() for m in matches], indent=2))
        return
    if not matches:
        click.echo("No parent objectives yet: add them with `okr parents import FILE`.")
        return
    for n, match in enumerate(matches, start=1):
        click.echo(f"{n}. [{match.score:.3f}] {match.id}  {match.title}")
