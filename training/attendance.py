"""From a session's register to the records every report counts.

A trainer marks each person (attended, late, left early, did not attend) and can change a
mark until she closes the register; closing it makes, for everyone who attended or came
late, a `Completion` with `delivery_mode` "session" (the agency and job role of that
moment), and a certificate. Someone who left early was there but did not finish the
training, so gets neither. A completion is a record and is never undone, which is why
marks stay changeable only until the register closes."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from courses import pairs
from courses.models import Completion, DeliveryMode, Enrolment, LearnerProfile
from courses.reporting.tables import Column, Table
from courses.services import next_cycle, record_completion
from courses.statistics import FEWER_THAN_FIVE, SMALL_GROUP
from training.models import TRAINERS, Booking, TrainingSession


class RegisterError(Exception):
    """Why a register cannot be changed, in words for the trainer."""


def session_enrolment(booking: Booking) -> Enrolment:
    """The enrolment that holds what the person does in the session (its before and after
    surveys, then its completion), made the first time it is needed. Call inside a
    transaction with the booking locked.

    It starts no later than the session does, even when it is made afterwards (as the
    register closes): "started a course" then counts the session's day."""
    if booking.enrolment_id:
        return booking.enrolment
    agency_id = LearnerProfile.objects.values_list("agency", flat=True).get(user_id=booking.person_id)
    for _ in range(3):
        try:
            with transaction.atomic():
                enrolment = Enrolment.objects.create(
                    learner_id=booking.person_id,
                    course_id=booking.session.course_id,
                    agency_id=agency_id,
                    cycle=next_cycle(booking.person, booking.session.course),
                    delivery_mode=DeliveryMode.SESSION,
                )
            break
        except IntegrityError:  # the person started another enrolment of the course at that moment
            continue
    else:
        raise RegisterError("Could not record the session for this person; try again.")
    if enrolment.started_at > booking.session.starts_at:
        enrolment.started_at = booking.session.starts_at
        Enrolment.objects.filter(pk=enrolment.pk).update(started_at=enrolment.started_at)
        pairs.recount([booking.person_id])  # the training numbers count it started on the day
    Booking.objects.filter(pk=booking.pk).update(enrolment=enrolment)
    booking.enrolment = enrolment
    return enrolment


def complete(booking: Booking) -> Completion:
    """The completion for a person who attended (once, however often it is called)."""
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update().select_related("session__course", "person").get(pk=booking.pk)
        )
        enrolment = session_enrolment(booking)
        existing = Completion.objects.filter(enrolment=enrolment).first()
        if existing is not None:
            return existing
        locked = Enrolment.objects.select_for_update().select_related("course", "agency").get(pk=enrolment.pk)
        return record_completion(locked, booking.session.ends_at)


