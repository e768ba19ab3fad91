"""Where one key result bundles separate results: "Increase signups by 20% and reduce churn to 3%".

``segments`` cuts a text where it joins results (" and ", "; ", ", reduce ..."), ranges kept whole;
``compound_parts`` keeps the cut only when the parts are results of their own (``kr-compound``), a deadline
written first ("By Q2, ...") joined back to what it dates.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Final

from assistant.krtext.model import DATE, SYM, WORD
from assistant.krtext.patterns import LazyPattern
from assistant.krtext.tokens import tokenize
from assistant.review import lexicon as lx
from assistant.review.language import is_name_number

if TYPE_CHECKING:
    from assistant.review.context import KRContext

_JOINTS: Final = (" and ", "&", ";", " plus ", " as well as ", " while ", ", ")
_BETWEEN_RE: Final = LazyPattern(r"\bbetween\s+\S+\s+and\s+", re.IGNORECASE)
_SPLIT_RE: Final = LazyPattern(
    r"\s+(?:and|&|plus|as well as|and also)\s+|\s*;\s*"
    r"|,?\s+while\s+(?=(?:reduc|increas|grow|improv|cut|rais|lower|doubl|halv|decreas|boost))",
    re.IGNORECASE,
)
_DIGIT_RE: Final = LazyPattern(r"\d")


def segments(text: str, *, lower: str | None = None) -> list[str]:
    """``text`` split where it joins separate results ("... and ...", "; ", ", reduce ..."), ranges kept whole.

    ``lower`` is ``text.lower()`` when the caller has it already.
    """
    low = text.lower() if lower is None else lower
    for joint in _JOINTS:
        if joint in low:
            break
    else:
        return [text]
    out: list[str] = []
    for part in _SPLIT_RE.split(_BETWEEN_RE.sub("between ", text)):
        pieces = part.split(", ")
        current = pieces[0]
        for piece in pieces[1:]:
            first = piece.split(None, 1)[0].lower() if piece.strip() else ""
            if lx.verb_base(first) is not None and not first.endswith(("ed", "ing")):
                out.append(current)
                current = piece
            else:
                current = f"{current}, {piece}"
        out.append(current)
    return [s for s in out if s.strip()]


def compound_parts(k: KRContext) -> list[str] | None:
    """The separate results of a compound key result, each written as a key result; None if it is single."""
    parts = segments(k.text, lower=k.reading.lower)
    if len(parts) < 2:
        return None
    first = parts[0].split(None, 1)
    if first and first[0].lower() in _DEADLINE_WORDS:  # a deadline written first ("By Q2, ...", "In 2027, ...")
        parts = _join_deadlines(parts)
        if len(parts) < 2:
            return None
    numbered = [_has_number(p) for p in parts]
    words = [lx.tokens(p) for p in parts]
    metricish = [n or any(w in lx.METRIC_NOUNS or w in lx.OUTCOME_NOUNS for w in ws) for n, ws in zip(numbered, words, strict=True)]
    starts_verb = [bool(ws) and lx.verb_base(ws[0]) is not None for ws in words]
    hits = sum(numbered)
    own_clause = any(
        starts_verb[i] and metricish[i] and metricish[i - 1] and (starts_verb[i - 1] or numbered[i - 1])
        for i in range(1, len(parts))
    )
    if hits < 2 and not own_clause:
        return None
    lead = k.reading.lead
    out: list[str] = []
    for part, ws, verb in zip(parts, words, starts_verb, strict=True):
        text = part.strip(" ,.")
        if not verb and lead and ws and (ws[0][0].isdigit() or text[:1] in "$€£"):
            text = f"{lead.capitalize()} {text}"
        out.append(text[:1].upper() + text[1:])
    return out


def _join_deadlines(parts: list[str]) -> list[str]:
    """``parts`` with each part that is only a deadline ("By 2027-03-31", "In Q2") joined to the part after it.

    "By 2027-03-31, increase NPS from 30 to 45" is one result with its date written first, not two results.
    """
    out: list[str] = []
    carry = ""
    for part in parts:
        if _deadline_only(part):
            carry = f"{carry}{part}, "
            continue
        out.append(f"{carry}{part}" if carry else part)
        carry = ""
    if carry and out:
        out[-1] = f"{out[-1]} ({carry.rstrip(', ')})"
    return out


_DEADLINE_WORDS: Final = lx.words("by in within before until till through during over the end of ends next this")


@lru_cache(maxsize=1024)
def _deadline_only(part: str) -> bool:
    tokens = tokenize(part.strip(" ,.:;")).tokens
    if not any(t.kind == DATE for t in tokens):
        return False
    return all(t.kind == DATE or t.kind == SYM or (t.kind == WORD and t.low in _DEADLINE_WORDS) for t in tokens)


def _has_number(text: str) -> bool:
    return any(not is_name_number(text, m.start()) for m in _DIGIT_RE.finditer(text) if
               m.start() == 0 or (not text[m.start() - 1].isdigit() and text[m.start() - 1] not in ",."))
