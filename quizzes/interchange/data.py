"""Questions as plain data, the one shape shared by the shipped quiz files, the Moodle XML
and GIFT importers and the Moodle XML exporter (see content_fixtures/README.md, "A quiz
file"). `build_question` turns data into saved questions; `question_to_data` reverses it,
so an export re-imports unchanged. The fields every question has are handled here; each
kind builds and writes its own (`Kind.build`, `Kind.to_data`)."""

from cms.models import ChapterPage
from cms.sanitiser import clean_text
from quizzes import kinds
from quizzes.kinds.base import BuildContext
from quizzes.models import AgeBand, BandSet, Difficulty
from quizzes.snapshots import load_questions, parts_for


class QuestionDataError(Exception):
    """Question data that cannot be built; the message says which question and why."""


def current_bands():
    band_set = BandSet.objects.filter(current=True).first()
    return {b.code: b for b in AgeBand.objects.filter(band_set=band_set)} if band_set else {}


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
    save=True,
):
    """Create one question of `data["type"]` in `quiz` from plain data, or bring `existing`
    (a question of the same type) up to date in place, keeping its id and its history.
    `update_shared` says whether the traffic-light behaviours it names are brought up to
    date from `data` or, when they exist, used as they are. With `save` False the question
    is built in memory only (its parts as unsaved children), to be kept as a draft revision."""
    where = f"question '{data.get('key') or data.get('text', '')[:40]}'"
    try:
        kind = kinds.get(data.get("type"))
    except kinds.UnknownKind:
        raise QuestionDataError(f"{where}: unsupported type {data.get('type')!r}") from None
    context = BuildContext(where, bands if bands is not None else current_bands(), update_shared)
    chapter_slug = data.get("chapter")
    chapter = None
    if chapter_slug:
        chapter = (chapters or {}).get(chapter_slug) or ChapterPage.objects.filter(slug=chapter_slug).first()
    question = existing if existing is not None and existing.type_code == kind.code else kind.model(quiz=quiz)
    question.key = data["key"]
    question.sort_order = sort_order
    question.vignette = (vignettes or {}).get(data.get("vignette"))
    question.text = clean_text(data["text"])
    question.explanation = clean_text(data.get("explanation") or "")
    question.chapter = chapter
    question.category = data.get("category") or ""
    question.points = data.get("points", 1)
    question.difficulty = data.get("difficulty") or Difficulty.MEDIUM
    question.age_band = context.bands.get(data.get("age_band")) if data.get("age_band") else None
    kind.build(question, data, context)
    if tags:
        question.tags.add(*tags)  # committed with the question by its save()
    if save:
        question.save()
        kind.after_save(question, data, context)
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
    data["difficulty"] = question.difficulty
    if question.age_band_id:
        data["age_band"] = question.age_band.code
    data.update(kinds.of(question).to_data(question, parts))
    return data


def quiz_to_data(quiz):
    """All questions of `quiz` as data, in order, plus the vignettes they use."""
    questions = load_questions(quiz)
    parts = parts_for(questions)
    return [question_to_data(q, parts.get(q.pk, [])) for q in questions]
