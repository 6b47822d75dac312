"""The figures agency leads and the partnership manager report: one set of functions that
the pages and the exports share, so they cannot disagree. Every function takes the agencies
the viewer may see (from `courses.scoping`) and a period."""

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any

from django.db.models import (
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks

from courses import pairs, training_tallies
from courses.models import (
    Completion,
    CoursePage,
    DeliveryMode,
    Enrolment,
    JobRole,
    LearnerProfile,
    SurveyItem,
    SurveyResponse,
    SurveySubmission,
)
from courses.reporting.tables import Column, Table
from courses.statistics import SMALL_GROUP, compare, published_columns


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    choice: str = field(default="custom", compare=False)  # the choice in the filters that gave it
    note: str = field(default="", compare=False)  # beside figures that stop sooner than asked

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        zone = timezone.get_current_timezone()
        return (
            timezone.make_aware(datetime.combine(self.start, time.min), zone),
            timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min), zone),
        )

    @property
    def label(self) -> str:
        return f"{british(self.start)} to {british(self.end)}"

    @property
    def months(self) -> int | None:
        """How many whole calendar months the period is, or None if it starts or ends mid-month."""
        if self.start.day != 1 or (self.end + timedelta(days=1)).day != 1:
            return None
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    @property
    def slug(self) -> str:
        """The period in a file name: 2026-11, 2026-q4, 2026, or the two dates."""
        if self.months == 1:
            return f"{self.start:%Y-%m}"
        if self.months == 3 and self.start.month % 3 == 1:
            return f"{self.start:%Y}-q{self.start.month // 3 + 1}"
        if self.months == 12 and self.start.month == 1:
            return f"{self.start:%Y}"
        return f"{self.start:%Y-%m-%d}-to-{self.end:%Y-%m-%d}"


