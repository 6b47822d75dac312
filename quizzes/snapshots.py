"""Loading a quiz's questions as snapshots in a fixed number of queries, however many
questions it has."""

from collections import defaultdict

from quizzes.models import Behaviour, MatchPair, Observation, Option, OrderStep, Question
from quizzes.models.questions import TrafficLightSortQuestion

_EXTRA_RELATED = {
    "traffic_light": ["behaviour__band"],
    "traffic_light_sort": ["band"],
}
_PART_MODELS = {"options": Option, "observations": Observation, "steps": OrderStep, "pairs": MatchPair}
_PARTS_OF = {
    "single_choice": "options",
    "multiple_response": "options",
    "spot_indicators": "observations",
    "order": "steps",
    "matching": "pairs",
}


def load_questions(quiz):
    """The quiz's questions as their own types, in order."""
    base = list(
        Question.objects.filter(quiz=quiz)
        .non_polymorphic()
        .select_related("polymorphic_ctype")
        .order_by("sort_order", "pk")
    )
    by_model = defaultdict(list)
    for question in base:
        by_model[question.polymorphic_ctype.model_class()].append(question.pk)
    real = {}
    for model, ids in by_model.items():
        related = ["vignette", "chapter", "image"] + _EXTRA_RELATED.get(model.type_code, [])
        for question in model.objects.non_polymorphic().filter(pk__in=ids).select_related(*related):
            real[question.pk] = question
    return [real[q.pk] for q in base if q.pk in real]


def parts_for(questions):
    """{question id: [parts]} for every question that has parts."""
    parts = defaultdict(list)
    wanted = defaultdict(list)
    for question in questions:
        relation = _PARTS_OF.get(question.type_code)
        if relation:
            wanted[relation].append(question.pk)
    for relation, ids in wanted.items():
        for part in _PART_MODELS[relation].objects.filter(question_id__in=ids).order_by("sort_order", "pk"):
            parts[part.question_id].append(part)
    sort_ids = [q.pk for q in questions if q.type_code == "traffic_light_sort"]
    if sort_ids:
        through = TrafficLightSortQuestion.behaviours.through
        links = through.objects.filter(trafficlightsortquestion_id__in=sort_ids).order_by("pk")
        behaviours = Behaviour.objects.in_bulk([link.behaviour_id for link in links])
        for link in links:
            parts[link.trafficlightsortquestion_id].append(behaviours[link.behaviour_id])
    return parts


def quiz_snapshots(quiz):
    questions = load_questions(quiz)
    parts = parts_for(questions)
    return [
        dict(question.snapshot(parts.get(question.pk, [])), question_id=question.pk) for question in questions
    ]
