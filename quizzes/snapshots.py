"""Loading a quiz's questions as snapshots in a fixed number of queries, however many
questions it has."""

from collections import defaultdict

from django.db.models import prefetch_related_objects

from quizzes import kinds


def load_questions(quiz):
    """The quiz's questions as their own types, in order. django-polymorphic turns the rows
    into subclasses (one query per type present); what a kind's snapshot reads through its
    own relations (a traffic-light question's behaviour) is then loaded for all its questions."""
    questions = list(
        quiz.questions.filter(live=True)
        .select_related("vignette", "chapter", "image", "age_band")
        .order_by("sort_order", "pk")
    )
    by_kind = defaultdict(list)
    for question in questions:
        by_kind[question.type_code].append(question)
    for code, group in by_kind.items():
        related = kinds.get(code).related
        if related:
            prefetch_related_objects(group, *related)
    return questions


def parts_for(questions):
    """{question id: [parts]} for every question that has parts; kinds that share a part
    model (single choice and multiple response share options) are loaded in one query."""
    wanted = defaultdict(list)
    loaders = {}
    for question in questions:
        kind = kinds.of(question)
        group = kind.part_model or kind.code
        loaders.setdefault(group, kind)
        wanted[group].append(question.pk)
    parts = {}
    for group, ids in wanted.items():
        parts.update(loaders[group].load_parts(ids))
    return parts


def snapshot(question, parts):
    """Everything needed to show, mark and explain a question, as plain data."""
    return {**question.base_snapshot(), **kinds.of(question).snapshot(question, parts)}


def quiz_snapshots(quiz):
    questions = load_questions(quiz)
    parts = parts_for(questions)
    return [
        dict(snapshot(question, parts.get(question.pk, [])), question_id=question.pk)
        for question in questions
    ]
