"""`okr review FILE|-`: the rules' critique of an OKR file, with a score and verdicts.

Exit codes: 0 when no error finding remains, 1 when one does, 2 when the input (or the policy) is unusable.
Only light modules are imported here, and not even click: the review path must start fast (see
benchmarks/bench_cold_start.py). ``run_review`` does the work; the click command is built on first use, and
``assistant.cli.main`` runs the plain forms of `okr review` straight through ``fast_args`` and ``run_review``.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import stat
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.okr import Level, OKRSet, Parent, ParentKeyResult

if TYPE_CHECKING:
    import click

_FORMATS = ("md", "json", "yaml")
_INPUT_FORMATS = ("yaml", "json", "md", "text")
_BACKENDS = ("auto", "openai", "local", "fake")


def _build_command() -> click.Command:
    import click

    from assistant.cli.common import format_option

    @click.command("review")
    @click.argument("file", metavar="FILE|-")
    @format_option(*_FORMATS)
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
    @click.option("--backend", type=click.Choice(_BACKENDS), default=None,
                  help="The model for --llm (default: $OKR_LLM_BACKEND or auto).")
    def review_command(
        file: str, fmt: str, profile: str | None, policy_file: Path | None, parents_file: Path | None,
        input_fmt: str | None, use_llm: bool, backend: str | None,
    ) -> None:
        """Review the OKRs in FILE (YAML, JSON, Markdown or plain text; `-` reads standard input).

        Prints the critique (Markdown, or --format json|yaml for tools) and exits 1 when a finding at error
        severity remains, 0 otherwise, 2 when the input cannot be read.
        """
        code = run_review(file, fmt=fmt, profile=profile, policy_file=policy_file, parents_file=parents_file,
                          input_fmt=input_fmt, use_llm=use_llm, backend=backend)
        if code:
            sys.exit(code)  # not ctx.exit: the group runs with standalone_mode=False, which drops its code

    return review_command


def __getattr__(name: str) -> Any:
    if name == "review_command":  # built on first use, so that importing this module does not import click
        command = globals()["review_command"] = _build_command()
        return command
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def run_review(
    file: str, *, fmt: str = "md", profile: str | None = None, policy_file: Path | None = None,
    parents_file: Path | None = None, input_fmt: str | None = None, use_llm: bool = False,
    backend: str | None = None,
) -> int:
    """`okr review`: read ``file``, review it, print the report; the exit code (1 when an error finding remains)."""
    from assistant.policy import get_policy
    from assistant.review import render_report, review

    settings = None
    if use_llm:
        from assistant.config import settings_from_env

        settings = settings_from_env()  # what assistant.cli.common.build_settings() returns, without click
        env_profile, env_policy = settings.profile, settings.policy_file
    else:
        env_profile, env_policy = _policy_from_env()
    policy = get_policy(profile or env_profile, file=policy_file or env_policy)
    okr_set = read_okrs(file, input_fmt)
    parents = read_parents(parents_file) if parents_file is not None else None
    report = review(okr_set, policy=policy, known_parents=parents)
    if settings is not None:  # the model adds findings after the rules; the exit code still follows the errors
        from assistant.llm import build_backend
        from assistant.llm_review import review_with_llm

        llm = build_backend(settings, backend)
        report = review_with_llm(okr_set, report, llm=llm, policy=policy, known_parents=parents)
    color = fmt == "md" and _is_tty() and not os.environ.get("NO_COLOR")
    _echo(render_report(report, fmt, color=color), color=color)
    return 1 if report.has_errors() else 0


def _policy_from_env() -> tuple[str, Path | None]:
    """``Settings.profile`` and ``Settings.policy_file`` as ``settings_from_env()`` reads them (OKR_PROFILE,
    OKR_POLICY_FILE), without building ``Settings``: validating it costs the rules-only review a tenth of its
    start-up, for two strings."""
    profile = os.environ.get("OKR_PROFILE") or "default"
    policy_file = os.environ.get("OKR_POLICY_FILE")
    return profile, Path(policy_file) if policy_file else None


def _echo(text: str, *, color: bool) -> None:
    """``click.echo(text, nl=False, color=color)``; click is imported only when it would do more than write."""
    out = sys.stdout
    if "\x1b" in text or not _plain_text_stream(out):  # ANSI codes to keep or strip, or an unusual stream
        import click

        click.echo(text, nl=False, color=color)
        return
    out.write(text)
    out.flush()


def _plain_text_stream(stream: object) -> bool:
    """A stream ``click.echo`` would write to as it is: text, with a known non-ASCII encoding, not on Windows."""
    if sys.platform.startswith("win") or not isinstance(stream, io.TextIOWrapper):
        return False
    encoding, errors = stream.encoding, stream.errors
    if not encoding or not errors:
        return False
    try:
        return codecs.lookup(encoding).name != "ascii"
    except LookupError:
        return False


# The plain forms of `okr review` (FILE and the options below, in any order, `--opt value` or `--opt=value`),
# read as click reads them. Anything else - help, --llm, "--", an unknown, repeated or missing option value, a
# value click would refuse - gives None and goes through click, which then decides (or explains the error).
# Keep in step with the options of ``_build_command``.
_FAST_OPTIONS: dict[str, tuple[str, tuple[str, ...] | None]] = {  # option -> keyword, choices
    "--format": ("fmt", _FORMATS),
    "--profile": ("profile", None),
    "--policy": ("policy_file", None),
    "--parents": ("parents_file", None),
    "--from": ("input_fmt", _INPUT_FORMATS),
}
_PATH_KEYWORDS = frozenset(("policy_file", "parents_file"))


def fast_args(args: Sequence[str]) -> dict[str, Any] | None:
    """The keyword arguments of ``run_review`` for `okr review ARGS`, or None when click must read ``args``."""
    values: dict[str, Any] = {}
    file: str | None = None
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg[:1] != "-" or arg == "-":  # click: any other argument starting with "-" is an option
            if file is not None:
                return None  # an extra argument
            file = arg
            continue
        name, eq, value = arg.partition("=")
        spec = _FAST_OPTIONS.get(name)
        if spec is None or spec[0] in values:
            return None
        if not eq:
            if i == len(args):
                return None
            value = args[i]
            i += 1
        key, choices = spec
        if not value or value[:1] == "-":
            return None
        if key in _PATH_KEYWORDS:
            path = _readable_path(value)
            if path is None:
                return None
            values[key] = path
        elif choices is not None and value not in choices:
            return None
        else:
            values[key] = value
    if file is None:
        return None
    return {"file": file, **values}


def _readable_path(value: str) -> Path | None:
    """``value`` as ``click.Path(dir_okay=False, path_type=Path)`` converts it; None where click would refuse it."""
    try:
        st = os.stat(value)
    except OSError:
        return Path(value)  # a missing file is the policy reader's to report
    except ValueError:
        return None
    if stat.S_ISDIR(st.st_mode) or not os.access(value, os.R_OK):
        return None
    return Path(value)


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
