"""The `okr` command. Subcommands live in their own modules and are imported only when run,
so `okr review` never pays for chromadb, langchain or llama.cpp."""

from __future__ import annotations

import importlib
import sys

import click

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


def main(argv: list[str] | None = None) -> None:
    """Entry point: one boundary that turns errors into messages and exit codes."""
    from assistant.errors import OKRError

    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        rc = cli.main(args=args, prog_name="okr", standalone_mode=False)
        if isinstance(rc, int) and rc:
            sys.exit(rc)
    except OKRError as exc:
        if debug:
            raise
        click.secho(f"Error: {exc.message}", fg="red", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:
        if debug:
            raise
        click.secho(
            f"Internal error: {type(exc).__name__}: {exc}. Run again with `okr --debug ...` for details, "
            "and report it if it persists.",
            fg="red",
            err=True,
        )
        sys.exit(1)
