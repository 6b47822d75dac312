"""Single choice: one right option among several. Moodle's and GIFT's multiple choice
come in here, as single choice or, with several right answers, as multiple response."""

from cms.sanitiser import clean_text
from quizzes.answers import read_int
from quizzes.interchange.data import QuestionDataError
from quizzes.interchange.gift import WEIGHT, answer_items, find_unescaped, unescape
from quizzes.interchange.moodle_xml import answers_of, text_of, write_choices
from quizzes.interchange.plan import ImportError_
from quizzes.interchange.validate import check_list, check_text
from quizzes.kinds import register
from quizzes.kinds.base import Kind, Marked, whole
from quizzes.models import Option, SingleChoiceQuestion


def read_moodle_multichoice(element, data, plan, name):
    single = text_of(element, "single").strip().lower() in ("true", "1")
    options = [
        {"text": text, "correct": fraction > 0, **({"feedback": fb} if fb else {})}
        for text, fraction, fb in answers_of(element)
        if text
    ]
    if len(options) < 2:
        raise ValueError("it needs at least two answers")
    correct = [o for o in options if o["correct"]]
    if not correct:
        raise ValueError("no answer is marked right")
    if single and len(correct) > 1:
        single = False
        plan.warnings.append(f"“{name}” has several right answers, so it was imported as multiple response.")
    data.update(type="single_choice" if single else "multiple_response", options=options)


@register
class SingleChoiceKind(Kind):
    model = SingleChoiceQuestion
    icon = "radio-full"
    menu_order = 10
    data_fields = frozenset({"options"})
    part_model = Option
    moodle_type = "multichoice"
    moodle_imports = {"multichoice": read_moodle_multichoice}
    gift_order = 30
    shuffled = ("options",)

    def snapshot(self, question, parts):
        return {
            "options": [
                {"id": o.pk, "text": o.text, "correct": o.correct, "feedback": o.feedback} for o in parts
            ]
        }

    def read_answer(self, snapshot, post, prefix, position):
        value = post.get(prefix + "choice")
        ids = {o["id"] for o in snapshot["options"]}
        return {"choice": read_int(value, ids, prefix)} if value else {}

    def form_fields(self, snapshot, answer):
        return {"choice": str(answer["choice"])} if "choice" in answer else {}

    def option_parts(self, snapshot, is_chosen):
        return [
            {
                "text": o["text"],
                "chosen": is_chosen(o["id"]),
                "correct": o["correct"],
                "feedback": o.get("feedback", ""),
            }
            for o in snapshot["options"]
        ]

    def mark(self, snapshot, answer):
        chosen = answer.get("choice")
        right = any(o["correct"] and o["id"] == chosen for o in snapshot["options"])
        return Marked(whole(right), self.option_parts(snapshot, lambda option_id: option_id == chosen))

    def model_answer(self, snapshot):
        return {"choice": next(o["id"] for o in snapshot["options"] if o["correct"])}

    def check(self, data, where, bands):
        check_list(data["options"], f"{where}: options", 2, 12)
        for n, option in enumerate(data["options"], 1):
            check_text(option.get("text"), f"{where}: option {n}")
        right = sum(bool(o.get("correct")) for o in data["options"])
        self.check_right_count(right, where)

    def check_right_count(self, right, where):
        if right != 1:
            raise QuestionDataError(f"{where}: a single choice question needs exactly one right option")

    def build(self, question, data, context):
        question.options = [
            Option(
                text=clean_text(o["text"]),
                correct=bool(o.get("correct")),
                feedback=clean_text(o.get("feedback") or ""),
            )
            for o in data["options"]
        ]

    def to_data(self, question, parts):
        return {
            "options": [
                {"text": o.text, "correct": o.correct, **({"feedback": o.feedback} if o.feedback else {})}
                for o in parts
            ]
        }

    def write_moodle(self, element, data):
        write_choices(element, data["options"], single=self.code == "single_choice")

    def read_gift(self, body, data, line):
        """`=right ~wrong` answers, or weighted `~%50%` ones (multiple response)."""
        items = answer_items(body, line)
        if "->" in body:
            raise ImportError_(f"Line {line}: every matching answer must be “=term -> answer”.")
        options, weighted = [], False
        for item in items:
            mark, rest = item[0], item[1:].strip()
            weight = WEIGHT.match(rest)
            if weight:
                weighted = True
                rest = rest[weight.end() :]
            feedback_at = find_unescaped(rest, "#")
            answer, feedback = (
                (rest[:feedback_at], rest[feedback_at + 1 :]) if feedback_at != -1 else (rest, "")
            )
            correct = (float(weight.group(1)) > 0) if weight else mark == "="
            option = {"text": unescape(answer), "correct": correct}
            if unescape(feedback):
                option["feedback"] = unescape(feedback)
            options.append(option)
        if not any(item.startswith("~") for item in items):
            return False  # only right answers: a short-answer question
        if len(options) < 2 or not any(o["correct"] for o in options):
            raise ImportError_(
                f"Line {line}: a multiple choice question needs a right answer and at least two answers."
            )
        single = not weighted and sum(o["correct"] for o in options) == 1
        data.update(type="single_choice" if single else "multiple_response", options=options)
        return True
