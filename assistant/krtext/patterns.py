"""Regular expressions compiled on first use.

Compiling a pattern runs Python code (``re._compiler``): the deadline pattern alone costs more than ten
milliseconds. Most patterns of the KR parser and the reviewer are needed by few texts (labels, dates, owners
written in the text), so they are compiled when first used rather than when `okr review` starts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any


class LazyPattern:
    """``re.compile(pattern, flags)``, done the first time a method is called."""

    __slots__ = ("_compiled", "_flags", "_pattern")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._pattern = pattern
        self._flags = flags
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        return self._compiled or self._compile()

    def _compile(self) -> re.Pattern[str]:
        self._compiled = re.compile(self._pattern, self._flags)
        return self._compiled

    @property
    def pattern(self) -> str:
        return self._pattern

    @property
    def flags(self) -> int:
        return self.compiled.flags

    # Each method reads ``_compiled`` itself rather than through the ``compiled`` property: these run on every
    # key result, and a property is a function call.
    def match(self, string: str, pos: int = 0) -> re.Match[str] | None:
        return (self._compiled or self._compile()).match(string, pos)

    def fullmatch(self, string: str, pos: int = 0) -> re.Match[str] | None:
        return (self._compiled or self._compile()).fullmatch(string, pos)

    def search(self, string: str, pos: int = 0) -> re.Match[str] | None:
        return (self._compiled or self._compile()).search(string, pos)

    def findall(self, string: str, pos: int = 0) -> list[Any]:
        return (self._compiled or self._compile()).findall(string, pos)

    def finditer(self, string: str, pos: int = 0) -> Iterator[re.Match[str]]:
        return (self._compiled or self._compile()).finditer(string, pos)

    def sub(self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = 0) -> str:
        return (self._compiled or self._compile()).sub(repl, string, count)

    def split(self, string: str, maxsplit: int = 0) -> list[str | Any]:
        return (self._compiled or self._compile()).split(string, maxsplit)
