"""Each member of staff's state, against rows made here: the expected state of each person is
written down from the rows, never computed by the code under test."""

from datetime import datetime, time, timedelta

import pytest
from django.db.models import Q
from django.utils import timezone

from cms.models import Agency
from courses.models import Completion, CoursePage, Enrolment, LessonOpened, LessonProgress
from tests.factories import lessons_of, make_learner
from workforce import states
from workforce.models import StaffListEntry

pytestmark = pytest.mark.django_db

LONDON = timezone.get_current_timezone()


def london(day, hour=0, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)), LONDON)


def required_of(agency):
    return list(CoursePage.objects.live().filter(Q(agency=None) | Q(agency=agency)).order_by("path"))


def completed(user, course, on, expires_on, agency):
    enrolment = Enrolment.objects.create(
        learner=user,
        course=course,
        agency=agency,
        cycle=Enrolment.objects.filter(learner=user, course=course).count() + 1,
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(completed_at=on)
    return Completion.objects.create(
        enrolment=enrolment,
        learner=user,
        course=course,
        agency=agency,
        agency_name=agency.name,
        job_role="housing",
        job_role_label="Housing",
        course_title=course.title,
        completed_at=on,
        expires_on=expires_on,
    )


def started(user, course, at, agency, cycle=1):
    enrolment = Enrolment.objects.create(learner=user, course=course, agency=agency, cycle=cycle)
    Enrolment.objects.filter(pk=enrolment.pk).update(started_at=at)
    return enrolment


def states_by_email(agencies, today, **filters):
    parts = states.staff(agencies, today)
    return {row["email"]: row for row in states.filtered(parts, states.Filters(**filters), today)}


@pytest.fixture
def housing():
    return Agency.objects.get(code="housing")


@pytest.fixture
def today():
    return timezone.localdate()


def complete_all(user, agency, today, expires_in=400, but=None):
    for course in required_of(agency):
        if course != but:
            completed(
                user,
                course,
                london(today - timedelta(days=30), 10),
                today + timedelta(days=expires_in),
                agency,
            )


def test_each_state_against_the_rows(housing, today):
    required = required_of(housing)
    assert len(required) >= 2  # the core course and housing's own module
    first, second = required[0], required[1]
    StaffListEntry.objects.create(
        agency=housing, email="nobody@example.org", name="Nora Nobody", job_role="housing"
    )
    StaffListEntry.objects.create(
        agency=housing, email="fresh@example.org", name="Fay Fresh", job_role="housing"
    )
    make_learner("housing", email="fresh@example.org")
    done = make_learner("housing", email="done@example.org")
    complete_all(done, housing, today)
    soon = make_learner("housing", email="soon@example.org")
    complete_all(soon, housing, today, expires_in=60)  # expires within 60 days: refresher due
    later = make_learner("housing", email="later@example.org")
    complete_all(later, housing, today, expires_in=61)  # 61 days away: completed
    lapsed = make_learner("housing", email="lapsed@example.org")
    complete_all(lapsed, housing, today, but=first)
    completed(lapsed, first, london(today - timedelta(days=800)), today - timedelta(days=1), housing)
    busy = make_learner("housing", email="busy@example.org")
    enrolment = started(busy, second, london(today - timedelta(days=3), 9), housing)
    lessons = lessons_of(second)
    LessonOpened.objects.create(enrolment=enrolment, lesson=lessons[0])
    LessonProgress.objects.create(enrolment=enrolment, lesson=lessons[0])
    # Another agency's people are not housing's staff.
    make_learner("police", email="copper@example.org", job_role="police")

    found = states_by_email(Agency.objects.filter(code="housing"), today)

    expected = {
        "nobody@example.org": states.NOT_REGISTERED,
        "fresh@example.org": states.NOT_STARTED,
        "done@example.org": states.COMPLETED,
        "soon@example.org": states.REFRESHER_DUE,
        "later@example.org": states.COMPLETED,
        "lapsed@example.org": states.OVERDUE,
        "busy@example.org": states.IN_PROGRESS,
    }
    assert {email: found[email]["state"] for email in expected} == expected
    assert "copper@example.org" not in found
    assert found["busy@example.org"]["lessons_done"] == 1
    assert found["busy@example.org"]["lessons_total"] == len(lessons)
    assert found["nobody@example.org"]["source"] == states.LIST
    assert found["done@example.org"]["source"] == states.REGISTERED  # not on the list


def test_expires_today_is_still_current_and_expired_yesterday_is_overdue(housing, today):
    today_person = make_learner("housing", email="today@example.org")
    complete_all(today_person, housing, today, expires_in=0)
    yesterday = make_learner("housing", email="yesterday@example.org")
    complete_all(yesterday, housing, today, expires_in=-1)

    found = states_by_email(Agency.objects.filter(code="housing"), today)

    assert found["today@example.org"]["state"] == states.REFRESHER_DUE
    assert found["yesterday@example.org"]["state"] == states.OVERDUE


def test_in_progress_wins_over_overdue_and_the_last_activity_is_the_latest(housing, today):
    required = required_of(housing)
    person = make_learner("housing", email="renewing@example.org")
    complete_all(person, housing, today, expires_in=-5)
    enrolment = started(person, required[0], london(today - timedelta(days=20), 9), housing, cycle=2)
    lesson = lessons_of(required[0])[0]
    opened = LessonOpened.objects.create(enrolment=enrolment, lesson=lesson)
    LessonOpened.objects.filter(pk=opened.pk).update(opened_at=london(today - timedelta(days=4), 15))

    row = states_by_email(Agency.objects.filter(code="housing"), today)["renewing@example.org"]

    assert row["state"] == states.IN_PROGRESS
    assert row["last_activity"] == london(today - timedelta(days=4), 15)
    assert row["lessons_done"] == 0


def test_stuck_is_fourteen_days_idle_counted_from_london_midnight(housing, today):
    course = required_of(housing)[0]
    idle = make_learner("housing", email="idle@example.org")
    started(idle, course, london(today - timedelta(days=14), 23, 59), housing)
    recent = make_learner("housing", email="recent@example.org")
    started(recent, course, london(today - timedelta(days=13), 0, 0), housing)
    agencies = Agency.objects.filter(code="housing")

    stuck = states_by_email(agencies, today, state="stuck")
    tally = states.counts(states.staff(agencies, today), states.Filters(), today)

    assert set(stuck) == {"idle@example.org"}
    assert tally["stuck"] == 1
    assert tally[states.IN_PROGRESS] == 2


def test_an_account_matches_the_staff_list_ignoring_case(housing, today):
    StaffListEntry.objects.create(
        agency=housing, email="mixed@example.org", name="Max Mixed", job_role="housing"
    )
    make_learner("housing", email="Mixed@Example.org")

    parts = states.staff(Agency.objects.filter(code="housing"), today)
    rows = [
        row
        for row in states.filtered(parts, states.Filters(), today)
        if row["email"].lower() == "mixed@example.org"
    ]

    assert len(rows) == 1  # not listed again as "not on your staff list"
    assert rows[0]["source"] == states.LIST
    assert rows[0]["state"] == states.NOT_STARTED


def test_a_module_of_another_agency_is_not_in_progress(housing, today):
    police_module = CoursePage.objects.live().get(agency__code="police")
    person = make_learner("housing", email="wanderer@example.org")
    started(person, police_module, london(today, 9), housing)

    found = states_by_email(Agency.objects.filter(code="housing"), today)

    assert found["wanderer@example.org"]["state"] == states.NOT_STARTED


def test_filters_and_counts(housing, today):
    StaffListEntry.objects.create(
        agency=housing, email="a@example.org", name="A", job_role="housing", team="North"
    )
    StaffListEntry.objects.create(
        agency=housing, email="b@example.org", name="B", job_role="social_worker", team="South"
    )
    agencies = Agency.objects.filter(code="housing")

    assert set(states_by_email(agencies, today, team="north")) == {"a@example.org"}  # ignoring case
    assert set(states_by_email(agencies, today, job_role="social_worker")) == {"b@example.org"}
    tally = states.counts(states.staff(agencies, today), states.Filters(team="South"), today)
    assert tally[states.NOT_REGISTERED] == 1
    assert tally["total"] == 1


def _people(housing, today, count, start):
    required = required_of(housing)
    for n in range(start, start + count):
        StaffListEntry.objects.create(
            agency=housing, email=f"list{n}@example.org", name=f"L {n}", job_role="housing"
        )
        user = make_learner("housing", email=f"person{n}@example.org")
        started(user, required[0], london(today, 9), housing)
        done = make_learner("housing", email=f"done{n}@example.org")
        complete_all(done, housing, today)


def test_query_counts_are_flat_as_staff_grow(housing, today, django_assert_num_queries):
    agencies = Agency.objects.filter(code="housing")

    def measure():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            parts = states.staff(agencies, today)
            rows = list(states.filtered(parts, states.Filters(), today)[:50])
            states.counts(parts, states.Filters(), today)
        return len(queries), len(rows)

    _people(housing, today, 2, 0)
    measure()  # the first run also reads what is cached for the rest of the process
    few, few_rows = measure()
    _people(housing, today, 20, 100)
    many, many_rows = measure()

    assert few_rows >= 6 and many_rows == 50
    assert few == many
    with django_assert_num_queries(many):
        measure()
