"""Coverage: how much of an agency's workforce holds a current completion of the courses
required of it, on a given day. One place for the definitions every page, export, chart and
board pack uses:

- **Required courses** of an agency: every live multi-agency course and every live course of
  that agency (its own module).
- **A current completion** of a course on a day: completed by the end of that day (London
  time) and not expired (its `expires_on` is that day or later), by e-learning or at a
  multi-agency session alike. Any completion the person holds counts, whichever agency she was
  in when she did it: she is trained.
- **Single-agency training** counts as well: a person listed (by email, ignoring capitals) on
  a single-agency return of the course delivered on or before the day holds it while the
  return is current, as a completion would be (delivery date plus the course's refresher
  months, `cms.dates.add_months`, is that day or later). Headcounts on returns name nobody, so
  they cannot cover anyone.
- **Covered**: holding a current completion (or current single-agency training) of every
  required course.
- **Workforce**: the agency's staff list when it has one (each person matched to an account
  by email); otherwise its headcount per job role, when the people covered are its registered
  staff (by their profile now) in the job roles counted. Without either there is no figure:
  never a share of registered staff dressed as coverage.

A share is None when there is no workforce, or when more people are covered than a headcount
says work there (the headcount is out of date, and a rate over 100% would mean nothing).
Every figure is counted by the database, in a fixed number of queries whatever the number of
staff or of days asked for.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Lower
from django.utils import timezone

from cms.dates import add_months
from cms.models import Agency
from courses.models import Completion, CoursePage, LearnerProfile
from training.models import ReturnAttendee
from workforce import tallies
from workforce.models import Headcount, StaffListEntry

LIST, HEADCOUNT, NONE = "list", "headcount", ""
SOURCE_LABELS = {LIST: "Staff list", HEADCOUNT: "Headcount by job role", NONE: "No workforce given"}


def end_of(day: date) -> datetime:
    """The first moment after `day` in London: completions before it count on `day`."""
    zone = timezone.get_current_timezone()
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min), zone)


def quarter_start(day: date) -> date:
    return day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)


def quarter_ends(day: date, count: int = 8) -> list[date]:
    """The last days of the `count` quarters up to and including the one `day` is in, oldest
    first; the quarter under way ends on `day` itself (its figure is "so far")."""
    ends, start = [day], quarter_start(day)
    while len(ends) < count:
        end = start - timedelta(days=1)
        ends.append(end)
        start = quarter_start(end)
    return ends[::-1]


def quarter_last_day(day: date) -> date:
    start = quarter_start(day)
    return (start.replace(day=28) + timedelta(days=70)).replace(day=1) - timedelta(days=1)


def quarter_label(end: date) -> str:
    """A board reads "July to September 2026" (not a financial year's "Q2 2026-27")."""
    return f"{quarter_start(end):%B} to {quarter_last_day(end):%B %Y}"


def required_courses(agencies: Iterable[Agency]) -> dict[int, list[CoursePage]]:
    """Each agency's required courses, in the course list's order (one query)."""
    agencies = list(agencies)
    courses = list(
        CoursePage.objects.live()
        .filter(Q(agency__isnull=True) | Q(agency__in=agencies))
        .order_by("path")
        .only("pk", "title", "agency_id", "path", "refresher_months")
    )
    return {agency.pk: [c for c in courses if c.agency_id in (None, agency.pk)] for agency in agencies}


def current(course_id: int, day: date) -> QuerySet:
    """The completions of the course current on `day`."""
    return Completion.objects.filter(course_id=course_id, completed_at__lt=end_of(day), expires_on__gte=day)


def listed_since(day: date, months: int) -> date:
    """The earliest delivery date of a single-agency return still current on `day`: the first
    date whose `add_months(date, months)` (a completion's expiry rule) is `day` or later."""
    earliest = add_months(day, -months)
    while add_months(earliest, months) < day:  # `day` past the end of a shorter month
        earliest += timedelta(days=1)
    return earliest


def attended(course: CoursePage, day: date | None = None) -> QuerySet:
    """The lower-cased emails of the people listed on single-agency returns of the course
    current on `day` (delivered on or before it, and not expired by it), or on any return of
    it when no day is given."""
    attendees = ReturnAttendee.objects.filter(training_return__course_id=course.pk).exclude(email="")
    if day is not None:
        attendees = attendees.filter(
            training_return__delivered_on__lte=day,
            training_return__delivered_on__gte=listed_since(day, course.refresher_months),
        )
    return attendees.values(lower_email=Lower("email"))


def holding(kind: str, completions: QuerySet) -> Q:
    """Staff list entries (`kind` LIST) or learner profiles (HEADCOUNT) whose person holds one
    of `completions`. Entries store emails lower-case; registration does too, and an
    administrator's account may not, so accounts are matched by their lower-cased email.

    Asked as EXISTS, so that PostgreSQL chooses per query between building the set once and
    looking each row up in it, and looking each person up by index: `IN (subquery)` gave it only
    the set, and a set larger than its hash memory (a course's 580,000 completions at a million
    staff) is scanned whole for every person: staff progress for an agency of 91,000 people ran
    past five minutes."""
    if kind == LIST:
        by_email = completions.annotate(lower_email=Lower("learner__email"))
        return Q(Exists(by_email.filter(lower_email=OuterRef("email"))))
    return Q(Exists(completions.filter(learner_id=OuterRef("user_id"))))


def _listed(kind: str, emails: QuerySet) -> Q:
    """Staff list entries or learner profiles (`kind`) whose email is one of `emails`."""
    if kind == LIST:
        return Q(email__in=emails)
    accounts = get_user_model().objects.annotate(lower_email=Lower("email")).filter(lower_email__in=emails)
    return Q(user_id__in=accounts.values("pk"))


def holding_current(kind: str, course: CoursePage, day: date) -> Q:
    """Staff list entries or learner profiles (`kind`) whose person holds the course on `day`:
    a current completion, or current single-agency training of it (`attended`)."""
    return holding(kind, current(course.pk, day)) | _listed(kind, attended(course, day))


def held_ever(kind: str, course: CoursePage) -> Q:
    """Those (`kind`) who have ever completed the course or been listed as trained in it,
    current or not: a lapse is only a lapse for someone who once held it."""
    return holding(kind, Completion.objects.filter(course_id=course.pk)) | _listed(kind, attended(course))


def held_by(kind: str, course: CoursePage, day: date) -> Q:
    """Those (`kind`) who had held the course by `day`, current or not: completed it by the end
    of that day, or been listed as trained in it on a return delivered by then."""
    completions = Completion.objects.filter(course_id=course.pk, completed_at__lt=end_of(day))
    listed = ReturnAttendee.objects.filter(
        training_return__course_id=course.pk, training_return__delivered_on__lte=day
    ).exclude(email="")
    return holding(kind, completions) | _listed(kind, listed.values(lower_email=Lower("email")))


def covered_filters(required: dict[int, list[CoursePage]], day: date, kind: str) -> tuple[Q, dict[int, Q]]:
    """The filter "covered on `day`" (each agency's own required courses), and per course
    "holds a current completion of it", for staff list entries or profiles (`kind`)."""

    by_course: dict[int, list[int]] = defaultdict(list)
    course_of: dict[int, CoursePage] = {}
    for agency_id, courses in required.items():
        for course in courses:
            by_course[course.pk].append(agency_id)
            course_of[course.pk] = course

    def person(course_id, day):
        return holding_current(kind, course_of[course_id], day)

    # A course every agency requires (the multi-agency course) is tested once, not per agency:
    # each test is a set the database builds, so the work grows with courses, not agencies.
    asking = [agency_id for agency_id, courses in required.items() if courses]
    everywhere = [c for c, agency_ids in by_course.items() if len(agency_ids) == len(asking)]
    covered = Q(pk__in=[])
    for agency_id in asking:  # an agency requiring nothing has nobody "covered" by nothing
        own = Q(agency_id=agency_id)
        for course in required[agency_id]:
            if course.pk not in everywhere:
                own &= person(course.pk, day)
        covered |= own
    for course_id in everywhere:
        covered &= person(course_id, day)
    per_course = {
        course_id: Q(agency_id__in=agency_ids) & person(course_id, day)
        for course_id, agency_ids in by_course.items()
    }
    return covered, per_course


@dataclass
class CoverageRow:
    """Coverage of one agency (or one job role or team of it) on one day."""

    agency: Agency
    source: str
    group: str = ""  # the job role's label or the team, when grouped
    workforce: int = 0
    covered: int = 0
    per_course: dict[int, int] = field(default_factory=dict)  # course id: people current in it
    over: bool = False  # more covered than the headcount: the headcount is out of date

    @property
    def share(self) -> float | None:
        if not self.workforce or self.over or self.covered > self.workforce:
            return None
        return round(100 * self.covered / self.workforce, 1)

    @property
    def not_covered(self) -> int | None:
        return None if self.share is None else self.workforce - self.covered

    def course_share(self, course_id: int) -> float | None:
        people = self.per_course.get(course_id)
        if people is None or not self.workforce or self.over or people > self.workforce:
            return None
        return round(100 * people / self.workforce, 1)


def sources(agencies: Iterable[Agency]) -> dict[int, str]:
    """Where each agency's workforce comes from: its staff list, else its headcount, else none."""
    ids = [agency.pk for agency in agencies]
    listed, counted = _agencies_with(StaffListEntry, ids), _agencies_with(Headcount, ids)
    return {i: LIST if i in listed else HEADCOUNT if i in counted else NONE for i in ids}


def _agencies_with(model, ids: list[int]) -> set[int]:
    """Which of these agencies have any row of `model`: one look into its agency index per
    agency. (DISTINCT over the rows read every entry of every staff list: 6 ms a time at a
    million staff, five times a coverage page.)"""
    having = Agency.objects.filter(pk__in=ids).filter(Exists(model.objects.filter(agency=OuterRef("pk"))))
    return set(having.values_list("pk", flat=True))


def coverage(
    agencies: QuerySet, day: date, by: str | None = None, job_roles: Sequence[str] = ()
) -> list[CoverageRow]:
    """Coverage on `day` per agency (in the agencies' order), or per agency and job role or
    team (`by`), optionally of some job roles only (a target's). Agencies with no workforce
    have one row with no figures. Teams exist only on staff lists."""
    return _coverage(agencies, [day], by, job_roles, per_course=True)[day]


def coverage_trend(
    agencies: QuerySet, days: Sequence[date], job_roles: Sequence[str] = ()
) -> dict[date, list[CoverageRow]]:
    """Coverage per agency on each of `days` (e.g. `quarter_ends`), of the workforce as it is
    given now: past staff lists are not kept, so the trend says how today's workforce was
    covered then (registered staff counted against a headcount are those registered by
    each day). The same queries however many days."""
    return _coverage(agencies, days, None, job_roles, per_course=False)


def _coverage(agencies, days, by, job_roles, per_course) -> dict[date, list[CoverageRow]]:
    agencies = list(agencies.order_by("sort_order", "name"))
    required = required_courses(agencies)
    source = sources(agencies)
    tallied = tallies.up_to_date(required)
    counts: dict = {}
    for kind in (LIST, HEADCOUNT):
        chosen = {a: c for a, c in required.items() if source[a] == kind}
        if chosen:
            counts.update(_counts(kind, chosen, days, by, job_roles, per_course, tallied))
    labels = dict(LearnerProfile._meta.get_field("job_role").choices)
    result = {}
    for index, day in enumerate(days):
        rows = []
        for agency in agencies:
            found = sorted((key[2], row) for key, row in counts.items() if key[:2] == (index, agency.pk))
            if not found:
                rows.append(CoverageRow(agency, source[agency.pk]))
            for group, row in found:
                group = labels.get(group, group) if by == "job_role" else group
                rows.append(CoverageRow(agency, source[agency.pk], group or "", **row))
        result[day] = rows
    return result


def on_day(name: str, index: int) -> str:
    """A day's count by the name it is read by: people -> people_2, course_31 -> course_2_31."""
    head, _, course = name.partition("_")
    return f"{head}_{index}_{course}" if course else f"{head}_{index}"


def _counted(kind, required, days, fields, job_roles, per_course) -> list[dict]:
    """The counts per group (`fields`) and day that `_counts` reads, from the records:
    `people_<i>`, `covered_<i>` and `course_<i>_<id>` per day's index. One query."""
    if kind == LIST:
        people = StaffListEntry.objects.filter(agency__in=required)
    else:  # per job role: summed per agency by `_counts` unless grouped by job role
        people = LearnerProfile.objects.filter(agency__in=required)
    if job_roles:
        people = people.filter(job_role__in=job_roles)
    parts = []
    for index, day in enumerate(days):
        registered = Q() if kind == LIST else Q(created_at__lt=end_of(day))
        covered, courses = covered_filters(required, day, kind)
        annotations = {
            "day": Value(index),
            "people": Count("pk", filter=registered),
            "covered": Count("pk", filter=registered & covered),
        }
        if per_course:
            annotations.update(
                {f"course_{c}": Count("pk", filter=registered & q) for c, q in courses.items()}
            )
        parts.append(people.values(*fields).annotate(**annotations).order_by())
    # Still one query: each day's counts are a part of it (UNION ALL), so the database tests
    # each day's sets on their own rather than every day's in one aggregate.
    grouped: dict = {}
    for part in parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]:
        index = part.pop("day")
        row = grouped.setdefault(tuple(part[f] for f in fields), {f: part[f] for f in fields})
        row.update({on_day(name, index): value for name, value in part.items() if name not in fields})
    return list(grouped.values())


