"""The Coverage report's tables: coverage of each agency's workforce on the last day of the
period (or today, while it is under way) beside the last day of the previous period, by
agency, job role and team, against each agency's target, and who is not covered.

The figures are `workforce.coverage`'s; this module only lays them out as `Table`s, which the
page, the CSV and XLSX downloads share, so they cannot disagree."""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from itertools import islice
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import BooleanField, ExpressionWrapper, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from courses.exports import BATCH
from courses.models import CoursePage, LearnerProfile
from courses.reporting.tables import Column, Table
from courses.reports import Period, british, change, previous
from workforce import coverage, tallies, targets
from workforce.models import Headcount, StaffListEntry

COVERAGE = (
    "Coverage: the share of the workforce holding a current completion of every required course on "
    "the day. Required courses: every live multi-agency course and the agency's own live courses. A "
    "current completion: completed by the end of that day (London time) and not expired by then. Any "
    "completion counts, whichever agency the person was in when they did it. "
    "E-learning and multi-agency sessions count alike, and so does being listed (by email) on an "
    "agency's return of single-agency training in the course, for the course's refresher period from "
    "the day it was delivered."
)
WORKFORCE = (
    "Workforce: the agency's staff list when it has one (each person matched to an account by email); "
    "otherwise its headcount per job role, against which its registered staff in those job roles are "
    "counted."
)
NO_WORKFORCE = "No workforce given: upload a staff list or enter a headcount"
OVER_HEADCOUNT = (
    "No share: more registered staff are covered than the headcount says work there; update the headcount"
)
NOT_REGISTERED = (
    "People who are not registered cannot be named for an agency that gave a headcount: only its "
    "registered staff who are not covered are listed. Upload a staff list to see everyone."
)


def no_share_reason(row: coverage.CoverageRow | None) -> str:
    """Why a row has no share, in words ("" when it has one)."""
    if row is None or not row.source or not row.workforce:
        return NO_WORKFORCE
    return OVER_HEADCOUNT if row.share is None else ""


@dataclass(frozen=True)
class Days:
    """The day coverage is measured on, and the previous period's last day it is set beside."""

    period: Period
    day: date
    so_far: bool  # the period has not ended: `day` is today
    before: Period
    day_before: date

    @property
    def label(self) -> str:
        """For the download's header: the period and both days."""
        on = f"coverage on {british(self.day)}" + (
            " (today: the period has not ended)" if self.so_far else ""
        )
        return (
            f"{self.period.label}: {on}, beside {british(self.day_before)} (the previous period's last day)"
        )


def days_for(period: Period, today: date | None = None) -> Days:
    today = today or timezone.localdate()
    before = previous(period)
    return Days(period, min(period.end, today), period.end > today, before, min(before.end, today))


def _figures() -> tuple[Column, ...]:
    """Workforce, covered, not covered, share: the columns every coverage table has."""
    return (
        Column("workforce", "Workforce", WORKFORCE, type=int, value=lambda i: i["row"].workforce or None),
        Column(
            "covered", "Covered", "People covered on the day.", type=int, value=lambda i: i["row"].covered
        ),
        Column(
            "not_covered",
            "Not covered",
            "The workforce minus the people covered.",
            type=int,
            value=lambda i: i["row"].not_covered,
        ),
        Column("share", "Coverage (%)", COVERAGE, type=float, value=lambda i: i["row"].share, unit="%"),
    )


def _beside_before() -> tuple[Column, ...]:
    return (
        Column(
            "previous_share",
            "Previous period (%)",
            "Coverage on the previous period's last day.",
            type=float,
            value=lambda i: i["before"].share if i["before"] else None,
            unit="%",
        ),
        Column(
            "change",
            "Change (points)",
            "In percentage points since the previous period's last day; – when either has no share.",
            type=float,
            value=lambda i: change(i["row"].share, i["before"].share if i["before"] else None),
        ),
        Column(
            "why",
            "No share because",
            value=lambda i: no_share_reason(i["row"]) if i["row"].share is None else "",
        ),
    )


