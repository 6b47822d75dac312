"""Set-ups the browser tests run inside the served site (through the `on_site` fixture),
where clicking through would only make a test slower and its subject harder to see.

`every_kind_attempt` stands in for the random draw: an open attempt that asks one case
with all its questions and a question of every other kind in the bank, so that one attempt
shows every question type, a case and the certainty question, on several pages."""

import random
import secrets

from django.contrib.auth import get_user_model
from django.urls import reverse

from courses import services as course_services
from courses.models import LessonPage, SurveyItem
from quizzes import draws
from quizzes import services as quiz_services
from quizzes.models import Attempt, Purpose, QuestionVersion, Quiz
from quizzes.scoring import model_answer
from quizzes.snapshots import load_questions, parts_for, snapshot


def lessons_done(email, quiz_slug):
    """The learner is enrolled on the quiz's course and has done what comes before its quiz:
    the "before" survey, the knowledge check (left unanswered) and every lesson."""
    quiz = Quiz.objects.select_related("course").get(slug=quiz_slug)
    learner = get_user_model().objects.get(email=email)
    enrolment = course_services.enrol(learner, quiz.course)
    items = SurveyItem.objects.filter(active=True)
    course_services.submit_survey(enrolment, "before", [(item, "before", 3) for item in items])
    if quiz.knowledge_check_size and not enrolment.quiz_attempts.filter(purpose=Purpose.CHECK).exists():
        quiz_services.submit_attempt(quiz_services.start_check(learner, quiz))
    for lesson in LessonPage.objects.child_of(quiz.course).live().order_by("path"):
        course_services.open_lesson(enrolment, lesson)
        course_services.complete_lesson(enrolment, lesson)
    return enrolment


def completed(email, quiz_slug):
    """The learner has completed the quiz's course: lessons, the quiz passed, the "after"
    survey."""
    enrolment = lessons_done(email, quiz_slug)
    quiz = enrolment.course.quiz
    attempt = quiz_services.start_attempt(enrolment.learner, quiz)
    quiz_services.submit_attempt(attempt, [model_answer(q) for q in attempt.questions])
    items = SurveyItem.objects.filter(active=True)
    course_services.submit_survey(
        enrolment, "after", [(item, phase, 3) for item in items for phase in ("after", "retrospective")]
    )
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None


def every_kind_attempt(email, quiz_slug):
    """Print the address of a new open attempt asking a case and every kind of question."""
    enrolment = lessons_done(email, quiz_slug)
    quiz = enrolment.course.quiz
    questions = load_questions(quiz)
    case = next(q.vignette_id for q in questions if q.vignette_id)
    chosen = [q for q in questions if q.vignette_id == case]
    for kind in sorted({q.type_code for q in questions} - {q.type_code for q in chosen}):
        of_kind = [q for q in questions if q.type_code == kind]
        chosen.append(next((q for q in of_kind if not q.vignette_id), of_kind[0]))
    rng = random.Random(13)
    chosen = draws.in_order(chosen, rng)
    parts = parts_for(chosen)
    snapshots = [dict(snapshot(q, parts.get(q.pk, [])), question_id=q.pk) for q in chosen]
    attempt = Attempt.objects.create(
        learner=enrolment.learner,
        quiz=quiz,
        enrolment=enrolment,
        purpose=Purpose.QUIZ,
        number=Attempt.objects.filter(enrolment=enrolment, quiz=quiz, purpose=Purpose.QUIZ).count() + 1,
        drawn=QuestionVersion.objects.drawn(draws.opaque(snapshots, rng)),
        seed=secrets.randbits(62),
    )
    print(reverse("quizzes:attempt", args=[attempt.pk]))
