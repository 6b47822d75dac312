"""Questions as plain data, the one shape shared by the shipped quiz files, the Moodle XML
and GIFT importers and the Moodle XML exporter (see content_fixtures/README.md, "A quiz
file"). `build_question` turns data into saved questions; `question_to_data` reverses it,
so an export re-imports unchanged."""

from cms.models import ChapterPage
from cms.sanitiser import clean_text
from quizzes.models import (
    AgeBand,
    BandSet,
    Behaviour,
    MatchPair,
    Observation,
    Option,
    OrderStep,
)
from quizzes.models.questions import QUESTION_TYPES


class QuestionDataError(Exception):
    """Question data that cannot be built; the message says which question and why."""


def current_bands():
    band_set = BandSet.objects.filter(current=True).first()
    return {b.code: b for b in AgeBand.objects.filter(band_set=band_set)} if band_set else {}


def _behaviour(data, band, where, update_shared):
    """The behaviour with this key, created from `data` if new. Behaviours are shared by
    questions and the practice page, so an existing one is brought up to date only when
    `update_shared` (the shipped content, whose files own it); an import reuses it as it is."""
    if band is None:
        raise QuestionDataError(f"{where}: unknown age band")
    defaults = {
        "band": band,
        "text": clean_text(data["text"]),
        "colour": data["colour"],
        "reasoning": clean_text(data.get("reasoning") or ""),
        "practice": data.get("practice", False),
    }
    if update_shared:
        return Behaviour.objects.update_or_create(key=data["key"], defaults=defaults)[0]
    return Behaviour.objects.get_or_create(key=data["key"], defaults=defaults)[0]


def build_question(
    quiz,
    data,
    *,
    sort_order,
    vignettes=None,
    bands=None,
    chapters=None,
    tags=(),
    existing=None,
    update_shared=True,
):
    """Create one question of `data["type"]` in `quiz` from plain data, or bring `existing`
    (a question of the same type) up to date in place, keeping its id and its history.
    `update_shared` says whether the traffic-light behaviours it names are brought up to
    date from `data` or, when they exist, used as they are."""
    kind = data.get("type")
    model = QUESTION_TYPES.get(kind)
    where = f"question '{data.get('key') or data.get('text', '')[:40]}'"
    if model is None:
        raise QuestionDataError(f"{where}: unsupported type {kind!r}")
    bands = bands if bands is not None else current_bands()
    chapter_slug = data.get("chapter")
    chapter = None
    if chapter_slug:
        chapter = (chapters or {}).get(chapter_slug) or ChapterPage.objects.filter(slug=chapter_slug).first()
    question = existing if existing is not None and existing.type_code == kind else model(quiz=quiz)
    question.key = data["key"]
    question.sort_order = sort_order
    question.vignette = (vignettes or {}).get(data.get("vignette"))
    question.text = clean_text(data["text"])
    question.explanation = clean_text(data.get("explanation") or "")
    question.chapter = chapter
    question.category = data.get("category") or ""
    question.points = data.get("points", 1)
    if kind in ("single_choice", "multiple_response"):
        question.options = [
            Option(
                text=clean_text(o["text"]),
                correct=bool(o.get("correct")),
                feedback=clean_text(o.get("feedback") or ""),
            )
            for o in data["options"]
        ]
    elif kind == "true_false":
        question.correct = bool(data["correct"])
    elif kind == "traffic_light":
        question.behaviour = _behaviour(
            data["behaviour"], bands.get(data["behaviour"].get("band")), where, update_shared
        )
    elif kind == "traffic_light_sort":
        question.band = bands.get(data.get("band"))
        if question.band is None:
            raise QuestionDataError(f"{where}: unknown age band {data.get('band')!r}")
    elif kind == "spot_indicators":
        question.observations = [
            Observation(
                text=clean_text(o["text"]), category=o["category"], indicator=bool(o.get("indicator"))
            )
            for o in data["observations"]
        ]
    elif kind == "order":
        question.steps = [
            OrderStep(text=clean_text(s["text"]), timescale=clean_text(s.get("timescale") or ""))
            for s in data["steps"]
        ]
    elif kind == "matching":
        question.pairs = [
            MatchPair(term=clean_text(p["term"]), definition=clean_text(p["definition"]))
            for p in data["pairs"]
        ]
    if tags:
        question.tags.add(*tags)  # committed with the question by its save()
    question.save()
    if kind == "traffic_light_sort":
        question.behaviours.set(
            [
                _behaviour({**b, "band": data["band"]}, question.band, where, update_shared)
                for b in data["behaviours"]
            ]
        )
    return question


def question_to_data(question, parts):
    """The plain data of a saved question (the inverse of `build_question`)."""
    data = {
        "key": question.key,
        "type": question.type_code,
        "text": question.text,
        "explanation": question.explanation,
        "points": question.points,
    }
    if question.vignette_id:
        data["vignette"] = question.vignette.key
    if question.chapter_id:
        data["chapter"] = question.chapter.slug
    if question.category:
        data["category"] = question.category
    kind = question.type_code
    if kind in ("single_choice", "multiple_response"):
        data["options"] = [
            {"text": o.text, "correct": o.correct, **({"feedback": o.feedback} if o.feedback else {})}
            for o in parts
        ]
    elif kind == "true_false":
        data["correct"] = question.correct
    elif kind == "traffic_light":
        b = question.behaviour
        data["behaviour"] = {
            "key": b.key,
            "band": b.band.code,
            "text": b.text,
            "colour": b.colour,
            "reasoning": b.reasoning,
        }
    elif kind == "traffic_light_sort":
        data["band"] = question.band.code
        data["behaviours"] = [
            {"key": b.key, "text": b.text, "colour": b.colour, "reasoning": b.reasoning} for b in parts
        ]
    elif kind == "spot_indicators":
        data["observations"] = [
            {"text": o.text, "category": o.category, "indicator": o.indicator} for o in parts
        ]
    elif kind == "order":
        data["steps"] = [
            {"text": s.text, **({"timescale": s.timescale} if s.timescale else {})} for s in parts
        ]
    elif kind == "matching":
        data["pairs"] = [{"term": p.term, "definition": p.definition} for p in parts]
    return data


def quiz_to_data(quiz):
    """All questions of `quiz` as data, in order, plus the vignettes they use."""
    from quizzes.snapshots import load_questions, parts_for

    questions = load_questions(quiz)
    parts = parts_for(questions)
    return [question_to_data(q, parts.get(q.pk, [])) for q in questions]
