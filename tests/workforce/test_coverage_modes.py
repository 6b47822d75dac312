"""Coverage counts every mode of training: a completion by e-learning or at a multi-agency
session, and a person listed by email on a single-agency return of the course while the
return is current (delivery date plus the course's refresher months, as a completion's
expiry). Figures are worked out by hand for the rows written here."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from cms.dates import add_months
from cms.models import Agency
from courses.models import CoursePage, LearnerProfile
from tests.factories import make_course, make_learner
from tests.training.numbers_helpers import completion, london, training_return
from workforce import tallies
from workforce.coverage import coverage, listed_since
from workforce.models import Headcount, StaffListEntry
from workforce.reports import people_not_covered

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 30)


@pytest.fixture(autouse=True)
def _on_30_november_2026():
    with time_machine.travel(datetime(2026, 11, 30, 12, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


@pytest.fixture
def course():
    """One required course (multi-agency, current for 12 months): the others are unpublished."""
    made = make_course(lessons=1, refresher_months=12, title="Coverage modes course")
    CoursePage.objects.live().exclude(pk=made.pk).unpublish()
    return made


def staff_list(code, *emails):
    agency = Agency.objects.get(code=code)
    for email in emails:
        StaffListEntry.objects.create(agency=agency, email=email, name=email, job_role="housing")


def row_of(rows, code):
    return next(row for row in rows if row.agency.code == code)


def test_sessions_and_current_single_agency_training_cover_a_staff_list(course):
    """Housing's list of 7. Covered: Ann (a session), Bea (listed in capitals on a return of
    30 November 2025: current until 30 November 2026, the day measured) and Gil (listed on
    health's return: any agency's counts). Not: Cal (return of 29 November 2025, expired the
    day before), Dee (a return after the day), Eve (a return naming only a topic), Fay (only in
    a headcount, which names nobody)."""
    emails = [f"{name}@example.org" for name in ("ann", "bea", "cal", "dee", "eve", "fay", "gil")]
    staff_list("housing", *emails)
    ann = make_learner("housing", email="ann@example.org")
    completion(ann, course, "housing", london(2026, 10, 1, 10), mode="session")
    training_return("housing", date(2025, 11, 30), course=course, attendees=[("Bea", "BEA@Example.org")])
    training_return("housing", date(2025, 11, 29), course=course, attendees=[("Cal", "cal@example.org")])
    training_return("housing", date(2026, 12, 1), course=course, attendees=[("Dee", "dee@example.org")])
    training_return("housing", date(2026, 11, 1), topic="Online harm", attendees=[("Eve", "eve@example.org")])
    training_return("housing", date(2026, 11, 1), course=course, headcounts=[("housing", 50)])
    training_return("health", date(2026, 6, 1), course=course, attendees=[("Gil", "gil@example.org")])
    housing = row_of(coverage(Agency.objects.all(), DAY), "housing")
    assert (housing.workforce, housing.covered, housing.per_course[course.pk]) == (7, 3, 3)
    missing = {person["email"] for person in people_not_covered(Agency.objects.filter(code="housing"), DAY)}
    assert missing == {"cal@example.org", "dee@example.org", "eve@example.org", "fay@example.org"}
    # The day before, Cal's return was still current; Dee's was not yet delivered.
    before = row_of(coverage(Agency.objects.all(), DAY - timedelta(days=1)), "housing")
    assert before.covered == 4


def test_an_e_learning_completion_covers_as_before(course):
    staff_list("housing", "hana@example.org")
    hana = make_learner("housing", email="hana@example.org")
    completion(hana, course, "housing", london(2026, 11, 30, 23, 59))
    assert row_of(coverage(Agency.objects.all(), DAY), "housing").covered == 1


def test_registered_staff_against_a_headcount_are_covered_by_single_agency_training(course):
    """Police gives a headcount of 10; Pat (account email in capitals) is listed on a current
    return, Quin is not: 1 covered."""
    Headcount.objects.create(agency=Agency.objects.get(code="police"), job_role="police", staff=10)
    make_learner("police", email="Pat@Example.org", job_role="police")
    make_learner("police", email="quin@example.org", job_role="police")
    training_return(
        "police", date(2026, 3, 1), course=course, attendees=[("Pat", "pat@example.org", "police")]
    )
    police = row_of(coverage(Agency.objects.all(), DAY), "police")
    assert (police.workforce, police.covered) == (10, 1)


def test_the_queries_do_not_grow_with_returns_or_people_listed(course):
    staff_list("housing", "r0@example.org")
    Headcount.objects.create(agency=Agency.objects.get(code="police"), job_role="police", staff=100)
    training_return("housing", date(2026, 5, 1), course=course, attendees=[("R0", "r0@example.org")])

    def count():
        with CaptureQueriesContext(connection) as context:
            rows = coverage(Agency.objects.all(), DAY)
        return len(context.captured_queries), rows

    few, rows = count()
    assert row_of(rows, "housing").covered == 1
    for n in range(1, 30):
        staff_list("housing", f"r{n}@example.org")
        user = make_learner("police", email=f"s{n}@example.org", job_role="police")
        LearnerProfile.objects.filter(user=user).update(created_at=london(2026, 1, 1, 9))
        tallies.recount(user_ids=[user.pk])  # written round the model layer
        listed = [(f"R{n}", f"r{n}@example.org"), (f"S{n}", f"S{n}@example.org", "police")]
        training_return("housing", date(2026, 5, n % 28 + 1), course=course, attendees=listed)
    many, rows = count()
    assert many == few
    assert row_of(rows, "housing").covered == 30
    assert row_of(rows, "police").covered == 29


@given(st.dates(date(2000, 1, 1), date(2099, 12, 31)), st.integers(1, 120))
def test_listed_since_is_the_first_delivery_date_still_current(day, months):
    earliest = listed_since(day, months)
    assert add_months(earliest, months) >= day
    assert add_months(earliest - timedelta(days=1), months) < day


def test_staff_progress_states_agree_with_coverage_on_single_agency_training(course):
    """The lead's staff progress (and so her reminders) counts single-agency training as
    coverage does. Registered housing staff, one 12-month course, measured on 30 November 2026:
    Bea listed on a return of 1 November 2026 (current a year: completed), Cal on one of
    1 December 2025 (expires on 1 December 2026, within 60 days: refresher due), Dee on one of
    29 November 2025 (lapsed the day before: overdue), Eve on nothing (not started)."""
    from workforce import states

    people = {
        name: make_learner("housing", email=f"{name}@example.org") for name in ("bea", "cal", "dee", "eve")
    }
    training_return("housing", date(2026, 11, 1), course=course, attendees=[("Bea", "BEA@example.org")])
    training_return("housing", date(2025, 12, 1), course=course, attendees=[("Cal", "cal@example.org")])
    training_return("housing", date(2025, 11, 29), course=course, attendees=[("Dee", "dee@example.org")])
    registered = states.staff(Agency.objects.filter(code="housing"), DAY)[1]
    found = dict(registered.values_list("email", "state"))
    assert {f"{name}@example.org": found[f"{name}@example.org"] for name in people} == {
        "bea@example.org": states.COMPLETED,
        "cal@example.org": states.REFRESHER_DUE,
        "dee@example.org": states.OVERDUE,
        "eve@example.org": states.NOT_STARTED,
    }
