"""The training numbers read from the tallies (`courses.training_tallies`) against the raw
records: after seeded random sequences of writes (registrations, enrolments, e-learning
completions and sessions at 23:30 and 00:30 around a month's end in summer time and in winter,
several completions per person in one month and across months and courses, the same course
again, changes of job role and of agency, anonymisation, deleted completions, enrolments and
accounts, and back-dated completions followed by a rebuild), every figure of
`training_numbers`, `refresher_counts` and `training_tables` equals the figure counted from
the records, for one agency and all of them, with and without a course and a job role, over
several whole-month periods."""

import random
from collections import Counter
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from cms.models import Agency
from courses import pairs, reports, training_tallies
from courses import services as course_services
from courses.models import Completion, DeliveryMode, Enrolment, LearnerProfile, PartnershipManager
from courses.reports import Period
from privacy.anonymise import anonymise
from privacy.models import Anonymisation
from tests.factories import make_course, make_learner
from tests.month_edges import (
    END_OF_MARCH,
    END_OF_NOVEMBER,
    LONDON,
    MID_APRIL,
    MID_MARCH,
    ROLES,
    START_OF_APRIL,
    START_OF_DECEMBER,
)

pytestmark = pytest.mark.django_db

# Round London month ends (`tests.month_edges`), and other days of those months and of December.
MOMENTS = [
    MID_MARCH,
    END_OF_MARCH,
    START_OF_APRIL,
    MID_APRIL,
    END_OF_NOVEMBER,
    START_OF_DECEMBER,
    datetime(2025, 12, 3, 9, 0, tzinfo=LONDON),
]
TODAY = date(2025, 12, 10)  # the pages are read in December 2025: this quarter is under way
PERIODS = [
    Period(date(2025, 10, 1), date(2025, 12, 31)),  # this quarter, with the current month
    Period(date(2025, 4, 1), date(2025, 6, 30)),  # a past quarter
    Period(date(2025, 3, 1), date(2025, 3, 31)),
    Period(date(2025, 1, 1), date(2025, 12, 31)),  # a year
]


class World:
    """Three courses with different refresher windows; the learners, and what the random writes
    can do to them."""

    def __init__(self, rng):
        self.rng = rng
        self.courses = [
            make_course(lessons=1, title=f"Numbers course {n}", refresher_months=months)
            for n, months in enumerate((1, 3, 12))
        ]
        self.learners = []

    def at(self, moment=None):
        return time_machine.travel(moment or self.rng.choice(MOMENTS), tick=False)

    def register(self):
        with self.at():
            learner = make_learner(
                self.rng.choice(["housing", "housing", "police"]), job_role=self.rng.choice(ROLES)
            )
        self.learners.append(learner)
        return learner

    def learner(self):
        if self.learners and self.rng.random() < 0.6:
            return self.rng.choice(self.learners)
        return self.register()

    def take(self):
        """Start a course (e-learning) and perhaps complete it, at the same moment or later."""
        learner, course = self.learner(), self.rng.choice(self.courses)
        start = self.rng.randrange(len(MOMENTS))
        with self.at(MOMENTS[start]):
            enrolment = self._start(learner, course, DeliveryMode.E_LEARNING)
        if enrolment is not None and self.rng.random() < 0.75:
            self._complete(enrolment, self.rng.choice(MOMENTS[start:]))

    def session(self):
        """A session of a course (perhaps one already completed: the same course again)."""
        learner, course = self.learner(), self.rng.choice(self.courses)
        moment = self.rng.choice(MOMENTS)
        with self.at(moment):
            enrolment = self._start(learner, course, DeliveryMode.SESSION)
        self._complete(enrolment, moment)

    def _start(self, learner, course, mode):
        if mode == DeliveryMode.E_LEARNING:
            open_one = Enrolment.objects.filter(learner=learner, course=course, completed_at__isnull=True)
            if open_one.exists():
                return None
        return Enrolment.objects.create(
            learner=learner,
            course=course,
            cycle=course_services.next_cycle(learner, course),
            agency=LearnerProfile.objects.get(user=learner).agency,
            delivery_mode=mode,
        )

    def _complete(self, enrolment, moment):
        with transaction.atomic():
            course_services.record_completion(course_services.lock(enrolment), moment)

    def change_role(self):
        if self.learners:
            profile = LearnerProfile.objects.get(user=self.rng.choice(self.learners))
            profile.job_role = ROLES[1 - ROLES.index(profile.job_role)]
            profile.save()

    def change_agency(self):
        if self.learners:
            learner = self.rng.choice(self.learners)
            here = LearnerProfile.objects.get(user=learner).agency.code
            change = course_services.request_agency_change(
                learner,
                Agency.objects.get(code="police" if here == "housing" else "housing"),
                self.rng.choice(ROLES),
            )
            course_services.decide_agency_change(change, True, None)

    def anonymise(self):
        if self.learners:
            anonymise(self.rng.choice(self.learners), None, Anonymisation.Reason.REQUEST)

    def delete_completion(self):
        completion = (
            Completion.objects.filter(course__in=self.courses, certificate__isnull=True).order_by("?").first()
        )
        if completion is not None:
            completion.delete()

    def delete_enrolment(self):
        enrolment = (
            Enrolment.objects.filter(course__in=self.courses, completion__isnull=True).order_by("?").first()
        )
        if enrolment is not None:
            enrolment.delete()

    def delete_account(self):
        """An account with no completions deleted (its profile and enrolments go with it)."""
        learner = next((u for u in self.learners if not Completion.objects.filter(learner=u).exists()), None)
        if learner is not None:
            self.learners.remove(learner)
            learner.delete()

    def back_date(self):
        """A back-dated import: a completion and an enrolment moved round the model layer, then
        everything recounted."""
        completion = Completion.objects.filter(course__in=self.courses).order_by("?").first()
        if completion is not None:
            moment = self.rng.choice(MOMENTS[:3])
            Completion.objects.filter(pk=completion.pk).update(completed_at=moment, expires_on=moment.date())
            Enrolment.objects.filter(pk=completion.enrolment_id).update(
                started_at=moment - timedelta(days=2.37)
            )
            call_command("rebuild_summaries", stdout=open("/dev/null", "w"))