OVERALL = Table(
    "overall",
    "All your agencies together",
    (Column("scope", "Scope", value=lambda i: i["scope"]), *_figures(), *_beside_before()),
    definition="All the agencies with a workforce given, together; agencies with none are left out.",
    empty=f"{NO_WORKFORCE}.",
)
BY_AGENCY = Table(
    "agencies",
    "By agency",
    (
        Column("agency", "Agency", value=lambda i: i["row"].agency.name),
        Column("source", "Workforce from", value=lambda i: coverage.SOURCE_LABELS[i["row"].source]),
        *_figures(),
        *_beside_before(),
        Column("target", "Target", value=lambda i: targets.target_text(i["target"])),
        Column("status", "Status", targets.RULE, value=lambda i: i["status"].word),
        Column("status_reason", "Why", value=lambda i: i["status"].reason),
    ),
    definition="Each agency's coverage, beside the previous period's last day, and its target.",
)
BY_JOB_ROLE = Table(
    "job_roles",
    "By job role",
    (
        Column("agency", "Agency", value=lambda i: i["row"].agency.name),
        Column("job_role", "Job role", value=lambda i: i["row"].group),
        *_figures(),
    ),
    definition="For an agency that gave a headcount: its headcount and registered staff per job role.",
    empty="No agency has given its workforce by job role.",
    row_headers=False,
)
BY_TEAM = Table(
    "teams",
    "By team",
    (
        Column("agency", "Agency", value=lambda i: i["row"].agency.name),
        Column("team", "Team", value=lambda i: i["row"].group or "No team given"),
        *_figures(),
    ),
    definition="Teams come from staff lists only.",
    empty="No agency has a staff list, so there are no teams.",
    row_headers=False,
)
NOT_COVERED = Table(
    "not_covered",
    "Who is not covered",
    (
        Column("name", "Name"),
        Column("email", "Email"),
        Column("agency", "Agency"),
        Column("job_role", "Job role"),
        Column("team", "Team"),
        Column(
            "missing",
            "Missing or expired",
            "The required courses the person holds no current completion (or single-agency "
            "training) of on the day; expired: she held it once, but it had expired by then.",
        ),
    ),
    empty="Everyone in the workforce given is covered.",
    row_headers=False,
)


def per_course_columns(courses: Sequence[CoursePage]) -> tuple[Column, ...]:
    """One column per required course: the share of the workforce current in it ("" where the
    agency is not required to do the course)."""
    return tuple(
        Column(
            f"course_{course.pk}",
            f"{course.title} (%)",
            f"The share of the workforce holding a current completion of {course.title} on the day.",
            type=float,
            value=lambda i, pk=course.pk: i["row"].course_share(pk) if pk in i["required"] else "",
            unit="%",
        )
        for course in courses
    )


@dataclass
class CoverageReport:
    days: Days
    tables: list[Table]  # overall, by agency, by job role, by team
    without_workforce: list  # agencies with no workforce given
    headcount_agencies: list  # agencies whose "not covered" list names registered staff only


def coverage_tables(agencies: QuerySet, days: Days, job_role: str | None = None) -> CoverageReport:
    """The Coverage report's figure tables for the agencies, on `days.day` beside
    `days.day_before`, optionally of one job role."""
    roles = (job_role,) if job_role else ()
    rows = coverage.coverage(agencies, days.day, job_roles=roles)
    rows_before = {
        row.agency.pk: row for row in coverage.coverage(agencies, days.day_before, job_roles=roles)
    }
    required = coverage.required_courses([row.agency for row in rows])
    courses = list({course.pk: course for listed in required.values() for course in listed}.values())
    standing = {s.agency.pk: s for s in targets.standings(agencies, days.day, whole=None if roles else rows)}
    overall = coverage.overall(rows)
    overall_before = coverage.overall(list(rows_before.values()))
    agencies_table = replace(
        BY_AGENCY, columns=BY_AGENCY.columns[:6] + per_course_columns(courses) + BY_AGENCY.columns[6:]
    )
    by_role = coverage.coverage(agencies, days.day, by="job_role", job_roles=roles)
    by_team = [
        row
        for row in coverage.coverage(agencies, days.day, by="team", job_roles=roles)
        if row.source == coverage.LIST
    ]
    tables = [
        OVERALL.fill(
            [{"scope": "All agencies with a workforce given", "row": overall, "before": overall_before}]
            if overall
            else []
        ),
        agencies_table.fill(
            {
                "row": row,
                "before": rows_before.get(row.agency.pk),
                "required": {course.pk for course in required[row.agency.pk]},
                "target": standing[row.agency.pk].target,
                "status": standing[row.agency.pk].status,
            }
            for row in rows
        ),
        BY_JOB_ROLE.fill({"row": row} for row in by_role if row.source),
        BY_TEAM.fill({"row": row} for row in by_team),
    ]
    return CoverageReport(
        days,
        tables,
        [row.agency for row in rows if not row.source],
        [row.agency for row in rows if row.source == coverage.HEADCOUNT],
    )


