"""Coverage (workforce/coverage.py) against figures this file computes itself, in plain Python,
from the raw rows: staff lists, headcounts, profiles, accounts, live courses and completions.

The boundaries are London's: a completion at 23:59 on the day counts and one at 00:00 the next
day does not, in British Summer Time and in Greenwich Mean Time, and on the days the clocks
change (the last Sundays of March and October)."""

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.models import Agency
from courses.models import Completion, CoursePage, JobRole, LearnerProfile
from tests.factories import make_course, make_learner
from tests.workforce.helpers import record_completion
from workforce import tallies
from workforce.coverage import coverage, coverage_trend, overall, quarter_ends, required_courses
from workforce.models import CoverageBasis, Headcount, StaffListEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _on_30_november_2026():
    """The figures are measured on fixed days up to 30 November 2026, and accounts are made
    "now" (registered staff count against a headcount from when they registered): so now is
    that day, whenever the suite runs."""
    with time_machine.travel(datetime(2026, 11, 30, 12, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


@pytest.fixture(autouse=True, params=["tallies", "records"])
def source(request):
    """Every figure here is checked both ways coverage is counted: from the tallies kept as
    records are written (`workforce.tallies`), and from the records themselves."""
    counted_from(request.param)
    return request.param


LONDON = ZoneInfo("Europe/London")
LABELS = dict(JobRole.choices)


def london(day: date, hour=12, minute=0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def required_of(code):
    """The agency's required courses, read from the pages: live, and multi-agency or its own."""
    agency = Agency.objects.get(code=code)
    return [c for c in CoursePage.objects.all() if c.live and c.agency_id in (None, agency.pk)]


def train(user, code, when, expires_on=None, skip=()):
    """Complete every course required of agency `code` (but those in `skip`)."""
    for course in required_of(code):
        if course.pk not in skip:
            record_completion(user, course, when, expires_on)


def listed(code, email, job_role="housing", team=""):
    return StaffListEntry.objects.create(
        agency=Agency.objects.get(code=code), email=email.lower(), name=email, job_role=job_role, team=team
    )


def registered_on(user, day):
    LearnerProfile.objects.filter(user=user).update(created_at=london(day, 9))
    tallies.recount(user_ids=[user.pk])  # written round the model layer


# The oracle: plain Python over the raw rows, never the code under test.


def expected(code, day, by=None, job_roles=()):
    """{group: (workforce, covered, over, {course id: people current in it})} for one agency
    on one day, or {} when it has no workforce."""
    agency = Agency.objects.get(code=code)
    courses = {c.pk for c in required_of(code)}
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=LONDON)
    current = defaultdict(set)
    for c in Completion.objects.values("learner_id", "course_id", "completed_at", "expires_on"):
        if c["completed_at"] < end and c["expires_on"] >= day:
            current[c["learner_id"]].add(c["course_id"])
    entries = [
        e
        for e in StaffListEntry.objects.filter(agency=agency).values()
        if not job_roles or e["job_role"] in job_roles
    ]
    groups = {}
    if StaffListEntry.objects.filter(agency=agency).exists():
        accounts = defaultdict(list)
        for user in get_user_model().objects.values("pk", "email"):
            accounts[user["email"].lower()].append(user["pk"])
        for entry in entries:
            held = {c for c in courses if any(c in current[u] for u in accounts[entry["email"]])}
            group = {None: "", "team": entry["team"], "job_role": LABELS[entry["job_role"]]}[by]
            people, covered, _, per_course = groups.setdefault(
                group, (0, 0, False, dict.fromkeys(courses, 0))
            )
            for c in held:
                per_course[c] += 1
            groups[group] = (people + 1, covered + (bool(courses) and held == courses), False, per_course)
        return groups
    counts = {h.job_role: h.staff for h in Headcount.objects.filter(agency=agency)}
    if job_roles:
        counts = {role: staff for role, staff in counts.items() if role in job_roles}
    for role, staff in counts.items():
        held_by = [
            current[p.user_id] & courses
            for p in LearnerProfile.objects.filter(agency=agency, job_role=role)
            if p.created_at < end
        ]
        covered = sum(1 for held in held_by if courses and held == courses)
        group = LABELS[role] if by == "job_role" else ""
        people, total, over, per_course = groups.setdefault(group, (0, 0, False, dict.fromkeys(courses, 0)))
        for held in held_by:
            for c in held:
                per_course[c] += 1
        groups[group] = (people + staff, total + covered, over or covered > staff, per_course)
    return groups


def figures(rows, code, per_course=True):
    """{group: (workforce, covered, over, {course id: people})} of one agency's rows. A row may
    name other agencies' courses (with nobody counted): only the agency's own are compared."""
    required = {c.pk for c in required_of(code)}
    found = {}
    for row in rows:
        if row.agency.code == code and row.source:
            assert not any(n for c, n in row.per_course.items() if c not in required)
            courses = {c: n for c, n in row.per_course.items() if c in required} if per_course else None
            found[row.group] = (row.workforce, row.covered, row.over, courses)
    return found


def assert_matches(rows, codes, day, by=None, job_roles=(), per_course=True):
    for code in codes:
        want = expected(code, day, by, job_roles)
        if not per_course:  # the trend has no per-course figures
            want = {group: (*figures[:3], None) for group, figures in want.items()}
        assert figures(rows, code, per_course) == want, (code, day, by)
        for row in rows:
            if row.agency.code == code and row.source:
                people, covered, over, _ = want[row.group]
                share = None if over or not people else round(100 * covered / people, 1)
                assert row.share == share


# Staff lists.


def test_a_staff_list_matches_accounts_by_email_ignoring_case_and_counts_people_not_registered():
    day = date(2026, 11, 30)
    housing = required_of("housing")
    assert len(housing) == 2  # the core course and the housing module
    shouty = make_learner("housing", email="Shouty.Person@Example.org")
    quiet = make_learner("housing", email="quiet@example.org")
    partial = make_learner("housing", email="partial@example.org")
    train(shouty, "housing", london(date(2026, 6, 1)))
    train(quiet, "housing", london(date(2026, 6, 1)))
    train(partial, "housing", london(date(2026, 6, 1)), skip={housing[-1].pk})
    listed("housing", "shouty.person@example.org", team="North")
    listed("housing", "quiet@example.org", job_role="manager", team="North")
    listed("housing", "partial@example.org", team="South")
    listed("housing", "never.registered@example.org", team="South")

    rows = coverage(Agency.objects.filter(code="housing"), day)

    (row,) = rows
    assert (row.source, row.workforce, row.covered, row.share, row.not_covered) == ("list", 4, 2, 50.0, 2)
    assert row.per_course == {housing[0].pk: 3, housing[1].pk: 2}
    assert row.course_share(housing[0].pk) == 75.0
    by_team = {
        r.group: (r.workforce, r.covered)
        for r in coverage(Agency.objects.filter(code="housing"), day, by="team")
    }
    assert by_team == {"North": (2, 2), "South": (2, 0)}
    by_role = coverage(Agency.objects.filter(code="housing"), day, by="job_role")
    assert {r.group: (r.workforce, r.covered) for r in by_role} == {
        "Housing officer": (3, 1),
        "Manager": (1, 1),
    }
    managers = coverage(Agency.objects.filter(code="housing"), day, job_roles=["manager"])
    assert [(r.workforce, r.covered) for r in managers] == [(1, 1)]
    for by in (None, "team", "job_role"):
        assert_matches(coverage(Agency.objects.filter(code="housing"), day, by=by), ["housing"], day, by)


def test_a_person_on_two_agencies_lists_counts_in_each_against_its_own_courses():
    day = date(2026, 11, 30)
    both = make_learner("police", email="both@example.org", job_role="police")
    record_completion(both, required_of("police")[0], london(date(2026, 5, 1)))  # the core course
    record_completion(both, [c for c in required_of("police") if c.agency_id][0], london(date(2026, 5, 1)))
    listed("police", "both@example.org", job_role="police")
    listed("probation", "both@example.org", job_role="probation")

    rows = coverage(Agency.objects.filter(code__in=["police", "probation"]), day)

    assert [(r.agency.code, r.workforce, r.covered) for r in rows] == [("police", 1, 1), ("probation", 1, 0)]
    assert_matches(rows, ["police", "probation"], day)
    total = overall(rows)
    assert (total.workforce, total.covered, total.share) == (2, 1, 50.0)


# Headcounts.


def test_a_headcount_counts_registered_staff_of_its_job_roles_registered_by_the_day():
    day = date(2026, 9, 30)
    early = make_learner("education", job_role="teacher")
    late = make_learner("education", job_role="teacher")
    other_role = make_learner("education", job_role="manager")
    for user in (early, late, other_role):
        train(user, "education", london(date(2026, 3, 1)))
    registered_on(early, date(2026, 1, 5))
    registered_on(late, day + timedelta(days=1))  # registered after the day
    registered_on(other_role, date(2026, 1, 5))
    Headcount.objects.create(agency=Agency.objects.get(code="education"), job_role="teacher", staff=4)

    rows = coverage(Agency.objects.filter(code="education"), day)

    (row,) = rows
    assert (row.source, row.workforce, row.covered, row.share, row.over) == ("headcount", 4, 1, 25.0, False)
    assert_matches(rows, ["education"], day)
    later = date(2026, 11, 30)
    assert [(r.workforce, r.covered) for r in coverage(Agency.objects.filter(code="education"), later)] == [
        (4, 2)
    ]
    assert_matches(
        coverage(Agency.objects.filter(code="education"), later, by="job_role"),
        ["education"],
        later,
        "job_role",
    )


def test_a_headcount_exceeded_has_no_share_and_says_so():
    day = date(2026, 11, 30)
    for _ in range(3):
        train(make_learner("yos", job_role="youth_worker"), "yos", london(date(2026, 2, 1)))
    Headcount.objects.create(agency=Agency.objects.get(code="yos"), job_role="youth_worker", staff=2)
    Headcount.objects.create(agency=Agency.objects.get(code="yos"), job_role="manager", staff=10)

    rows = coverage(Agency.objects.filter(code="yos"), day)

    (row,) = rows
    assert (row.workforce, row.covered, row.over, row.share, row.not_covered) == (12, 3, True, None, None)
    by_role = {r.group: r for r in coverage(Agency.objects.filter(code="yos"), day, by="job_role")}
    assert by_role["Youth worker"].over and by_role["Youth worker"].share is None
    assert by_role["Manager"].share == 0.0 and not by_role["Manager"].over
    assert_matches(rows, ["yos"], day)
    total = overall(rows)
    assert total.over and total.share is None


def test_no_headcount_and_no_list_means_no_figures():
    train(make_learner("vcs", job_role="volunteer"), "vcs", london(date(2026, 2, 1)))

    (row,) = coverage(Agency.objects.filter(code="vcs"), date(2026, 11, 30))

    assert (row.source, row.workforce, row.covered, row.share, row.not_covered) == ("", 0, 0, None, None)
    assert overall([row]) is None


# Required courses and current completions.


def test_a_draft_course_is_not_required_and_a_live_one_is():
    day = date(2026, 11, 30)
    done = make_learner("carers", email="done@example.org", job_role="foster_carer")
    train(done, "carers", london(date(2026, 4, 1)))
    listed("carers", "done@example.org", job_role="foster_carer")
    draft = make_course(lessons=1, agency=Agency.objects.get(code="carers"))
    draft.unpublish()
    assert [(r.covered, r.workforce) for r in coverage(Agency.objects.filter(code="carers"), day)] == [(1, 1)]
    assert_matches(coverage(Agency.objects.filter(code="carers"), day), ["carers"], day)

    make_course(lessons=1, agency=Agency.objects.get(code="carers"))  # a new live module

    assert [(r.covered, r.workforce) for r in coverage(Agency.objects.filter(code="carers"), day)] == [(0, 1)]


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 9, 30),  # British Summer Time
        date(2026, 12, 31),  # Greenwich Mean Time
        date(2026, 3, 29),  # the clocks go forward: a 23-hour day
        date(2026, 10, 25),  # the clocks go back: a 25-hour day
    ],
)
def test_a_completion_counts_until_2359_london_on_the_day_and_expires_after_its_last_day(day):
    course = required_of("other")
    assert len(course) == 1  # "other" has only the core course
    people = {}
    for name in ("at_2359", "at_midnight", "expires_today", "expired_yesterday", "refresher", "elsewhere"):
        people[name] = make_learner("other", email=f"{name}@example.org", job_role="manager")
        listed("other", f"{name}@example.org", job_role="manager")
    record_completion(people["at_2359"], course[0], london(day, 23, 59))
    record_completion(people["at_midnight"], course[0], london(day + timedelta(days=1), 0, 0))
    record_completion(people["expires_today"], course[0], london(day - timedelta(days=1000)), expires_on=day)
    record_completion(
        people["expired_yesterday"],
        course[0],
        london(day - timedelta(days=1000)),
        expires_on=day - timedelta(days=1),
    )
    record_completion(people["refresher"], course[0], london(day - timedelta(days=900)))
    record_completion(people["refresher"], course[0], london(day - timedelta(days=10)))
    record_completion(
        people["elsewhere"],
        course[0],
        london(day - timedelta(days=10)),
        agency=Agency.objects.get(code="police"),
    )

    (row,) = coverage(Agency.objects.filter(code="other"), day)

    # at 23:59, expiring today, the refresher (once) and the one done in another agency
    assert (row.workforce, row.covered, row.per_course) == (6, 4, {course[0].pk: 4})
    assert_matches([row], ["other"], day)
    (next_day,) = coverage(Agency.objects.filter(code="other"), day + timedelta(days=1))
    assert next_day.covered == 4  # midnight now counts; expiring the day before now does not
    assert_matches([next_day], ["other"], day + timedelta(days=1))


