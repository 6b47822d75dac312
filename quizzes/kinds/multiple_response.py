"""Multiple response: tick every right option; each right tick earns a share of the points
and each wrong tick costs one. Its options, admin and interchange are single choice's."""

from quizzes.answers import read_ids
from quizzes.interchange.data import QuestionDataError
from quizzes.kinds import register
from quizzes.kinds.base import Marked, ticks
from quizzes.kinds.single_choice import SingleChoiceKind
from quizzes.models import MultipleResponseQuestion


@register
class MultipleResponseKind(SingleChoiceKind):
    model = MultipleResponseQuestion
    icon = "tasks"
    menu_order = 20
    moodle_imports = {}  # Moodle's multichoice is read by single choice
    gift_order = None  # and so are GIFT's choices

    def read_answer(self, snapshot, post, prefix, position):
        return {
            "choices": read_ids(
                post.getlist(prefix + "choices"), {o["id"] for o in snapshot["options"]}, prefix
            )
        }

    def form_fields(self, snapshot, answer):
        return {"choices": [str(i) for i in answer.get("choices", [])]}

    def mark(self, snapshot, answer):
        chosen = set(answer.get("choices", []))
        parts = self.option_parts(snapshot, lambda option_id: option_id in chosen)
        return Marked(ticks(snapshot["options"], chosen, lambda o: o["correct"]), parts)

    def model_answer(self, snapshot):
        return {"choices": [o["id"] for o in snapshot["options"] if o["correct"]]}

    def check_right_count(self, right, where):
        if right < 1:
            raise QuestionDataError(f"{where}: at least one option must be right")
