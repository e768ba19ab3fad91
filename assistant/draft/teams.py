"""Draft requests from a teams file (``teams.yaml``): one entry per team, looked up by id or name.

The file holds ``teams: [{id, name, mission, focus, maturity, capacity, suggested_parents, ...}]``; fields the
drafter does not use (department, lead, size) are ignored. ``suggested_parents`` become the request's parents.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from assistant.errors import InputError, NotFound, ParseError
from assistant.okr import DraftRequest


def load_teams(path: Path) -> list[dict[str, Any]]:
    """The team entries of ``path``.

    Raises:
        ParseError: the file is not YAML or has no ``teams`` list of mappings.
    """
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"Cannot read the teams file {path}: {exc.strerror}.") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ParseError(f"not valid YAML: {getattr(exc, 'problem', exc)}", source=str(path),
                         line=mark.line + 1 if mark else None, column=mark.column + 1 if mark else None) from None
    teams = data.get("teams") if isinstance(data, dict) else data
    if not isinstance(teams, list) or not all(isinstance(t, dict) for t in teams):
        raise ParseError("expected a `teams:` list with one mapping per team", source=str(path))
    return teams


def request_from_team_file(path: Path, team: str | None, *, overrides: Mapping[str, object] | None = None
                           ) -> DraftRequest:
    """The draft request for ``team`` (its id or name, any case) in ``path``; non-empty overrides win.

    Raises:
        NotFound: no such team (the message lists the ones there are).
        InputError: the entry (with overrides) is not a valid request.
    """
    teams = load_teams(path)
    if not team:
        raise InputError(f"Name the team to draft for with --team-name; {path} has: {_names(teams)}.")
    wanted = team.strip().lower()
    entry = next((t for t in teams if wanted in {str(t.get("id", "")).lower(), str(t.get("name", "")).lower()}),
                 None)
    if entry is None:
        raise NotFound(f"No team {team!r} in {path}; it has: {_names(teams)}.")
    fields: dict[str, object] = {
        "team": entry.get("name") or entry.get("id"),
        "mission": " ".join(str(entry.get("mission") or "").split()),
        "focus": [str(f) for f in entry.get("focus") or []],
        "maturity": entry.get("maturity") or "established",
        "capacity": " ".join(str(entry.get("capacity") or "").split()) or None,
        "parents": [str(p) for p in entry.get("suggested_parents") or entry.get("parents") or []],
    }
    fields.update({k: v for k, v in (overrides or {}).items() if v is not None})
    try:
        return DraftRequest.model_validate(fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(f"{path}: team {team!r}: {where}: {first['msg']}.") from None


def _names(teams: list[dict[str, Any]]) -> str:
    return ", ".join(str(t.get("name") or t.get("id")) for t in teams) or "no teams"