# Quarters and the trend.


def test_quarter_ends_are_the_last_days_of_quarters_and_the_day_itself():
    assert quarter_ends(date(2026, 11, 30)) == [
        date(2025, 3, 31),
        date(2025, 6, 30),
        date(2025, 9, 30),
        date(2025, 12, 31),
        date(2026, 3, 31),
        date(2026, 6, 30),
        date(2026, 9, 30),
        date(2026, 11, 30),
    ]
    assert quarter_ends(date(2026, 3, 31), 3) == [date(2025, 9, 30), date(2025, 12, 31), date(2026, 3, 31)]
    assert quarter_ends(date(2026, 1, 1), 2) == [date(2025, 12, 31), date(2026, 1, 1)]


def test_the_trend_matches_each_quarter_end_across_the_clock_changes():
    today = date(2026, 11, 30)
    days = quarter_ends(today)
    core = required_of("health")
    # a staff list agency (health) and a headcount agency (probation)
    for n, quarter_end in enumerate(days):
        listed("health", f"h{n}@example.org", job_role="nurse", team="Ward")
        on_time = make_learner("health", email=f"h{n}@example.org", job_role="nurse")
        train(on_time, "health", london(quarter_end, 23, 59))
        listed("health", f"late{n}@example.org", job_role="nurse")
        late = make_learner("health", email=f"late{n}@example.org", job_role="nurse")
        train(late, "health", london(quarter_end + timedelta(days=1), 0, 0))
        officer = make_learner("probation", job_role="probation")
        registered_on(officer, quarter_end - timedelta(days=40))
        train(officer, "probation", london(quarter_end, 23, 59), expires_on=quarter_end + timedelta(days=100))
    listed("health", "nobody@example.org", job_role="doctor")
    record_completion(make_learner("health", email="nobody@example.org"), core[0], london(days[0]))
    Headcount.objects.create(agency=Agency.objects.get(code="probation"), job_role="probation", staff=20)
    agencies = Agency.objects.filter(code__in=["health", "probation", "vcs"])

    trend = coverage_trend(agencies, days)

    assert list(trend) == days
    for day in days:
        assert_matches(trend[day], ["health", "probation"], day, per_course=False)
        assert [r.source for r in trend[day]] == ["list", "headcount", ""]
    # 31 March 2026 (BST) and 31 December 2025 (GMT): the 23:59 completion counts, midnight's does not
    march = {r.agency.code: r for r in trend[date(2026, 3, 31)]}
    # five quarter ends' 23:59 completions by then, four of the midnight ones (not this one's)
    assert march["health"].covered == 9 and march["health"].workforce == 17
    assert march["probation"].covered == 2  # this quarter's and last's, the older ones expired
    one = coverage(agencies, date(2026, 3, 31))
    assert [(r.workforce, r.covered) for r in one] == [
        (r.workforce, r.covered) for r in trend[date(2026, 3, 31)]
    ]