SCOPES = [lambda: Agency.objects.filter(code="housing"), lambda: Agency.objects.all()]


def refreshers_from_records(agencies, job_role):
    """What `refresher_counts` counts, from the list of refreshers due (`due_refreshers`)."""
    due = reports.due_refreshers(agencies, TODAY, max(reports.REFRESHER_WINDOWS), job_role)
    expiring = [completion.expires_on for completion in due]
    return {
        "overdue": sum(day < TODAY for day in expiring),
        "windows": [
            (d, sum(day <= TODAY + timedelta(days=d) for day in expiring)) for d in reports.REFRESHER_WINDOWS
        ],
    }


def tables(agencies, period, course, job_role):
    return [(t.key, t.rows, t.footer) for t in reports.training_tables(agencies, period, course, job_role)]


def assert_tallies_match_the_raw_records(world, monkeypatch):
    with time_machine.travel(datetime(2025, 12, 10, 12, tzinfo=LONDON), tick=False):
        for scope in SCOPES:
            agencies = scope()
            for job_role in (None, *ROLES):
                assert reports.refresher_counts(agencies, TODAY, job_role) == refreshers_from_records(
                    agencies, job_role
                ), (agencies.count(), job_role)
                registered = LearnerProfile.objects.filter(agency__in=agencies)
                registered = registered.filter(job_role=job_role) if job_role else registered
                assert pairs.agency_scope(agencies) is not None  # the tallies are read
                assert reports.staff_count(agencies, job_role) == registered.count(), job_role
            for period in PERIODS:
                tallied = pairs.tallied_scope(agencies, period)
                assert tallied is not None  # the tallies are read, not the records
                for course in (None, world.courses[0], world.courses[2]):
                    for job_role in (None, *ROLES):
                        where = (agencies.count(), period.label, course, job_role)
                        counted = reports.training_counts_from_records(agencies, period, course, job_role)
                        read = training_tallies.training_counts(agencies, tallied, period, course, job_role)
                        assert read == counted, where
                for course, job_role in ((world.courses[1], None), (None, ROLES[0])):
                    tallied_tables = tables(agencies, period, course, job_role)
                    with monkeypatch.context() as patched:
                        patched.setattr(pairs, "tallied_scope", lambda agencies, period: None)
                        assert tables(agencies, period, course, job_role) == tallied_tables


@pytest.mark.parametrize("seed", [1, 2])
def test_every_figure_equals_the_raw_records_after_random_writes(seed, monkeypatch):
    rng = random.Random(seed)
    world = World(rng)
    for _ in range(25):
        rng.choice([world.take, world.take, world.session])()
    assert_tallies_match_the_raw_records(world, monkeypatch)
    operations = [
        world.register,
        world.take,
        world.take,
        world.session,
        world.change_role,
        world.change_agency,
        world.anonymise,
        world.delete_completion,
        world.delete_enrolment,
        world.delete_account,
        world.back_date,
    ]
    for _ in range(16):
        rng.choice(operations)()
    assert_tallies_match_the_raw_records(world, monkeypatch)
    # Enough of everything that the comparison means something (counted against the records).
    year, everyone = PERIODS[-1], Agency.objects.all()
    numbers = reports.training_numbers(everyone, year)
    start, end = year.bounds
    in_year = Completion.objects.filter(completed_at__gte=start, completed_at__lt=end)
    assert numbers["completed"] == len(set(in_year.values_list("learner", flat=True))) >= 10
    assert sum(row["completions"] for row in numbers["per_month"]) == in_year.count()
    assert numbers["median_days"] is not None and numbers["courses_started"] > numbers["finished"] > 0
    assert any(n for _, n in reports.refresher_counts(everyone, TODAY)["windows"])


