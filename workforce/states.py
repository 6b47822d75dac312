"""Each member of staff's state in the training an agency requires of them: the one place
the states are defined, for the staff progress page, its downloads and the reminders.

The staff of an agency are the people on its staff list (matched to accounts by email,
ignoring case) and its registered staff who are not on the list. Their state is counted by
the database against the agency's required courses (`workforce.coverage.required_courses`,
held as coverage counts it: `workforce.coverage.holding_current`), in a fixed number of
queries whatever the number of staff.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, Greatest, Lower
from django.utils import timezone

from courses.models import (
    CoursePage,
    Enrolment,
    LearnerProfile,
    LessonOpened,
    LessonPage,
    LessonProgress,
    SurveySubmission,
)
from workforce import coverage
from workforce.models import StaffListEntry

NOT_REGISTERED = "not_registered"
NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
COMPLETED = "completed"
REFRESHER_DUE = "refresher_due"
OVERDUE = "overdue"

STUCK_DAYS = 14  # in progress with no activity for this many days or more
REFRESHER_DAYS = 60  # a completion expiring within this many days makes a refresher due


@dataclass(frozen=True)
class State:
    key: str
    label: str
    sentence: str


STATES = {
    state.key: state
    for state in (
        State(NOT_REGISTERED, "Not registered", "On your staff list, but has no account on the site yet."),
        State(
            NOT_STARTED,
            "Not started",
            "Has an account, but has not started a required course they still need.",
        ),
        State(
            IN_PROGRESS,
            "In progress",
            f"Has started a required course and not finished it yet. Stuck means no activity "
            f"for {STUCK_DAYS} days or more.",
        ),
        State(COMPLETED, "Completed", "Holds a current completion of every required course."),
        State(
            REFRESHER_DUE,
            "Refresher due",
            f"Completed, but a required course's completion expires within {REFRESHER_DAYS} days.",
        ),
        State(
            OVERDUE,
            "Overdue",
            "Completed a required course before, but it has expired and no refresher is under way.",
        ),
    )
}

PRECEDENCE = (
    "Each person has one state, the first that fits in this order: not registered, in progress, "
    "overdue, refresher due, completed, not started. So someone working on a refresher shows as in "
    "progress, not overdue."
)

LIST, REGISTERED = "list", "registered"  # where a person comes from: the staff list, or registration

COLUMNS = (
    "source",
    "pk",
    "agency_id",
    "name",
    "email",
    "job_role",
    "team",
    "user_id",
    "state",
    "last_activity",
    "lessons_done",
    "lessons_total",
)


def _accounts(email) -> QuerySet:
    """The accounts whose email, lower-cased, is `email` (a staff list entry's, stored
    lower-case): found through the index on lower-cased emails, which an `iexact` lookup
    (upper-cased) cannot use. For 50 entries it took 0.6 s at 100,000 staff, read every
    enrolment; by the index, milliseconds."""
    return get_user_model().objects.annotate(lower_email=Lower("email")).filter(lower_email=email)


def _prefixed(prefix: str, source: str) -> Q:
    """The records of a person (lookups from a model `prefix` away from the learner), in a
    query one below the person's."""
    if source == LIST:
        return Q(**{f"{prefix}learner__in": _accounts(OuterRef(OuterRef("email"))).values("pk")})
    return Q(**{f"{prefix}learner": OuterRef("user")})


def lesson_counts(course_ids: list[int]) -> dict[int, int]:
    """How many live lessons each course has (one query)."""
    courses = CoursePage.objects.filter(pk__in=course_ids).only("pk", "path", "depth")
    counts = {}
    lessons = list(LessonPage.objects.live().filter(depth__gt=1).values_list("path", "depth"))
    for course in courses:
        counts[course.pk] = sum(
            1 for path, depth in lessons if depth == course.depth + 1 and path.startswith(course.path)
        )
    return counts


