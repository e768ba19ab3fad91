"""Provenance: where every number in a drafted key result comes from, and no invented baseline as fact.

A number is ``sourced`` when it appears in a passage the key result cites (compared as parsed values, with
compatible units) *and* the sentence holding it is about the same thing: it shares two words with the key
result's metric, or the metric's last word, and it names no other region or segment than the key result (a US
figure is not an EU baseline). A number from a retrieved passage the model forgot to cite is accepted on the
same terms and the passage is added to the key result's sources. ``given`` means the number is in the user's
request, or in the parent objective the draft aligns to (the company's own stated figures) on the same terms as
a passage. Anything else is ``proposed``.

A proposed *target* is honest: targets are proposals by nature, and the tag says so. A proposed *baseline*
would state an invented starting point as fact, so the text is rewritten: the number is replaced with
"a baseline to be established" (the KR parser reads that as an unknown baseline), and the number is gone
from the key result.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.draft.context import Passage
from assistant.krparse import NumberMention, numbers_in, parse_kr_text
from assistant.okr import NumberRef, NumberRole, Provenance

BASELINE_PLACEHOLDER = "a baseline to be established"

_SCOPES: dict[str, str] = {
    word: group
    for group, words in {
        "us": "us usa u.s. american america north-american",
        "eu": "eu europe european emea",
        "uk": "uk britain british",
        "dach": "dach germany german austria swiss switzerland",
        "france": "france french",
        "nordics": "nordics nordic",
        "apac": "apac asia asian japan japanese australia",
        "latam": "latam brazil mexico",
        "canada": "canada canadian",
        "enterprise": "enterprise enterprises",
        "smb": "smb smbs small-business",
    }.items()
    for word in words.split()
}
_TOKEN = re.compile(r"[A-Za-z][A-Za-z.-]*")
_GENERIC = frozenset(
    {
        "raise", "increase", "grow", "reduce", "decrease", "cut", "lower", "lift", "improve", "boost", "reach",
        "achieve", "maintain", "keep", "hold", "from", "to", "by", "the", "a", "an", "of", "in", "on", "for",
        "with", "at", "per", "our", "and", "or", "end", "baseline", "established", "target", "within", "least",
        "than", "more", "less", "new", "rate", "share", "number", "percent", "weekly", "monthly", "daily",
        "quarter",
    }
)


@dataclass
class TaggedKeyResult:
    """A key result's final text, its tagged numbers, its sources, and what was changed."""

    text: str
    numbers: list[NumberRef]
    sources: list[str]
    notes: list[str] = field(default_factory=list)


def request_numbers(texts: Sequence[str]) -> list[NumberMention]:
    """Every number mention in ``texts`` (the user's mission, focus and capacity; a parent's key results)."""
    return [mention for text in texts if text for mention in numbers_in(text)]


def tag_key_result(
    text: str,
    *,
    cited: Sequence[Passage],
    retrieved: Sequence[Passage],
    given: Sequence[NumberMention],
    stated: Sequence[str] = (),
    request_text: str = "",
    period: str | None = None,
) -> TaggedKeyResult:
    """Tag each number of ``text``; rewrite an unsupported baseline so it is not stated as fact.

    Args:
        cited: passages the key result (or its objective) cites.
        retrieved: every other passage shown to the model for this objective.
        given: number mentions in the user's request: given wherever they appear.
        stated: the parent's title and key results: a number in them is given when the sentence holding it is
            about the key result's metric (the parent's 12% of referred accounts is no certification rate).
        request_text: the request's words, whose region or segment applies when the key result names none.
    """
    notes: list[str] = []
    current = text
    for _ in range(3):  # each pass removes at least one invented baseline
        tagged = _tag(current, cited=cited, retrieved=retrieved, given=given, stated=stated,
                      request_text=request_text, period=period)
        invented = [
            (mention, ref) for mention, ref in tagged
            if ref.role is NumberRole.BASELINE and ref.provenance is Provenance.PROPOSED
        ]
        if not invented:
            sources = _unique([p.chunk_id for p in cited] + [r.chunk_id for _, r in tagged if r.chunk_id])
            return TaggedKeyResult(current, [ref for _, ref in tagged], sources, notes)
        mention = invented[0][0]
        notes.append(f"baseline {mention.raw} appears in no cited passage nor in the request: replaced with "
                     f"'{BASELINE_PLACEHOLDER}'")
        current = replace_baseline(current, mention)
    tagged = _tag(current, cited=cited, retrieved=retrieved, given=given, stated=stated, request_text=request_text,
                  period=period)
    sources = _unique([p.chunk_id for p in cited] + [r.chunk_id for _, r in tagged if r.chunk_id])
    return TaggedKeyResult(current, [ref for _, ref in tagged], sources, notes)


