"""The shipped knowledge pages the web app shows: one page per rule, and the OKR method guide."""

from __future__ import annotations

import re
from pathlib import Path

from assistant.errors import ConfigError, NotFound
from assistant.resources import knowledge_dir
from assistant.review.catalogue import rule_info

_GUIDE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,80}$")


def rule_page(rule_id: str) -> str:
    """The Markdown of ``knowledge/rules/<id>.md``.

    Raises:
        UnknownRule: no rule has this id.
        ConfigError: the installation lacks the page.
    """
    info = rule_info(rule_id)  # validates the id before it becomes part of a path
    path = knowledge_dir() / "rules" / f"{info.id}.md"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        raise ConfigError(
            f"The page for rule {info.id} (knowledge/rules/{info.id}.md) is missing from this installation; "
            "reinstall okr-assistant."
        ) from None


def guide_pages() -> list[tuple[str, str]]:
    """(name, title) of every guide page, by name."""
    root = knowledge_dir() / "guide"
    pages = []
    for path in sorted(root.glob("*.md")):
        pages.append((path.stem, _title(path)))
    return pages


def guide_page(name: str) -> str:
    """The Markdown of ``knowledge/guide/<name>.md``.

    Raises:
        NotFound: no guide page has this name.
    """
    if not _GUIDE_NAME.match(name):
        raise NotFound(f"No guide page {name!r}.")
    path = knowledge_dir() / "guide" / f"{name}.md"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        raise NotFound(f"No guide page {name!r}: see /rules for the rule pages.") from None


def _title(path: Path) -> str:
    try:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("# "):
                    return line[2:].strip()
    except OSError:
        pass
    return path.stem.replace("-", " ").capitalize()
