"""Coverage read from its tallies (`workforce.tallies`) equals coverage counted from the records,
after random sequences of the writes that change it: completions at London month edges (some
expired, some deleted), staff lists applied and edited, single-agency returns saved and
deleted, people moving agency or job role, changing their email and being anonymised. And the
tallies the writes kept equal a rebuild from nothing."""

import random
from collections import Counter
from datetime import date

import pytest
from django.db import transaction
from django.db.models import Sum

from certificates.models import Certificate
from cms.models import Agency
from courses.models import Completion, CoursePage, LearnerProfile
from privacy.anonymise import anonymise
from privacy.models import Anonymisation
from tests.factories import make_learner
from tests.month_edges import EDGES, MID_APRIL, MID_MARCH, ROLES
from tests.workforce.helpers import record_completion
from training.models import SingleAgencyReturn
from training.returns import delete_return, editable, save_return
from workforce import tallies
from workforce.coverage import coverage, coverage_trend, required_courses
from workforce.models import CoverageBasis, CoverageTally, Headcount, StaffListEntry
from workforce.reports import people_not_covered
from workforce.staff_lists import apply_upload, make_preview

pytestmark = pytest.mark.django_db

CODES = ["housing", "police", "health"]
# Days the figures are compared on: each month edge's own day and the next, expiry days, today.
DAYS = [
    date(2025, 3, 31),
    date(2025, 4, 1),
    date(2025, 11, 30),
    date(2025, 12, 1),
    date(2026, 3, 31),
    date(2026, 4, 1),
    date(2026, 11, 30),
]


def from_records(work):
    """`work()` with coverage counted from the records: the tallies' basis set aside (as after
    a course is published and before the worker counts again), then put back."""
    with transaction.atomic():
        CoverageBasis.objects.all().delete()
        result = work()
        transaction.set_rollback(True)
    return result


def kept_cells():
    """Every tally cell's count, without the cells that came to nothing."""
    sums = CoverageTally.objects.values_list(*tallies.CELL).annotate(n=Sum("change"))
    return Counter({cell[:-1]: cell[-1] for cell in sums if cell[-1]})


class Writes:
    def __init__(self, rng):
        self.rng = rng
        self.people = []
        self.agencies = {code: Agency.objects.get(code=code) for code in CODES}
        self.lead = make_learner("housing", email="writes.lead@example.org")
        Headcount.objects.create(agency=self.agencies["police"], job_role="housing", staff=50)
        Headcount.objects.create(agency=self.agencies["police"], job_role="manager", staff=50)

    def courses(self, code):
        agency = self.agencies[code]
        return [c for c in CoursePage.objects.live() if c.agency_id in (None, agency.pk)]

    def register(self):
        code = self.rng.choice(CODES)
        n = len(self.people)
        self.people.append(make_learner(code, email=f"Writes.{n}@Example.org", job_role=self.rng.choice(ROLES)))

    def complete(self):
        if not self.people:
            return self.register()
        person = self.rng.choice(self.people)
        profile = LearnerProfile.objects.filter(user=person).first()
        if profile is None:
            return None
        code = self.rng.choice(CODES)
        course = self.rng.choice(self.courses(code))
        when = self.rng.choice([*EDGES, MID_MARCH, MID_APRIL])
        expires = self.rng.choice([date(2025, 11, 30), date(2026, 3, 31), date(2028, 1, 1)])
        return record_completion(person, course, when, expires)

    def forget_completion(self):
        completion = Completion.objects.order_by("?").first()
        if completion is not None:
            Certificate.objects.filter(completion=completion).delete()
            completion.delete()

    def apply_list(self):
        """The housing lead uploads a list: some of the registered, some never registered."""
        agency = self.agencies["housing"]
        rows = [
            {
                "email": person.email.lower(),
                "name": "Listed Person",
                "job_role": self.rng.choice(ROLES),
                "team": self.rng.choice(["North", "South"]),
            }
            for person in self.rng.sample(self.people, min(len(self.people), 4))
        ]
        rows.append({"email": "never.registered@example.org", "name": "Never", "job_role": "housing", "team": ""})
        upload = make_preview(agency, self.lead, "staff.csv", rows)
        apply_upload(upload.pk, agency)

    def edit_entry(self):
        entry = StaffListEntry.objects.order_by("?").first()
        if entry is None:
            return
        if self.rng.random() < 0.5:
            entry.delete()
        else:
            entry.team = self.rng.choice(["North", "South", "East"])
            entry.save()

    def training_return(self):
        """Single-agency training, delivered at a month edge, listing some people."""
        open_returns = [r for r in SingleAgencyReturn.objects.all() if editable(r)]
        if self.rng.random() < 0.3 and open_returns:
            return delete_return(self.rng.choice(open_returns))
        agency = self.agencies[self.rng.choice(CODES)]
        listed = self.rng.sample(self.people, min(len(self.people), 3))
        save_return(
            SingleAgencyReturn(
                agency=agency,
                course=self.rng.choice(self.courses(agency.code)),
                delivered_on=self.rng.choice([*(d.date() for d in EDGES), date.today()]),
                delivery_format=SingleAgencyReturn.Format.IN_PERSON,
                trainer="A Trainer",
            ),
            self.lead,
            None,
            [
                {"name": "Attendee", "email": person.email.upper(), "job_role": "housing"}
                for person in listed
            ],
            [],
        )

    def move(self):
        profile = LearnerProfile.objects.order_by("?").first()
        profile.agency = self.agencies[self.rng.choice(CODES)]
        profile.job_role = self.rng.choice(ROLES)
        profile.save()

    def new_email(self):
        if self.people:
            person = self.rng.choice(self.people)
            person.refresh_from_db()
            person.email = f"moved.{self.rng.randrange(10**6)}@example.org"
            person.save()

    def anonymise(self):
        if self.people:
            anonymise(self.rng.choice(self.people), None, Anonymisation.Reason.REQUEST)


