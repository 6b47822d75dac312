"""From a session's register to the records every report counts.

A trainer marks each person (attended, late, left early, did not attend) and can change a
mark until she closes the register; closing it makes, for everyone who attended or came
late, a `Completion` with `delivery_mode` "session" (the agency and job role of that
moment), and a certificate. Someone who left early was there but did not finish the
training, so gets neither. A completion is a record and is never undone, which is why
marks stay changeable only until the register closes."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from cms.dates import add_months
from courses.models import Completion, DeliveryMode, Enrolment, LearnerProfile
from courses.services import next_cycle
from training.models import Booking, TrainingSession


class RegisterError(Exception):
    """Why a register cannot be changed, in words for the trainer."""


def session_enrolment(booking: Booking) -> Enrolment:
    """The enrolment that holds what the person does in the session (its before and after
    surveys, then its completion), made the first time it is needed. Call inside a
    transaction with the booking locked."""
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
        session = booking.session
        profile = LearnerProfile.objects.select_related("agency").get(user_id=booking.person_id)
        completed_at = session.ends_at
        completion = Completion.objects.create(
            enrolment=enrolment,
            learner_id=booking.person_id,
            course_id=session.course_id,
            agency_id=enrolment.agency_id,
            agency_name=enrolment.agency.name,
            job_role=profile.job_role,
            job_role_label=profile.job_role_label,
            course_title=session.course.title,
            delivery_mode=DeliveryMode.SESSION,
            completed_at=completed_at,
            expires_on=add_months(timezone.localtime(completed_at).date(), session.course.refresher_months),
        )
        Enrolment.objects.filter(pk=enrolment.pk).update(completed_at=completed_at)
    return completion


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
