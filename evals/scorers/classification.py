"""Precision, recall and F1 from counts of decisions."""

from __future__ import annotations

from dataclasses import dataclass


def prf(tp: int, fp: int, fn: int) -> tuple[float | None, float | None, float | None]:
    """Precision, recall and F1; ``None`` where the measure is undefined.

    Precision is undefined with no positive predictions and no positives to find (0 when there were positives
    to find); recall is undefined with no positives; F1 is undefined only when both are.
    """
    recall = tp / (tp + fn) if tp + fn else None
    if tp + fp:
        precision: float | None = tp / (tp + fp)
    else:
        precision = 0.0 if tp + fn else None
    if precision is None and recall is None:
        return None, None, None
    p, r = precision or 0.0, recall or 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return precision, recall, f1


@dataclass
class Counts:
    """A confusion matrix for one binary decision (flawed or not; a rule fires or not)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, *, expected: bool, predicted: bool) -> None:
        if expected and predicted:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif expected:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float | None:
        return prf(self.tp, self.fp, self.fn)[0]

    @property
    def recall(self) -> float | None:
        return prf(self.tp, self.fp, self.fn)[1]

    @property
    def f1(self) -> float | None:
        return prf(self.tp, self.fp, self.fn)[2]

    @property
    def false_alarm_rate(self) -> float | None:
        """Share of negatives predicted positive (false alarms on sound items)."""
        negatives = self.fp + self.tn
        return self.fp / negatives if negatives else None

    @property
    def accuracy(self) -> float | None:
        total = self.tp + self.fp + self.fn + self.tn
        return (self.tp + self.tn) / total if total else None
