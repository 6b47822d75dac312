"""Races on PostgreSQL for the confidence and knowledge tallies (`courses.pairs`): recounts of
one person at the same moment queue up on her user row, so she is counted once; recounts of
different people at the same moment each add their own counts to the cells they share.

Committed data, as in `test_concurrency` (threads cannot see a test's open transaction)."""

import pytest

from courses import pairs, services
from courses.models import PairMark, PairTally
from tests.concurrency import learner_and_course, run_at_once
from tests.factories import finish_lesson, lessons_of, survey_ratings

pytestmark = pytest.mark.postgres


def completed(made, course=None):
    learner, made_course = learner_and_course(made, lessons=1)
    enrolment = services.enrol(learner, course or made_course)
    services.submit_survey(enrolment, "before", survey_ratings("before", 2))
    finish_lesson(enrolment, lessons_of(course or made_course)[0])
    services.submit_survey(enrolment, "after", survey_ratings("after", 4))
    return learner, course or made_course


def cells():
    return sorted(PairTally.objects.exclude(people=0).values_list(*PairTally.CELL, "people"))


def test_recounting_one_person_at_once_counts_her_once(committed):
    learner, _ = completed(committed)
    kept = cells()
    # One mark per measure: her profile, her enrolment, her completion (once for every mode,
    # once for e-learning), and its surveys.
    measures = ["completed", "confidence", "registered", "started", "trained_e_learning"]
    marks = PairMark.objects.filter(learner=learner.pk).order_by("measure").values_list("measure", flat=True)
    assert list(marks) == measures
    _, errors = run_at_once(6, lambda: pairs.recount([learner.pk]))
    assert errors == []
    assert cells() == kept
    assert list(marks) == measures


def test_recounting_two_people_at_once_keeps_both(committed):
    """The same course, agency and month: their counts share cells, which both recounts take
    away from and add to at once."""
    first, course = completed(committed)
    second, _ = completed(committed, course)
    kept = cells()
    waiting = [first.pk, second.pk]
    _, errors = run_at_once(2, lambda: pairs.recount([waiting.pop()]))
    assert errors == [] and waiting == []
    assert cells() == kept