def previous(period: Period) -> Period:
    """The period of the same length immediately before `period`, to set its figures beside:
    a quarter's is the quarter before, a year's the year before, the last 12 whole months' the
    12 before them, and custom dates' the same number of whole months (or, when they do not
    cover whole months, of days) before them."""
    end = period.start - timedelta(days=1)
    if period.months:
        months_before = period.start.year * 12 + period.start.month - 1 - period.months
        return Period(date(months_before // 12, months_before % 12 + 1, 1), end, "previous")
    return Period(end - (period.end - period.start), end, "previous")


def change(now: Any, before: Any) -> float | None:
    """How much a figure changed since the previous period (a signed number, to one decimal
    place), or None when either figure is missing or withheld. Downloads and the API carry the
    number; the page says it with `change_text`."""
    if not isinstance(now, int | float) or not isinstance(before, int | float):
        return None
    return round(now - before, 1)


def change_text(difference: float | None, points: bool = False) -> str:
    """A change as the page says it: "+3", "−1.5 points" (for a percentage), "0", or "–"."""
    if difference is None:
        return "–"
    size = abs(difference)
    figure = f"{size:.0f}" if size == int(size) else f"{size:.1f}"
    sign = "+" if difference > 0 else "−" if difference < 0 else ""
    unit = (" point" if size == 1 else " points") if points else ""
    return f"{sign}{figure}{unit}"


def british(day: date) -> str:
    """21 November 2026."""
    return f"{day.day} {day:%B %Y}"


def _quarter(day):
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = day.replace(month=first_month, day=1)
    end = (
        start.replace(year=start.year + 1, month=1)
        if first_month == 10
        else start.replace(month=first_month + 3)
    ) - timedelta(days=1)
    return start, end


MAX_ID = 2**31 - 1  # larger numbers are not ids (and SQLite cannot even compare them)
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)  # custom dates outside these are typing slips
LONGEST = timedelta(days=366 * 10)
WHOLE_MONTHS_ONLY = (
    "Confidence and quiz figures are only given for whole months: choose a quarter or a year, or custom "
    "dates from the first day of a month to the last day of a month. Figures for any run of days "
    "would let someone compare two overlapping periods and work out one person's answers."
)


FEW_LEFT_OUT = (
    "These figures are not shown: the course or job role chosen leaves out 1 to 4 people who are "
    "in the figures without it, so comparing the two would give away those people's answers. "
    "Choose all courses or all job roles."
)


def few_left_out(
    count: Callable[..., int], course: CoursePage | None = None, job_role: str | None = None
) -> bool:
    """Whether the course or job role chosen leaves out 1 to 4 people: figures for "all job
    roles" minus those for one job role (or all courses minus one) would be figures about them,
    however small-number protection treats each. `count(course, job_role)` counts whom the
    figures are about; each filter chosen is dropped in turn, then both."""
    if not (course or job_role):
        return False
    shown = count(course, job_role)
    wider = {(None, job_role), (course, None), (None, None)} - {(course, job_role)}
    return any(0 < count(*filters) - shown < SMALL_GROUP for filters in wider)


def course_from(value: object) -> CoursePage | None:
    """The course a report is filtered to, or None for anything that is not a course id."""
    value = str(value or "")
    if not value.isdigit() or not 1 <= int(value) <= MAX_ID:
        return None
    return CoursePage.objects.filter(pk=int(value)).first()


def job_role_from(value: str | None) -> str | None:
    """The job role a report is filtered to, or None for anything that is not one."""
    return value if value in JobRole.values else None


def period_from(
    params: Mapping[str, str],
    today: date | None = None,
    whole_months: bool = False,
    default: str = "this_quarter",
) -> tuple[Period | None, str | None]:
    """The reporting period asked for: this quarter, last quarter, this year, the last 12
    whole months or custom dates (`default` when none is chosen). Returns the period and None,
    or None and a message saying what to put right.

    With `whole_months` (confidence and quiz figures) custom dates must cover whole calendar
    months: small-number protection holds for one period, but two overlapping runs of days
    that differ by one person would give away that person's answers."""
    today = today or timezone.localdate()
    choice = params.get("period") or default
    if choice == "this_quarter":
        start, end = _quarter(today)
    elif choice == "last_quarter":
        start, end = _quarter(_quarter(today)[0] - timedelta(days=1))
    elif choice == "this_year":
        start, end = date(today.year, 1, 1), date(today.year, 12, 31)
    elif choice == "last_12_months":
        this_month = today.replace(day=1)
        start, end = this_month.replace(year=this_month.year - 1), this_month - timedelta(days=1)
    elif choice == "custom":
        try:
            start, end = (
                date.fromisoformat(params.get("from") or ""),
                date.fromisoformat(params.get("to") or ""),
            )
        except ValueError:
            return None, "Enter the start and end dates as dates, for example 2026-10-01 and 2026-12-31."
        if not (EARLIEST <= start <= LATEST and EARLIEST <= end <= LATEST):
            return None, f"Enter dates from {british(EARLIEST)} to {british(LATEST)}."
        if end < start:
            return None, "The end date must be the same as or after the start date."
        if end - start >= LONGEST:
            return None, "Choose a period of ten years or less."
    else:
        return None, "Choose a period from the list."
    period = Period(start, end, choice)
    if whole_months and period.months is None:
        return None, WHOLE_MONTHS_ONLY
    return period, None


def months_ended(period: Period, today: date | None = None) -> tuple[Period | None, str | None]:
    """The part of a whole-months period that confidence and quiz figures may count: its
    months that have ended (in Europe/London). Figures for a month still under way would grow
    day by day, and a lead who looked every day could subtract the day "People" rose by one.
    Returns the period, cut short with a note saying so, and None; or None and a message when
    none of its months has ended yet (no figures rather than figures about nobody)."""
    this_month = (today or timezone.localdate()).replace(day=1)
    last_ended = this_month - timedelta(days=1)
    if period.end <= last_ended:
        return period, None
    if period.start > last_ended:
        return None, (
            f"There are no confidence or quiz figures for {period.label} yet: they count whole months "
            f"once they have ended, and {period.start:%B %Y} has not ended. Choose “Last quarter” or "
            "“Rolling 12 months (the last 12 whole months)”."
        )
    if period.end < (this_month + timedelta(days=31)).replace(day=1):
        later = "the current month is counted once it has ended"
    else:
        later = "the current month and the months after it are counted once they have ended"
    note = f"Figures up to {british(last_ended)}: {later}."
    return Period(period.start, last_ended, period.choice, note), None


def completions_in(
    agencies: QuerySet, period: Period, course: CoursePage | None = None, job_role: str | None = None
) -> QuerySet:
    """Completions in the period, of the agencies (as recorded at completion), optionally
    of one course and one job role: the rows every training and confidence figure counts."""
    start, end = period.bounds
    completions = Completion.objects.filter(
        agency__in=agencies, completed_at__gte=start, completed_at__lt=end
    )
    if course:
        completions = completions.filter(course=course)
    if job_role:
        completions = completions.filter(job_role=job_role)
    return completions


def training_numbers(
    agencies: QuerySet, period: Period, course: CoursePage | None = None, job_role: str | None = None
) -> dict[str, Any]:
    """Headline counts, completions per month, people per course, job role and agency, and the
    median days to complete.

    For whole London months and one agency or all of them the counts come from the tallies
    (`courses.training_tallies`), so the cost does not grow with staff; custom runs of days and
    any other set of agencies are counted from the records (`training_counts_from_records`)."""
    scope = pairs.tallied_scope(agencies, period)
    if scope is None:
        counts = training_counts_from_records(agencies, period, course, job_role)
    else:
        counts = training_tallies.training_counts(agencies, scope, period, course, job_role)
    agency_rows = [
        {
            "agency": agency.name,
            "registered": counts["registered"].get(agency.pk, 0),
            "completed": counts["completed_by_agency"].get(agency.pk, 0),
        }
        for agency in agencies.order_by("sort_order", "name")
    ]
    return {
        "registered": sum(counts["registered"].values()),
        "enrolled": counts["enrolled"],
        "courses_started": counts["courses_started"],
        "finished": counts["courses_finished"],
        "completed": counts["completed"],
        # Of the courses started in the period, the share completed by its end: it cannot pass
        # 100% however many courses started earlier are finished in the period.
        "completion_rate": _share(counts["courses_finished"], counts["courses_started"]),
        "median_days": counts["median_days"],
        "per_month": counts["per_month"],
        "by_course": training_tallies.course_rows(counts["by_course"]),
        "by_job_role": training_tallies.job_role_rows(counts["by_job_role"]),
        "by_agency": agency_rows,
        "all_agencies": {
            "registered": sum(row["registered"] for row in agency_rows),
            "completed": sum(row["completed"] for row in agency_rows),
        },
    }


def training_counts_from_records(
    agencies: QuerySet, period: Period, course: CoursePage | None = None, job_role: str | None = None
) -> dict[str, Any]:
    """The training numbers' counts straight from the records (as
    `training_tallies.training_counts` reads them from the tallies)."""
    start, end = period.bounds
    completions = completions_in(agencies, period, course, job_role)
    enrolments = Enrolment.objects.filter(agency__in=agencies, started_at__gte=start, started_at__lt=end)
    staff = LearnerProfile.objects.filter(agency__in=agencies, created_at__lt=end)
    if course:
        enrolments = enrolments.filter(course=course)
    if job_role:
        enrolments = enrolments.filter(learner__learner_profile__job_role=job_role)
        staff = staff.filter(job_role=job_role)
    zone = timezone.get_default_timezone()

    def people_by(field):
        return dict(completions.values_list(field).annotate(n=Count("learner", distinct=True)).order_by())

    return {
        "registered": dict(staff.values_list("agency").annotate(n=Count("pk")).order_by()),
        "enrolled": enrolments.values("learner").distinct().count(),
        "courses_started": enrolments.count(),
        "courses_finished": enrolments.filter(completion__completed_at__lt=end).count(),
        "completed": completions.values("learner").distinct().count(),
        "median_days": _median_days(completions.filter(delivery_mode=DeliveryMode.E_LEARNING)),
        "per_month": list(
            completions.annotate(month=TruncMonth("completed_at", tzinfo=zone))
            .values("month")
            .annotate(people=Count("learner", distinct=True), completions=Count("pk"))
            .order_by("month")
        ),
        "by_course": people_by("course"),
        "by_job_role": people_by("job_role"),
        "completed_by_agency": people_by("agency"),
    }


def _share(part, whole):
    """A percentage to one decimal place, or None when there is nothing to divide by."""
    return round(100 * part / whole, 1) if whole else None


HEADLINES = [
    (
        "registered",
        "Staff registered",
        "People with an account in the agency by the end of the period (by the agency on their profile now).",
    ),
    ("enrolled", "Staff who started a course", "People who started at least one course in the period."),
    (
        "completed",
        "Staff who completed a course",
        "People who completed at least one course in the period, counted in the agency they were in "
        "when they completed it. Some may have started before the period.",
    ),
    (
        "completion_rate",
        "Completion rate (%)",
        "Of the courses started in the period, the share completed by the end of the period (a person "
        "who started two courses counts twice).",
    ),
    (
        "median_days",
        "Median days from start to completion",
        "Over the e-learning completions in the period: half took fewer days from starting the course, "
        "half more, with durations counted to the nearest tenth of a day. (A session is done on its "
        "day, so sessions are left out.)",
    ),
]

# The training numbers page's tables, in its order: each is what the page, the board pack,
# the spreadsheets and the API show.
HEADLINE_TABLE = Table(
    "headlines",
    "Headline figures",
    (
        Column("label", "Measure"),
        Column("value", "Value", type=float),
        Column(
            "previous",
            "Previous period",
            "The same figure for the period of the same length immediately before.",
            type=float,
        ),
        Column(
            "change",
            "Change",
            "Value minus the previous period's (in percentage points for a percentage); – when "
            "either is missing.",
            type=float,
        ),
        Column("definition", "What it counts"),
    ),
)
PERCENTAGES = {"completion_rate"}
AGENCIES = Table(
    "agencies",
    "Agencies side by side",
    (
        Column("agency", "Agency"),
        Column("registered", "Staff registered by the end of the period", type=int),
        Column("completed", "Staff who completed a course in the period", type=int),
    ),
    definition="Staff registered: people with an account in the agency (by the agency on their profile now) "
    "by the end of the period. Completed: people who completed at least one course in the period, counted "
    "in the agency they were in when they completed it (someone who has since moved counts in her old "
    "agency; someone who completed in two agencies counts in each). Registered staff are not the "
    "workforce: coverage of each agency's workforce is on the Coverage tab.",
)
PER_MONTH = Table(
    "per_month",
    "Completions per month",
    (
        Column("month", "Month", value=lambda row: f"{row['month']:%B %Y}"),
        Column("people", "People", type=int),
        Column("completions", "Completions", type=int),
    ),
    definition="People: staff who completed at least one course in the month. Completions: courses "
    "completed in the month (one person can complete several). Months are London time.",
    empty="No completions in this period.",
    row_headers=False,
)
BY_COURSE = Table(
    "by_course",
    "By course",
    (Column("course_title", "Course"), Column("people", "People who completed", type=int)),
    definition="People who completed each course in the period, under the course's title now.",
    row_headers=False,
)
BY_JOB_ROLE = Table(
    "by_job_role",
    "By job role",
    (Column("job_role_label", "Job role"), Column("people", "People who completed", type=int)),
    definition="People who completed a course in the period, by the job role recorded when they completed "
    "it (every role not on the list counts as Other).",
    row_headers=False,
)
REFRESHERS_DUE = Table(
    "refreshers_due",
    "Due a refresher",
    (Column("measure", "Measure"), Column("completions", "Completions", type=int)),
)
TRAINING_TABLES = (HEADLINE_TABLE, AGENCIES, PER_MONTH, BY_COURSE, BY_JOB_ROLE, REFRESHERS_DUE)
ADDED_TRAINING_TABLE_HOOK = "register_training_numbers_table"


@dataclass(frozen=True)
class AddedTable:
    """A table another app adds to the training numbers (page, downloads, API and board pack)
    through the `register_training_numbers_table` hook, so that courses need not import it:

        @hooks.register("register_training_numbers_table")
        def by_mode():
            return AddedTable(BY_MODE, by_mode_table)

    `fill(agencies, period, course, job_role)` returns `declared` filled for the scope."""

    declared: Table
    fill: Callable[..., Table]


def added_tables() -> list[AddedTable]:
    return [make() for make in hooks.get_hooks(ADDED_TRAINING_TABLE_HOOK)]


def training_declared() -> tuple[Table, ...]:
    """Every table the training numbers may show, as the API declares them."""
    return (*TRAINING_TABLES, *(added.declared for added in added_tables()))


def added_training_tables(
    agencies: QuerySet, period: Period, course: CoursePage | None = None, job_role: str | None = None
) -> list[Table]:
    return [added.fill(agencies, period, course, job_role) for added in added_tables()]


def headlines(numbers: dict[str, Any], before: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The headline figures with their labels and what each counts, for the page, the export
    and the board pack alike; beside each, the previous period's (`before`, the same
    figures for `previous(period)`) and the change, when given."""
    counts = {
        "completion_rate": f" In this period: {numbers['finished']} of {numbers['courses_started']} courses."
    }
    rows = []
    for key, label, definition in HEADLINES:
        then = before[key] if before else None
        rows.append(
            {
                "key": key,
                "label": label,
                "value": numbers[key],
                "previous": then,
                "change": change(numbers[key], then),
                "change_text": change_text(change(numbers[key], then), points=key in PERCENTAGES),
                "definition": definition + counts.get(key, ""),
            }
        )
    return rows


def headline_table(numbers: dict[str, Any], before: dict[str, Any] | None) -> Table:
    """The headline figures beside the previous period's (the page and the download's header
    state its dates)."""
    return HEADLINE_TABLE.fill(headlines(numbers, before))


def _median_days(completions):
    """Median days from starting a course to completing it, each duration to the nearest tenth
    of a day (`training_tallies.days_taken`, as the tallies keep them). The database sorts the
    durations and returns only the middle one or two (SQLite has no median function); rounding
    keeps their order, so the middle ones rounded are the middle of the rounded ones."""
    count = completions.count()
    if not count:
        return None
    middle = (
        completions.annotate(
            took=ExpressionWrapper(
                F("completed_at") - F("enrolment__started_at"), output_field=DurationField()
            )
        )
        .order_by("took")
        .values_list("enrolment__started_at", "completed_at")[(count - 1) // 2 : count // 2 + 1]
    )
    return training_tallies.median_of([training_tallies.days_taken(*pair) for pair in middle])


def staff_count(agencies: QuerySet, job_role: str | None = None) -> int:
    """How many `staff_list` names: from the training tallies for one agency or all of them,
    else counted from the profiles."""
    scope = pairs.agency_scope(agencies)
    if scope is None:
        return staff_list(agencies, job_role).count()
    return training_tallies.registered_now(scope, job_role)


def staff_list(agencies: QuerySet, job_role: str | None = None) -> QuerySet:
    """Staff of the agencies (by their profile now), by name; each with `completions`, the
    courses they completed in the period, attached by `attach_completions` for a page of them."""
    staff = LearnerProfile.objects.filter(agency__in=agencies).select_related("user", "agency")
    if job_role:
        staff = staff.filter(job_role=job_role)
    return staff.order_by("user__last_name", "user__first_name", "pk")


def attach_completions(
    profiles: Sequence[LearnerProfile], agencies: QuerySet, period: Period, course: CoursePage | None = None
) -> Sequence[LearnerProfile]:
    """One query for the completions in the period (of the course, if one is chosen) of a
    page of staff, counted for these agencies like every other figure."""
    by_user = {}
    completions = completions_in(agencies, period, course).filter(learner__in=[p.user_id for p in profiles])
    for completion in completions.order_by("completed_at"):
        by_user.setdefault(completion.learner_id, []).append(completion)
    for profile in profiles:
        profile.completions = by_user.get(profile.user_id, [])
    return profiles


def _completed_in_period(profile):
    return "; ".join(
        f"{c.course_title} ({british(timezone.localtime(c.completed_at))})" for c in profile.completions
    )


STAFF = Table(
    "staff",
    "Your staff",
    (
        Column(
            "name",
            "Name",
            value=lambda p: p.user.get_full_name(),
            link=lambda p: reverse("courses:report_staff_member", args=[p.user_id]),
        ),
        Column("email", "Email", value=lambda p: p.user.email),
        Column("agency", "Agency", value=lambda p: p.agency.name),
        Column("job_role", "Job role", value=lambda p: p.job_role_label),
        Column(
            "completed", "Completed in the period", value=_completed_in_period, empty="None in this period"
        ),
    ),
    empty="No staff registered.",
    row_headers=False,
)
REFRESHERS = Table(
    "refreshers",
    "Due a refresher",
    (
        Column("name", "Name", value=lambda c: c.learner.get_full_name()),
        Column("email", "Email", value=lambda c: c.learner.email),
        Column("agency", "Agency at completion", value=lambda c: c.agency_name),
        Column("job_role", "Job role", value=lambda c: c.job_role_label),
        Column("course", "Course", value=lambda c: c.course_title),
        Column("completed", "Completed", value=lambda c: british(timezone.localtime(c.completed_at))),
        Column("expires", "Expires", value=lambda c: british(c.expires_on)),
    ),
    row_headers=False,
)


def agency_table(numbers: dict[str, Any]) -> Table:
    """The agencies side by side, and all of them together."""
    return AGENCIES.fill(numbers["by_agency"], footer=[{"agency": "All agencies", **numbers["all_agencies"]}])


def summary_tables(
    numbers: dict[str, Any],
    refreshers: dict[str, Any],
    before: dict[str, Any] | None = None,
    added: Sequence[Table] = (),
) -> list[Table]:
    """The training numbers page's figures as its tables, in the page's order: the headlines
    beside the previous period's (`before`: the same figures for `previous(period)`), agencies
    side by side only when there are several, then the tables other apps add (`added`, from
    `added_training_tables`)."""
    tables = [
        headline_table(numbers, before),
        *([agency_table(numbers)] if len(numbers["by_agency"]) > 1 else []),
        *added,
        PER_MONTH.fill(numbers["per_month"]),
        BY_COURSE.fill(numbers["by_course"]),
        BY_JOB_ROLE.fill(numbers["by_job_role"]),
        REFRESHERS_DUE.fill(
            [{"measure": "Already overdue", "completions": refreshers["overdue"]}]
            + [
                {"measure": f"Overdue or due within {days} days", "completions": n}
                for days, n in refreshers["windows"]
            ]
        ),
    ]
    return tables


def training_tables(
    agencies: QuerySet, period: Period, course: CoursePage | None = None, job_role: str | None = None
) -> list[Table]:
    """The training numbers page's tables for a scope (what the API serves)."""
    numbers = training_numbers(agencies, period, course, job_role)
    before = training_numbers(agencies, previous(period), course, job_role)
    added = added_training_tables(agencies, period, course, job_role)
    return summary_tables(numbers, refresher_counts(agencies, job_role=job_role), before, added)