def annotate_progress(people: QuerySet, source: str, required: dict[int, list[CoursePage]]):
    """`people` (staff list entries or learner profiles) with the columns of `COLUMNS` but
    their state, and whether they are in progress: when they are, their last activity and
    lessons done."""
    all_ids = sorted({course.pk for courses in required.values() for course in courses})
    lessons_of = lesson_counts(all_ids)

    def open_required(prefix=""):
        return Q(
            _prefixed(prefix, source),
            **{f"{prefix}completed_at__isnull": True, f"{prefix}course_id__in": all_ids},
        ) & (
            Q(**{f"{prefix}course__agency__isnull": True})
            | Q(**{f"{prefix}course__agency_id": OuterRef("agency_id")})
        )

    def latest(model, field, prefix):
        return Subquery(
            model.objects.filter(open_required(prefix)).order_by(f"-{field}").values(field)[:1],
            output_field=DateTimeField(),
        )

    started = latest(Enrolment, "started_at", "")
    last_activity = Greatest(
        started,
        Coalesce(latest(LessonOpened, "opened_at", "enrolment__"), started),
        Coalesce(latest(LessonProgress, "completed_at", "enrolment__"), started),
        Coalesce(latest(SurveySubmission, "submitted_at", "enrolment__"), started),
        output_field=DateTimeField(),
    )
    lessons_done = Subquery(
        LessonProgress.objects.filter(open_required("enrolment__"))
        .order_by()
        .values("enrolment__learner")
        .annotate(n=Count("pk"))
        .values("n")[:1],
        output_field=IntegerField(),
    )
    total_of = Case(
        *(When(course_id=pk, then=Value(n)) for pk, n in lessons_of.items()),
        default=Value(0),
        output_field=IntegerField(),
    )
    lessons_total = Subquery(
        Enrolment.objects.filter(open_required())
        .order_by()
        .values("learner")
        .annotate(n=Sum(total_of))
        .values("n")[:1],
        output_field=IntegerField(),
    )
    in_progress = Exists(Enrolment.objects.filter(open_required()))

    if source == LIST:
        people = people.annotate(
            source=Value(LIST, output_field=CharField()),
            user_id=Subquery(_accounts(OuterRef("email")).order_by("pk").values("pk")[:1]),
            registered=Exists(_accounts(OuterRef("email"))),
        )
    else:
        people = people.annotate(
            source=Value(REGISTERED, output_field=CharField()),
            name=Concat("user__first_name", Value(" "), "user__last_name", output_field=CharField()),
            email=Lower("user__email"),
        )
    return people.annotate(in_progress=in_progress).annotate(
        last_activity=Case(When(in_progress=True, then=last_activity), output_field=DateTimeField()),
        lessons_done=Case(
            When(in_progress=True, then=Coalesce(lessons_done, 0)), output_field=IntegerField()
        ),
        lessons_total=Case(When(in_progress=True, then=lessons_total), output_field=IntegerField()),
    )


def annotate_states(people: QuerySet, source: str, required: dict[int, list[CoursePage]], today: date):
    """`people` (staff list entries or learner profiles) with their state and, when in
    progress, the last activity and lessons done, as the columns of `COLUMNS`."""
    horizon = today + timedelta(days=REFRESHER_DAYS)
    # Held as coverage counts it: a current completion (e-learning or a session) or current
    # single-agency training the person is listed on.
    kind = coverage.LIST if source == LIST else coverage.HEADCOUNT
    covered, soon, overdue = Q(pk__in=[]), Q(pk__in=[]), Q(pk__in=[])
    for agency_id, courses in required.items():
        if not courses:
            continue
        every = Q(agency_id=agency_id)
        expiring, lapsed = Q(pk__in=[]), Q(pk__in=[])
        for course in courses:
            holds = coverage.holding_current(kind, course, today)
            every &= holds
            expiring |= ~coverage.holding_current(kind, course, horizon + timedelta(days=1))
            lapsed |= coverage.held_ever(kind, course) & ~holds
        covered |= every
        soon |= Q(agency_id=agency_id) & expiring
        overdue |= Q(agency_id=agency_id) & lapsed
    unregistered = [When(registered=False, then=Value(NOT_REGISTERED))] if source == LIST else []
    return annotate_progress(people, source, required).annotate(
        state=Case(
            *unregistered,
            When(in_progress=True, then=Value(IN_PROGRESS)),
            When(overdue, then=Value(OVERDUE)),
            When(covered & soon, then=Value(REFRESHER_DUE)),
            When(covered, then=Value(COMPLETED)),
            default=Value(NOT_STARTED),
            output_field=CharField(),
        )
    )