def close_register(session: TrainingSession, by, now=None) -> list[Completion]:
    """Close the register: completions (certificates follow from `certificates`' signal) for
    everyone marked attended or late. Refused before the session starts, while anyone with a
    place is unmarked, or twice."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
        if locked.register_closed_at is not None:
            raise RegisterError("This register is already closed.")
        if now < locked.starts_at:
            raise RegisterError("The register can be closed once the session has started.")
        unmarked = locked.bookings.filter(status=Booking.Status.BOOKED, attendance="").count()
        if unmarked:
            raise RegisterError(f"Mark everyone first: {unmarked} not marked yet.")
        completions = [
            complete(booking)
            for booking in locked.bookings.filter(
                status=Booking.Status.BOOKED, attendance__in=Booking.COMPLETES
            )
        ]
        TrainingSession.objects.filter(pk=locked.pk).update(register_closed_at=now)
    session.register_closed_at = now
    return completions


# -- who takes a register ------------------------------------------------------------------


def is_trainer(user) -> bool:
    """Members of the Trainers group, and administrators (who may cover for a trainer)."""
    return user.is_authenticated and (user.is_superuser or user.groups.filter(name=TRAINERS).exists())


def registers_for(user):
    """The sessions whose register `user` may take: those she is named a trainer of (in the
    Trainers group), or every session for an administrator. Published, not cancelled."""
    sessions = TrainingSession.objects.filter(live=True, cancelled=False)
    if user.is_superuser:
        return sessions
    return sessions.filter(trainers=user, trainers__groups__name=TRAINERS)


# -- marking -------------------------------------------------------------------------------


def on_register(session: TrainingSession):
    """Everyone the trainer marks: people with a place and walk-ins."""
    return session.bookings.filter(status=Booking.Status.BOOKED)


def mark(session: TrainingSession, marks: dict[int, str], by, now=None) -> int:
    """Record `marks` (booking id -> attendance) for people on the register; returns how many
    changed. Refused before the session starts and once the register is closed; marks for
    anyone not on this register, or not one of the four, are refused whole."""
    now = now or timezone.now()
    if any(value not in Booking.Attendance.values for value in marks.values()):
        raise RegisterError("Choose attended, arrived late, left early or did not attend.")
    with transaction.atomic():
        locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
        refuse_unless_open(locked, now)
        bookings = {b.pk: b for b in on_register(locked).filter(pk__in=marks)}
        if set(marks) - set(bookings):
            raise RegisterError("Someone in this register is no longer booked: reload the page.")
        changed = [b for pk, b in bookings.items() if b.attendance != marks[pk]]
        for booking in changed:
            booking.attendance = marks[booking.pk]
            booking.marked_by = by
            booking.marked_at = now
        Booking.objects.bulk_update(changed, ["attendance", "marked_by", "marked_at"])
    return len(changed)


def refuse_unless_open(session: TrainingSession, now) -> None:
    """Marks are taken from the start of the session until the register is closed."""
    if session.register_closed_at is not None:
        raise RegisterError("This register is closed: it can no longer be changed.")
    if now < session.starts_at:
        raise RegisterError("The register opens when the session starts.")


NO_ACCOUNT = "There is no account with that email: ask them to register, then add them."


def add_walk_in(session: TrainingSession, email: str) -> Booking:
    """Put a registered person who came without a place on the register (unmarked). A walk-in
    holds no place, so capacity is not checked. Someone on the waiting list or offered a place
    becomes a walk-in (she came)."""
    profile = (
        LearnerProfile.objects.select_related("user").filter(user__email__iexact=email.strip()).first()
        if email.strip()
        else None
    )
    if profile is None:
        raise RegisterError(NO_ACCOUNT)
    with transaction.atomic():
        locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
        booking, added = put_on_register(locked, profile)
        if not added:
            raise RegisterError(f"{profile.user.get_full_name()} is already on the register.")
    return booking


def put_on_register(session: TrainingSession, profile: LearnerProfile) -> tuple[Booking, bool]:
    """The person's place on the (locked) session's register, and whether she was just added."""
    live = session.bookings.filter(person_id=profile.user_id, status__in=Booking.LIVE).first()
    if live is not None and live.status == Booking.Status.BOOKED:
        return live, False
    if session.register_closed_at is not None:
        raise RegisterError("This register is closed: no one can be added.")
    if live is not None:
        live.status, live.walk_in, live.offered_until = Booking.Status.BOOKED, True, None
        live.save(update_fields=["status", "walk_in", "offered_until", "changed_at"])
        return live, True
    booking = Booking.objects.create(
        session=session,
        person_id=profile.user_id,
        agency_id=profile.agency_id,
        job_role=profile.job_role,
        status=Booking.Status.BOOKED,
        walk_in=True,
    )
    return booking, True


# -- surveys by short code -------------------------------------------------------------------

CODE_OPENS = timedelta(minutes=30)  # before the start
CODE_CLOSES = timedelta(hours=2)  # after the end
WRONG_CODE = "That code is not right, or its session is not running now. Check the code on the screen."


def survey_phase(session: TrainingSession, now) -> str:
    """The survey an attendee answers now: "before" until the session's midpoint, then "after"."""
    midpoint = session.starts_at + (session.ends_at - session.starts_at) / 2
    return "before" if now < midpoint else "after"


def code_session(code: str, now=None) -> TrainingSession:
    """The session whose short code this is, while its code is valid: from 30 minutes before
    the start to 2 hours after the end."""
    now = now or timezone.now()
    session = (
        TrainingSession.objects.select_related("course")
        .filter(short_code=code.strip().upper(), live=True, cancelled=False)
        .first()
    )
    if session is None or not (session.starts_at - CODE_OPENS <= now <= session.ends_at + CODE_CLOSES):
        raise RegisterError(WRONG_CODE)
    return session


def join_by_code(session: TrainingSession, user) -> Booking:
    """The attendee's booking with its session enrolment (for the surveys): someone without a
    place becomes a walk-in, left unmarked for the trainer."""
    profile = LearnerProfile.objects.filter(user=user).first()
    if profile is None:
        raise RegisterError("Finish setting up your account (your agency and job role) first.")
    with transaction.atomic():
        locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
        booking, _ = put_on_register(locked, profile)
        booking = (
            Booking.objects.select_for_update().select_related("session__course", "person").get(pk=booking.pk)
        )
        session_enrolment(booking)
    return booking


