"""Put in order: number the steps of a procedure; each step in its right place earns a
share. The form shows the steps in a random order. Moodle sees a matching question
(step -> "Step n")."""

from fractions import Fraction

from cms.sanitiser import clean_text
from quizzes.answers import AnswerError, IncompleteAnswer, keyed, read_int
from quizzes.interchange.moodle_xml import write_pairs
from quizzes.interchange.validate import check_list, check_text
from quizzes.kinds import register
from quizzes.kinds.base import Kind, Marked
from quizzes.models import OrderQuestion, OrderStep


@register
class OrderKind(Kind):
    model = OrderQuestion
    icon = "order"
    menu_order = 70
    data_fields = frozenset({"steps"})
    part_model = OrderStep
    moodle_type = "matching"
    shuffled = ("steps",)

    def snapshot(self, question, parts):
        return {"steps": [{"id": s.pk, "text": s.text, "timescale": s.timescale} for s in parts]}

    def layout(self, shown, rng):
        super().layout(shown, rng)
        shown["positions"] = list(range(1, len(shown["steps"]) + 1))

    def read_answer(self, snapshot, post, prefix, position):
        ids = {str(s["id"]) for s in snapshot["steps"]}
        count = len(ids)
        given = {}
        for step_id, value in keyed(post, prefix + "step-").items():
            if step_id not in ids:
                raise AnswerError(f"{prefix}: unknown step")
            if value:
                given[int(step_id)] = read_int(value, set(range(1, count + 1)), prefix)
        if len(set(given.values())) != len(given):
            raise IncompleteAnswer(f"Question {position}: give each step a different number.")
        if not given:
            return {}
        order = [None] * count  # a step the learner left unnumbered leaves a gap
        for step, place in given.items():
            order[place - 1] = step
        return {"order": order}

    def form_fields(self, snapshot, answer):
        return {f"step-{step}": str(place) for place, step in enumerate(answer.get("order", []), 1) if step}

    def mark(self, snapshot, answer):
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

    def model_answer(self, snapshot):
        return {"order": [s["id"] for s in snapshot["steps"]]}

    def check(self, data, where, bands):
        check_list(data["steps"], f"{where}: steps", 2, 10)
        for n, step in enumerate(data["steps"], 1):
            check_text(step.get("text"), f"{where}: step {n}")

    def build(self, question, data, context):
        question.steps = [
            OrderStep(text=clean_text(s["text"]), timescale=clean_text(s.get("timescale") or ""))
            for s in data["steps"]
        ]

    def to_data(self, question, parts):
        return {
            "steps": [{"text": s.text, **({"timescale": s.timescale} if s.timescale else {})} for s in parts]
        }

    def write_moodle(self, element, data):
        write_pairs(element, [(s["text"], f"Step {n}") for n, s in enumerate(data["steps"], 1)])
