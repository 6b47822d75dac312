"""Reading a submitted quiz form into answers, and laying questions out for the form.

Form field names are per position in the attempt: `q3-choice`, `q3-item-17`... Anything
that does not belong to the question (an option of another question, a repeated id, an
unknown colour) is tampering: the whole submission is refused and nothing is saved."""

import random

COLOURS = ("green", "amber", "red")


class AnswerError(Exception):
    """The form could not have been sent by our page."""


class IncompleteAnswer(Exception):
    """The learner made a mistake the page should explain (e.g. two steps numbered 2).
    From `read_answers` its `problems` are (message, position) pairs, one per question."""

    def __init__(self, message, problems=()):
        super().__init__(message)
        self.problems = list(problems)


def _int(value, allowed, where):
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise AnswerError(f"{where}: not a number") from None
    if number not in allowed:
        raise AnswerError(f"{where}: {number} does not belong to this question")
    return number


def _ids(values, allowed, where):
    chosen = [_int(v, allowed, where) for v in values]
    if len(set(chosen)) != len(chosen):
        raise AnswerError(f"{where}: the same answer was sent twice")
    return chosen


def _keyed(post, prefix):
    """{id: value} for every field named `prefix<id>`."""
    found = {}
    for name in post:
        if name.startswith(prefix):
            found[name[len(prefix) :]] = post.get(name)
    return found


def read_answer(snapshot, post, position):
    p = f"q{position}-"
    kind = snapshot["type"]
    if kind == "single_choice":
        value = post.get(p + "choice")
        ids = {o["id"] for o in snapshot["options"]}
        return {"choice": _int(value, ids, p)} if value else {}
    if kind in ("multiple_response", "spot_indicators"):
        items = snapshot["options"] if kind == "multiple_response" else snapshot["items"]
        return {"choices": _ids(post.getlist(p + "choices"), {i["id"] for i in items}, p)}
    if kind == "true_false":
        value = post.get(p + "value")
        if value in (None, ""):
            return {}
        if value not in ("true", "false"):
            raise AnswerError(f"{p}: not true or false")
        return {"value": value == "true"}
    if kind == "traffic_light":
        colour = post.get(p + "colour")
        if colour in (None, ""):
            return {}
        if colour not in COLOURS:
            raise AnswerError(f"{p}: unknown colour")
        return {"colour": colour}
    if kind == "traffic_light_sort":
        ids = {str(i["id"]) for i in snapshot["items"]}
        placements = {}
        for item_id, colour in _keyed(post, p + "item-").items():
            if item_id not in ids or (colour and colour not in COLOURS):
                raise AnswerError(f"{p}: unknown behaviour or colour")
            if colour:
                placements[item_id] = colour
        return {"placements": placements}
    if kind == "order":
        ids = {str(s["id"]) for s in snapshot["steps"]}
        count = len(ids)
        given = {}
        for step_id, value in _keyed(post, p + "step-").items():
            if step_id not in ids:
                raise AnswerError(f"{p}: unknown step")
            if value:
                given[int(step_id)] = _int(value, set(range(1, count + 1)), p)
        if len(set(given.values())) != len(given):
            raise IncompleteAnswer(f"Question {position}: give each step a different number.")
        if not given:
            return {}
        order = [None] * count  # a step the learner left unnumbered leaves a gap
        for step, place in given.items():
            order[place - 1] = step
        return {"order": order}
    if kind == "matching":
        ids = {p_["id"] for p_ in snapshot["pairs"]}
        matches = {}
        for term_id, value in _keyed(post, p + "term-").items():
            _int(term_id, ids, p)
            if value:
                matches[term_id] = _int(value, ids, p)
        return {"matches": matches}
    raise AnswerError(f"unknown question type {kind!r}")


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


def layout(snapshot, seed):
    """The question as the form shows it: options, definitions and steps in a stable but
    shuffled order (steps never start in the right order)."""
    rng = random.Random(seed)
    shown = dict(snapshot)
    if snapshot["type"] == "order":
        steps = list(snapshot["steps"])
        rng.shuffle(steps)
        if len(steps) > 1 and [s["id"] for s in steps] == [s["id"] for s in snapshot["steps"]]:
            steps = steps[1:] + steps[:1]
        shown["steps"] = steps
        shown["positions"] = list(range(1, len(steps) + 1))
    if snapshot["type"] == "matching":
        definitions = [{"id": p["id"], "text": p["definition"]} for p in snapshot["pairs"]]
        rng.shuffle(definitions)
        shown["definitions"] = definitions
    return shown