REFRESHER_WINDOWS = (30, 60, 90)


def due_refreshers(
    agencies: QuerySet, today: date | None = None, within: int = 90, job_role: str | None = None
) -> QuerySet:
    """Each person's latest completion of each course (by time, then id) that expires within
    `within` days (or has already expired) and has no newer completion, soonest first."""
    today = today or timezone.localdate()
    latest = (
        Completion.objects.filter(learner=OuterRef("learner"), course=OuterRef("course"))
        .order_by("-completed_at", "-pk")
        .values("pk")[:1]
    )
    due = Completion.objects.filter(
        agency__in=agencies, pk=Subquery(latest), expires_on__lte=today + timedelta(days=within)
    )
    if job_role:
        due = due.filter(job_role=job_role)
    return due.select_related("learner").order_by("expires_on", "learner__last_name")


def refresher_counts(
    agencies: QuerySet, today: date | None = None, job_role: str | None = None
) -> dict[str, Any]:
    """How many refreshers are overdue, and how many are due (overdue included) within each
    window: {"overdue": n, "windows": [(30, n), (60, n), (90, n)]}, counting what
    `due_refreshers` lists, from the tallies (`training_tallies.refreshers_due`) in one query."""
    today = today or timezone.localdate()
    windows = {"overdue": today - timedelta(days=1)}
    windows.update({f"within_{days}": today + timedelta(days=days) for days in REFRESHER_WINDOWS})
    counts = training_tallies.refreshers_due(agencies, job_role, windows)
    return {"overdue": counts["overdue"], "windows": [(d, counts[f"within_{d}"]) for d in REFRESHER_WINDOWS]}