@dataclass
class Part:
    """One query of people not covered (staff list entries, or registered staff), how one
    becomes a row, and what each read chunk of them needs first (`ready`: what each is missing,
    from their coverage marks, and whether a listed person has an account)."""

    people: QuerySet
    row: Callable[[Any], dict[str, Any]]
    email: str  # the field holding their email
    ready: Callable[[list], None]
    counted: int | None = None  # how many, when the tallies say (`workforce.tallies`)

    def count(self) -> int:
        return self.people.count() if self.counted is None else self.counted

    def rows(self, people: Iterable) -> list[dict[str, Any]]:
        people = list(people)
        self.ready(people)
        return [self.row(person) for person in people]


@dataclass
class NotCovered:
    """Who is not covered, read as the rows are written, or a page at a time (it can be sliced,
    as `Paginator` does): a list of 100,000 people is never all in memory, and a page costs a
    fixed number of queries however many there are."""

    parts: list[Part]

    def count(self) -> int:
        return sum(part.count() for part in self.parts)

    def emails(self) -> Iterator[str]:
        """Whom the list names, by email, without reading the rest of each row."""
        for part in self.parts:
            yield from part.people.values_list(part.email, flat=True).iterator(chunk_size=BATCH)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for part in self.parts:
            people = part.people.iterator(chunk_size=BATCH)
            while chunk := list(islice(people, BATCH)):
                yield from part.rows(chunk)

    def __getitem__(self, wanted: slice) -> list[dict[str, Any]]:
        start, stop = wanted.start or 0, wanted.stop
        rows = []
        for part in self.parts:
            size = part.count()
            if start < size and stop > 0:
                rows += part.rows(part.people[max(start, 0) : min(stop, size)])
            start, stop = start - size, stop - size
        return rows


