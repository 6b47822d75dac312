"""Two submissions of one attempt at the same moment, on PostgreSQL: marked once."""

import pytest

from courses import services as course_services
from quizzes import services
from quizzes.models import Attempt, Response
from quizzes.scoring import model_answer
from tests.concurrency import learner_and_course, run_at_once
from tests.factories import SAMPLE_QUESTIONS, finish_lesson, lessons_of, make_quiz, survey_ratings

pytestmark = pytest.mark.postgres


def test_two_simultaneous_submissions_mark_the_attempt_once(committed):
    learner, course = learner_and_course(committed, lessons=1)
    quiz = make_quiz(course, SAMPLE_QUESTIONS)
    enrolment = course_services.enrol(learner, course)
    course_services.submit_survey(enrolment, "before", survey_ratings("before"))
    finish_lesson(enrolment, lessons_of(course)[0])
    attempt = services.start_attempt(learner, quiz)
    right = [model_answer(q) for q in attempt.questions]
    wrong = [{} for _ in attempt.questions]
    answers = iter([right, wrong])

    def submit():
        try:
            return services.submit_attempt(Attempt.objects.get(pk=attempt.pk), next(answers)).score
        except services.AlreadySubmitted:
            return "refused"

    results, errors = run_at_once(2, submit)
    assert errors == []
    assert sorted(map(str, results)).count("refused") == 1
    assert Response.objects.filter(attempt=attempt).count() == len(SAMPLE_QUESTIONS)
    attempt.refresh_from_db()
    assert attempt.submitted_at is not None and attempt.score in (0, 100)
