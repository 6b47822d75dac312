"""What an attempt asks: questions drawn from the quiz's pools, in a random order, with
ids that mean nothing outside the attempt, split into pages.

A quiz's pools are data the editor sets ("3 from Physical signs, 2 from Traffic light
13-17"). Each pool takes its count at random from the questions that match its filters and
that no earlier pool matches, so pools never compete for a question and a last pool with no
filters means "anything the others do not cover". Questions about the same case stay
together, on one page; the cases and the other questions come in a random order.

Every part id in the stored snapshots (options, observations, steps, pairs) is replaced by
a random number unique within the attempt, so nothing in the page (a field name, a value,
an element id, their order) tells a learner or a script which answer is right, and the
database's own ids never reach the browser."""

from __future__ import annotations

import random
import secrets
from collections import defaultdict
from itertools import zip_longest

from quizzes.models import Quiz
from quizzes.pools import pool_candidates
from quizzes.snapshots import PART_ID_KEYS, is_parts, load_questions, parts_for, snapshot

LOOSE_QUESTIONS_PER_PAGE = 3


def choose(quiz: Quiz, questions: list, rng: random.Random, size: int | None = None) -> list:
    """The questions of one attempt. Without pools: all of them (or `size` at random).
    With pools: each pool's count from its candidates; with `size` (the knowledge check),
    one question from each pool in turn until there are `size`, so every pool is asked."""
    pools = list(quiz.pools.all())
    if not pools:
        return rng.sample(questions, min(size, len(questions))) if size else list(questions)
    candidates = [rng.sample(group, len(group)) for group in pool_candidates(pools, questions)]
    if size is None:
        return [q for pool, group in zip(pools, candidates, strict=True) for q in group[: pool.count]]
    in_turn = [q for row in zip_longest(*candidates) for q in row if q is not None]
    return in_turn[:size]


def in_order(questions: list, rng: random.Random) -> list:
    """A random order in which the questions about one case stay together."""
    units = defaultdict(list)
    for question in questions:
        units[question.vignette_id or f"q{question.pk}"].append(question)
    groups = list(units.values())
    rng.shuffle(groups)
    for group in groups:
        rng.shuffle(group)
    return [q for group in groups for q in group]


def opaque(snapshots: list[dict], rng: random.Random) -> list[dict]:
    """The snapshots with each part id replaced by a random number unique in the attempt.
    The same id under another key ("answer_id") gets another number."""
    used = set()

    def fresh():
        while True:
            number = rng.randrange(10**8, 10**9)
            if number not in used:
                used.add(number)
                return number

    result = []
    for shown in snapshots:
        shown = dict(shown)
        for name, value in shown.items():
            if is_parts(value):
                numbers = {}
                shown[name] = [
                    {
                        k: numbers.setdefault((k, v), fresh()) if k in PART_ID_KEYS else v
                        for k, v in part.items()
                    }
                    for part in value
                ]
        result.append(shown)
    return result


def draw(quiz: Quiz, size: int | None = None) -> tuple[list[dict], int]:
    """(snapshots in the order shown, secret seed) for a new attempt, in a fixed number of
    queries whatever the size of the bank."""
    rng = random.Random(secrets.randbits(64))
    questions = in_order(choose(quiz, load_questions(quiz), rng, size), rng)
    parts = parts_for(questions)
    snapshots = [
        dict(snapshot(question, parts.get(question.pk, [])), question_id=question.pk)
        for question in questions
    ]
    return opaque(snapshots, rng), secrets.randbits(62)


def pages(questions: list[dict]) -> list[list[int]]:
    """The positions (from 1) on each page: a case and its questions on one page; other
    questions a few to a page."""
    result = []
    for position, question in enumerate(questions, 1):
        case = (question.get("vignette") or {}).get("title")
        if result:
            previous = questions[result[-1][-1] - 1]
            previous_case = (previous.get("vignette") or {}).get("title")
            same_case = case is not None and case == previous_case
            room = case is None and previous_case is None and len(result[-1]) < LOOSE_QUESTIONS_PER_PAGE
            if same_case or room:
                result[-1].append(position)
                continue
        result.append([position])
    return result
