"""Races on PostgreSQL: many people pressing "Book" at once never overbook a session.

Threads need committed data, so these tests write outside the test transaction and remove
what they made afterwards (see tests/conftest.py `committed`)."""

import pytest

from tests.concurrency import run_at_once
from tests.factories import make_course, make_learner
from tests.training.test_booking_services import make_session
from training import booking as places
from training.models import Booking, TrainingSession

pytestmark = pytest.mark.postgres


@pytest.fixture
def made(committed):
    """`committed`, with the sessions and bookings on its courses removed first (they
    protect the courses)."""
    yield committed
    Booking.objects.filter(session__course__in=committed["courses"]).delete()
    TrainingSession.objects.filter(course__in=committed["courses"]).delete()


def people(made, count):
    learners = [make_learner() for _ in range(count)]
    made["users"].extend(learners)
    return learners


def session_for(made, capacity):
    course = make_course(lessons=1)
    made["courses"].append(course)
    return make_session(course, capacity=capacity)


def counts(session):
    return {
        status: Booking.objects.filter(session=session, status=status).count()
        for status in ("booked", "waiting", "offered", "cancelled")
    }


def test_fifty_people_booking_twenty_places_at_once_get_twenty_places_and_thirty_waits(made):
    session = session_for(made, capacity=20)
    learners = people(made, 50)
    queue = list(learners)
    results, errors = run_at_once(50, lambda: places.book(session, queue.pop()))
    assert errors == []
    assert len(results) == 50
    assert counts(session) == {"booked": 20, "waiting": 30, "offered": 0, "cancelled": 0}
    assert set(Booking.objects.filter(session=session).values_list("person", flat=True)) == {
        learner.pk for learner in learners
    }


def test_cancelling_and_booking_at_once_never_exceeds_the_places(made):
    session = session_for(made, capacity=20)
    holders = people(made, 20)
    for learner in holders:
        places.book(session, learner)
    newcomers = people(made, 20)
    jobs = [
        *(lambda h=h: places.cancel(Booking.objects.get(session=session, person=h)) for h in holders[:10]),
        *(lambda n=n: places.book(session, n) for n in newcomers),
    ]
    results, errors = run_at_once(len(jobs), lambda: jobs.pop()())
    assert errors == []
    after = counts(session)
    # Ten places freed; each goes either straight to a newcomer or as an offer to one waiting.
    assert after["booked"] + after["offered"] == 20
    assert after["cancelled"] == 10
    assert after["booked"] + after["offered"] + after["waiting"] == 30


def test_the_same_person_booking_twice_at_once_has_one_booking(made):
    session = session_for(made, capacity=20)
    (learner,) = people(made, 1)
    results, errors = run_at_once(2, lambda: places.book(session, learner))
    assert errors == []
    assert Booking.objects.filter(session=session, person=learner).count() == 1
    assert len({booking.pk for booking in results}) == 1
