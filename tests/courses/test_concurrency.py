"""Races on PostgreSQL: many requests at once still leave one record each.

The threads need committed data, so these tests write outside the usual test transaction
and remove what they made afterwards (a transactional test would flush the shipped
content that the rest of the suite reads)."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from cms.models import Agency
from courses import services
from courses.models import Completion, Enrolment, LearnerProfile, PendingRegistration, SurveySubmission
from tests.concurrency import learner_and_course, run_at_once
from tests.factories import finish_lesson, lessons_of, survey_ratings

pytestmark = pytest.mark.postgres


def test_ten_threads_completing_one_enrolment_make_one_completion(committed):
    learner, course = learner_and_course(committed, lessons=1, required=["lessons"])
    enrolment = services.enrol(learner, course)
    from courses.models import LessonProgress

    LessonProgress.objects.create(enrolment=enrolment, lesson=lessons_of(course)[0])
    results, errors = run_at_once(10, lambda: services.try_complete(Enrolment.objects.get(pk=enrolment.pk)))
    assert errors == []
    assert Completion.objects.filter(enrolment=enrolment).count() == 1
    assert len({r.pk for r in results}) == 1


def test_submitting_the_after_survey_twice_at_once_stores_it_once(committed):
    learner, course = learner_and_course(committed, lessons=1)
    enrolment = services.enrol(learner, course)
    services.submit_survey(enrolment, "before", survey_ratings("before"))
    finish_lesson(enrolment, lessons_of(course)[0])
    results, errors = run_at_once(
        2,
        lambda: services.submit_survey(
            Enrolment.objects.get(pk=enrolment.pk), "after", survey_ratings("after")
        ),
    )
    assert errors == []
    assert sorted(results) == [False, True]
    assert SurveySubmission.objects.filter(enrolment=enrolment, phase="after").count() == 1
    assert Completion.objects.filter(enrolment=enrolment).count() == 1


def test_ten_threads_enrolling_at_once_make_one_enrolment(committed):
    learner, course = learner_and_course(committed, lessons=1)
    results, errors = run_at_once(10, lambda: services.enrol(learner, course))
    assert errors == []
    assert Enrolment.objects.filter(learner=learner, course=course).count() == 1
    assert len({r.pk for r in results}) == 1


def _pending_for(email):
    return PendingRegistration.start(
        email=email,
        password="a-long-unusual-passphrase",
        first_name="Rae",
        last_name="Race",
        agency=Agency.objects.get(code="housing"),
        job_role="housing",
        team="",
    )


@pytest.mark.parametrize("links", ["one link twice", "two links for one address"])
def test_confirming_at_once_makes_one_account(committed, links):
    email = "race@example.org"
    tokens = [_pending_for(email)] * 2 if links == "one link twice" else [_pending_for(email) for _ in "ab"]
    try:
        results, errors = run_at_once(
            2, lambda: Client().post(reverse("courses:register_confirm", args=[tokens.pop()])).status_code
        )
    finally:
        made = list(get_user_model().objects.filter(username=email))
        committed["users"].extend(made)
        PendingRegistration.objects.filter(email=email).delete()
    assert errors == []
    # The second finds the link used (404) or the address taken (200, "already set up").
    assert sorted(results) == ([302, 404] if links == "one link twice" else [200, 302])
    assert len(made) == 1
    assert LearnerProfile.objects.filter(user__in=made).count() == 1
