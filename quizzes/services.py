"""Taking a quiz: starting an attempt, submitting it once, and what passing means for the
course. Marking itself is in `scoring.py`."""

import random
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from courses import activities
from courses import services as course_services
from courses.models import Enrolment
from quizzes import marks
from quizzes.models import Attempt, Quiz, Response
from quizzes.scoring import mark, quiz_percentage
from quizzes.snapshots import quiz_snapshots


class QuizError(Exception):
    """Something the rules do not allow; the message says why, for the learner."""


class AlreadySubmitted(QuizError):
    pass


def open_enrolment(learner, quiz):
    if quiz.course_id is None:
        return None
    return (
        Enrolment.objects.filter(learner=learner, course_id=quiz.course_id, completed_at__isnull=True)
        .select_related("course")
        .first()
    )


def attempts_for(enrolment, quiz):
    return list(Attempt.objects.filter(enrolment=enrolment, quiz=quiz).order_by("number"))


def start_attempt(learner, quiz):
    """The learner's open attempt, or a new one if the rules allow it."""
    enrolment = open_enrolment(learner, quiz)
    if enrolment is None:
        raise QuizError("Start the course before you take its quiz.")
    attempts = attempts_for(enrolment, quiz)
    for attempt in attempts:
        if attempt.submitted_at is None:
            return attempt
    if any(a.passed for a in attempts):
        raise QuizError("You have already passed this quiz.")
    if quiz.max_attempts and len(attempts) >= quiz.max_attempts:
        raise QuizError("You have used all your attempts at this quiz. Please contact your training lead.")
    questions = quiz_snapshots(quiz)
    if not questions:
        raise QuizError("This quiz has no questions yet.")
    if quiz.shuffle:
        random.Random().shuffle(questions)
    try:
        with transaction.atomic():
            return Attempt.objects.create(
                learner=learner, quiz=quiz, enrolment=enrolment, number=len(attempts) + 1, questions=questions
            )
    except IntegrityError:
        return Attempt.objects.get(enrolment=enrolment, quiz=quiz, submitted_at__isnull=True)


def submit_attempt(attempt, answers):
    """Mark `answers` (one per question, in the attempt's order) exactly once.

    Two submissions at the same moment are serialised on the attempt row; the second finds
    it submitted and is refused, so an attempt is never marked twice."""
    if len(answers) != len(attempt.questions):
        raise QuizError("Every question needs an answer slot.")
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.submitted_at is not None:
            raise AlreadySubmitted("This attempt has already been submitted.")
        marked = [mark(snapshot, answer) for snapshot, answer in zip(locked.questions, answers, strict=True)]
        responses = Response.objects.bulk_create(
            Response(
                attempt=locked,
                question_id=snapshot.get("question_id"),
                position=position,
                question_type=snapshot["type"],
                snapshot=snapshot,
                answer=answer,
                score=Decimal(m.score.numerator) / Decimal(m.score.denominator),
                points=snapshot["points"],
            )
            for position, (snapshot, answer, m) in enumerate(
                zip(locked.questions, answers, marked, strict=True), 1
            )
        )
        marks.record(responses)
        score = quiz_percentage([(m, s["points"]) for m, s in zip(marked, locked.questions, strict=True)])
        locked.score = Decimal(str(score))
        locked.passed = score >= locked.quiz.pass_mark
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["score", "passed", "submitted_at"])
        if locked.passed:
            # In the same transaction: a pass that finishes the course is never kept without
            # its completion.
            course_services.try_complete(locked.enrolment)
    return locked


# -- the course activity ------------------------------------------------------------------


def _passed(enrolment):
    return Attempt.objects.filter(
        enrolment=enrolment, quiz__course_id=enrolment.course_id, passed=True
    ).exists()


def _best_score(enrolment):
    return Attempt.objects.filter(
        enrolment=enrolment, quiz__course_id=enrolment.course_id, submitted_at__isnull=False
    ).aggregate(best=Max("score"))["best"]


def _bulk_status(enrolments):
    ids = [e.pk for e in enrolments]
    passed = set(
        Attempt.objects.filter(enrolment_id__in=ids, passed=True).values_list("enrolment_id", flat=True)
    )
    slugs = dict(
        Quiz.objects.filter(course_id__in={e.course_id for e in enrolments}).values_list("course_id", "slug")
    )
    return {
        e.pk: (
            e.pk in passed,
            reverse("quizzes:quiz", args=[slugs[e.course_id]]) if e.course_id in slugs else "",
        )
        for e in enrolments
    }


# Offered to courses through their activity hook (quizzes/wagtail_hooks.py).
QUIZ_ACTIVITY = activities.Activity(
    "quiz",
    "Pass the course quiz",
    _passed,
    order=30,
    bulk_status=_bulk_status,
    score=_best_score,
)
