"""A crash between the last activity and the completion, on PostgreSQL.

The crash is real to the database: a trigger makes the completion's INSERT fail, as a
server killed at that moment would, in committed (autocommit) mode so that whatever was
written before it stays written unless it shares the completion's transaction."""

from contextlib import contextmanager

import pytest
from bs4 import BeautifulSoup
from django.db import DatabaseError, connection
from django.test import Client

from certificates.models import Certificate
from courses import services
from courses.models import Completion, Enrolment, LessonProgress, SurveySubmission
from quizzes import services as quiz_services
from quizzes.models import Attempt
from quizzes.scoring import model_answer
from tests.concurrency import learner_and_course, run_at_once
from tests.factories import finish_lesson, lessons_of, make_quiz, survey_ratings

pytestmark = pytest.mark.postgres


@contextmanager
def completion_write_crashes(learner):
    """Every completion written for `learner` fails in the database until the block ends."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            CREATE FUNCTION test_completion_crash() RETURNS trigger AS $$
            BEGIN
                IF NEW.learner_id = {int(learner.pk)} THEN
                    RAISE EXCEPTION 'server killed before the completion was written';
                END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql;
            CREATE TRIGGER test_completion_crash BEFORE INSERT ON courses_completion
                FOR EACH ROW EXECUTE FUNCTION test_completion_crash();
            """
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "DROP TRIGGER test_completion_crash ON courses_completion;"
                "DROP FUNCTION test_completion_crash();"
            )


def fresh(enrolment):
    return Enrolment.objects.get(pk=enrolment.pk)


def test_a_crash_as_the_after_survey_finishes_the_course_keeps_neither(committed):
    learner, course = learner_and_course(committed, lessons=1)
    enrolment = services.enrol(learner, course)
    services.submit_survey(enrolment, "before", survey_ratings("before"))
    finish_lesson(enrolment, lessons_of(course)[0])

    with completion_write_crashes(learner), pytest.raises(DatabaseError):
        services.submit_survey(fresh(enrolment), "after", survey_ratings("after"))

    assert not SurveySubmission.objects.filter(enrolment=enrolment, phase="after").exists()
    assert not Completion.objects.filter(enrolment=enrolment).exists()
    # Nothing says "already answered": the learner simply answers again and completes.
    assert services.submit_survey(fresh(enrolment), "after", survey_ratings("after")) is True
    assert Completion.objects.filter(enrolment=enrolment).count() == 1
    assert Certificate.objects.filter(completion__enrolment=enrolment).count() == 1


def test_a_crash_as_the_last_lesson_finishes_the_course_keeps_neither(committed):
    learner, course = learner_and_course(committed, lessons=1, required=["lessons"])
    enrolment = services.enrol(learner, course)

    with completion_write_crashes(learner), pytest.raises(DatabaseError):
        finish_lesson(fresh(enrolment), lessons_of(course)[0])

    assert not LessonProgress.objects.filter(enrolment=enrolment).exists()
    assert not Completion.objects.filter(enrolment=enrolment).exists()


def test_a_crash_as_the_quiz_pass_finishes_the_course_keeps_neither(committed):
    learner, course = learner_and_course(committed, lessons=1, required=["lessons"])
    quiz = make_quiz(course)
    enrolment = services.enrol(learner, course)
    finish_lesson(enrolment, lessons_of(course)[0])
    attempt = quiz_services.start_attempt(learner, quiz)
    right = [model_answer(question) for question in attempt.questions]

    with completion_write_crashes(learner), pytest.raises(DatabaseError):
        quiz_services.submit_attempt(Attempt.objects.get(pk=attempt.pk), right)

    attempt.refresh_from_db()
    assert attempt.submitted_at is None and attempt.passed is not True
    assert not Completion.objects.filter(enrolment=enrolment).exists()
    # The same attempt can be submitted again, and this time the course completes.
    quiz_services.submit_attempt(Attempt.objects.get(pk=attempt.pk), right)
    completion = Completion.objects.get(enrolment=enrolment)
    assert completion.quiz_score == 100


def stuck_enrolment(committed):
    """What the old code left behind: every activity written, no completion."""
    learner, course = learner_and_course(committed, lessons=1)
    enrolment = services.enrol(learner, course)
    services.submit_survey(enrolment, "before", survey_ratings("before"))
    finish_lesson(enrolment, lessons_of(course)[0])
    submission = SurveySubmission.objects.create(enrolment=enrolment, phase="after")
    for item, phase, rating in survey_ratings("after"):
        submission.responses.create(enrolment=enrolment, item=item, phase=phase, rating=rating)
    assert not Completion.objects.filter(enrolment=enrolment).exists()
    return learner, course, enrolment


def test_two_requests_opening_my_learning_at_once_complete_a_stuck_course_once(committed):
    learner, course, enrolment = stuck_enrolment(committed)
    client = Client()
    client.force_login(learner)

    results, errors = run_at_once(2, lambda: client.get("/my/").status_code)

    assert errors == []
    assert results == [200, 200]
    completion = Completion.objects.get(enrolment=enrolment)
    assert fresh(enrolment).completed_at == completion.completed_at
    assert Certificate.objects.filter(completion=completion).count() == 1
    page = client.get("/my/").content.decode()
    assert Certificate.objects.get(completion=completion).display_code in page


def test_opening_the_course_page_completes_a_stuck_course(committed):
    learner, course, enrolment = stuck_enrolment(committed)
    client = Client()
    client.force_login(learner)

    response = client.get(f"/my/learning/{enrolment.pk}/continue/", follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == course.url
    completion = Completion.objects.get(enrolment=enrolment)
    assert Certificate.objects.filter(completion=completion).count() == 1
    state = BeautifulSoup(response.content, "html.parser").select_one(".status__state")
    assert state.get_text() == "Completed"