# Queries: flat in people and in days.


def staff(count, code, start):
    """`count` people on agency `code`'s staff list, all registered and half trained; and as
    many registered staff of a headcount agency (probation), half trained."""
    User = get_user_model()
    agency = Agency.objects.get(code=code)
    probation = Agency.objects.get(code="probation")
    users = User.objects.bulk_create(
        User(username=f"q{start + n}@example.org", email=f"q{start + n}@example.org")
        for n in range(2 * count)
    )
    now = timezone.now()
    LearnerProfile.objects.bulk_create(
        LearnerProfile(
            user=u, agency=agency if n < count else probation, job_role="nurse", privacy_accepted_at=now
        )
        for n, u in enumerate(users)
    )
    StaffListEntry.objects.bulk_create(
        StaffListEntry(agency=agency, email=u.email, name=u.email, job_role="nurse", team=f"T{n % 3}")
        for n, u in enumerate(users[:count])
    )
    for n, user in enumerate(users[::2]):
        train(user, code if n < count // 2 else "probation", london(date(2026, 1, 1)))
    tallies.rebuild()  # the rows were written in bulk, round the signals


def counted_from(source):
    """Coverage read from the tallies, or (their basis gone, as after a course is published and
    before the worker counts again) from the records."""
    if source == "records":
        CoverageBasis.objects.all().delete()


def queries(work):
    with CaptureQueriesContext(connection) as context:
        work()
    return len(context.captured_queries)


def test_coverage_and_the_trend_take_the_same_queries_for_10_and_200_people_and_2_and_8_days(source):
    Headcount.objects.create(agency=Agency.objects.get(code="probation"), job_role="nurse", staff=1000)
    agencies = Agency.objects.all()
    day = date(2026, 11, 30)
    staff(10, "health", 0)
    counted_from(source)
    few = {by: queries(lambda by=by: coverage(agencies, day, by=by)) for by in (None, "job_role", "team")}
    few_trend = queries(lambda: coverage_trend(agencies, quarter_ends(day, 2)))
    staff(190, "health", 1000)
    counted_from(source)
    assert tallies.up_to_date(required_courses(agencies)) == (source == "tallies")
    assert expected("health", day)[""][:2] == (200, 100)
    for by in (None, "job_role", "team"):
        assert queries(lambda by=by: coverage(agencies, day, by=by)) == few[by], by
    assert queries(lambda: coverage_trend(agencies, quarter_ends(day, 2))) == few_trend
    assert queries(lambda: coverage_trend(agencies, quarter_ends(day, 8))) == few_trend
    assert_matches(coverage(agencies, day), ["health", "probation"], day)