# -- the leads' sessions report ------------------------------------------------------------


def session_bookings(agencies, period, course=None, job_role=None):
    """Everyone on the register (people with a place and walk-ins) of the published, not
    cancelled sessions that started in the period, from the agencies (as at booking)."""
    start, end = period.bounds
    bookings = Booking.objects.filter(
        agency__in=agencies,
        status=Booking.Status.BOOKED,
        session__live=True,
        session__cancelled=False,
        session__starts_at__gte=start,
        session__starts_at__lt=end,
    )
    if course:
        bookings = bookings.filter(session__course=course)
    if job_role:
        bookings = bookings.filter(job_role=job_role)
    return bookings


def session_people(agencies, period, course=None, job_role=None) -> int:
    """Whom the sessions report is about (for `courses.reports.few_left_out`)."""
    return session_bookings(agencies, period, course, job_role).values("person").distinct().count()


def agency_bookings(agencies, period, course=None, job_role=None):
    """The rows of the leads' "who booked and who came" page, session by session."""
    return (
        session_bookings(agencies, period, course, job_role)
        .select_related("session__course", "person", "agency")
        .order_by("session__starts_at", "session_id", "person__last_name", "person__first_name", "pk")
    )


_CLOSED = Q(walk_in=False, session__register_closed_at__isnull=False)
SESSION_COUNTS = {
    "booked": Count("pk", filter=Q(walk_in=False)),
    "walk_ins": Count("pk", filter=Q(walk_in=True)),
    **{
        value: Count("pk", filter=Q(attendance=value))
        for value in (Booking.Attendance.ATTENDED, Booking.Attendance.LATE, Booking.Attendance.LEFT_EARLY)
    },
    "no_show": Count("pk", filter=Q(attendance=Booking.Attendance.NO_SHOW)),
    "closed_places": Count("pk", filter=_CLOSED),
    "closed_no_show": Count("pk", filter=_CLOSED & Q(attendance=Booking.Attendance.NO_SHOW)),
}
NO_SHOW_RATE = (
    "Did not attend ÷ people with a place, counting only sessions whose register is closed (walk-ins "
    "held no place). No rate when no register is closed yet."
)


def _withheld(count):
    return FEWER_THAN_FIVE if 0 < count < SMALL_GROUP else count


def _session_row(name, counts):
    row = {
        "name": name,
        **{key: _withheld(counts[key]) for key in SESSION_COUNTS if not key.startswith("closed")},
    }
    places, no_show = counts["closed_places"], counts["closed_no_show"]
    row["no_show_rate"] = (
        None if places == 0 else FEWER_THAN_FIVE if places < SMALL_GROUP else round(100 * no_show / places, 1)
    )
    return row


SESSIONS_BY_AGENCY = Table(
    "sessions",
    "Sessions, by agency",
    (
        Column("name", "Agency"),
        Column("booked", "Places booked", "People with a place (not walk-ins).", int),
        Column(
            "walk_ins", "Walk-ins", "People who came without a place and were added to the register.", int
        ),
        Column("attended", "Attended", "Marked attended.", int),
        Column("late", "Arrived late", "Marked arrived late (counted as trained).", int),
        Column("left_early", "Left early", "Marked left early (not counted as trained).", int),
        Column("no_show", "Did not attend", "Marked did not attend.", int),
        Column(
            "no_show_rate", "No-show rate (%)", NO_SHOW_RATE, float
        ),  # no unit: it may read "fewer than 5"
    ),
    definition="Everyone on the register of the sessions that started in the period, by the agency they "
    "were in when they booked. Counts of 1 to 4 people are shown as “fewer than 5”.",
    empty="No sessions started in this period.",
)
SESSION_TABLES = (SESSIONS_BY_AGENCY,)


def session_tables(agencies, period, course=None, job_role=None) -> list[Table]:
    """The sessions report for a scope (the page, the downloads and the API): a row per
    agency the viewer leads, and the total when there are several. Two queries."""
    counts = {
        row.pop("agency"): row
        for row in session_bookings(agencies, period, course, job_role)
        .values("agency")
        .annotate(**SESSION_COUNTS)
        .order_by()
    }
    nothing = dict.fromkeys(SESSION_COUNTS, 0)
    listed = list(agencies.order_by("sort_order", "name"))
    rows = [_session_row(agency.name, counts.get(agency.pk, nothing)) for agency in listed]
    total = {key: sum(row[key] for row in counts.values()) for key in SESSION_COUNTS}
    footer = [_session_row("All agencies", total)] if len(listed) > 1 else []
    return [SESSIONS_BY_AGENCY.fill(rows, footer)]
