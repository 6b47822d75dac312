"""Everything about the number question but its model, found by the registry because the
app is installed."""

from quizzes.answers import AnswerError
from quizzes.interchange.data import QuestionDataError
from quizzes.kinds import register
from quizzes.kinds.base import Kind, Marked, whole

from .models import NumberQuestion


@register
class NumberKind(Kind):
    model = NumberQuestion
    icon = "decimal"
    data_fields = frozenset({"answer"})
    question_template = "fake_kind/question.html"
    feedback_template = "fake_kind/feedback.html"

    def snapshot(self, question, parts):
        return {"answer": question.answer}

    def read_answer(self, snapshot, post, prefix, position):
        value = (post.get(prefix + "number") or "").strip()
        if not value:
            return {}
        try:
            return {"number": int(value)}
        except ValueError:
            raise AnswerError(f"{prefix}: not a number") from None

    def form_fields(self, snapshot, answer):
        return {"number": str(answer["number"])} if "number" in answer else {}

    def mark(self, snapshot, answer):
        given = answer.get("number")
        return Marked(whole(given == snapshot["answer"]), [{"chosen": given, "correct": snapshot["answer"]}])

    def model_answer(self, snapshot):
        return {"number": snapshot["answer"]}

    def check(self, data, where, bands):
        if not isinstance(data["answer"], int) or isinstance(data["answer"], bool):
            raise QuestionDataError(f"{where}: answer must be a whole number")

    def build(self, question, data, context):
        question.answer = data["answer"]

    def to_data(self, question, parts):
        return {"answer": question.answer}
