"""Booking throughput at concurrency 8 on PostgreSQL, as a ratio to bare INSERTs.

    TEST_DATABASE_URL=postgres://... make bench

8 threads, each with its own database connection, book BENCH_BOOKINGS people through
`training.booking.book` (the row lock on the session, the checks, the insert): into one
large session (every booking waits for the same lock) and spread over several sessions.
In the same run, in alternating rounds, 8 threads insert the same number of Booking rows
with a bare `Booking.objects.create`. Prints bookings per second and the ratio of each
to the bare inserts. The bound is loose, so that a loaded CI machine does not fail; it
catches booking becoming pathologically slow (a query per booking already held, a lock
held too long). Every person must end with exactly one place.
"""

import os
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from itertools import count

import pytest
from django.db import connections

from courses.models import LearnerProfile
from tests.factories import make_course, make_learner
from tests.training.test_booking_services import make_session
from training import booking as places
from training.models import Booking, TrainingSession

pytestmark = pytest.mark.postgres

THREADS = 8
ROUNDS = 3
SEVERAL = 8  # sessions in the "several sessions" case
BOOKINGS = int(os.environ.get("BENCH_BOOKINGS", "160"))
BOOKING_PER_BARE_INSERT_AT_LEAST = 0.05


@pytest.fixture
def made(committed):
    yield committed
    Booking.objects.filter(session__course__in=committed["courses"]).delete()
    TrainingSession.objects.filter(course__in=committed["courses"]).delete()


def at_concurrency(work, items):
    """Seconds to run `work` on every item from THREADS threads, each its own connection."""

    def run(item):
        try:
            return work(item)
        finally:
            connections.close_all()

    started = time.perf_counter()
    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(run, items))
    return time.perf_counter() - started


def test_booking_throughput_at_concurrency_8(made):
    course = make_course(lessons=1)
    made["courses"].append(course)
    people = [make_learner() for _ in range(BOOKINGS)]
    made["users"].extend(people)
    profiles = {profile.user_id: profile for profile in LearnerProfile.objects.filter(user__in=people)}
    days = count(10)  # a day for each session, so that no booking clashes with another

    def session():
        return make_session(course, capacity=BOOKINGS, starts_in=timedelta(days=next(days)))

    def ours_one():
        large = session()
        seconds = at_concurrency(lambda person: places.book(large, person), people)
        assert Booking.objects.filter(session=large, status="booked").count() == BOOKINGS
        return seconds

    def ours_several():
        sessions = [session() for _ in range(SEVERAL)]
        pairs = [(sessions[i % SEVERAL], person) for i, person in enumerate(people)]
        seconds = at_concurrency(lambda pair: places.book(*pair), pairs)
        assert Booking.objects.filter(session__in=sessions).count() == BOOKINGS
        return seconds

    def bare():
        target = session()

        def insert(person):
            profile = profiles[person.pk]
            Booking.objects.create(
                session=target, person=person, agency_id=profile.agency_id, job_role=profile.job_role
            )

        return at_concurrency(insert, people)

    seconds = {"one session": [], "several sessions": [], "bare insert": []}
    for _ in range(ROUNDS):
        # Alternate, so that a slow spell of the machine falls on all three.
        seconds["bare insert"].append(bare())
        seconds["one session"].append(ours_one())
        seconds["several sessions"].append(ours_several())
    rate = {kind: BOOKINGS * ROUNDS / sum(times) for kind, times in seconds.items()}
    print(f"\n{BOOKINGS} bookings a round, {ROUNDS} rounds, at concurrency {THREADS}")
    print(f"{'':20} {'bookings/s':>11} {'ratio to bare insert':>21}")
    for kind, value in rate.items():
        print(f"{kind:20} {value:11.1f} {value / rate['bare insert']:21.2f}")
    assert rate["one session"] / rate["bare insert"] >= BOOKING_PER_BARE_INSERT_AT_LEAST
    assert rate["several sessions"] / rate["bare insert"] >= BOOKING_PER_BARE_INSERT_AT_LEAST
