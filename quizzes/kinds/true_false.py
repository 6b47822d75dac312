"""True or false: is the statement true? Moodle's truefalse and GIFT's `{T}` / `{F}`."""

from xml.etree.ElementTree import SubElement

from quizzes.answers import AnswerError
from quizzes.interchange.data import QuestionDataError
from quizzes.interchange.moodle_xml import answers_of
from quizzes.kinds import register
from quizzes.kinds.base import Kind, Marked, whole
from quizzes.models import TrueFalseQuestion


def read_moodle_truefalse(element, data, plan, name):
    right = [text.lower() for text, fraction, _ in answers_of(element) if fraction >= 100]
    if right not in (["true"], ["false"]):
        raise ValueError("it does not say whether true or false is right")
    data.update(type="true_false", correct=right == ["true"])


@register
class TrueFalseKind(Kind):
    model = TrueFalseQuestion
    icon = "help"
    menu_order = 30
    data_fields = frozenset({"correct"})
    moodle_type = "truefalse"
    moodle_imports = {"truefalse": read_moodle_truefalse}
    gift_order = 10

    def snapshot(self, question, parts):
        return {"correct": question.correct}

    def read_answer(self, snapshot, post, prefix, position):
        value = post.get(prefix + "value")
        if value in (None, ""):
            return {}
        if value not in ("true", "false"):
            raise AnswerError(f"{prefix}: not true or false")
        return {"value": value == "true"}

    def form_fields(self, snapshot, answer):
        return {"value": "true" if answer["value"] else "false"} if "value" in answer else {}

    def mark(self, snapshot, answer):
        value = answer.get("value")
        return Marked(
            whole(value is not None and value == snapshot["correct"]),
            [{"chosen": value, "correct": snapshot["correct"]}],
        )

    def model_answer(self, snapshot):
        return {"value": snapshot["correct"]}

    def check(self, data, where, bands):
        if not isinstance(data["correct"], bool):
            raise QuestionDataError(f"{where}: correct must be true or false")

    def build(self, question, data, context):
        question.correct = bool(data["correct"])

    def to_data(self, question, parts):
        return {"correct": question.correct}

    def write_moodle(self, element, data):
        for value in ("true", "false"):
            answer = SubElement(
                element, "answer", {"fraction": "100" if (value == "true") == data["correct"] else "0"}
            )
            SubElement(answer, "text").text = value

    def read_gift(self, body, data, line):
        truth = body.split("#", 1)[0].strip().upper()
        if truth not in ("T", "TRUE", "F", "FALSE"):
            return False
        data.update(type="true_false", correct=truth in ("T", "TRUE"))
        return True