def confidence(
    agencies: QuerySet, period: Period, course: CoursePage | None = None, job_role: str | None = None
) -> dict[str, Any]:
    """Per survey item and overall: the before/after comparison and the retrospective
    ("looking back") comparison, for people who completed a course in the period.

    Each person is one pair, with her latest completion (by time, then id) that has both
    surveys: someone who finished two courses counts with the later one. Overall, a person's
    score is the mean of her item ratings (a scale score). Only the number of people who gave
    each combination of ratings is read, never the rows, and scipy works on those counts.
    `by_agency` has the overall comparison per agency.

    For one agency or all of them the counts come from the tallies (`courses.pairs`), so the
    cost does not grow with staff; any other set of agencies is counted from the records
    (`confidence_counts`)."""
    scope = pairs.tallied_scope(agencies, period)
    if scope is None:
        counts = confidence_counts(agencies, period, course, job_role)
    else:
        counts = _tallied_confidence_counts(scope, period, course, job_role)
    return confidence_from(agencies, counts)


def confidence_from(agencies: QuerySet, counts: tuple[dict, dict, Counter, dict]) -> dict[str, Any]:
    """The confidence figures of `counts` (as `confidence_counts` gives them), compared."""
    change, back, overall, agency_counts = counts
    return {
        "items": [
            {"item": item, "change": compare(change[item.pk]), "looking_back": compare(back[item.pk])}
            for item in SurveyItem.objects.filter(pk__in=change).order_by("sort_order")
        ],
        "overall": compare(overall),
        "by_agency": [
            {"agency": agency, "change": compare(agency_counts[agency.pk])}
            for agency in agencies.order_by("sort_order", "name")
        ],
    }


