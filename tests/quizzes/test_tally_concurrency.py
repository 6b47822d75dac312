"""On PostgreSQL: learners marked at the same moment in the same cell of the tallies each add
their own counts (the upsert adds in the database; no read-modify-write loses one)."""

import pytest
from django.db.models import Sum

from courses import services as course_services
from quizzes import services
from quizzes.models import AnswerTally, Attempt, AttemptTally, Response
from quizzes.scoring import model_answer
from tests.concurrency import run_at_once
from tests.factories import SAMPLE_QUESTIONS, make_course, make_learner, make_quiz, open_the_quiz

pytestmark = pytest.mark.postgres

LEARNERS = 4


def test_simultaneous_first_attempts_are_all_counted(committed):
    course = make_course(lessons=1, title="Racing tallies")
    committed["courses"].append(course)
    quiz = make_quiz(course, SAMPLE_QUESTIONS, slug="racing-tallies")
    attempts = []
    for _ in range(LEARNERS):
        learner = make_learner("housing", job_role="housing")
        committed["users"].append(learner)
        open_the_quiz(course_services.enrol(learner, course))
        attempts.append(services.start_attempt(learner, quiz))
    waiting = iter(attempts)

    def submit():
        attempt = Attempt.objects.get(pk=next(waiting).pk)
        return services.submit_attempt(attempt, [model_answer(q) for q in attempt.questions]).pk

    results, errors = run_at_once(LEARNERS, submit)
    assert errors == [] and len(results) == LEARNERS
    counted = AttemptTally.objects.filter(quiz=quiz).aggregate(n=Sum("attempts"))["n"]
    assert (
        counted == Attempt.objects.filter(quiz=quiz, number=1, submitted_at__isnull=False).count() == LEARNERS
    )
    answers = AnswerTally.objects.filter(quiz=quiz).aggregate(n=Sum("answers"), right=Sum("right"))
    raw = Response.objects.filter(attempt__quiz=quiz)
    assert answers == {"n": raw.count(), "right": raw.filter(score=1).count()}
    assert raw.count() == LEARNERS * len(SAMPLE_QUESTIONS)
