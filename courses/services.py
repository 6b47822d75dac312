"""The learning journey's rules, without HTTP: enrolling, finishing lessons, answering the
surveys and completing a course.

Every write is safe to repeat: a double click, a second tab or a retried request finds
what the first one made (the database's unique constraints settle races) and never
raises to the learner.

The activity that finishes a course and the completion it earns are written in one
transaction: a crash between them leaves neither, never a finished course that can
no longer be completed.
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.dispatch import Signal
from django.utils import timezone

from cms.dates import add_months
from cms.models import Agency
from courses import activities, pairs
from courses.models import (
    AgencyChangeRequest,
    Completion,
    CoursePage,
    DeliveryMode,
    Enrolment,
    JobRole,
    LearnerProfile,
    LessonOpened,
    LessonPage,
    LessonProgress,
    SurveyItem,
    SurveyResponse,
    SurveySubmission,
)

CONFIDENCE_SCALE = [
    "Not at all confident",
    "Slightly confident",
    "Somewhat confident",
    "Fairly confident",
    "Very confident",
]
# A refresher may be started this many days before the current completion expires.
REFRESHER_WINDOW = timedelta(days=60)


class JourneyError(Exception):
    """Something the learner asked for that the rules do not allow; the message says why."""


# -- the built-in activities -------------------------------------------------------------


def lessons_done(enrolment: Enrolment) -> bool:
    """True when every live lesson of the enrolment's course is finished in this enrolment."""
    lesson_ids = set(LessonPage.objects.child_of(enrolment.course).live().values_list("pk", flat=True))
    done = set(enrolment.progress.values_list("lesson_id", flat=True))
    return bool(lesson_ids) and lesson_ids <= done


def _survey_done(phase):
    return lambda enrolment: enrolment.surveys.filter(phase=phase).exists()


# Offered to courses through the activity hook (courses/wagtail_hooks.py), as other apps' are.
BEFORE_SURVEY = activities.Activity(
    "before_survey",
    "Answer the “before” confidence survey",
    _survey_done("before"),
    order=10,
    before_lessons=True,
)
LESSONS = activities.Activity("lessons", "Finish every lesson", lessons_done, order=20)
AFTER_SURVEY = activities.Activity(
    "after_survey", "Answer the “after” confidence survey", _survey_done("after"), order=90, comes_last=True
)


# -- enrolment -----------------------------------------------------------------------------


def current_enrolment(user, course: CoursePage) -> Enrolment | None:
    """The learner's latest e-learning enrolment on `course`, or None (a session she
    attended has its own enrolment, which her e-learning journey does not follow)."""
    return (
        Enrolment.objects.filter(learner=user, course=course, delivery_mode=DeliveryMode.E_LEARNING)
        .order_by("-cycle")
        .first()
    )


def next_cycle(user, course: CoursePage) -> int:
    """The cycle number a new enrolment on `course` takes: after every earlier one, of any
    delivery mode."""
    latest = Enrolment.objects.filter(learner=user, course=course).aggregate(latest=Max("cycle"))["latest"]
    return (latest or 0) + 1