def confidence_counts(
    agencies: QuerySet, period: Period, course: CoursePage | None = None, job_role: str | None = None
) -> tuple[dict, dict, Counter, dict]:
    """The confidence figures' counts straight from the records: per item the (before, after)
    and the (looking back, after) ratings, overall the (mean before, mean after), and the same
    per agency, each {pair: people}."""
    latest = _latest_surveyed(completions_in(agencies, period, course, job_role))
    per_item = (
        SurveyResponse.objects.filter(enrolment__in=latest, phase="after")
        .annotate(before=_same_item("before"), looking_back=_same_item("retrospective"))
        .values_list("item", "before__rating", "looking_back__rating", "rating")
        .annotate(people=Count("pk"))
        .order_by()
    )
    change, back = defaultdict(Counter), defaultdict(Counter)
    for item, before, looking_back, after, people in per_item:
        change[item][before, after] += people
        back[item][looking_back, after] += people
    per_person = (
        Completion.objects.filter(enrolment__in=latest)
        .annotate(before=_mean_rating("before"), after=_mean_rating("after"))
        .values_list("agency", "before", "after")
        .annotate(people=Count("pk"))
        .order_by()
    )
    overall, agency_counts = Counter(), defaultdict(Counter)
    for agency, before, after, people in per_person:
        pair = (_number(before), _number(after))
        overall[pair] += people
        agency_counts[agency][pair] += people
    return change, back, overall, agency_counts


