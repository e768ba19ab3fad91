"""Ids of parent objectives: given in the OKR file, or derived from it. Light: no chromadb, no model.

An objective without an id gets its level prefix and a slug of its title (``CO-grow-enterprise-revenue``);
a key result without one gets ``<objective id>.KR<n>``. The reviewer uses the same ids to check links.
"""

from __future__ import annotations

import re

from assistant.errors import InputError
from assistant.okr import Level, OKRSet, Parent, ParentKeyResult

PREFIXES = {Level.COMPANY: "CO", Level.DEPARTMENT: "DE", Level.TEAM: "TE", Level.INDIVIDUAL: "IN"}
_STOPWORDS = {"a", "an", "the", "of", "to", "and", "for", "in", "on", "our", "with", "by", "be", "as", "at"}


def slug(text: str, *, words: int = 5) -> str:
    tokens = [t for t in re.findall(r"[a-z0-9]+", text.lower()) if t not in _STOPWORDS]
    return "-".join(tokens[:words]) or "objective"


def parents_from(okr_set: OKRSet, *, level: Level | None = None) -> list[Parent]:
    """The parents an OKR set defines, with ids given or derived (unique within the set).

    Raises:
        InputError: the set has no objectives, or gives the same id twice.
    """
    if not okr_set.objectives:
        raise InputError("the file defines no objectives to import as parents")
    level = level or okr_set.level
    used: set[str] = set()
    parents: list[Parent] = []
    for objective in okr_set.objectives:
        given = (objective.id or "").strip()
        if given and given in used:
            raise InputError(f"the id {given!r} is given to two objectives: ids must be unique")
        pid = given or _unique(f"{PREFIXES[level]}-{slug(objective.title)}", used)
        used.add(pid)
        key_results: list[ParentKeyResult] = []
        for n, kr in enumerate(objective.key_results, start=1):
            kr_given = (kr.id or "").strip()
            if kr_given and kr_given in used:
                raise InputError(f"the id {kr_given!r} is given twice: ids must be unique")
            kid = kr_given or _unique(f"{pid}.KR{n}", used)
            used.add(kid)
            key_results.append(ParentKeyResult(id=kid, text=kr.text))
        parents.append(
            Parent(
                id=pid, title=objective.title, level=level, period=okr_set.period, owner=objective.owner,
                key_results=key_results,
            )
        )
    return parents


def _unique(candidate: str, used: set[str]) -> str:
    if candidate not in used:
        return candidate
    n = 2
    while f"{candidate}-{n}" in used:
        n += 1
    return f"{candidate}-{n}"
