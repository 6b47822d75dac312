"""Places on a session: booking, cancelling and the waiting list.

Every change that can take or free a place locks the session's row first
(`select_for_update`), so places are counted one request at a time where the database can
lock (PostgreSQL) and nobody is overbooked however many press "Book" at once. Emails are
sent after the transaction commits (`transaction.on_commit`), so a rolled-back booking
sends nothing."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateformat import format as format_date

from courses.models import LearnerProfile
from training import notices
from training.models import Booking, TrainingSession

# How long a person offered a freed place has to take it (never past booking's close).
OFFER_HOURS = 24


class BookingError(Exception):
    """Why a booking or a cancellation cannot be made, in words for the person."""


def places_taken(session: TrainingSession) -> int:
    """Places held by people booked or offered a place (walk-ins hold none: they came)."""
    return session.bookings.filter(status__in=Booking.HOLDS_PLACE, walk_in=False).count()


def clock(value) -> str:
    """9:30am, 10am, 12pm: times as GOV.UK writes them, in UK time."""
    local = timezone.localtime(value)
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{local.hour % 12 or 12}{minutes}{'am' if local.hour < 12 else 'pm'}"


def moment(value) -> str:
    """8 December 2026 at 9:30am."""
    return f"{format_date(timezone.localtime(value), 'j F Y')} at {clock(value)}"


def when(session: TrainingSession) -> str:
    """Tuesday 8 December 2026, 9:30am to 12:30pm."""
    start = format_date(timezone.localtime(session.starts_at), "l j F Y")
    return f"{start}, {clock(session.starts_at)} to {clock(session.ends_at)}"


def booking_closes(session: TrainingSession):
    return session.booking_closes_at or session.starts_at


def cancel_by(session: TrainingSession):
    return session.cancellation_deadline or session.starts_at


def why_closed(session: TrainingSession, now=None) -> str | None:
    """The reason nobody may book `session` now, or None (what a visitor not signed in is told)."""
    now = now or timezone.now()
    if not session.live or session.cancelled:
        return (
            "This session has been cancelled."
            if session.cancelled
            else "This session is not open for booking."
        )
    if session.starts_at <= now:
        return "This session has already started."
    if session.booking_opens_at and now < session.booking_opens_at:
        return f"Booking opens on {moment(session.booking_opens_at)}."
    if now >= booking_closes(session):
        return "Booking for this session has closed."
    return None


def why_not_bookable(session: TrainingSession, profile: LearnerProfile | None, now=None) -> str | None:
    """The reason `profile`'s person may not book `session` now, or None."""
    reason = why_closed(session, now)
    if reason:
        return reason
    if profile is None:
        return "Complete your profile (agency and job role) before you book."
    agency_ids = {agency.pk for agency in session.agencies.all()}
    if agency_ids and profile.agency_id not in agency_ids:
        return "This session is for staff of other agencies."
    if session.job_roles and profile.job_role not in session.job_roles:
        return "This session is for other job roles."
    return None


def clash(session: TrainingSession, person) -> TrainingSession | None:
    """Another session `person` holds a place on that overlaps `session`, if any."""
    for other in TrainingSession.objects.filter(
        bookings__person=person,
        bookings__status__in=Booking.HOLDS_PLACE,
        cancelled=False,
        starts_at__lt=session.ends_at,
        starts_at__gt=session.starts_at - timedelta(hours=8),
    ).exclude(pk=session.pk):
        if other.ends_at > session.starts_at:
            return other
    return None


