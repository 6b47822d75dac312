"""Sort into the traffic light: place each of several behaviours of one age band as green,
amber or red; each right placement earns a share. The behaviours are shared rows, linked
many-to-many. Moodle sees a matching question (behaviour -> colour)."""

from collections import defaultdict
from fractions import Fraction

from quizzes.answers import AnswerError, keyed
from quizzes.interchange.data import QuestionDataError
from quizzes.interchange.moodle_xml import write_pairs
from quizzes.interchange.validate import check_list
from quizzes.kinds import register
from quizzes.kinds.base import Kind, Marked
from quizzes.kinds.traffic_light import (
    COLOUR_LABELS,
    NO_ANSWER,
    build_behaviour,
    check_behaviour,
    chosen_or_none,
    read_colour,
)
from quizzes.models import Behaviour, TrafficLightSortQuestion


@register
class TrafficLightSortKind(Kind):
    model = TrafficLightSortQuestion
    icon = "list-ul"
    menu_order = 50
    data_fields = frozenset({"band", "behaviours"})
    related = ("band",)
    moodle_type = "matching"
    shuffled = ("items",)

    def load_parts(self, question_ids):
        """The behaviours, in the order they were linked."""
        parts = defaultdict(list)
        through = TrafficLightSortQuestion.behaviours.through
        links = list(through.objects.filter(trafficlightsortquestion_id__in=question_ids).order_by("pk"))
        if links:
            behaviours = Behaviour.objects.in_bulk([link.behaviour_id for link in links])
            for link in links:
                parts[link.trafficlightsortquestion_id].append(behaviours[link.behaviour_id])
        return parts

    def snapshot(self, question, parts):
        return {
            "band": question.band.label,
            "items": [
                {"id": b.pk, "text": b.text, "correct": b.colour, "reasoning": b.reasoning} for b in parts
            ],
        }

    def read_answer(self, snapshot, post, prefix, position):
        ids = {str(i["id"]) for i in snapshot["items"]}
        placements = {}
        for item_id, value in keyed(post, prefix + "item-").items():
            if item_id not in ids:
                raise AnswerError(f"{prefix}: unknown behaviour or colour")
            colour = read_colour(value, prefix)
            if colour:
                placements[item_id] = colour
        return {"placements": placements}

    def form_fields(self, snapshot, answer):
        return {f"item-{item}": colour for item, colour in answer.get("placements", {}).items()}

    def mark(self, snapshot, answer):
        placed = {str(k): v for k, v in answer.get("placements", {}).items()}
        parts, right = [], 0
        for item in snapshot["items"]:
            colour = placed.get(str(item["id"]))
            is_right = colour == item["correct"]
            right += is_right
            parts.append(
                {
                    "text": item["text"],
                    "chosen": COLOUR_LABELS.get(colour, NO_ANSWER),
                    "correct": COLOUR_LABELS[item["correct"]],
                    "right": is_right,
                    "feedback": item["reasoning"],
                }
            )
        return Marked(Fraction(right, len(snapshot["items"])), parts)

    def model_answer(self, snapshot):
        return {"placements": {str(i["id"]): i["correct"] for i in snapshot["items"]}}

    def colour_marks(self, snapshot, answer):
        placed = answer.get("placements", {})
        return [
            (snapshot["band"], item["correct"], chosen_or_none(placed.get(str(item["id"]))))
            for item in snapshot["items"]
        ]

    def check(self, data, where, bands):
        if bands is not None and data["band"] not in bands:
            raise QuestionDataError(f"{where}: unknown age band {data['band']!r}")
        check_list(data["behaviours"], f"{where}: behaviours", 2, 10)
        for n, behaviour in enumerate(data["behaviours"], 1):
            check_behaviour(behaviour, f"{where}: behaviour {n}", bands, band_required=False)

    def build(self, question, data, context):
        question.band = context.bands.get(data.get("band"))
        if question.band is None:
            raise QuestionDataError(f"{context.where}: unknown age band {data.get('band')!r}")

    def after_save(self, question, data, context):
        question.behaviours.set(
            [build_behaviour({**b, "band": data["band"]}, question.band, context) for b in data["behaviours"]]
        )

    def to_data(self, question, parts):
        return {
            "band": question.band.code,
            "behaviours": [
                {"key": b.key, "text": b.text, "colour": b.colour, "reasoning": b.reasoning} for b in parts
            ],
        }

    def write_moodle(self, element, data):
        write_pairs(element, [(b["text"], COLOUR_LABELS[b["colour"]]) for b in data["behaviours"]])