def people_not_covered(agencies: QuerySet, day: date, job_role: str | None = None) -> NotCovered:
    """Who is not covered on `day`, with the required courses each is missing or has let
    expire: everyone on a staff list who is not (people not registered say so), and the
    registered staff not covered of an agency that gave a headcount (in its job roles counted).
    From the coverage tallies and marks when they are up to date, else from the records.

    Staff lists come first, then headcounts, each agency in turn, its people by name. One part
    per agency, read in the order of an index on the agency and name: a page reads its 40 rows
    without sorting everyone not covered, however many staff the agencies have."""
    agencies = list(agencies.order_by("sort_order", "name"))
    required = coverage.required_courses(agencies)
    source = coverage.sources(agencies)
    names = {agency.pk: agency.name for agency in agencies}
    courses = {course.pk: course for listed in required.values() for course in listed}
    tallied = tallies.up_to_date(required)
    listed = [pk for pk in required if source[pk] == coverage.LIST]
    headcounted = [pk for pk in required if source[pk] == coverage.HEADCOUNT]
    roles = defaultdict(list)  # the job roles counted of each headcount agency
    for count in Headcount.objects.filter(agency__in=headcounted).order_by("job_role"):
        if not job_role or count.job_role == job_role:
            roles[count.agency_id].append(count.job_role)
    counted = {}
    if tallied:
        counted = tallies.not_covered_counts(tallies.LIST, listed, day, None, job_role)
        counted |= tallies.not_covered_counts(tallies.PROFILE, headcounted, day, roles, job_role)
    parts = []
    for pk in listed:
        entries = StaffListEntry.objects.filter(agency=pk)
        if job_role:
            entries = entries.filter(job_role=job_role)
        parts.append(
            Part(
                _not_covered(entries, {pk: required[pk]}, courses, day, coverage.LIST, tallied).order_by(
                    "name", "email"
                ),
                lambda entry: {
                    "name": entry.name,
                    "email": entry.email,
                    "agency": names[entry.agency_id],
                    "job_role": entry.get_job_role_display(),
                    "team": entry.team,
                    "missing": _missing(entry, required[entry.agency_id], entry.registered),
                },
                "email",
                _ready(tallies.LIST, courses, day, tallied),
                counted.get(pk, 0) if tallied else None,
            )
        )
    for pk in (pk for pk in headcounted if roles[pk]):
        staff = LearnerProfile.objects.filter(
            agency=pk, job_role__in=roles[pk], created_at__lt=coverage.end_of(day)
        )
        staff = _not_covered(staff, {pk: required[pk]}, courses, day, coverage.HEADCOUNT, tallied)
        parts.append(
            Part(
                staff.select_related("user").order_by("last_name", "first_name", "user"),
                lambda profile: {
                    "name": profile.user.get_full_name(),
                    "email": profile.user.email,
                    "agency": names[profile.agency_id],
                    "job_role": profile.job_role_label,
                    "team": "",
                    "missing": _missing(profile, required[profile.agency_id], True),
                },
                "user__email",
                _ready(tallies.PROFILE, courses, day, tallied),
                counted.get(pk, 0) if tallied else None,
            )
        )
    return NotCovered(parts)


def _not_covered(
    people: QuerySet, required: dict, courses: dict, day: date, kind: str, tallied: bool
) -> QuerySet:
    """The people (staff list entries or profiles) not covered on `day`: from their coverage
    marks when the tallies are up to date, else from the records, each then annotated per
    required course with `current_<id>` and `held_<id>` (held by then, current or not)."""
    if tallied:
        source = tallies.LIST if kind == coverage.LIST else tallies.PROFILE
        return people.filter(~tallies.holds(source, tallies.COVERED, day))
    covered, _ = coverage.covered_filters(required, day, kind)
    annotations = {}
    for pk in courses:
        annotations[f"current_{pk}"] = ExpressionWrapper(
            coverage.holding_current(kind, courses[pk], day), output_field=BooleanField()
        )
        annotations[f"held_{pk}"] = ExpressionWrapper(
            coverage.held_by(kind, courses[pk], day), output_field=BooleanField()
        )
    return people.filter(~covered).annotate(**annotations)


def _ready(source: str, courses: dict, day: date, tallied: bool) -> Callable[[list], None]:
    """What a chunk of people needs before it becomes rows: whether each person on a staff
    list has an account, and what each holds, from the tallies' marks (`tallies.held_on`;
    counted from the records, they are annotated already). Two queries per chunk at most."""

    def ready(people: list) -> None:
        if source == tallies.LIST:
            emails = [entry.email for entry in people]
            accounts = get_user_model().objects.annotate(lower_email=Lower("email"))
            found = set(accounts.filter(lower_email__in=emails).values_list("lower_email", flat=True))
            for entry in people:
                entry.registered = entry.email in found
        if tallied:
            held = tallies.held_on(source, people, list(courses), day)
            for person in people:
                for pk in courses:
                    current, ever = held[person.pk, pk]
                    setattr(person, f"current_{pk}", current)
                    setattr(person, f"held_{pk}", ever)

    return ready


def _missing(person: Any, courses: Sequence[CoursePage], registered: bool) -> str:
    """ "Not registered" or the required courses missing, "(expired)" after those held once."""
    if not registered:
        return "Not registered: " + "; ".join(course.title for course in courses)
    return "; ".join(
        course.title + (" (expired)" if getattr(person, f"held_{course.pk}") else "")
        for course in courses
        if not getattr(person, f"current_{course.pk}")
    )
