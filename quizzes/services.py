"""Taking a quiz: starting an attempt, submitting it once, and what passing means for the
course. Marking itself is in `scoring.py`."""

import re
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from courses import activities, pairs
from courses import services as course_services
from courses.models import Enrolment
from quizzes import draws, marks, summaries
from quizzes.answers import (
    CERTAINTY_FIELD,
    AnswerError,
    IncompleteAnswer,
    as_post,
    field_prefix,
    form_data,
    read_answer,
    read_answers,
    read_certainty,
)
from quizzes.models import Attempt, Purpose, Question, QuestionVersion, Quiz, Response
from quizzes.scoring import cbm_mark, mark, quiz_percentage

QUESTION_FIELD = re.compile(r"^q\d+-")


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


def attempts_for(enrolment, quiz, purpose=Purpose.QUIZ):
    return list(Attempt.objects.filter(enrolment=enrolment, quiz=quiz, purpose=purpose).order_by("number"))


def _create(learner, quiz, enrolment, purpose, number, size=None):
    questions, seed = draws.draw(quiz, size)
    if not questions:
        raise QuizError("This quiz has no questions yet.")
    try:
        with transaction.atomic():
            return Attempt.objects.create(
                learner=learner,
                quiz=quiz,
                enrolment=enrolment,
                purpose=purpose,
                number=number,
                drawn=QuestionVersion.objects.drawn(questions),
                seed=seed,
            )
    except IntegrityError:
        # Another request started it at the same moment: use the attempt it made.
        return Attempt.objects.get(enrolment=enrolment, quiz=quiz, purpose=purpose, submitted_at__isnull=True)


def start_attempt(learner, quiz):
    """The learner's open attempt, or a new one if the rules allow it. The quiz opens when
    the course's lessons are done (if the course requires them)."""
    enrolment = open_enrolment(learner, quiz)
    if enrolment is None:
        raise QuizError("Start the course before you take its quiz.")
    if "lessons" in enrolment.course.required_activities and not course_services.lessons_done(enrolment):
        raise QuizError("Finish every lesson of the course before you take its quiz.")
    attempts = attempts_for(enrolment, quiz)
    for attempt in attempts:
        if attempt.submitted_at is None:
            return attempt
    if any(a.passed for a in attempts):
        raise QuizError("You have already passed this quiz.")
    if quiz.max_attempts and len(attempts) >= quiz.max_attempts:
        raise QuizError("You have used all your attempts at this quiz. Please contact your training lead.")
    return _create(learner, quiz, enrolment, Purpose.QUIZ, len(attempts) + 1)


def start_check(learner, quiz):
    """The knowledge check at the start of the course: drawn from the quiz's pools, taken
    once per enrolment, never passed or failed."""
    enrolment = open_enrolment(learner, quiz)
    if enrolment is None:
        raise QuizError("Start the course before you take its knowledge check.")
    if not quiz.knowledge_check_size:
        raise QuizError("This course has no knowledge check.")
    existing = attempts_for(enrolment, quiz, Purpose.CHECK)
    if existing and existing[0].submitted_at is not None:
        raise AlreadySubmitted("You have already done the knowledge check for this course.")
    if existing:
        return existing[0]
    return _create(learner, quiz, enrolment, Purpose.CHECK, 1, size=quiz.knowledge_check_size)


def save_answers(attempt, positions, post):
    """Keep the learner's answers to the questions at `positions` (one page) in the open
    attempt, replacing what was saved for them. Fields of any other question are
    tampering (`AnswerError`): nothing is saved. A mistake the page should explain (two
    steps numbered 2) keeps that question's saved answer as it was and is returned as
    (message, position) problems, for the page to show with what she sent.

    What is kept is the answer as read, written back as the fields that send it, so a
    draft holds nothing the form could not have sent. The attempt row is locked while its
    draft is rewritten, so two tabs saving at once each keep their own page, and a page
    saved after marking is refused."""
    allowed = {field_prefix(p) for p in positions}
    for name in post:
        if QUESTION_FIELD.match(name) and not any(name.startswith(prefix) for prefix in allowed):
            raise AnswerError(f"{name}: not a question on this page")
    problems, saved = [], {}
    for position in positions:
        certainty = read_certainty(post, position)
        snapshot = attempt.questions[position - 1]
        try:
            answer = read_answer(snapshot, post, position)
        except IncompleteAnswer as problem:
            problems.append((str(problem), position))
            continue
        fields = {
            name: value if isinstance(value, list) else [value]
            for name, value in form_data(snapshot, answer, position).items()
        }
        if certainty:
            fields[field_prefix(position) + CERTAINTY_FIELD] = [str(certainty)]
        saved[str(position)] = fields
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.submitted_at is not None:
            raise AlreadySubmitted("This attempt has already been submitted: your first answers stand.")
        draft = dict(locked.draft)
        for key, fields in saved.items():
            if fields:
                draft[key] = fields
            else:
                draft.pop(key, None)
        locked.draft = draft
        locked.save(update_fields=["draft"])
    attempt.draft = draft
    return problems