def _tallied_confidence_counts(scope, period, course, job_role):
    """`confidence_counts` from the tallies, in one query."""
    change, back, overall, agency_counts = (
        defaultdict(Counter),
        defaultdict(Counter),
        Counter(),
        defaultdict(Counter),
    )
    for series, key, agency, x, y, people in pairs.pair_counts(
        CONFIDENCE.name, scope, period, course, job_role
    ):
        if series == "overall":
            overall[x, y] += people
            agency_counts[agency][x, y] += people
        else:
            (change if series == "change" else back)[int(key)][x, y] += people
    return change, back, overall, agency_counts


def surveyed_people(
    agencies: QuerySet, period: Period, course: CoursePage | None = None, job_role: str | None = None
) -> int:
    """How many people the confidence figures are about (from the tallies for one agency or
    all of them, as `confidence`)."""
    scope = pairs.tallied_scope(agencies, period)
    if scope is not None:
        return pairs.people(CONFIDENCE.name, scope, period, course, job_role)
    latest = _latest_surveyed(completions_in(agencies, period, course, job_role))
    return Completion.objects.filter(enrolment__in=latest).count()


def _surveyed(completions):
    """The completions whose enrolments have both surveys answered."""
    return completions.filter(
        Exists(SurveySubmission.objects.filter(enrolment=OuterRef("enrolment"), phase="before")),
        Exists(SurveySubmission.objects.filter(enrolment=OuterRef("enrolment"), phase="after")),
    )


