"""The one Jinja2 environment for prompts.

Templates live in ``prompts/`` (shipped inside the wheel), named ``<task>.<role>.j2`` and starting with a
comment that lists their inputs. ``StrictUndefined`` makes a missing variable an error, never an empty string,
and there is no autoescaping: prompts are plain text, not HTML (the web pages have their own environment).
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jinja2 import Environment

_HEADER = re.compile(r"\{#-?(?P<body>.*?)-?#\}", re.DOTALL)


@cache
def prompt_environment() -> Environment:
    """The shared prompt environment (built on first use, then cached)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    from assistant.resources import prompts_dir

    env = Environment(
        loader=FileSystemLoader(str(prompts_dir())),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["fence"] = fence
    return env


def render_prompt(name: str, /, **context: object) -> str:
    """Render the template ``name`` (e.g. ``"draft.objective.j2"``) with ``context``.

    Raises ``jinja2.UndefinedError`` when the template uses a variable the context lacks.
    """
    template = prompt_environment().get_template(name)
    return template.render(**context).strip() + "\n"


def list_prompts() -> list[str]:
    """Names of every shipped prompt template."""
    return sorted(n for n in prompt_environment().list_templates() if n.endswith(".j2"))


def prompt_inputs(name: str) -> list[str]:
    """The inputs a template declares in its leading comment: one ``name: what it is`` line each after ``inputs:``."""
    from assistant.resources import prompts_dir

    source = (prompts_dir() / name).read_text(encoding="utf-8")
    match = _HEADER.match(source.lstrip())
    if match is None or "inputs:" not in match.group("body"):
        return []
    body = match.group("body").split("inputs:", 1)[1]
    return re.findall(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*:", body, flags=re.MULTILINE)


def fence(text: object) -> str:
    """Neutralise anything in retrieved or user text that could close or forge a data block.

    Passages are wrapped in ``<passage>`` tags; a document that contains ``</passage>`` (or any other tag of
    ours) would otherwise end the block early and smuggle its remaining text in as instructions.
    """
    value = str(text)
    value = re.sub(r"</?\s*(passage|passages|data|request|draft|item|items)\b[^>]*>", "[tag removed]", value,
                   flags=re.IGNORECASE)
    return value.replace("```", "'''")
