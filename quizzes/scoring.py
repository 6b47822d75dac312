"""Marking and feedback: plain functions of a question snapshot (what counted as right when
the attempt started) and the learner's answer. Each kind marks its own questions
(`Kind.mark`, in `quizzes/kinds/`); this module holds what every kind shares.

Marking returns a `Marked`: the fraction of the question's points earned (0 to 1) and one
line of feedback per part, so the result page can say what was right and why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fractions import Fraction

from quizzes import kinds


@dataclass
class Marked:
    score: Fraction
    parts: list = field(default_factory=list)

    @property
    def right(self) -> bool:
        return self.score == 1


def whole(is_right: bool) -> Fraction:
    """All or nothing."""
    return Fraction(1 if is_right else 0)


def ticks(items: list[dict], chosen: set, is_correct: Callable[[dict], bool]) -> Fraction:
    """Fair partial credit: each right tick earns a share, each wrong tick costs one."""
    correct_ids = {item["id"] for item in items if is_correct(item)}
    right = len(chosen & correct_ids)
    wrong = len(chosen - correct_ids)
    if not correct_ids:
        return whole(not chosen)
    return max(Fraction(0), Fraction(right - wrong, len(correct_ids)))


def _kind(snapshot: dict):
    try:
        return kinds.get(snapshot.get("type"))
    except kinds.UnknownKind:
        raise ValueError(f"unknown question type {snapshot.get('type')!r}") from None


def mark(snapshot: dict, answer: dict | None) -> Marked:
    return _kind(snapshot).mark(snapshot, answer or {})


def quiz_percentage(marked_with_points: Iterable[tuple[Marked, int]]) -> float:
    """The quiz score as a percentage from (Marked, points) pairs, rounded to 2 places."""
    marked_with_points = list(marked_with_points)
    total = sum(points for _, points in marked_with_points)
    earned = sum(m.score * points for m, points in marked_with_points)
    return round(float(earned / total * 100), 2) if total else 0.0


def model_answer(snapshot: dict) -> dict:
    """The answer that scores full marks: shown to editors and used to make demo data."""
    return _kind(snapshot).model_answer(snapshot)