def book(session: TrainingSession, person, now=None) -> Booking:
    """A place for `person` if one is free, else a place on the waiting list. Booking twice
    returns the live booking already held."""
    now = now or timezone.now()
    profile = LearnerProfile.objects.filter(user=person).first()
    with transaction.atomic():
        locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
        existing = Booking.objects.filter(session=locked, person=person, status__in=Booking.LIVE).first()
        if existing is not None:
            return existing
        reason = why_not_bookable(locked, profile, now)
        if reason:
            raise BookingError(reason)
        other = clash(locked, person)
        if other is not None:
            raise BookingError(f"You already have a place on a session at that time: {when(other)}.")
        status = Booking.Status.BOOKED if places_taken(locked) < locked.capacity else Booking.Status.WAITING
        try:
            with transaction.atomic():
                booking = Booking.objects.create(
                    session=locked,
                    person=person,
                    agency_id=profile.agency_id,
                    job_role=profile.job_role,
                    status=status,
                )
        except IntegrityError:  # the same person's other request, on a database that cannot lock
            return Booking.objects.get(session=locked, person=person, status__in=Booking.LIVE)
        announce = notices.booked if status == Booking.Status.BOOKED else notices.waiting
        transaction.on_commit(lambda: announce(booking))
    return booking


def cancel(booking: Booking, now=None) -> Booking:
    """Give up a place (or leave the waiting list) and offer the place to the next person
    waiting. After the cancellation deadline a place can no longer be given up online."""
    now = now or timezone.now()
    with transaction.atomic():
        session = TrainingSession.objects.select_for_update().get(pk=booking.session_id)
        booking = Booking.objects.get(pk=booking.pk)
        if booking.status not in Booking.LIVE:
            return booking
        if booking.status == Booking.Status.BOOKED and now >= cancel_by(session):
            raise BookingError(
                "The deadline for cancelling online has passed: tell the trainer you cannot come."
            )
        booking.status = Booking.Status.CANCELLED
        booking.offered_until = None
        booking.save(update_fields=["status", "offered_until", "changed_at"])
        transaction.on_commit(lambda: notices.cancelled_by_person(booking))
        offer_freed_places(session, now)
    return booking


def offer_freed_places(session: TrainingSession, now=None) -> list[Booking]:
    """Offer each free place to the person waiting longest, for `OFFER_HOURS` (never past
    booking's close). Call with the session row locked."""
    now = now or timezone.now()
    offered = []
    if session.cancelled or now >= booking_closes(session):
        return offered
    free = session.capacity - places_taken(session)
    until = min(now + timedelta(hours=OFFER_HOURS), booking_closes(session))
    for booking in Booking.objects.filter(session=session, status=Booking.Status.WAITING).order_by(
        "booked_at", "pk"
    )[: max(free, 0)]:
        booking.status = Booking.Status.OFFERED
        booking.offered_until = until
        booking.save(update_fields=["status", "offered_until", "changed_at"])
        transaction.on_commit(lambda booking=booking: notices.offered(booking))
        offered.append(booking)
    return offered


def accept_offer(booking: Booking, now=None) -> Booking:
    """Take the place offered, while the offer stands."""
    now = now or timezone.now()
    with transaction.atomic():
        TrainingSession.objects.select_for_update().get(pk=booking.session_id)
        booking = Booking.objects.get(pk=booking.pk)
        if booking.status != Booking.Status.OFFERED or booking.offered_until <= now:
            raise BookingError("This offer has ended.")
        booking.status = Booking.Status.BOOKED
        booking.offered_until = None
        booking.save(update_fields=["status", "offered_until", "changed_at"])
        transaction.on_commit(lambda: notices.booked(booking))
    return booking


def lapse_offers(now=None) -> list[Booking]:
    """Offers past their time limit lapse, and their places go to the next person waiting.
    Safe to run again and from two workers (each session is handled under its lock)."""
    now = now or timezone.now()
    lapsed = []
    session_ids = set(
        Booking.objects.filter(status=Booking.Status.OFFERED, offered_until__lte=now).values_list(
            "session", flat=True
        )
    )
    for session_id in sorted(session_ids):
        with transaction.atomic():
            session = TrainingSession.objects.select_for_update().get(pk=session_id)
            for booking in Booking.objects.filter(
                Q(session=session, status=Booking.Status.OFFERED, offered_until__lte=now)
            ):
                booking.status = Booking.Status.LAPSED
                booking.save(update_fields=["status", "changed_at"])
                lapsed.append(booking)
            offer_freed_places(session, now)
    return lapsed
