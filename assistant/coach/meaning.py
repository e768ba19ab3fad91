"""Does a rewrite still say what the original meant? Embedding similarity, with a calibrated threshold.

A rewrite is compared with the original item and with the exercise's model rewrites; the best match counts,
because a good rewrite may share few words with a vague original ("Improve onboarding") and many with a model
rewrite ("Cut median time to first schedule from 19 to 12 days").

The threshold was calibrated on the shipped exercises (``python -m assistant.coach.meaning`` reprints the figures):
each model rewrite scored leave-one-out against its own original and the other model rewrites (should pass), and
against the originals and model rewrites of exercises from another function on other rules (off-topic: should fail).
See ``knowledge/exercises/README.md`` for the figures.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.coach.exercises import Exercise

MEANING_THRESHOLD = 0.40

Similarity = Callable[[str, Sequence[str]], float]

# What every key result shares and what says nothing about its subject: the lead verb, numbers, units, dates,
# "from ... to ...", owners and parent links. Left in, they make any two key results look alike (about 0.45).
_ANNOTATION = re.compile(r"[(\[]\s*(?:owner|aligns?\s+to|parent|serves|contributes\s+to)\b[^)\]]*[)\]]", re.IGNORECASE)
_LABEL = re.compile(r"^\s*(?:[-*•]\s*)?(?:(?:objective|period|team|kr|o)\s*\d*\s*:)?", re.IGNORECASE)
_DATE = re.compile(
    r"\b(?:by\s+|in\s+|before\s+)?(?:\d{4}-\d{2}-\d{2}|\d{4}-[qh]\d|[qh]\d\s+\d{4}|\d{1,2}\s+[a-z]+\s+\d{4}|"
    r"(?:the\s+)?end\s+of\s+(?:[a-z]+\s+)?\d{4})\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"(?<![\w])[$€£]?\d[\d,.]*\s*(?:%|ms|s|h|k|m|bn|x)?(?![\w-])", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z][\w'&-]*")


@cache
def _noise() -> tuple[frozenset[str], frozenset[str]]:
    from assistant.review import lexicon as lx

    verbs = lx.QUANTITY_VERBS | lx.INCREASE_VERBS | lx.DECREASE_VERBS | lx.words("bring get have hit reach")
    fillers = lx.words("from to by up down at least most under over above below than the a an of in per")
    return verbs, fillers


# Acronyms the embedding model reads poorly: "Raise CSAT" should match "Improve customer satisfaction".
_ACRONYMS = {
    "csat": "customer satisfaction", "nps": "net promoter score", "enps": "employee net promoter score",
    "arr": "annual recurring revenue", "mrr": "monthly recurring revenue", "nrr": "net revenue retention",
    "grr": "gross revenue retention", "cac": "customer acquisition cost", "ltv": "customer lifetime value",
    "mttr": "mean time to recover", "sla": "service level", "mql": "marketing-qualified lead",
    "mqls": "marketing-qualified leads", "sql": "sales-qualified lead", "sqls": "sales-qualified leads",
    "dso": "days sales outstanding", "wau": "weekly active users", "mau": "monthly active users",
    "dau": "daily active users", "kpi": "key metric", "ux": "user experience", "ui": "user interface",
}


def subject(text: str) -> str:
    """What ``text`` is about: its words without the lead verb, numbers, dates, owner and parent link.

    "Cut median time to hire for Dublin roles from 68 days to 45 days by 2027-03-31" -> "median time hire for
    Dublin roles days days".
    """
    from assistant.review.lexicon import verb_base

    verbs, fillers = _noise()
    out: list[str] = []
    for line in text.splitlines():
        line = _LABEL.sub("", _ANNOTATION.sub(" ", line), count=1)
        line = _NUMBER.sub(" ", _DATE.sub(" ", line))
        words = _WORD.findall(line)
        for i, word in enumerate(words):
            low = word.lower()
            if low in fillers or (i == 0 and verb_base(low) in verbs):
                continue
            out.append(_ACRONYMS.get(low, word))
    return " ".join(out) or text.strip()


def meaning_similarity(text: str, references: Sequence[str]) -> float:
    """The highest cosine similarity between the subject of ``text`` and that of any of ``references``."""
    # loads onnxruntime: only when a rewrite is graded
    from assistant.retrieval.embeddings import get_embedder

    refs = [subject(r) for r in references if r.strip()]
    if not text.strip() or not refs:
        return 0.0
    vectors = get_embedder().embed([subject(text), *refs])
    return float((vectors[1:] @ vectors[0]).max())


def references(exercise: Exercise) -> list[str]:
    """What a rewrite is compared with: the original item and the model rewrites (placeholders left out), plus
    whatever else the exercise says about its meaning (a workshop item's objective and sibling key results)."""
    return [exercise.item, *(r for r in exercise.rewrites if "<" not in r), *exercise.meaning_context()]


@dataclass(frozen=True)
class Calibration:
    positives: list[float]  # model rewrite vs its own exercise (leave-one-out)
    negatives: list[float]  # model rewrite vs an unrelated exercise
    threshold: float

    @property
    def false_rejects(self) -> int:
        return sum(1 for s in self.positives if s < self.threshold)

    @property
    def false_accepts(self) -> int:
        return sum(1 for s in self.negatives if s >= self.threshold)

    def describe(self) -> str:
        def stats(values: list[float]) -> str:
            ordered = sorted(values)
            n = len(ordered)

            def pick(q: float) -> float:
                return ordered[min(n - 1, max(0, round(q * (n - 1))))]

            return (f"n={n} min={ordered[0]:.3f} p5={pick(0.05):.3f} median={pick(0.5):.3f} "
                    f"p95={pick(0.95):.3f} max={ordered[-1]:.3f}")

        return (
            f"on-topic  (model rewrite vs own exercise, leave-one-out): {stats(self.positives)}\n"
            f"off-topic (model rewrite vs unrelated exercise):          {stats(self.negatives)}\n"
            f"threshold {self.threshold:.2f}: {self.false_rejects}/{len(self.positives)} on-topic rejected, "
            f"{self.false_accepts}/{len(self.negatives)} off-topic accepted"
        )


def topic(exercise: Exercise) -> str | None:
    """The Quill company objective an exercise is about (CO-1 to CO-4), read from its links; None if unlinked."""
    link = exercise.context.objective.aligns_to or (exercise.answer.parent if exercise.answer else None)
    if link is None:
        found = _TOPIC_LINK.search(" ".join([exercise.item, *exercise.rewrites]))
        link = found.group(1) if found else None
    if link is None:
        return None
    head = link.split(".")[0].upper()
    return _DEPARTMENT_PARENT.get(head, head)


_TOPIC_LINK = re.compile(r"aligns to ((?:CO|DE-ENG)-\d+)", re.IGNORECASE)
_DEPARTMENT_PARENT = {"DE-ENG-1": "CO-3", "DE-ENG-2": "CO-3", "DE-ENG-3": "CO-2"}  # department-okrs.yaml


def calibrate(exercises: Sequence[Exercise], *, threshold: float = MEANING_THRESHOLD) -> Calibration:
    """Score every model rewrite against its own exercise and against deliberately off-topic ones.

    On-topic: each model rewrite against its exercise's original and its other model rewrites (leave-one-out, so
    a rewrite is never compared with itself). Off-topic: each exercise's first model rewrite against every
    exercise of another function that serves another company objective (Europe, onboarding and retention,
    reliability, people): a churn rewrite is never counted as off-topic for another churn exercise.
    """
    from assistant.retrieval.embeddings import get_embedder

    texts: dict[str, int] = {}

    def index(text: str) -> int:
        return texts.setdefault(subject(text), len(texts))

    refs = [[(r, index(r)) for r in references(e)] for e in exercises]
    topics = [topic(e) for e in exercises]
    pairs_pos: list[tuple[int, list[int]]] = []
    pairs_neg: list[tuple[int, list[int]]] = []
    for i, e in enumerate(exercises):
        for rewrite in e.rewrites:
            pairs_pos.append((index(rewrite), [k for r, k in refs[i] if r != rewrite]))
        for j, other in enumerate(exercises):
            if topics[i] is None or topics[j] in (None, topics[i]) or other.function == e.function:
                continue
            pairs_neg.append((index(e.rewrites[0]), [k for _, k in refs[j]]))
    vectors = get_embedder().embed(list(texts))

    def best(text: int, against: list[int]) -> float:
        return float((vectors[against] @ vectors[text]).max())

    return Calibration(
        positives=[best(t, a) for t, a in pairs_pos if a],
        negatives=[best(t, a) for t, a in pairs_neg if a],
        threshold=threshold,
    )


def sweep(calibration: Calibration, thresholds: Sequence[float]) -> list[tuple[float, float, float]]:
    """(threshold, share of on-topic rejected, share of off-topic accepted) for each threshold."""
    pos, neg = calibration.positives, calibration.negatives
    return [(t, sum(p < t for p in pos) / len(pos), sum(q >= t for q in neg) / len(neg)) for t in thresholds]


if __name__ == "__main__":
    from assistant.coach.exercises import load_exercises

    result = calibrate(load_exercises())
    print(result.describe())
    for t, rejected, accepted in sweep(result, [x / 100 for x in range(30, 56, 5)]):
        print(f"  threshold {t:.2f}: {rejected:6.1%} on-topic rejected, {accepted:6.1%} off-topic accepted")