def _latest_surveyed(completions):
    """Per person, the enrolment of the latest (by completion time, then id) of these
    completions with both surveys answered."""
    surveyed = _surveyed(completions)
    later = surveyed.filter(learner=OuterRef("learner")).filter(
        Q(completed_at__gt=OuterRef("completed_at"))
        | Q(completed_at=OuterRef("completed_at"), pk__gt=OuterRef("pk"))
    )
    return surveyed.filter(~Exists(later)).values("enrolment")


class ConfidenceMeasure(pairs.Measure):
    """The confidence figures' records for the tallies: completions with both surveys, each
    giving its per-item (before, after) and (looking back, after) ratings and its overall
    (mean before, mean after), counted exactly as `confidence_counts` counts them."""

    name = "confidence"

    def records(self, learner_ids):
        completions = _surveyed(Completion.objects.all())
        if learner_ids is not None:
            completions = completions.filter(learner__in=learner_ids)
        per_item = defaultdict(list)
        responses = (
            SurveyResponse.objects.filter(enrolment__in=completions.values("enrolment"), phase="after")
            .annotate(before=_same_item("before"), looking_back=_same_item("retrospective"))
            .values_list("enrolment", "item", "before__rating", "looking_back__rating", "rating")
        )
        for enrolment, item, before, looking_back, after in responses:
            per_item[enrolment] += [
                ("change", str(item), before, after),
                ("back", str(item), looking_back, after),
            ]
        rows = completions.annotate(before=_mean_rating("before"), after=_mean_rating("after")).values_list(
            "pk", "learner", "agency", "course", "job_role", "completed_at", "enrolment", "before", "after"
        )
        for pk, learner, agency, course, role, completed_at, enrolment, before, after in rows:
            yield pairs.Record(
                pk,
                learner,
                agency,
                course,
                role,
                completed_at,
                [("overall", "", _number(before), _number(after)), *per_item[enrolment]],
            )


CONFIDENCE = pairs.register(ConfidenceMeasure())


def _same_item(phase):
    """Join the same person's rating of the same item in another phase."""
    return FilteredRelation(
        "enrolment__responses",
        condition=Q(enrolment__responses__phase=phase, enrolment__responses__item=F("item")),
    )


