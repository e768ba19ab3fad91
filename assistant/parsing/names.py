"""The names people give OKR fields in YAML and JSON ('krs', 'key results', 'objective', 'quarter', ...)."""

from __future__ import annotations

import re
from functools import lru_cache

# canonical field -> the names people write for it (compared after normalise_key)
SET_KEYS = {
    "team": ("team", "team_name", "squad", "tribe"),
    "period": ("period", "quarter", "cycle", "timeframe", "time_frame", "time_period", "okr_period"),
    "level": ("level",),
    "objectives": ("objectives", "okrs", "goals", "objective_list"),
}
OBJECTIVE_KEYS = {
    "title": ("title", "objective", "name", "goal", "statement", "summary", "text"),
    "id": ("id", "key", "ref", "code"),
    "aligns_to": ("aligns_to", "aligned_to", "align_to", "alignment", "parent", "parent_id",
                  "parent_objective", "supports", "contributes_to"),
    "owner": ("owner", "owners", "dri", "responsible", "accountable", "lead", "assignee", "owned_by"),
    "rationale": ("rationale", "why", "description", "context", "purpose"),
    "key_results": ("key_results", "krs", "kr", "keyresults", "results", "measures"),
}
KR_KEYS = {
    "text": ("text", "kr", "key_result", "title", "description", "name", "result", "statement", "summary"),
    "id": ("id", "key", "ref", "code"),
    "owner": OBJECTIVE_KEYS["owner"],
    "baseline": ("baseline", "from", "start", "starting_value", "start_value", "current", "initial"),
    "target": ("target", "to", "goal", "target_value", "end_value"),
    "unit": ("unit", "units", "uom"),
    "due": ("due", "due_date", "deadline", "by", "target_date", "date"),
    "metric": ("metric", "measure", "kpi"),
    "direction": ("direction",),
    "sources": ("sources", "citations"),
    "numbers": ("numbers",),
}
ALIGNMENT_KEYS = {"id": ("id", "parent", "ref"), "kind": ("kind", "parent_kind"), "type": ("type", "alignment_type")}


def _by_name(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """name -> canonical field: the table the parser looks a (normalised) key up in."""
    return {name: canonical for canonical, names in table.items() for name in names}


SET_FIELDS = _by_name(SET_KEYS)
OBJECTIVE_FIELDS = _by_name(OBJECTIVE_KEYS)
KR_FIELDS = _by_name(KR_KEYS)
ALIGNMENT_FIELDS = _by_name(ALIGNMENT_KEYS)
ID_LIKE = re.compile(r"^[A-Za-z]{0,6}[\s\-_.]?\d+(?:[.\-]\d+)*[a-z]?$")


@lru_cache(maxsize=1024)
def normalise_key(key: str) -> str:
    """'Key Results', 'keyResults', 'key-results' -> 'key_results'. Cached: a file spells the same few keys
    over and over."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", key.strip())
    return re.sub(r"[\s\-]+", "_", spaced).lower().strip("_")
