"""Booking, cancelling and the waiting list as services (training.booking), and the session
these tests share: `make_session`."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from tests.factories import make_course, make_learner
from training import booking as places
from training.models import TRAINERS, Booking, TrainingSession

pytestmark = pytest.mark.django_db


def make_session(course=None, starts_in=timedelta(days=10), capacity=20, live=True, **fields):
    """A published session of `course` (a new one if none), face to face unless told."""
    fields.setdefault("duration_minutes", 180)
    if fields.get("mode") == TrainingSession.Mode.ONLINE:
        fields.setdefault("joining_link", "https://meet.example.org/abc")
    else:
        fields.setdefault("venue", "Civic Centre, Room 2")
        fields.setdefault("address", "1 High Street\nExampletown EX1 1AA")
    return TrainingSession.objects.create(
        course=course or make_course(lessons=1),
        starts_at=timezone.now() + starts_in,
        capacity=capacity,
        live=live,
        **fields,
    )


def make_trainer(**names):
    trainer = make_learner(**names)
    trainer.groups.add(Group.objects.get(name=TRAINERS))
    return trainer


def test_the_place_after_the_last_goes_on_the_waiting_list():
    session = make_session(capacity=2)
    statuses = [places.book(session, make_learner()).status for _ in range(3)]
    assert statuses == ["booked", "booked", "waiting"]


def test_declining_an_offer_passes_the_place_to_the_next_person_waiting():
    session = make_session(capacity=1)
    first, second, third = (make_learner() for _ in range(3))
    held = places.book(session, first)
    places.book(session, second)
    places.book(session, third)
    places.cancel(held)
    offer = Booking.objects.get(session=session, person=second)
    assert offer.status == Booking.Status.OFFERED

    places.cancel(offer)  # declining

    assert Booking.objects.get(pk=offer.pk).status == Booking.Status.CANCELLED
    assert Booking.objects.get(session=session, person=third).status == Booking.Status.OFFERED
    assert places.places_taken(session) == 1


def test_an_offer_may_be_declined_after_the_cancel_by_time():
    """The cancel-by deadline protects a place someone is counting on, not an offer."""
    session = make_session(capacity=1, cancellation_deadline=timezone.now() + timedelta(days=1))
    first, second = make_learner(), make_learner()
    places.cancel(places.book(session, first))  # no one waiting yet: nothing offered
    places.book(session, first)
    waiting = places.book(session, second)
    Booking.objects.filter(pk=waiting.pk).update(
        status=Booking.Status.OFFERED, offered_until=timezone.now() + timedelta(days=3)
    )
    later = timezone.now() + timedelta(days=2)
    assert places.cancel(waiting, now=later).status == Booking.Status.CANCELLED
    with pytest.raises(places.BookingError, match="deadline for cancelling"):
        places.cancel(Booking.objects.get(session=session, person=first, status="booked"), now=later)


def test_booking_opens_is_said_in_words_and_uk_time():
    opens = timezone.make_aware(timezone.datetime(2026, 12, 8, 9, 30), timezone.get_fixed_timezone(0))
    session = make_session(starts_in=timedelta(days=60), booking_opens_at=opens)
    now = opens - timedelta(days=1)
    assert places.why_closed(session, now) == "Booking opens on 8 December 2026 at 9:30am."
