"""Reporting rows derived from an answer: each real indicator in a "spot the indicators"
question and whether it was ticked, and each traffic-light judgement with the right
colour and the one chosen (each kind says which rows it gives: `Kind.indicator_marks`,
`Kind.colour_marks`). They are written with the responses, so the "what staff miss"
report groups and counts rows in the database rather than reading snapshots in Python."""

from operator import attrgetter

from quizzes import kinds
from quizzes.models import ColourMark, IndicatorMark
from quizzes.models.bands import Colour

COLOURS = tuple(Colour.values)


def indicator_marks(snapshot, answer):
    """(category, category label, ticked) for each real indicator the question showed."""
    return kinds.get(snapshot["type"]).indicator_marks(snapshot, answer)


def colour_marks(snapshot, answer):
    """(age band, right colour, chosen colour or "none") for each traffic-light judgement."""
    return kinds.get(snapshot["type"]).colour_marks(snapshot, answer)


def unsaved_marks(responses, indicator_model, colour_model, shown=attrgetter("shown_snapshot")):
    """The mark rows for saved responses. The models, and how to read the snapshot a
    response showed, are passed in so that the migration that fills them for earlier answers
    can use its historical models."""

    def rows(model, fields, marks_of):
        return [
            model(
                response_id=response.pk,
                attempt_id=response.attempt_id,
                **dict(zip(fields, mark, strict=True)),
            )
            for response in responses
            for mark in marks_of(shown(response), response.answer)
        ]

    return (
        rows(indicator_model, ("category", "category_label", "ticked"), indicator_marks),
        rows(colour_model, ("band", "correct", "chosen"), colour_marks),
    )


def record(responses):
    """Write the mark rows of newly saved responses."""
    indicators, colours = unsaved_marks(responses, IndicatorMark, ColourMark)
    IndicatorMark.objects.bulk_create(indicators)
    ColourMark.objects.bulk_create(colours)
