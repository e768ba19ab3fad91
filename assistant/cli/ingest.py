"""`okr ingest`, `okr docs list|remove` and `okr search`: the knowledge base from the command line.

Results go to stdout (Markdown for people, ``--format json`` for tools); progress goes to stderr.
"""

from __future__ import annotations

import glob
import json
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from assistant.cli.common import build_settings, data_dir_option, format_option

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

    from assistant.retrieval.models import Hit, IngestSummary

_GLOB_CHARS = set("*?[")


def expand_paths(arguments: tuple[str, ...]) -> list[Path]:
    """Paths from the command line; quoted globs (``"docs/**/*.md"``) are expanded here."""
    paths: list[Path] = []
    for argument in arguments:
        path = Path(argument).expanduser()
        if not path.exists() and _GLOB_CHARS & set(argument):
            matches = sorted(glob.glob(str(path), recursive=True))
            if matches:
                paths.extend(Path(m) for m in matches)
                continue
        paths.append(path)
    return paths


class _Progress:
    """A progress bar on stderr, created when the run knows how many files it has.

    It is also where Ctrl-C stops the run. Python raises ``KeyboardInterrupt`` wherever the main thread happens
    to be, and in a finaliser (``__del__``, of which the store runs many) it is printed and dropped: the ingest
    then ran to the end and exited 0. So the first Ctrl-C only asks to stop, and the next file's progress raises
    it, in the ingest's own code, between two writes. A second Ctrl-C interrupts at once.
    """

    def __init__(self) -> None:
        self._bar: ProgressBar[int] | None = None
        self._done = 0
        self.stop_asked = False

    def ask_to_stop(self, signum: int, frame: object) -> None:
        if self.stop_asked:
            raise KeyboardInterrupt
        self.stop_asked = True
        click.echo("\nStopping after the file being written (Ctrl-C again to stop at once).", err=True)

    def __call__(self, name: str, done: int, total: int) -> None:
        if self.stop_asked:
            raise KeyboardInterrupt
        if self._bar is None:
            self._bar = click.progressbar(
                length=total, label="Ingesting", file=sys.stderr, show_pos=True
            )
            self._bar.__enter__()
        self._bar.label = f"Ingesting {name[-40:]}"
        self._bar.update(done - self._done)
        self._done = done

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)


def render_summary(summary: IngestSummary) -> str:
    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    lines = [
        f"Ingested {plural(len(summary.ingested), 'document')} ({summary.chunks_added} passages added, "
        f"{summary.chunks_removed} removed); {len(summary.unchanged)} unchanged; "
        f"{len(summary.skipped)} skipped.",
    ]
    if summary.ingested:
        lines += ["", "Ingested:", *(f"  - {name}" for name in summary.ingested)]
    if summary.unchanged:
        lines += ["", "Unchanged:", *(f"  - {name}" for name in summary.unchanged)]
    if summary.skipped:
        lines += ["", "Skipped:", *(f"  - {item.path}: {item.reason}" for item in summary.skipped)]
    return "\n".join(lines) + "\n"


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True)
@format_option("md", "json")
@data_dir_option
def ingest_command(paths: tuple[str, ...], fmt: str, data_dir: Path | None) -> None:
    """Add strategy documents (Markdown, text, PDF, DOCX, HTML) to the knowledge base.

    PATHS are files, folders (walked recursively) or globs. Unchanged documents are not embedded again;
    a changed one replaces its old passages. Exits 1 when any file was skipped (the reasons are listed).
    """
    from assistant.retrieval.store import open_store

    store = open_store(build_settings(data_dir))
    progress = _Progress()
    previous = signal.signal(signal.SIGINT, progress.ask_to_stop)
    try:
        summary = store.ingest(expand_paths(paths), progress=progress)
    finally:
        signal.signal(signal.SIGINT, previous)
        progress.close()
    if progress.stop_asked:
        raise KeyboardInterrupt  # asked after the last file: the run is whole, but the user wanted it stopped
    if fmt == "json":
        click.echo(summary.model_dump_json(indent=2))
    else:
        click.echo(render_summary(summary), nl=False)
    if summary.skipped:
        raise click.exceptions.Exit(1)


@click.group("docs")
def docs_command() -> None:
    """List or remove stored documents."""


@docs_command.command("list")
@format_option("md", "json")
@data_dir_option
def docs_list(fmt: str, data_dir: Path | None) -> None:
    """List the stored documents with their ids and passage counts."""
    from assistant.retrieval.store import open_store

    documents = open_store(build_settings(data_dir)).list_documents()
    if fmt == "json":
        click.echo(json.dumps([d.model_dump() for d in documents], indent=2))
        return
    if not documents:
        click.echo("No documents yet: add some with `okr ingest PATH...`.")
        return
    width = max(len(d.id) for d in documents)
    for doc in documents:
        click.echo(f"{doc.id:<{width}}  {doc.chunks:>5} passages  {doc.document}")


@docs_command.command("remove")
@click.argument("document_id")
@data_dir_option
def docs_remove(document_id: str, data_dir: Path | None) -> None:
    """Remove a document (by the id `okr docs list` shows) and all its passages."""
    from assistant.retrieval.store import open_store

    removed = open_store(build_settings(data_dir)).remove_document(document_id)
    click.echo(f"Removed {document_id} ({removed} passage{'' if removed == 1 else 's'}).")


def render_hits(hits: list[Hit]) -> str:
    if not hits:
        return "No passages found: is the knowledge base empty? Add documents with `okr ingest PATH...`.\n"
    blocks: list[str] = []
    for n, hit in enumerate(hits, start=1):
        where = f"{hit.document} › {hit.heading}" if hit.heading else hit.document
        text = " ".join(hit.text.split())
        if len(text) > 400:
            text = text[:399].rstrip() + "…"
        blocks.append(f"{n}. [{hit.score:.3f}] {where}\n   id: {hit.chunk_id}\n   {text}")
    return "\n\n".join(blocks) + "\n"


@click.command("search")
@click.argument("query")
@click.option("-k", "k", type=click.IntRange(1, 100), default=5, show_default=True, help="How many passages.")
@click.option("--guide", is_flag=True, help="Search the built-in OKR guide instead of your documents.")
@format_option("md", "json")
@data_dir_option
def search_command(query: str, k: int, guide: bool, fmt: str, data_dir: Path | None) -> None:
    """Find the passages closest in meaning to QUERY."""
    from assistant.errors import InputError
    from assistant.retrieval.store import open_store

    if not query.strip():
        raise InputError("The search query is empty: say what you are looking for.")
    store = open_store(build_settings(data_dir))
    search: Callable[..., list[Hit]] = store.search_guide if guide else store.search
    hits = search(query, k=k)
    if fmt == "json":
        click.echo(json.dumps([h.model_dump() for h in hits], indent=2))
    else:
        click.echo(render_hits(hits), nl=False)
