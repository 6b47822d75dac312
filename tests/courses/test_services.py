"""The journey's rules: completion, snapshots, refreshers and one-of-each records."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail import hooks

from cms.dates import add_months
from cms.models import Agency
from courses import activities, services
from courses.models import Completion, Enrolment, LessonProgress, SurveyResponse, SurveySubmission
from tests.factories import finish_lesson, lessons_of, make_course, make_learner, survey_ratings

pytestmark = pytest.mark.django_db


def finish_everything(enrolment):
    services.submit_survey(enrolment, "before", survey_ratings("before"))
    for lesson in lessons_of(enrolment.course):
        finish_lesson(enrolment, lesson)
    services.submit_survey(enrolment, "after", survey_ratings("after", 4))
    return Completion.objects.filter(enrolment=enrolment).first()


def test_a_course_is_complete_only_when_every_required_activity_is_done():
    learner, course = make_learner(), make_course(lessons=2)
    enrolment = services.enrol(learner, course)
    services.submit_survey(enrolment, "before", survey_ratings("before"))
    first, second = lessons_of(course)
    finish_lesson(enrolment, first)
    assert not Completion.objects.filter(enrolment=enrolment).exists()
    with pytest.raises(services.JourneyError):
        services.submit_survey(enrolment, "after", survey_ratings("after"))  # a lesson is left
    finish_lesson(enrolment, second)
    assert not Completion.objects.filter(enrolment=enrolment).exists()  # after survey to do
    services.submit_survey(enrolment, "after", survey_ratings("after"))
    assert Completion.objects.filter(enrolment=enrolment).count() == 1
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None


def test_the_rule_is_data_on_the_course():
    learner = make_learner()
    course = make_course(lessons=1, required=["lessons"])
    enrolment = services.enrol(learner, course)
    finish_lesson(enrolment, lessons_of(course)[0])  # no surveys needed here
    assert Completion.objects.filter(enrolment=enrolment).exists()


def test_lessons_wait_for_the_before_survey_when_it_is_required():
    learner, course = make_learner(), make_course(lessons=1)
    enrolment = services.enrol(learner, course)
    with pytest.raises(services.JourneyError, match="before"):
        finish_lesson(enrolment, lessons_of(course)[0])
    assert not LessonProgress.objects.filter(enrolment=enrolment).exists()


def test_another_app_can_add_a_required_activity():
    passed = set()
    test_quiz = activities.Activity(
        "test_quiz", "Pass the test quiz", lambda enrolment: enrolment.pk in passed, order=60
    )
    with hooks.register_temporarily(activities.HOOK, lambda: test_quiz):
        learner = make_learner()
        course = make_course(lessons=1, required=["lessons", "test_quiz", "after_survey"])
        enrolment = services.enrol(learner, course)
        finish_lesson(enrolment, lessons_of(course)[0])
        with pytest.raises(services.JourneyError):
            services.submit_survey(enrolment, "after", survey_ratings("after"))
        passed.add(enrolment.pk)
        services.submit_survey(enrolment, "after", survey_ratings("after"))
        assert Completion.objects.filter(enrolment=enrolment).exists()
    assert "test_quiz" not in activities.codes()


def test_completion_snapshots_agency_role_and_title_and_is_never_edited():
    learner, course = make_learner("housing"), make_course(lessons=1)
    completion = finish_everything(services.enrol(learner, course))
    profile = learner.learner_profile
    profile.agency = Agency.objects.get(code="health")
    profile.job_role = "nurse"
    profile.save()
    course.title = "Renamed course"
    course.save_revision().publish()
    completion.refresh_from_db()
    assert completion.agency.code == "housing"
    assert completion.agency_name == "Housing"
    assert completion.job_role == "housing"
    assert completion.job_role_label == "Housing officer"
    assert completion.course_title.startswith("Test course")
    with pytest.raises(ValueError, match="never edited"):
        completion.save()
    # New completions count for the new agency.
    second_course = make_course(lessons=1)
    assert finish_everything(services.enrol(learner, second_course)).agency.code == "health"


def test_expiry_is_completion_plus_the_refresher_period():
    learner, course = make_learner(), make_course(lessons=1, refresher_months=24)
    completion = finish_everything(services.enrol(learner, course))
    completed_on = timezone.localtime(completion.completed_at).date()
    assert completion.expires_on == add_months(completed_on, 24)


@pytest.mark.parametrize(
    "day, months, expected",
    [
        ("2026-01-31", 1, "2026-02-28"),
        ("2024-01-31", 1, "2024-02-29"),
        ("2026-11-21", 36, "2029-11-21"),
        ("2026-12-15", 1, "2027-01-15"),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(day, months, expected):
    from datetime import date

    assert add_months(date.fromisoformat(day), months) == date.fromisoformat(expected)


def test_refresher_cycle_keeps_history():
    learner, course = make_learner(), make_course(lessons=1)
    first = finish_everything(services.enrol(learner, course))
    with pytest.raises(services.JourneyError, match="not due"):
        services.enrol(learner, course)
    # Move the first completion to 60 days before expiry: the refresher opens.
    Completion.objects.filter(pk=first.pk).update(expires_on=timezone.localdate() + timedelta(days=60))
    second_enrolment = services.enrol(learner, course)
    assert second_enrolment.cycle == 2
    second = finish_everything(second_enrolment)
    assert list(Completion.objects.filter(learner=learner, course=course).order_by("completed_at")) == [
        first,
        second,
    ]
    assert Enrolment.objects.filter(learner=learner, course=course).count() == 2


def test_enrolling_twice_returns_the_open_enrolment():
    learner, course = make_learner(), make_course(lessons=1)
    assert services.enrol(learner, course) == services.enrol(learner, course)
    assert Enrolment.objects.filter(learner=learner, course=course).count() == 1


def test_the_database_refuses_a_second_open_enrolment():
    learner, course = make_learner(), make_course(lessons=1)
    agency = learner.learner_profile.agency
    Enrolment.objects.create(learner=learner, course=course, cycle=1, agency=agency)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(learner=learner, course=course, cycle=2, agency=agency)


def test_each_survey_is_stored_once():
    learner, course = make_learner(), make_course(lessons=1)
    enrolment = services.enrol(learner, course)
    assert services.submit_survey(enrolment, "before", survey_ratings("before", 2)) is True
    assert services.submit_survey(enrolment, "before", survey_ratings("before", 5)) is False
    assert SurveySubmission.objects.filter(enrolment=enrolment).count() == 1
    assert set(SurveyResponse.objects.filter(enrolment=enrolment).values_list("rating", flat=True)) == {2}
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveySubmission.objects.create(enrolment=enrolment, phase="before")


def test_after_survey_stores_after_and_retrospective_ratings():
    learner, course = make_learner(), make_course(lessons=1)
    enrolment = services.enrol(learner, course)
    finish_everything(enrolment)
    phases = SurveyResponse.objects.filter(enrolment=enrolment).values_list("phase", flat=True)
    items = 8
    assert sorted(set(phases)) == ["after", "before", "retrospective"]
    assert len(phases) == 3 * items


def test_ratings_out_of_range_are_refused_by_the_rules_and_the_database():
    learner, course = make_learner(), make_course(lessons=1)
    enrolment = services.enrol(learner, course)
    ratings = survey_ratings("before")
    ratings[0] = (ratings[0][0], "before", 6)
    with pytest.raises(services.JourneyError):
        services.submit_survey(enrolment, "before", ratings)
    assert not SurveySubmission.objects.filter(enrolment=enrolment).exists()
    submission = SurveySubmission.objects.create(enrolment=enrolment, phase="before")
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyResponse.objects.create(
            submission=submission, enrolment=enrolment, item=ratings[0][0], phase="before", rating=0
        )
