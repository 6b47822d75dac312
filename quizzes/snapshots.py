"""Loading a quiz's questions as snapshots in a fixed number of queries, however many
questions it has; and splitting the snapshot an attempt showed into the part stored once
per question version and the part ids that are the attempt's own."""

import hashlib
import json
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


# -- one stored copy per question version ----------------------------------------------------

PART_ID_KEYS = ("id", "answer_id")  # keys of a part that hold an id the form uses


def is_parts(value):
    """Whether a snapshot's value is a list of parts (options, observations, steps, pairs):
    a non-empty list of objects."""
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _copied(shown):
    """The snapshot with its parts copied, so that their ids can be changed."""
    return {name: [dict(p) for p in value] if is_parts(value) else value for name, value in shown.items()}


def id_slots(shown):
    """(list name, part index, key) of every part id in a snapshot, in an order that does not
    depend on how the database returns a JSON object's keys: the lists by name, their parts
    in order, the keys as in `PART_ID_KEYS`."""
    for name in sorted(shown):
        value = shown[name]
        if is_parts(value):
            for index, part in enumerate(value):
                for key in PART_ID_KEYS:
                    if key in part:
                        yield name, index, key


def split(shown):
    """(the snapshot with every part id emptied, the ids in `id_slots` order). The first is
    the same for every attempt that showed this version of the question, whatever random
    ids each attempt gave its parts, so it is stored once; the second is all an answer has
    to keep of its own."""
    shared = _copied(shown)
    ids = []
    for name, index, key in id_slots(shown):
        ids.append(shown[name][index][key])
        shared[name][index][key] = None
    return shared, ids


def join(shared, ids):
    """The snapshot an attempt showed, from the stored version and the attempt's ids: the
    inverse of `split`."""
    shown = _copied(shared)
    slots = list(id_slots(shared))
    if len(slots) != len(ids):
        raise ValueError(f"{len(ids)} part ids for a question version with {len(slots)} parts")
    for (name, index, key), value in zip(slots, ids, strict=True):
        shown[name][index][key] = value
    return shown


def digest(shared):
    """A version's identity: SHA-256 of its canonical JSON (sorted keys, no spaces), so the
    same content always finds the same row."""
    canonical = json.dumps(shared, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