def _counts(kind, required, days, by, job_roles, per_course, tallied) -> dict[tuple[int, int, str], dict]:
    """{(day's index, agency id, group): {workforce, covered, per_course, over}} for the
    agencies whose workforce is of one kind, in one query: from the tallies when they are up to
    date (`tallied`), else from the records."""
    fields = ["agency", *([by] if by else [])] if kind == LIST else ["agency", "job_role"]
    if tallied:
        courses = {course.pk for listed in required.values() for course in listed} if per_course else ()
        source = tallies.LIST if kind == LIST else tallies.PROFILE
        rows = tallies.grouped(source, list(required), days, fields, job_roles, courses)
        if kind == LIST:  # a group whose entries have all gone has tally rows that sum to nothing
            rows = [row for row in rows if row.get("people_0")]
    else:
        rows = _counted(kind, required, days, fields, job_roles, per_course)
    own = {agency_id: [course.pk for course in courses] for agency_id, courses in required.items()}
    result: dict = {}
    if kind == LIST:
        for index in range(len(days)):
            for row in rows:
                result[index, row["agency"], row.get(by, "") if by else ""] = {
                    "workforce": row[f"people_{index}"],
                    "covered": row[f"covered_{index}"],
                    "per_course": {
                        c: row[f"course_{index}_{c}"]
                        for c in own[row["agency"]]
                        if f"course_{index}_{c}" in row
                    },
                }
        return result
    headcounts = Headcount.objects.filter(agency__in=required)
    if job_roles:
        headcounts = headcounts.filter(job_role__in=job_roles)
    headcounts = list(headcounts)
    found = {(row["agency"], row["job_role"]): row for row in rows}
    for index in range(len(days)):
        for count in headcounts:
            row = found.get((count.agency_id, count.job_role), {})
            key = (index, count.agency_id, count.job_role if by == "job_role" else "")
            empty = {"workforce": 0, "covered": 0, "per_course": defaultdict(int), "over": False}
            totals = result.setdefault(key, empty)
            covered_here = row.get(f"covered_{index}", 0)
            totals["workforce"] += count.staff
            totals["covered"] += covered_here
            totals["over"] = totals["over"] or covered_here > count.staff
            for c in own[count.agency_id]:
                totals["per_course"][c] += row.get(f"course_{index}_{c}", 0)
    for totals in result.values():
        totals["per_course"] = dict(totals["per_course"])
    return result


def overall(rows: Sequence[CoverageRow]) -> CoverageRow | None:
    """All the agencies with a workforce together (rows not grouped), or None if none has one."""
    counted = [row for row in rows if row.source]
    if not counted:
        return None
    total = CoverageRow(Agency(name="All agencies"), "mixed", "All agencies")
    for row in counted:
        total.workforce += row.workforce
        total.covered += row.covered
        total.over = total.over or row.over
    return total
