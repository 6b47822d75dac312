"""Marking and feedback: plain functions of a question snapshot (what counted as right when
the attempt started) and the learner's answer. Each kind marks its own questions
(`Kind.mark`, in `quizzes/kinds/`, with `Marked`, `whole` and `ticks` from
`quizzes.kinds.base`); this module marks any snapshot through its kind.

Marking returns a `Marked`: the fraction of the question's points earned (0 to 1) and one
line of feedback per part, so the result page can say what was right and why.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction

from quizzes import kinds
from quizzes.kinds.base import Marked, ticks, whole

__all__ = ["Marked", "cbm_mark", "mark", "model_answer", "quiz_percentage", "ticks", "whole"]

# Certainty-based marking as published by Gardner-Medwin and used by Moodle's deferred CBM:
# at certainty 1 (not sure) a right answer earns 1 and a wrong one 0; at 2 (fairly sure)
# 2 and -2; at 3 (very sure) 3 and -6. A partly right answer earns the right mark times its
# fraction; an answer worth nothing earns the wrong mark. No certainty given counts as 1.
CBM_RIGHT = {1: 1, 2: 2, 3: 3}
CBM_WRONG = {1: 0, 2: -2, 3: -6}
# "Confidently wrong": very sure, and less than half the question's marks earned.
CONFIDENTLY_WRONG_BELOW = Fraction(1, 2)


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


def cbm_mark(fraction: Fraction, certainty: int | None) -> Fraction:
    """The certainty-based mark of one answer (per point of the question)."""
    level = certainty or 1
    return Fraction(CBM_WRONG[level]) if fraction == 0 else CBM_RIGHT[level] * Fraction(fraction)


def model_answer(snapshot: dict) -> dict:
    """The answer that scores full marks: shown to editors and used to make demo data."""
    return _kind(snapshot).model_answer(snapshot)
