"""Marking and feedback for every question type: plain functions of a question snapshot
(what counted as right when the attempt started) and the learner's answer.

Every function returns a `Marked`: the fraction of the question's points earned (0 to 1)
and one line of feedback per part, so the result page can say what was right and why.
"""

from dataclasses import dataclass, field
from fractions import Fraction

from quizzes.models.bands import COLOUR_MEANING, Colour

COLOUR_LABELS = dict(Colour.choices)


@dataclass
class Marked:
    score: Fraction
    parts: list = field(default_factory=list)

    @property
    def right(self):
        return self.score == 1


def _whole(is_right):
    return Fraction(1 if is_right else 0)


def _ticks(items, chosen, is_correct):
    """Fair partial credit: each right tick earns a share, each wrong tick costs one."""
    correct_ids = {item["id"] for item in items if is_correct(item)}
    right = len(chosen & correct_ids)
    wrong = len(chosen - correct_ids)
    if not correct_ids:
        return _whole(not chosen)
    return max(Fraction(0), Fraction(right - wrong, len(correct_ids)))


def mark_single_choice(snapshot, answer):
    chosen = answer.get("choice")
    parts = [
        {
            "text": o["text"],
            "chosen": o["id"] == chosen,
            "correct": o["correct"],
            "feedback": o.get("feedback", ""),
        }
        for o in snapshot["options"]
    ]
    right = any(o["correct"] and o["id"] == chosen for o in snapshot["options"])
    return Marked(_whole(right), parts)


def mark_multiple_response(snapshot, answer):
    chosen = set(answer.get("choices", []))
    parts = [
        {
            "text": o["text"],
            "chosen": o["id"] in chosen,
            "correct": o["correct"],
            "feedback": o.get("feedback", ""),
        }
        for o in snapshot["options"]
    ]
    return Marked(_ticks(snapshot["options"], chosen, lambda o: o["correct"]), parts)


def mark_true_false(snapshot, answer):
    value = answer.get("value")
    return Marked(
        _whole(value is not None and value == snapshot["correct"]),
        [{"chosen": value, "correct": snapshot["correct"]}],
    )


def mark_traffic_light(snapshot, answer):
    colour = answer.get("colour")
    return Marked(
        _whole(colour == snapshot["correct"]),
        [
            {
                "text": snapshot["behaviour"],
                "chosen": COLOUR_LABELS.get(colour, "No answer"),
                "correct": COLOUR_LABELS[snapshot["correct"]],
                "right": colour == snapshot["correct"],
                "feedback": snapshot["reasoning"],
                "meaning": COLOUR_MEANING[snapshot["correct"]],
            }
        ],
    )


def mark_traffic_light_sort(snapshot, answer):
    placed = {str(k): v for k, v in answer.get("placements", {}).items()}
    parts, right = [], 0
    for item in snapshot["items"]:
        colour = placed.get(str(item["id"]))
        is_right = colour == item["correct"]
        right += is_right
        parts.append(
            {
                "text": item["text"],
                "chosen": COLOUR_LABELS.get(colour, "No answer"),
                "correct": COLOUR_LABELS[item["correct"]],
                "right": is_right,
                "feedback": item["reasoning"],
            }
        )
    return Marked(Fraction(right, len(snapshot["items"])), parts)


def mark_spot_indicators(snapshot, answer):
    chosen = set(answer.get("choices", []))
    parts = [
        {
            "text": i["text"],
            "chosen": i["id"] in chosen,
            "correct": i["indicator"],
            "category": i["category_label"],
        }
        for i in snapshot["items"]
    ]
    return Marked(_ticks(snapshot["items"], chosen, lambda i: i["indicator"]), parts)


def mark_order(snapshot, answer):
    """Each step in its right place earns a share."""
    given = answer.get("order", [])
    steps = snapshot["steps"]
    parts, right = [], 0
    for position, step in enumerate(steps):
        placed = given.index(step["id"]) + 1 if step["id"] in given else None
        is_right = placed == position + 1
        right += is_right
        parts.append(
            {
                "text": step["text"],
                "timescale": step.get("timescale", ""),
                "chosen": placed,
                "correct": position + 1,
                "right": is_right,
            }
        )
    return Marked(Fraction(right, len(steps)), parts)


def mark_matching(snapshot, answer):
    matches = {str(k): v for k, v in answer.get("matches", {}).items()}
    by_id = {p["id"]: p for p in snapshot["pairs"]}
    parts, right = [], 0
    for pair in snapshot["pairs"]:
        chosen = matches.get(str(pair["id"]))
        is_right = chosen == pair["id"]
        right += is_right
        parts.append(
            {
                "text": pair["term"],
                "chosen": by_id[chosen]["definition"] if chosen in by_id else "No answer",
                "correct": pair["definition"],
                "right": is_right,
            }
        )
    return Marked(Fraction(right, len(snapshot["pairs"])), parts)


MARKERS = {
    "single_choice": mark_single_choice,
    "multiple_response": mark_multiple_response,
    "true_false": mark_true_false,
    "traffic_light": mark_traffic_light,
    "traffic_light_sort": mark_traffic_light_sort,
    "spot_indicators": mark_spot_indicators,
    "order": mark_order,
    "matching": mark_matching,
}


def mark(snapshot, answer):
    marker = MARKERS.get(snapshot.get("type"))
    if marker is None:
        raise ValueError(f"unknown question type {snapshot.get('type')!r}")
    return marker(snapshot, answer or {})


def quiz_percentage(marked_with_points):
    """The quiz score as a percentage from (Marked, points) pairs, rounded to 2 places."""
    total = sum(points for _, points in marked_with_points)
    earned = sum(m.score * points for m, points in marked_with_points)
    return round(float(earned / total * 100), 2) if total else 0.0


def model_answer(snapshot):
    """The answer that scores full marks: shown to editors and used to make demo data."""
    kind = snapshot["type"]
    if kind == "single_choice":
        return {"choice": next(o["id"] for o in snapshot["options"] if o["correct"])}
    if kind == "multiple_response":
        return {"choices": [o["id"] for o in snapshot["options"] if o["correct"]]}
    if kind == "spot_indicators":
        return {"choices": [i["id"] for i in snapshot["items"] if i["indicator"]]}
    if kind == "true_false":
        return {"value": snapshot["correct"]}
    if kind == "traffic_light":
        return {"colour": snapshot["correct"]}
    if kind == "traffic_light_sort":
        return {"placements": {str(i["id"]): i["correct"] for i in snapshot["items"]}}
    if kind == "order":
        return {"order": [s["id"] for s in snapshot["steps"]]}
    if kind == "matching":
        return {"matches": {str(p["id"]): p["id"] for p in snapshot["pairs"]}}
    raise ValueError(f"unknown question type {kind!r}")