def submit_attempt(attempt, answers=None, certainties=None):
    """Mark the attempt exactly once: `answers` (one per question, in the attempt's order)
    or, by default, the answers saved in its draft.

    Two submissions at the same moment are serialised on the attempt row; the second finds
    it submitted and is refused, so an attempt is never marked twice."""
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().select_related("quiz").get(pk=attempt.pk)
        if locked.submitted_at is not None:
            raise AlreadySubmitted("This attempt has already been submitted.")
        quiz = locked.quiz
        if answers is None:
            post = as_post(locked.draft)
            answers = read_answers(locked.questions, post)
            certainties = [read_certainty(post, p) for p in range(1, len(answers) + 1)]
        if len(answers) != len(locked.questions):
            raise QuizError("Every question needs an answer slot.")
        certainties = list(certainties or [None] * len(answers)) if quiz.certainty else [None] * len(answers)
        marked = [mark(snapshot, answer) for snapshot, answer in zip(locked.questions, answers, strict=True)]
        rows = list(zip(locked.questions, answers, marked, certainties, strict=True))
        # A question deleted since the attempt began is marked from its snapshot and linked to nothing.
        drawn = [snapshot.get("question_id") for snapshot in locked.questions]
        still_there = set(Question.objects.filter(pk__in=drawn).values_list("pk", flat=True))
        linked = [question_id if question_id in still_there else None for question_id in drawn]
        responses = Response.objects.bulk_create(
            Response(
                attempt=locked,
                question_id=question_id,
                position=position,
                question_type=snapshot["type"],
                version=version,
                part_ids=ids,
                answer=answer,
                score=Decimal(m.score.numerator) / Decimal(m.score.denominator),
                points=snapshot["points"],
                category=snapshot.get("category") or "",
                certainty=certainty,
            )
            for position, ((snapshot, answer, m, certainty), question_id, version, (_, ids)) in enumerate(
                zip(rows, linked, locked.versions, locked.drawn, strict=True), 1
            )
        )
        marks.record(responses)
        score = quiz_percentage([(m, s["points"]) for m, s in zip(marked, locked.questions, strict=True)])
        locked.score = Decimal(str(score))
        if quiz.certainty:
            total = sum(s["points"] for s in locked.questions)
            cbm = sum(cbm_mark(m.score, c) * s["points"] for s, _, m, c in rows) / total
            locked.cbm_average = Decimal(str(round(float(cbm), 2)))
        locked.passed = locked.purpose == Purpose.QUIZ and score >= quiz.pass_mark
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["score", "passed", "submitted_at", "cbm_average"])
        summaries.record(locked)
        if locked.passed:
            # In the same transaction: a pass that finishes the course is never kept without
            # its completion.
            course_services.try_complete(locked.enrolment)
        pairs.recount([locked.learner_id])
    return locked


# -- the course activity ------------------------------------------------------------------


def _passed(enrolment):
    return Attempt.objects.filter(
        enrolment=enrolment, quiz__course_id=enrolment.course_id, passed=True
    ).exists()


def _best_score(enrolment):
    return Attempt.objects.filter(
        enrolment=enrolment,
        quiz__course_id=enrolment.course_id,
        purpose=Purpose.QUIZ,
        submitted_at__isnull=False,
    ).aggregate(best=Max("score"))["best"]


def _bulk_status(done_filter, url_name):
    """{enrolment id: (done, url)} for many enrolments in two queries; `done_filter` says
    which attempts count as doing the activity."""

    def status(enrolments):
        ids = [e.pk for e in enrolments]
        done = set(
            Attempt.objects.filter(enrolment_id__in=ids, **done_filter).values_list("enrolment_id", flat=True)
        )
        courses = {e.course_id for e in enrolments}
        slugs = dict(Quiz.objects.filter(course_id__in=courses).values_list("course_id", "slug"))
        return {
            e.pk: (e.pk in done, reverse(url_name, args=[slugs[e.course_id]]) if e.course_id in slugs else "")
            for e in enrolments
        }

    return status


def _checked(enrolment):
    return Attempt.objects.filter(
        enrolment=enrolment, purpose=Purpose.CHECK, submitted_at__isnull=False
    ).exists()


# Offered to courses through their activity hook (quizzes/wagtail_hooks.py).
QUIZ_ACTIVITY = activities.Activity(
    "quiz",
    "Pass the course quiz",
    _passed,
    order=30,
    bulk_status=_bulk_status({"passed": True}, "quizzes:quiz"),
    score=_best_score,
)

KNOWLEDGE_CHECK_ACTIVITY = activities.Activity(
    "knowledge_check",
    "Do the knowledge check",
    _checked,
    order=15,
    before_lessons=True,
    bulk_status=_bulk_status({"purpose": Purpose.CHECK, "submitted_at__isnull": False}, "quizzes:check"),
)
