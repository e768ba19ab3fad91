"""`okr review FILE|-`: the rules' critique of an OKR file, with a score and verdicts.

Exit codes: 0 when no error finding remains, 1 when one does, 2 when the input (or the policy) is unusable.
Only light modules are imported here: the review path must start fast (see benchmarks/bench_cold_start.py).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import click

from assistant.cli.common import build_settings, format_option
from assistant.okr import Level, OKRSet, Parent, ParentKeyResult

_INPUT_FORMATS = ("yaml", "json", "md", "text")


@click.command("review")
@click.argument("file", metavar="FILE|-")
@format_option("md", "json", "yaml")
@click.option("--profile", default=None, help="Rule profile: default (3-5 objectives, 2-3 KRs) or lenient.")
@click.option(
    "--policy", "policy_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="TOML or YAML policy file overriding limits and severities.",
)
@click.option(
    "--parents", "parents_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="OKR file of the parent (company/department) objectives: checks aligns_to ids and copied titles.",
)
@click.option(
    "--from", "input_fmt", type=click.Choice(_INPUT_FORMATS), default=None,
    help="Format of the input (default: from the file name, else detected).",
)
@click.option("--llm", "use_llm", is_flag=True,
              help="After the rules, a model suggests rewrites of weak items and raises what rules cannot see.")
@click.option("--backend", type=click.Choice(["auto", "openai", "local", "fake"]), default=None,
              help="The model for --llm (default: $OKR_LLM_BACKEND or auto).")
def review_command(
    file: str, fmt: str, profile: str | None, policy_file: Path | None, parents_file: Path | None,
    input_fmt: str | None, use_llm: bool, backend: str | None,
) -> None:
    """Review the OKRs in FILE (YAML, JSON, Markdown or plain text; `-` reads standard input).

    Prints the critique (Markdown, or --format json|yaml for tools) and exits 1 when a finding at error
    severity remains, 0 otherwise, 2 when the input cannot be read.
    """
    from assistant.policy import get_policy
    from assistant.review import render_report, review

    settings = build_settings()
    policy = get_policy(profile or settings.profile, file=policy_file or settings.policy_file)
    okr_set = read_okrs(file, input_fmt)
    parents = read_parents(parents_file) if parents_file is not None else None
    report = review(okr_set, policy=policy, known_parents=parents)
    if use_llm:  # the model adds findings after the rules; the exit code still follows the error findings
        from assistant.llm import build_backend
        from assistant.llm_review import review_with_llm

        llm = build_backend(settings, backend)
        report = review_with_llm(okr_set, report, llm=llm, policy=policy, known_parents=parents)
    color = fmt == "md" and _is_tty() and not os.environ.get("NO_COLOR")
    click.echo(render_report(report, fmt, color=color), nl=False, color=color)
    if report.has_errors():
        sys.exit(1)  # not ctx.exit: the group runs with standalone_mode=False, which drops its code


def _is_tty() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def read_okrs(file: str, input_fmt: str | None = None) -> OKRSet:
    """The OKR set in ``file`` (``-`` for standard input); raises the parser's ``InputError``s."""
    from assistant.parse import MAX_BYTES, load_okrs, parse_okr_bytes

    if file == "-":
        return parse_okr_bytes(sys.stdin.buffer.read(MAX_BYTES + 1), fmt=input_fmt, source="<stdin>")
    if input_fmt is None:
        return load_okrs(Path(file))
    from assistant.errors import InputError

    try:
        with open(file, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError(f"{file}: cannot be read ({exc.strerror or exc})") from None
    return parse_okr_bytes(data, fmt=input_fmt, source=file)


def read_parents(file: Path) -> list[Parent]:
    """The parents an OKR file defines: each objective (and its key results) with its id.

    Ids given in the file are kept; missing ones are derived as ``okr parents import`` derives them
    (``CO-<title slug>``, ``<objective id>.KR<n>``), so a team file can refer to either.
    """
    from assistant.parse import load_okrs

    okr_set = load_okrs(file)
    level = okr_set.level if okr_set.level is not Level.TEAM else Level.COMPANY
    used: set[str] = set()
    parents: list[Parent] = []
    for objective in okr_set.objectives:
        pid = (objective.id or "").strip() or _unique(f"{_PREFIXES[level]}-{_slug(objective.title)}", used)
        used.add(pid)
        krs = []
        for n, kr in enumerate(objective.key_results, start=1):
            kid = (kr.id or "").strip() or _unique(f"{pid}.KR{n}", used)
            used.add(kid)
            krs.append(ParentKeyResult(id=kid, text=kr.text))
        parents.append(Parent(id=pid, title=objective.title, level=level, period=okr_set.period,
                              owner=objective.owner, key_results=krs))
    return parents


# Mirrors assistant.retrieval.parents (which imports chromadb, too heavy for the review path).
_PREFIXES = {Level.COMPANY: "CO", Level.DEPARTMENT: "DE", Level.TEAM: "TE", Level.INDIVIDUAL: "IN"}
_STOPWORDS = {"a", "an", "the", "of", "to", "and", "for", "in", "on", "our", "with", "by", "be", "as", "at"}


def _slug(text: str, *, words: int = 5) -> str:
    tokens = [t for t in re.findall(r"[a-z0-9]+", text.lower()) if t not in _STOPWORDS]
    return "-".join(tokens[:words]) or "objective"


def _unique(candidate: str, used: set[str]) -> str:
    n = 2
    name = candidate
    while name in used:
        name = f"{candidate}-{n}"
        n += 1
    return name