def replace_baseline(text: str, mention: NumberMention) -> str:
    """``text`` with the baseline ``mention`` (its raw span: sign, scale and unit included) replaced."""
    return f"{text[: mention.start]}{BASELINE_PLACEHOLDER}{text[mention.end :]}"


def _tag(
    text: str,
    *,
    cited: Sequence[Passage],
    retrieved: Sequence[Passage],
    given: Sequence[NumberMention],
    stated: Sequence[str],
    request_text: str,
    period: str | None,
) -> list[tuple[NumberMention, NumberRef]]:
    facts = parse_kr_text(text, period=period)
    scope = _scopes(text) or _scopes(request_text)
    metric_words = _stem_list(facts.metric or text)
    out: list[tuple[NumberMention, NumberRef]] = []
    cited_ids = {p.chunk_id for p in cited}
    others = [p for p in retrieved if p.chunk_id not in cited_ids]
    for mention in facts.numbers:
        ref = NumberRef(value=mention.value, role=mention.role, provenance=Provenance.PROPOSED)
        found = _find(mention, cited, scope, metric_words)
        if found is not None:
            ref.provenance, ref.chunk_id = Provenance.SOURCED, found.chunk_id
        elif any(_same_number(mention, g) for g in given) or any(
            _supports(t, mention, scope, metric_words) for t in stated
        ):
            ref.provenance = Provenance.GIVEN
        else:
            found = _find(mention, others, scope, metric_words)
            if found is not None:
                ref.provenance, ref.chunk_id = Provenance.SOURCED, found.chunk_id
        out.append((mention, ref))
    return out


def _find(mention: NumberMention, passages: Sequence[Passage], scope: set[str], metric: list[str]) -> Passage | None:
    return next((p for p in passages if _supports(p.text, mention, scope, metric)), None)


def _supports(text: str, mention: NumberMention, scope: set[str], metric: list[str]) -> bool:
    """``text`` states ``mention``'s number, in a clause about the same metric and region, as a current value
    when the mention is a baseline."""
    for candidate in numbers_in(text):
        if not _same_number(mention, candidate):
            continue
        clause = _clause_around(text, candidate.start, candidate.end)
        if not _same_context(clause, scope, metric):
            continue
        if mention.role is NumberRole.BASELINE and _is_goal(candidate, clause):
            continue  # "NPS from 38 to 45 by 2027": 45 is where the company wants to be, not where it is
        return True
    return False


_GOAL_WORDS = re.compile(r"\b(?:target|goal|aim|want|plan|ambition|commit\w*|expect\w*|should|will)\b", re.I)


def _is_goal(candidate: NumberMention, clause: str) -> bool:
    """The passage states this number as a target ("from 38 to 45 by 2027", "we want 5 seconds"), not as a
    current value. A lone figure ("trials convert at 11.2%") is a current value."""
    facts = parse_kr_text(clause)
    is_target = any(m.role is NumberRole.TARGET and _same_number(m, candidate) for m in facts.numbers)
    return is_target and (facts.baseline is not None or bool(_GOAL_WORDS.search(clause)))


