"""Traffic light: is this behaviour of a child of this age green, amber or red? The
behaviour is a shared row (the practice page and sort questions use it too). Moodle sees a
single choice of the three colours.

The colours themselves are `quizzes.models.bands.Colour`; the helpers here are shared with
the sort question (`traffic_light_sort`)."""

from cms.sanitiser import clean_text
from quizzes.answers import AnswerError
from quizzes.interchange.data import QuestionDataError
from quizzes.interchange.moodle_xml import write_choices
from quizzes.interchange.validate import check_text
from quizzes.kinds import register
from quizzes.kinds.base import Kind, Marked, whole
from quizzes.models import Behaviour, TrafficLightQuestion
from quizzes.models.bands import COLOUR_MEANING, Colour

COLOUR_LABELS = dict(Colour.choices)
NO_ANSWER = "No answer"


def read_colour(value, where):
    """A colour code from the form, or None when none was chosen."""
    if value in (None, ""):
        return None
    if value not in Colour.values:
        raise AnswerError(f"{where}: unknown colour")
    return value


def chosen_or_none(colour):
    """The chosen colour as the insight report records it ("none" for no or a bad answer)."""
    return colour if colour in Colour.values else "none"


def check_behaviour(data, where, bands, band_required):
    if not isinstance(data, dict):
        raise QuestionDataError(f"{where} must be a mapping")
    check_text(data.get("key"), f"{where}: key", 80)
    check_text(data.get("text"), f"{where}: text")
    if data.get("colour") not in Colour.values:
        words = ", ".join(Colour.values[:-1]) + " or " + Colour.values[-1]
        raise QuestionDataError(f"{where}: colour must be {words}")
    if band_required and bands is not None and data.get("band") not in bands:
        raise QuestionDataError(f"{where}: unknown age band {data.get('band')!r}")


def build_behaviour(data, band, context):
    """The behaviour with this key, created from `data` if new. Behaviours are shared by
    questions and the practice page, so an existing one is brought up to date only when
    `update_shared` (the shipped content, whose files own it); an import reuses it as it is."""
    if band is None:
        raise QuestionDataError(f"{context.where}: unknown age band")
    defaults = {
        "band": band,
        "text": clean_text(data["text"]),
        "colour": data["colour"],
        "reasoning": clean_text(data.get("reasoning") or ""),
        "practice": data.get("practice", False),
    }
    if context.update_shared:
        return Behaviour.objects.update_or_create(key=data["key"], defaults=defaults)[0]
    return Behaviour.objects.get_or_create(key=data["key"], defaults=defaults)[0]


@register
class TrafficLightKind(Kind):
    model = TrafficLightQuestion
    icon = "warning"
    menu_order = 40
    data_fields = frozenset({"behaviour"})
    related = ("behaviour__band",)
    moodle_type = "multichoice"

    def snapshot(self, question, parts):
        behaviour = question.behaviour
        return {
            "behaviour": behaviour.text,
            "band": behaviour.band.label,
            "correct": behaviour.colour,
            "reasoning": behaviour.reasoning,
        }

    def read_answer(self, snapshot, post, prefix, position):
        colour = read_colour(post.get(prefix + "colour"), prefix)
        return {"colour": colour} if colour else {}

    def form_fields(self, snapshot, answer):
        return {"colour": answer["colour"]} if answer.get("colour") else {}

    def mark(self, snapshot, answer):
        colour = answer.get("colour")
        return Marked(
            whole(colour == snapshot["correct"]),
            [
                {
                    "text": snapshot["behaviour"],
                    "chosen": COLOUR_LABELS.get(colour, NO_ANSWER),
                    "correct": COLOUR_LABELS[snapshot["correct"]],
                    "right": colour == snapshot["correct"],
                    "feedback": snapshot["reasoning"],
                    "meaning": COLOUR_MEANING[snapshot["correct"]],
                }
            ],
        )

    def model_answer(self, snapshot):
        return {"colour": snapshot["correct"]}

    def colour_marks(self, snapshot, answer):
        return [(snapshot["band"], snapshot["correct"], chosen_or_none(answer.get("colour")))]

    def check(self, data, where, bands):
        check_behaviour(data["behaviour"], f"{where}: behaviour", bands, band_required=True)

    def build(self, question, data, context):
        band = context.bands.get(data["behaviour"].get("band"))
        question.behaviour = build_behaviour(data["behaviour"], band, context)

    def to_data(self, question, parts):
        b = question.behaviour
        return {
            "behaviour": {
                "key": b.key,
                "band": b.band.code,
                "text": b.text,
                "colour": b.colour,
                "reasoning": b.reasoning,
            }
        }

    def write_moodle(self, element, data):
        options = [
            {"text": label, "correct": code == data["behaviour"]["colour"]} for code, label in Colour.choices
        ]
        write_choices(element, options, single=True)
