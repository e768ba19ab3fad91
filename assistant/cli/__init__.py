"""The `okr` command. Subcommands live in their own modules and are imported only when run,
so `okr review` never pays for chromadb, langchain or llama.cpp.

click itself is imported on first use too (``cli`` and ``LazyGroup`` are built then): the plain forms of
`okr review` run without it (``assistant.cli.review.fast_args``), since importing click is a tenth of their
start-up time. They behave as the click command does, error messages and exit codes included.
"""

from __future__ import annotations

import errno
import importlib
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import click

    cli: click.Group

# command name -> "module:attribute" (relative to assistant.cli)
COMMANDS: dict[str, tuple[str, str]] = {
    "review": ("review", "Review an OKR file against the rules and print the critique."),
    "rules": ("rules", "List the review rules, or explain one."),
    "ingest": ("ingest", "Add strategy documents to the knowledge base."),
    "docs": ("ingest", "List or remove stored documents."),
    "search": ("ingest", "Search the knowledge base."),
    "parents": ("parents", "Import, list and suggest parent objectives."),
    "model": ("model", "Show or install the embedded local model."),
    "draft": ("draft", "Draft team OKRs that fit the strategy."),
    "coach": ("coach", "Practise writing OKRs with graded exercises."),
    "serve": ("serve", "Run the HTTP API and web pages."),
    "eval": ("eval", "Measure the reviewer, retrieval and drafter."),
}


def _build() -> None:
    import click

    class LazyGroup(click.Group):
        def list_commands(self, ctx: click.Context) -> list[str]:
            return sorted(COMMANDS)

        def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
            entry = COMMANDS.get(cmd_name)
            if entry is None:
                return None
            module = importlib.import_module(f"assistant.cli.{entry[0]}")
            command = getattr(module, f"{cmd_name}_command", None)
            return command if isinstance(command, click.Command) else None

        def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
            rows = [(name, COMMANDS[name][1]) for name in sorted(COMMANDS)]
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    @click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
    @click.option("--debug", is_flag=True, help="Show tracebacks for unexpected errors.")
    @click.version_option(package_name="okr-assistant", prog_name="okr")
    @click.pass_context
    def cli(ctx: click.Context, debug: bool) -> None:
        """okr-assistant: draft OKRs that fit your strategy, and review them against SMART rules."""
        ctx.ensure_object(dict)
        ctx.obj["debug"] = debug

    globals().update(cli=cli, LazyGroup=LazyGroup)


def __getattr__(name: str) -> Any:
    if name in ("cli", "LazyGroup"):
        _build()
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main(argv: list[str] | None = None) -> None:
    """Entry point: one boundary that turns errors into messages and exit codes."""
    from assistant.errors import OKRError

    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        rc = _run(args)
        if isinstance(rc, int) and rc:
            sys.exit(rc)
    except OKRError as exc:
        if debug:
            raise
        import click

        click.secho(f"Error: {exc.message}", fg="red", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        import click

        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except Exception as exc:
        import click

        if isinstance(exc, click.exceptions.Abort):
            click.echo("Aborted.", err=True)
            sys.exit(130)
        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if isinstance(exc, click.exceptions.Exit):
            sys.exit(exc.exit_code)
        if isinstance(exc, BrokenPipeError):
            sys.exit(0)
        if debug:
            raise
        click.secho(
            f"Internal error: {type(exc).__name__}: {exc}. Run again with `okr --debug ...` for details, "
            "and report it if it persists.",
            fg="red",
            err=True,
        )
        sys.exit(1)


def _run(args: list[str]) -> object:
    rest = args[1:] if args[:1] == ["--debug"] else args
    if rest[:1] == ["review"] and not os.environ.get("_OKR_COMPLETE"):  # click's shell-completion switch
        from assistant.cli import review

        options = review.fast_args(rest[1:])
        if options is not None:
            return _as_click_main(lambda: review.run_review(**options))
    group: click.Group = __getattr__("cli")
    return group.main(args=args, prog_name="okr", standalone_mode=False)


def _as_click_main(command: Callable[[], int]) -> int:
    """Run ``command`` as ``click.Group.main(standalone_mode=False)`` runs one: the same exceptions come out."""
    try:
        return command()
    except (EOFError, KeyboardInterrupt) as exc:
        import click

        click.echo(file=sys.stderr)
        raise click.exceptions.Abort() from exc
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            raise
        from click.utils import _PacifyFlushWrapper

        sys.stdout = _PacifyFlushWrapper(sys.stdout)
        sys.stderr = _PacifyFlushWrapper(sys.stderr)
        sys.exit(1)