def _same_number(a: NumberMention, b: NumberMention) -> bool:
    """The same value in compatible units: a unit written on one side only is taken as meant ("19" and "19
    days"), except a percentage: "65 firms referred a client" is not a 65% rate."""
    if abs(a.value - b.value) > 1e-9 * max(1.0, abs(a.value)):
        return False
    unit_a, unit_b = _unit(a.unit or ""), _unit(b.unit or "")
    if (unit_a == "%") != (unit_b == "%"):
        return False
    return not (unit_a and unit_b and unit_a != unit_b)


def _unit(unit: str) -> str:
    unit = unit.strip().lower()
    return {"percent": "%", "per cent": "%", "pct": "%"}.get(unit, unit)


def _same_context(clause: str, scope: set[str], metric: list[str]) -> bool:
    """The clause is about the key result's metric and names no other region or segment.

    About the metric: it shares two of the metric's words, or its last one ("hire" of "time to hire",
    "certification" of "partner certification rate"). One shared modifier is not enough: "partner-referred
    accounts were 12%" says nothing of a partner certification rate.
    """
    clause_scope = _scopes(clause)
    if clause_scope and not (clause_scope & scope):
        # a figure for another region, or for one region when the key result is about all of them
        return False
    if not metric:
        return True
    shared = _stems(clause).intersection(metric)
    return len(shared) >= 2 or metric[-1] in shared


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_CLAUSE_BREAK = re.compile(
    r"[,;:()]|\s(?:and|but|while|whereas|against|versus|vs\.?|compared (?:with|to)|than)\s|\s-\s", re.IGNORECASE
)


def _clause_around(text: str, start: int, end: int) -> str:
    """The clause of ``text`` holding ``text[start:end]``: "11.2% against 18.4% in the US" splits in two.

    A clause with hardly any words of its own ("conversion was low: 11.2% in Q4") takes the one before it.
    """
    sentences = [(m.start(), m.end()) for m in _SENTENCE_END.finditer(text)]
    left = max((e for s, e in sentences if e <= start), default=0)
    right = min((s for s, e in sentences if s >= end), default=len(text))
    sentence = text[left:right]
    cuts = [0, *[m.start() for m in _CLAUSE_BREAK.finditer(sentence)], len(sentence)]
    offset = start - left
    for index in range(len(cuts) - 1):
        if cuts[index] <= offset < cuts[index + 1]:
            clause = sentence[cuts[index] : cuts[index + 1]]
            if len(_stems(clause)) < 3 and index > 0:
                clause = sentence[cuts[index - 1] : cuts[index + 1]]
            return clause
    return sentence


def _scopes(text: str) -> set[str]:
    found = set()
    for token in _TOKEN.findall(text):
        group = _SCOPES.get(token.lower().rstrip("."))
        if group and (token.isupper() or len(token) > 3 or (token.lower() == "us" and token == "US")):
            found.add(group)
    return found


def _stems(text: str) -> set[str]:
    """Crude stems of the content words ("conversion", "convert" -> "conve"; "testing", "test" -> "test");
    regions and segments excluded."""
    return set(_stem_list(text))


def _stem_list(text: str) -> list[str]:
    """``_stems`` in the order of the words, each once."""
    words = (w.lower().rstrip(".") for w in _TOKEN.findall(text))
    return list(dict.fromkeys(_stem(w) for w in words if len(w) > 2 and w not in _GENERIC and w not in _SCOPES))


# Endings taken off before a word is cut to 5 letters, so "test", "tests" and "testing" meet, and "reply" and
# "replies"; the first that leaves 3 letters or more is taken
_ENDINGS = (("ations", ""), ("ation", ""), ("ions", ""), ("ion", ""), ("ings", ""), ("ing", ""), ("ies", "y"),
            ("es", ""), ("ed", ""), ("s", ""), ("e", ""))


def _stem(word: str) -> str:
    for ending, instead in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return (word[: -len(ending)] + instead)[:5]
    return word[:5]


def _unique(items: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(items))