def refresher_due(completion: Completion | None, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return completion is not None and today >= completion.expires_on - REFRESHER_WINDOW


def enrol(user, course: CoursePage) -> Enrolment:
    """Start the course, or return the enrolment already open. A new cycle starts only when
    the last completion is within its refresher window."""
    latest = current_enrolment(user, course)
    if latest is not None:
        if latest.completed_at is None:
            return latest
        if not refresher_due(getattr(latest, "completion", None)):
            raise JourneyError("You have completed this course and the refresher is not due yet.")
    missing = missing_prerequisite(user, course)
    if missing is not None:
        raise JourneyError(f"Complete “{missing.title}” before you start this course.")
    try:
        with transaction.atomic():
            return Enrolment.objects.create(
                learner=user,
                course=course,
                cycle=next_cycle(user, course),
                # Read afresh, not from `user`: an approved move may have changed it since.
                agency_id=LearnerProfile.objects.values_list("agency", flat=True).get(user=user),
            )
    except IntegrityError:
        # Another request enrolled at the same moment: use the enrolment it made.
        return Enrolment.objects.get(
            learner=user, course=course, completed_at__isnull=True, delivery_mode=DeliveryMode.E_LEARNING
        )


def missing_prerequisite(user, course: CoursePage) -> CoursePage | None:
    """The course `course` requires first, if `user` has never completed it (in any cycle,
    expired or not); else None."""
    if course.prerequisite_id is None:
        return None
    if Completion.objects.filter(learner=user, course_id=course.prerequisite_id).exists():
        return None
    return CoursePage.objects.get(pk=course.prerequisite_id)


# Sent when a lesson is opened: the row is written round the model's signals (above), and
# what follows a learner's activity (staff progress's states) hears of it here.
lesson_opened = Signal()


def open_lesson(enrolment: Enrolment, lesson: LessonPage) -> None:
    """Record that the learner has the lesson in front of her (once per enrolment and lesson).

    One INSERT that the unique constraint turns into nothing on a later visit, so a lesson
    page costs one query for it however often it is opened, and two tabs cannot clash."""
    if enrolment.completed_at is None:
        opened = LessonOpened(enrolment=enrolment, lesson=lesson)
        LessonOpened.objects.bulk_create([opened], ignore_conflicts=True)
        lesson_opened.send(sender=LessonOpened, enrolment=enrolment)


def pending_before_lessons(enrolment: Enrolment) -> activities.Activity | None:
    """The first required activity that must be done before the lessons and is not, or None."""
    required = enrolment.course.required_activities
    return next(
        (
            activity
            for activity in activities.before_lessons()
            if activity.code in required and not activity.is_done(enrolment)
        ),
        None,
    )


def other_activities_done(enrolment: Enrolment) -> bool:
    """True when everything the course requires, except the activities that come last, is done."""
    return all(
        activities.get(code).is_done(enrolment)
        for code in enrolment.course.required_activities
        if not activities.get(code).comes_last
    )


def complete_lesson(enrolment: Enrolment, lesson: LessonPage) -> LessonProgress | None:
    if enrolment.completed_at is not None:
        return None
    if lesson.get_parent().pk != enrolment.course_id:
        raise JourneyError("That lesson is not part of this course.")
    pending = pending_before_lessons(enrolment)
    if pending is not None:
        raise JourneyError(f"{pending.label} before you start the lessons.")
    if not LessonOpened.objects.filter(enrolment=enrolment, lesson=lesson).exists():
        raise JourneyError("Open the lesson and read it before you mark it as finished.")
    with transaction.atomic():
        lock(enrolment)
        progress, _ = LessonProgress.objects.get_or_create(enrolment=enrolment, lesson=lesson)
        try_complete(enrolment)
    return progress


def submit_survey(enrolment: Enrolment, phase: str, ratings: Iterable[tuple[SurveyItem, str, int]]) -> bool:
    """Store one survey (`ratings`: (item, phase, rating) triples) exactly once.

    Returns False if this survey was already submitted (a second tab or a retry). A session's
    enrolment is completed by its register, not by its surveys: an attendee answers "after"
    at the end of the session, whether or not the trainer has closed the register yet."""
    in_session = enrolment.delivery_mode == DeliveryMode.SESSION
    if enrolment.completed_at is not None and not in_session:
        raise JourneyError("This course is already complete.")
    if phase == "after" and not in_session and not other_activities_done(enrolment):
        raise JourneyError("The “after” survey opens when you have finished the course.")
    ratings = list(ratings)
    if any(not 1 <= rating <= 5 for _, _, rating in ratings):
        raise JourneyError("Each answer must be between 1 and 5.")
    with transaction.atomic():
        lock(enrolment)
        try:
            with transaction.atomic():
                submission = SurveySubmission.objects.create(enrolment=enrolment, phase=phase)
                SurveyResponse.objects.bulk_create(
                    SurveyResponse(
                        submission=submission, enrolment=enrolment, item=item, phase=item_phase, rating=rating
                    )
                    for item, item_phase, rating in ratings
                )
        except IntegrityError:
            return False
        if not in_session:
            try_complete(enrolment)
        pairs.recount([enrolment.learner_id])
    return True


# -- completion ----------------------------------------------------------------------------


def rule_met(enrolment: Enrolment) -> bool:
    return all(activities.get(code).is_done(enrolment) for code in enrolment.course.required_activities)


def lock(enrolment: Enrolment) -> Enrolment:
    """The enrolment, re-read and locked until the caller's transaction ends.

    Every write of an activity takes this lock first, so writes to one enrolment queue
    up where the database can lock (PostgreSQL). It is a "no key" lock: the key share
    lock that inserting a row pointing at the enrolment takes does not wait for it."""
    return (
        Enrolment.objects.select_for_update(no_key=True)
        .select_related("course", "learner", "agency")
        .get(pk=enrolment.pk)
    )


def try_complete(
    enrolment: Enrolment, quiz_score: float | None = None, now: datetime | None = None
) -> Completion | None:
    """Record the completion if the course's rule is met; return it (or None).

    An activity that may finish the course calls this inside the transaction that writes
    it. Concurrent callers are serialised on the enrolment row where the database can
    lock (PostgreSQL); the one-to-one constraint is the backstop everywhere."""
    with transaction.atomic():
        locked = lock(enrolment)
        existing = Completion.objects.filter(enrolment=locked).first()
        if existing is not None:
            return existing
        if not rule_met(locked):
            return None
        completed_at = now or timezone.now()
        if quiz_score is None:
            quiz_score = next(
                (
                    score
                    for code in locked.course.required_activities
                    if (scorer := activities.get(code).score) and (score := scorer(locked)) is not None
                ),
                None,
            )
        try:
            with transaction.atomic():
                completion = record_completion(locked, completed_at, quiz_score)
        except IntegrityError:
            return Completion.objects.get(enrolment=locked)
        enrolment.completed_at = completed_at
        return completion


def record_completion(enrolment: Enrolment, completed_at: datetime, quiz_score=None) -> Completion:
    """Write the completion of `enrolment` (its course, agency and delivery mode, with the
    learner's job role now and the course's title now) and close the enrolment: the one
    place a completion record is made, for the e-learning and for a session's register.
    Call inside a transaction with the enrolment locked."""
    profile = LearnerProfile.objects.get(user_id=enrolment.learner_id)
    # Closed first: what the completion's signals count (staff progress) sees it closed.
    Enrolment.objects.filter(pk=enrolment.pk).update(completed_at=completed_at)
    completion = Completion.objects.create(
        enrolment=enrolment,
        learner_id=enrolment.learner_id,
        course=enrolment.course,
        agency=enrolment.agency,
        agency_name=enrolment.agency.name,
        job_role=profile.job_role,
        job_role_label=profile.job_role_label,
        course_title=enrolment.course.title,
        delivery_mode=enrolment.delivery_mode,
        completed_at=completed_at,
        expires_on=add_months(timezone.localtime(completed_at).date(), enrolment.course.refresher_months),
        quiz_score=quiz_score,
    )
    pairs.recount([enrolment.learner_id])
    return completion


# -- a change of agency ----------------------------------------------------------------------


def request_agency_change(
    user, agency: Agency, job_role: str, job_role_other: str = ""
) -> AgencyChangeRequest:
    """Ask to move to `agency` (with the job role there), replacing any request still waiting.
    The profile is unchanged until a lead of `agency` or an administrator approves."""
    job_role_other = job_role_other if job_role == JobRole.OTHER else ""
    with transaction.atomic():
        profile = LearnerProfile.objects.select_for_update().get(user=user)
        waiting = AgencyChangeRequest.objects.filter(learner=user, status=AgencyChangeRequest.Status.PENDING)
        same = waiting.filter(agency=agency, job_role=job_role, job_role_other=job_role_other).first()
        if same is not None:
            return same
        withdraw_agency_change(user)
        return AgencyChangeRequest.objects.create(
            learner=user,
            from_agency=profile.agency,
            agency=agency,
            job_role=job_role,
            job_role_other=job_role_other,
        )


def withdraw_agency_change(user) -> None:
    AgencyChangeRequest.objects.filter(learner=user, status=AgencyChangeRequest.Status.PENDING).update(
        status=AgencyChangeRequest.Status.WITHDRAWN, decided_at=timezone.now()
    )


def decide_agency_change(change: AgencyChangeRequest, approve: bool, by) -> AgencyChangeRequest:
    """Approve or decline a waiting request. Approval moves the profile: records made from
    now on count for the new agency; enrolments and completions already made keep theirs."""
    status = AgencyChangeRequest.Status
    with transaction.atomic():
        change = AgencyChangeRequest.objects.select_for_update().get(pk=change.pk)
        if change.status != status.PENDING:
            raise JourneyError("This request has already been dealt with or was withdrawn.")
        change.status = status.APPROVED if approve else status.DECLINED
        change.decided_at, change.decided_by = timezone.now(), by
        change.save(update_fields=["status", "decided_at", "decided_by"])
        if approve:
            # Saved rather than updated, so that what follows the job role hears of it (post_save).
            profile = LearnerProfile.objects.get(user_id=change.learner_id)
            profile.agency, profile.job_role = change.agency, change.job_role
            profile.job_role_other = change.job_role_other
            profile.save(update_fields=["agency", "job_role", "job_role_other"])
    return change