def test_each_person_once_per_month_and_once_in_the_period():
    """Two completions in March and one in April: March counts her once with two completions,
    April once, and March to April once; each course once."""
    world = World(random.Random(3))
    learner = make_learner("housing", job_role="housing")
    for course, moment in zip(world.courses, (MOMENTS[0], MOMENTS[1], MOMENTS[3]), strict=True):
        with world.at(moment):
            enrolment = world._start(learner, course, DeliveryMode.E_LEARNING)
        world._complete(enrolment, moment)
    housing = Agency.objects.filter(code="housing")
    numbers = reports.training_numbers(housing, Period(date(2025, 3, 1), date(2025, 4, 30)))
    assert [(row["month"].month, row["people"], row["completions"]) for row in numbers["per_month"]] == [
        (3, 1, 2),
        (4, 1, 1),
    ]
    assert numbers["completed"] == numbers["enrolled"] == 1
    assert (numbers["courses_started"], numbers["finished"], numbers["completion_rate"]) == (3, 3, 100.0)
    assert sorted(row["people"] for row in numbers["by_course"]) == [1, 1, 1]
    assert numbers["by_job_role"] == [{"job_role_label": "Housing officer", "people": 1}]
    assert numbers["median_days"] == 0.0


def test_a_course_started_in_the_period_and_completed_after_it_is_not_finished():
    world = World(random.Random(4))
    learner = make_learner("housing")
    with world.at(MOMENTS[1]):  # 31 March, 23:30 BST
        enrolment = world._start(learner, world.courses[0], DeliveryMode.E_LEARNING)
    world._complete(enrolment, MOMENTS[2])  # 1 April, 00:30 BST
    housing = Agency.objects.filter(code="housing")
    march = reports.training_numbers(housing, PERIODS[2])
    assert (march["courses_started"], march["finished"], march["completion_rate"], march["completed"]) == (
        1,
        0,
        0.0,
        0,
    )
    march_april = reports.training_numbers(housing, Period(date(2025, 3, 1), date(2025, 4, 30)))
    assert (march_april["finished"], march_april["completed"]) == (1, 1)
    assert march_april["median_days"] == 0.0  # an hour is 0.04 of a day: 0.0 to the nearest tenth


def test_custom_days_and_several_agencies_are_counted_from_the_records():
    world = World(random.Random(5))
    for _ in range(8):
        world.take()
    pairs.PairTally.objects.filter(measure__in=["completed", "started", "registered"]).update(people=0)
    everyone = Agency.objects.all()
    days = Period(date(2025, 3, 2), date(2025, 12, 30))
    two = Agency.objects.filter(code__in=["housing", "police"])
    year = PERIODS[-1]
    start, end = days.bounds
    completed = Completion.objects.filter(completed_at__gte=start, completed_at__lt=end)
    assert (
        reports.training_numbers(everyone, days)["completed"]
        == completed.values("learner").distinct().count()
    )
    start, end = year.bounds
    completed = Completion.objects.filter(agency__in=two, completed_at__gte=start, completed_at__lt=end)
    assert (
        reports.training_numbers(two, year)["completed"] == completed.values("learner").distinct().count() > 0
    )
    assert reports.training_numbers(everyone, year)["completed"] == 0  # the tallies (emptied) were read


def test_the_rebuild_gives_what_the_writes_kept():
    world = World(random.Random(6))
    for _ in range(12):
        world.take()
    world.change_agency()
    world.change_role()
    kept = Counter(
        {
            row[:-1]: row[-1]
            for row in pairs.PairTally.objects.exclude(people=0).values_list(*pairs.PairTally.CELL, "people")
        }
    )
    pairs.rebuild()
    rebuilt = Counter(
        {
            row[:-1]: row[-1]
            for row in pairs.PairTally.objects.exclude(people=0).values_list(*pairs.PairTally.CELL, "people")
        }
    )
    assert rebuilt == kept and any(cell[0] == "registered" for cell in kept)


def test_the_page_queries_do_not_grow_with_people(client):
    world = World(random.Random(7))
    manager = make_learner("other")
    PartnershipManager.objects.create(user=manager)
    client.force_login(manager)
    params = {"period": "this_year"}

    def queries():
        with (
            world.at(datetime(2025, 12, 10, 12, tzinfo=LONDON)),
            CaptureQueriesContext(connection) as captured,
        ):
            assert client.get("/leads/reports/", params).status_code == 200
        return len(captured)

    for _ in range(3):
        world.take()
    few = queries()
    for _ in range(12):
        world.take()
    world.session()
    assert queries() == few