def assert_kept_as_rebuilt():
    """The tallies the writes kept are those a rebuild from nothing counts (which is undone)."""
    kept = kept_cells()
    with transaction.atomic():
        tallies.rebuild()
        rebuilt = kept_cells()
        transaction.set_rollback(True)
    assert kept == rebuilt


def not_covered_now(agencies, day, role):
    listed = people_not_covered(agencies, day, role)
    assert all(part.counted is None for part in listed.parts)  # counted from the records
    return listed.count(), list(listed)


def check(agencies):
    for by in (None, "job_role", "team"):
        for job_roles in ((), ("manager",)):
            if by == "team" and job_roles:
                continue
            for day in DAYS:
                asked = {"by": by, "job_roles": job_roles}
                tallied = coverage(agencies, day, **asked)
                counted = from_records(lambda day=day, asked=asked: coverage(agencies, day, **asked))
                assert tallied == counted, (asked, day)
            for day in (DAYS[0], DAYS[-1]):
                role = job_roles[0] if job_roles else None
                listed = people_not_covered(agencies, day, role)
                assert all(part.counted is not None for part in listed.parts)  # from the tallies
                counted = from_records(lambda day=day, role=role: not_covered_now(agencies, day, role))
                assert (listed.count(), list(listed)) == counted, (job_roles, day)
                assert listed[1:4] == counted[1][1:4]  # a page of them, as the page reads it
                assert listed[0 : counted[0]] == counted[1]  # across the list and the registered staff
    trend = coverage_trend(agencies, DAYS)
    assert trend == from_records(lambda: coverage_trend(agencies, DAYS))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_writes_keep_coverage_from_the_tallies_equal_to_the_records(seed):
    rng = random.Random(seed)
    writes = Writes(rng)
    agencies = Agency.objects.filter(code__in=CODES)
    assert tallies.up_to_date(required_courses(agencies))  # read from the tallies, not the records
    for _ in range(6):
        writes.register()
    steps = [
        writes.complete,
        writes.complete,
        writes.complete,
        writes.forget_completion,
        writes.apply_list,
        writes.edit_entry,
        writes.training_return,
        writes.move,
        writes.new_email,
        writes.register,
        writes.anonymise,
    ]
    for step in range(40):
        rng.choice(steps)()
        assert_kept_as_rebuilt()  # after each write, before a later one recounts the same people
        if step % 20 == 19:
            check(agencies)
    assert kept_cells()  # the writes did count something


def test_a_course_withdrawn_sends_coverage_to_the_records_until_counted_again(
    django_capture_on_commit_callbacks,
):
    agencies = Agency.objects.filter(code__in=CODES)
    housing = Agency.objects.get(code="housing")
    core, module = required_courses([housing])[housing.pk]
    person = make_learner("housing", email="core.only@example.org")
    record_completion(person, core, MID_MARCH, date(2028, 1, 1))  # not the housing module
    Headcount.objects.create(agency=housing, job_role=LearnerProfile.objects.get(user=person).job_role, staff=5)
    StaffListEntry.objects.filter(agency=housing).delete()  # counted against its headcount
    day = date(2026, 11, 30)
    covered = {row.agency.pk: row.covered for row in coverage(agencies, day)}
    with django_capture_on_commit_callbacks(execute=False) as waiting:
        module.unpublish()
    assert not tallies.up_to_date(required_courses(agencies))
    now = {row.agency.pk: row.covered for row in coverage(agencies, day)}
    assert now[housing.pk] == covered[housing.pk] + 1  # the records say so at once
    for callback in waiting:
        callback()  # the worker's turn (the immediate backend in tests)
    assert tallies.up_to_date(required_courses(agencies))
    assert coverage(agencies, day) == from_records(lambda: coverage(agencies, day))
    assert {row.agency.pk: row.covered for row in coverage(agencies, day)} == now
