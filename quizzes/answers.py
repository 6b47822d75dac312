"""Reading a submitted quiz form into answers, and laying questions out for the form.

Form field names are per position in the attempt: `q3-choice`, `q3-item-17`... Anything
that does not belong to the question (an option of another question, a repeated id, an
unknown colour) is tampering: the whole submission is refused and nothing is saved.
Each kind reads its own fields (`Kind.read_answer`) with the helpers here."""

import random

from django.http import QueryDict

from quizzes import kinds

CERTAINTY_FIELD = "certainty"


class AnswerError(Exception):
    """The form could not have been sent by our page."""


class IncompleteAnswer(Exception):
    """The learner made a mistake the page should explain (e.g. two steps numbered 2).
    From `read_answers` its `problems` are (message, position) pairs, one per question."""

    def __init__(self, message, problems=()):
        super().__init__(message)
        self.problems = list(problems)


def read_int(value, allowed, where):
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise AnswerError(f"{where}: not a number") from None
    if number not in allowed:
        raise AnswerError(f"{where}: {number} does not belong to this question")
    return number


def read_ids(values, allowed, where):
    chosen = [read_int(v, allowed, where) for v in values]
    if len(set(chosen)) != len(chosen):
        raise AnswerError(f"{where}: the same answer was sent twice")
    return chosen


def keyed(post, prefix):
    """{id: value} for every field named `prefix<id>`."""
    found = {}
    for name in post:
        if name.startswith(prefix):
            found[name[len(prefix) :]] = post.get(name)
    return found


def read_answer(snapshot, post, position):
    try:
        kind = kinds.get(snapshot["type"])
    except kinds.UnknownKind:
        raise AnswerError(f"unknown question type {snapshot['type']!r}") from None
    return kind.read_answer(snapshot, post, f"q{position}-", position)


def read_answers(questions, post):
    """One answer per question; raises AnswerError or IncompleteAnswer."""
    problems, answers = [], []
    for position, snapshot in enumerate(questions, 1):
        try:
            answers.append(read_answer(snapshot, post, position))
        except IncompleteAnswer as problem:
            problems.append((str(problem), position))
            answers.append({})
    if problems:
        raise IncompleteAnswer(" ".join(message for message, _ in problems), problems)
    return answers


def field_prefix(position):
    return f"q{position}-"


def as_post(draft):
    """A saved draft ({position: {field: [values]}}) as the form data it came from."""
    post = QueryDict(mutable=True)
    for fields in draft.values():
        for name, values in fields.items():
            post.setlist(name, values)
    return post


def read_certainty(post, position):
    """1, 2 or 3 as the learner chose, or None if she did not say."""
    value = post.get(field_prefix(position) + CERTAINTY_FIELD)
    return read_int(value, {1, 2, 3}, f"question {position} certainty") if value else None


def is_answered(fields, position):
    """Whether a question's saved fields hold an answer (how sure she is does not count)."""
    certainty = field_prefix(position) + CERTAINTY_FIELD
    return any(value for name, values in fields.items() if name != certainty for value in values)


def form_data(snapshot, answer, position):
    """{field name: value} that a learner's form sends for `answer` at `position`."""
    fields = kinds.get(snapshot["type"]).form_fields(snapshot, answer)
    return {field_prefix(position) + name: value for name, value in fields.items() if value}


def layout(snapshot, seed):
    """The question as the form shows it: options, definitions and steps in a stable but
    shuffled order (each kind says what it shuffles)."""
    shown = dict(snapshot)
    kinds.get(snapshot["type"]).layout(shown, random.Random(seed))
    return shown
