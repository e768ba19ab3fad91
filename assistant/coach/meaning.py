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

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.coach.exercises import Exercise

MEANING_THRESHOLD = 0.5

Similarity = Callable[[str, Sequence[str]], float]


def meaning_similarity(text: str, references: Sequence[str]) -> float:
    """The highest cosine similarity between ``text`` and any of ``references`` (offline MiniLM)."""
    from assistant.retrieval.embeddings import get_embedder  # loads onnxruntime: only when a rewrite is graded

    refs = [r for r in references if r.strip()]
    if not text.strip() or not refs:
        return 0.0
    vectors = get_embedder().embed([text, *refs])
    return float((vectors[1:] @ vectors[0]).max())


def references(exercise: Exercise) -> list[str]:
    """What a rewrite is compared with: the original item and the model rewrites (placeholders left out)."""
    return [exercise.item, *(r for r in exercise.rewrites if "<" not in r)]


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


def calibrate(exercises: Sequence[Exercise], *, threshold: float = MEANING_THRESHOLD) -> Calibration:
    """Score every model rewrite against its own exercise and against unrelated ones.

    Off-topic pairs take each exercise's first model rewrite and the next three exercises (in file order, cycling)
    whose function differs and which share no rule, so a rewrite about churn is never counted as off-topic for
    another churn exercise.
    """
    from assistant.retrieval.embeddings import get_embedder

    texts: dict[str, int] = {}

    def index(text: str) -> int:
        return texts.setdefault(text, len(texts))

    refs = [[index(r) for r in references(e)] for e in exercises]
    pairs_pos: list[tuple[int, list[int]]] = []
    for e, own in zip(exercises, refs, strict=True):
        for rewrite in e.rewrites:
            mine = index(rewrite)
            pairs_pos.append((mine, [r for r in own if r != mine]))
    pairs_neg: list[tuple[int, list[int]]] = []
    n = len(exercises)
    for i, e in enumerate(exercises):
        found = 0
        for step in range(1, n):
            other = exercises[(i + step) % n]
            if other.function == e.function or set(other.rules) & set(e.rules):
                continue
            pairs_neg.append((index(e.rewrites[0]), refs[(i + step) % n]))
            found += 1
            if found == 3:
                break
    vectors = get_embedder().embed(list(texts))

    def best(text: int, against: list[int]) -> float:
        return float((vectors[against] @ vectors[text]).max())

    return Calibration(
        positives=[best(t, a) for t, a in pairs_pos if a],
        negatives=[best(t, a) for t, a in pairs_neg],
        threshold=threshold,
    )


if __name__ == "__main__":
    from assistant.coach.exercises import load_exercises

    shipped = [e for e in load_exercises() if e.scope.value != "set"]
    print("key results and objectives:")
    print(calibrate(shipped).describe())
    print("all exercises (including small sets):")
    print(calibrate(load_exercises()).describe())