def staff(agencies: QuerySet, today: date | None = None) -> tuple[QuerySet, QuerySet]:
    """The agencies' staff list entries and their registered staff not on their list, each
    with its state: two querysets of the same columns (`COLUMNS`), to filter and then join."""
    today = today or timezone.localdate()
    agencies = list(agencies)
    required = coverage.required_courses(agencies)
    listed = StaffListEntry.objects.filter(agency__in=agencies)
    on_list = StaffListEntry.objects.filter(agency=OuterRef("agency"), email=Lower(OuterRef("user__email")))
    registered = LearnerProfile.objects.filter(agency__in=agencies).exclude(Exists(on_list))
    return (
        annotate_states(listed, LIST, required, today),
        annotate_states(registered, REGISTERED, required, today),
    )


def stuck_before(today: date | None = None):
    """Activity before this moment (London midnight) is 14 days old or more on `today`."""
    today = today or timezone.localdate()
    return coverage.end_of(today - timedelta(days=STUCK_DAYS))


@dataclass
class Filters:
    state: str = ""  # a state's key, or "stuck"
    agency_id: int | None = None
    job_role: str = ""
    team: str = ""


def filtered(parts: tuple[QuerySet, QuerySet], filters: Filters, today: date | None = None) -> QuerySet:
    """Everyone matching `filters`, ordered by name, as one query of `COLUMNS` values."""
    chosen = []
    for part in parts:
        if filters.state == "stuck":
            part = part.filter(state=IN_PROGRESS, last_activity__lt=stuck_before(today))
        elif filters.state:
            part = part.filter(state=filters.state)
        if filters.agency_id:
            part = part.filter(agency_id=filters.agency_id)
        if filters.job_role:
            part = part.filter(job_role=filters.job_role)
        if filters.team:
            part = part.filter(team__iexact=filters.team)
        chosen.append(part.values(*COLUMNS))
    return chosen[0].union(chosen[1], all=True).order_by("name", "email", "source", "pk")


def counts(parts: tuple[QuerySet, QuerySet], filters: Filters, today: date | None = None) -> dict[str, int]:
    """How many people are in each state (and how many are stuck), for the agency, job role and
    team chosen: {state key: n, ..., "stuck": n, "total": n}, in one query per part."""
    result = dict.fromkeys([*STATES, "stuck", "total"], 0)
    stuck = Q(state=IN_PROGRESS, last_activity__lt=stuck_before(today))
    for part in parts:
        if filters.agency_id:
            part = part.filter(agency_id=filters.agency_id)
        if filters.job_role:
            part = part.filter(job_role=filters.job_role)
        if filters.team:
            part = part.filter(team__iexact=filters.team)
        for row in part.order_by().values("state").annotate(n=Count("pk"), stuck=Count("pk", filter=stuck)):
            result[row["state"]] += row["n"]
            result["stuck"] += row["stuck"]
            result["total"] += row["n"]
    return result


def is_stuck(row: dict, today: date | None = None) -> bool:
    return (
        row["state"] == IN_PROGRESS
        and row["last_activity"] is not None
        and row["last_activity"] < stuck_before(today)
    )
