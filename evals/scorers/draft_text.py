"""Text measures the draft scorers share: meaning similarity, content words, figures and the clauses stating them.

Meaning is the cosine similarity of the retrieval's embedding model (L2-normalised vectors), computed offline.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from assistant.krparse import NumberMention, numbers_in

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

# Thresholds on cosine similarity, set on the fixture companies: a theme is at most 0.42 close to any KR of
# another company, while its own company's KRs on the theme reach 0.45-0.87.
THEME_THRESHOLD = 0.45  # a theme is covered by a text this close in meaning (or sharing its words)
THEME_WORDS = 2 / 3  # ... or holding this share of the theme's content words
SUPPORT_THRESHOLD = 0.35  # a cited passage supports a KR when it is this close in meaning (or states its figure)
DUPLICATE_THRESHOLD = 0.85  # two objectives (or two KRs of different objectives) this close say the same thing


_CACHE: dict[str, npt.NDArray[np.float32]] = {}
_CACHE_LIMIT = 20_000


def embed_texts(texts: Sequence[str]) -> None:
    """Embed, in one batch, the texts not embedded yet (a draft's texts are compared many times)."""
    from assistant.retrieval.embeddings import get_embedder

    missing = list(dict.fromkeys(t for t in texts if t not in _CACHE))
    if not missing:
        return
    if len(_CACHE) + len(missing) > _CACHE_LIMIT:
        _CACHE.clear()
    for text, vector in zip(missing, get_embedder().embed(missing), strict=True):
        _CACHE[text] = vector


def meaning_similarity(a: str, b: str) -> float:
    """Cosine similarity of the meanings of ``a`` and ``b`` (the retrieval's embedding model)."""
    embed_texts([a, b])
    return float(_CACHE[a] @ _CACHE[b])


_WORD = re.compile(r"[a-z][a-z0-9'-]+")
_GENERIC_WORDS = (
    "raise increase grow reduce decrease lower lift improve boost reach achieve maintain keep from "
    "share rate number percent total with that this their they into than more less over under within "
    "between about each every make made have has been were will would what when where which while "
    "baseline established target weekly monthly daily quarter year month week days"
)
_GENERIC = frozenset(_GENERIC_WORDS.split())


def content_words(text: str) -> set[str]:
    """The content words of ``text`` (lower case, four letters or more, no generic OKR verbs)."""
    return {w for w in _WORD.findall(text.lower()) if len(w) > 3 and w not in _GENERIC}


def related(a: str, b: str) -> bool:
    """Crude stemming: "test" ~ "testing", "conversion" ~ "converted" (a shared start of up to five letters)."""
    n = min(5, len(a), len(b))
    return a[:n] == b[:n]


def shared_words(a: set[str], b: set[str]) -> set[str]:
    """The words of ``a`` that some word of ``b`` is related to."""
    return {x for x in a if any(related(x, y) for y in b)}


def same_value(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def values_in(texts: Iterable[str]) -> list[float]:
    return [m.value for text in texts if text for m in numbers_in(text)]


_CLAUSES = re.compile(r"(?<=[.!?])\s+|[;:()]|,\s+(?:and|but|while|against)\s+|\s+(?:against|versus|vs\.?)\s+")


def stated_for(mention: NumberMention, metric: set[str], texts: Iterable[str]) -> bool:
    """Whether some clause of ``texts`` states ``mention``'s value about the metric with these content words."""
    for text in texts:
        for clause in _CLAUSES.split(" ".join(text.split())):  # documents are hard-wrapped
            if not any(same_value(mention.value, m.value) for m in numbers_in(clause)):
                continue
            if not metric or shared_words(metric, content_words(clause)):
                return True
    return False


def supports(kr_text: str, passages: Sequence[str]) -> bool:
    """A passage supports a KR when it states one of the KR's figures or is close to it in meaning."""
    figures = values_in([kr_text])
    for passage in passages:
        if not passage:
            continue
        if any(same_value(a, b) for a in figures for b in values_in([passage])):
            return True
        if meaning_similarity(kr_text, passage) >= SUPPORT_THRESHOLD:
            return True
    return False
