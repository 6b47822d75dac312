"""Spot the indicators: tick the observations that are indicators of possible abuse; each
right tick earns a share and each wrong tick costs one. Each observation is filed under an
indicator category, so the insight report can say which kinds of indicator staff miss.
Moodle sees a multiple response question."""

from cms.blocks import INDICATOR_CATEGORIES
from cms.sanitiser import clean_text
from quizzes.answers import read_ids
from quizzes.interchange.data import QuestionDataError
from quizzes.interchange.moodle_xml import write_choices
from quizzes.interchange.validate import CATEGORIES, check_list, check_text
from quizzes.kinds import register
from quizzes.kinds.base import Kind, Marked, ticks
from quizzes.models import Observation, SpotIndicatorsQuestion


@register
class SpotIndicatorsKind(Kind):
    model = SpotIndicatorsQuestion
    icon = "view"
    menu_order = 60
    data_fields = frozenset({"observations"})
    part_model = Observation
    moodle_type = "multichoice"
    shuffled = ("items",)

    def snapshot(self, question, parts):
        labels = dict(INDICATOR_CATEGORIES)
        return {
            "items": [
                {
                    "id": o.pk,
                    "text": o.text,
                    "category": o.category,
                    "category_label": labels.get(o.category, ""),
                    "indicator": o.indicator,
                }
                for o in parts
            ]
        }

    def read_answer(self, snapshot, post, prefix, position):
        return {
            "choices": read_ids(
                post.getlist(prefix + "choices"), {i["id"] for i in snapshot["items"]}, prefix
            )
        }

    def form_fields(self, snapshot, answer):
        return {"choices": [str(i) for i in answer.get("choices", [])]}

    def mark(self, snapshot, answer):
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
        return Marked(ticks(snapshot["items"], chosen, lambda i: i["indicator"]), parts)

    def model_answer(self, snapshot):
        return {"choices": [i["id"] for i in snapshot["items"] if i["indicator"]]}

    def indicator_marks(self, snapshot, answer):
        chosen = set(answer.get("choices", []))
        return [
            (item["category"], item["category_label"], item["id"] in chosen)
            for item in snapshot["items"]
            if item["indicator"]
        ]

    def check(self, data, where, bands):
        check_list(data["observations"], f"{where}: observations", 2, 15)
        for n, item in enumerate(data["observations"], 1):
            check_text(item.get("text"), f"{where}: observation {n}")
            if item.get("category") not in CATEGORIES:
                raise QuestionDataError(f"{where}: observation {n} has an unknown category")
        if not any(item.get("indicator") for item in data["observations"]):
            raise QuestionDataError(f"{where}: at least one observation must be an indicator")

    def build(self, question, data, context):
        question.observations = [
            Observation(
                text=clean_text(o["text"]), category=o["category"], indicator=bool(o.get("indicator"))
            )
            for o in data["observations"]
        ]

    def to_data(self, question, parts):
        return {
            "observations": [
                {"text": o.text, "category": o.category, "indicator": o.indicator} for o in parts
            ]
        }

    def write_moodle(self, element, data):
        options = [{"text": o["text"], "correct": o["indicator"]} for o in data["observations"]]
        write_choices(element, options, single=False)
