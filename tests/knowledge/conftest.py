"""Fixtures for the built-in knowledge tests: folder paths, a Markdown heading reader, the document builder."""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from assistant.resources import knowledge_dir

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


def read_headings(text: str) -> list[tuple[int, str]]:
    """ATX headings of a Markdown text as (level, title), skipping fenced code blocks."""
    found: list[tuple[int, str]] = []
    in_fence = False
    for line in text.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        match = _HEADING.match(line)
        if match:
            found.append((len(match.group(1)), match.group(2)))
    return found


@pytest.fixture(scope="session")
def knowledge() -> Path:
    return knowledge_dir()


@pytest.fixture(scope="session")
def quill(knowledge: Path) -> Path:
    return knowledge / "examples" / "quill"


@pytest.fixture(scope="session")
def headings_of() -> Callable[[str], list[tuple[int, str]]]:
    return read_headings


@pytest.fixture(scope="session")
def builder(knowledge: Path) -> ModuleType:
    """``knowledge/examples/build_documents.py`` imported as a module."""
    path = knowledge / "examples" / "build_documents.py"
    spec = importlib.util.spec_from_file_location("quill_build_documents", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve string annotations through sys.modules
    spec.loader.exec_module(module)
    return module