def _mean_rating(phase):
    """A person's mean rating over the items in one phase of a completed enrolment."""
    return Subquery(
        SurveyResponse.objects.filter(enrolment=OuterRef("enrolment"), phase=phase)
        .values("enrolment")
        .annotate(mean=Avg("rating"))
        .values("mean")
    )


def _number(value):
    """Averages come back as Decimal from PostgreSQL and float from SQLite."""
    return None if value is None else round(float(value), 6)


COMPARISON_KEYS = (
    "people",
    "median_before",
    "median_after",
    "more_confident",
    "same",
    "less_confident",
    "p",
    "r",
)
COMPARISON_DEFINITIONS = {
    "p": "From the Wilcoxon signed-rank test (Pratt's method for unchanged ratings): below 0.05 the "
    "change is unlikely to be chance. None for fewer than 6 people.",
    "r": "Runs from -1 to 1: around 0.1 is small, 0.3 medium and 0.5 large; positive means confidence rose.",
}


PLACES = {"p": 3, "r": 2}  # as `Comparison.p_rounded` and `r_rounded` round them


def _comparison_table(key, title, name_heading, before="Median before"):
    """A table of (name, comparison) rows: the name, then `Comparison.published`."""
    headings = zip(COMPARISON_KEYS, published_columns(before), strict=True)
    figures = [
        Column(
            name,
            heading,
            definition=COMPARISON_DEFINITIONS.get(name, ""),
            type=int if name == "people" else float,
            value=lambda row, position=position: row[1].published()[position],
            unit="%" if name in ("more_confident", "same", "less_confident") else "",
            places=PLACES.get(name),
        )
        for position, (name, heading) in enumerate(headings)
    ]
    return Table(
        key,
        title,
        (Column("name", name_heading, value=lambda row: row[0]), *figures),
        empty="No one completed a course with both surveys in this period.",
    )


CONFIDENCE_OVERALL = _comparison_table(
    "overall", "Overall: each person's mean rating over the areas", "Scope"
)
CONFIDENCE_BY_AGENCY = _comparison_table("agencies", "Overall, by agency", "Agency")
CONFIDENCE_PER_AREA = _comparison_table("per_area", "Before and after, per area", "Area")
CONFIDENCE_LOOKING_BACK = _comparison_table(
    "looking_back",
    "Looking back and after, per area: how confident people now think they really were before",
    "Area",
    "Median looking back",
)
CONFIDENCE_TABLES = (CONFIDENCE_OVERALL, CONFIDENCE_BY_AGENCY, CONFIDENCE_PER_AREA, CONFIDENCE_LOOKING_BACK)


def confidence_tables(result: dict[str, Any], before: dict[str, Any] | None = None) -> list[Table]:
    """The confidence report's tables, as the page shows them and the exports write them:
    agencies side by side only when there are several, and the overall figure beside the
    previous period's when `before` has it (`previous_confidence`)."""
    by_agency = [(r["agency"].name, r["change"]) for r in result["by_agency"]]
    overall = [("All areas", result["overall"])]
    if before:
        overall.append((f"All areas, previous period ({before['period'].label})", before["overall"]))
    return [
        CONFIDENCE_OVERALL.fill(overall),
        *([CONFIDENCE_BY_AGENCY.fill(by_agency)] if len(by_agency) > 1 else []),
        CONFIDENCE_PER_AREA.fill([(r["item"].text, r["change"]) for r in result["items"]]),
        CONFIDENCE_LOOKING_BACK.fill([(r["item"].text, r["looking_back"]) for r in result["items"]]),
    ]


def previous_confidence(
    agencies: QuerySet, period: Period, course: CoursePage | None = None, job_role: str | None = None
) -> dict[str, Any] | None:
    """The overall confidence figure of the previous period (`previous`: the same whole months
    just before), under the same rules: None when its course or job role filter would leave out
    1 to 4 people (`few_left_out`); withheld below 5 people like any other."""
    before = previous(period)
    if few_left_out(partial(surveyed_people, agencies, before), course, job_role):
        return None
    return {"period": before, **confidence(agencies, before, course, job_role)}


def confidence_figures(
    agencies: QuerySet, period: Period, course: CoursePage | None = None, job_role: str | None = None
) -> list[Table]:
    """The confidence report's tables for a scope (what the API serves, as the page)."""
    result = confidence(agencies, period, course, job_role)
    return confidence_tables(result, previous_confidence(agencies, period, course, job_role))
