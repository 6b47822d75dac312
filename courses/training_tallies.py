"""The training numbers counted from the tallies (`courses.pairs`), so that the partnership
manager's page costs the same at a million staff as at a thousand.

Three measures join confidence and knowledge in the pairs engine, each kept true by the same
`recount` in the writer's transaction:

- "completed": every completion (every delivery mode), in the agency and job role recorded
  at completion. Each gives its refresher ("due": its job role and expiry date, kept by
  agency at every level) and, for e-learning, the days it took ("days", to the nearest tenth).
- "started": every enrolment, in its own agency and under the person's job role now (a change
  of role recounts her); each gives the London month its completion came, if it has.
- "registered": every learner profile, in its agency and job role now, in the month it was
  made.

"Each person once in the period" is the engine's latest record in the period (`next_month`
after the period); counts of records (completions, courses started, durations, staff
registered) add up one level's rows whatever their `next_month`.

What changes them besides the completions `courses.services.record_completion` recounts and
the deletions and role changes `courses.pairs` follows: an enrolment made or deleted, and a
profile made, moved to another agency or deleted (the signals below, connected in
`courses.apps`). Bulk loads round the model layer call `pairs.rebuild()`.
"""

from datetime import date, datetime, time
from typing import Any

from django.db.models import F, Q, QuerySet, Sum
from django.utils import timezone
from wagtail.models import Page

from courses import pairs
from courses.models import Completion, DeliveryMode, Enrolment, JobRole, LearnerProfile, PairTally
from courses.models.records import RECORDED_MODES

# The level refreshers are read at: all agencies, the completion's own course, all job roles,
# so that a person's latest completion of a course is the one with no later one anywhere.
REFRESHER_LEVEL = pairs.LEVELS.index((False, True, False))


def days_taken(started_at: datetime, completed_at: datetime) -> float:
    """Days from starting a course to completing it, to the nearest tenth: what the median of
    the training numbers is taken over, so that the tallies can keep one count per tenth."""
    return round((completed_at - started_at).total_seconds() / 86400, 1)


def median_of(middle: list[float]) -> float:
    """The median from the middle one (odd count) or two (even count) values."""
    return round(sum(middle) / len(middle), 1)


def month_number(moment: datetime) -> int:
    """The first day of a moment's Europe/London month, as a day number (`date.toordinal`)."""
    return timezone.localtime(moment, timezone.get_default_timezone()).date().replace(day=1).toordinal()


class CompletedMeasure(pairs.Measure):
    """Every completion, for the people who completed, the completions per month, the median
    days and the refreshers due."""

    name = "completed"
    by_agency = frozenset({"due"})

    def records(self, learner_ids):
        completions = Completion.objects.all()
        if learner_ids is not None:
            completions = completions.filter(learner__in=learner_ids)
        rows = completions.values_list(
            "pk",
            "learner",
            "agency",
            "course",
            "job_role",
            "completed_at",
            "delivery_mode",
            "enrolment__started_at",
            "expires_on",
        )
        for pk, learner, agency, course, role, completed_at, mode, started_at, expires_on in rows:
            given = [("due", role, expires_on.toordinal() if expires_on else None, 0)]
            if mode == DeliveryMode.E_LEARNING:
                given.append(("days", "", days_taken(started_at, completed_at), 0))
            yield pairs.Record(pk, learner, agency, course, role, completed_at, given)


class StartedMeasure(pairs.Measure):
    """Every enrolment, for the people who started a course and the completion rate."""

    name = "started"

    def records(self, learner_ids):
        enrolments = Enrolment.objects.all()
        if learner_ids is not None:
            enrolments = enrolments.filter(learner__in=learner_ids)
        rows = enrolments.values_list(
            "pk",
            "learner",
            "agency",
            "course",
            "learner__learner_profile__job_role",
            "started_at",
            "completion__completed_at",
        )
        for pk, learner, agency, course, role, started_at, completed_at in rows:
            finished = month_number(completed_at) if completed_at else None
            yield pairs.Record(
                pk, learner, agency, course, role or "", started_at, [("finished", "", finished, 0)]
            )


class RegisteredMeasure(pairs.Measure):
    """Every learner profile, for the staff registered by the end of a period."""

    name = "registered"

    def records(self, learner_ids):
        profiles = LearnerProfile.objects.all()
        if learner_ids is not None:
            profiles = profiles.filter(user__in=learner_ids)
        for pk, learner, agency, role, created_at in profiles.values_list(
            "pk", "user", "agency", "job_role", "created_at"
        ):
            yield pairs.Record(pk, learner, agency, 0, role, created_at, [])


class TrainedMeasure(pairs.Measure):
    """The completions of one delivery mode, for the staff trained by delivery mode
    (`training.numbers`): each (person, course) once per mode needs the next completion of the
    same mode, which "completed" (every mode in one chain) cannot give."""

    by_agency = frozenset()

    def __init__(self, mode: str):
        self.mode = mode
        self.name = f"trained_{mode}"

    def records(self, learner_ids):
        completions = Completion.objects.filter(delivery_mode=self.mode)
        if learner_ids is not None:
            completions = completions.filter(learner__in=learner_ids)
        rows = completions.values_list("pk", "learner", "agency", "course", "job_role", "completed_at")
        for pk, learner, agency, course, role, completed_at in rows:
            yield pairs.Record(pk, learner, agency, course, role, completed_at, [])


COMPLETED = pairs.register(CompletedMeasure())
STARTED = pairs.register(StartedMeasure())
REGISTERED = pairs.register(RegisteredMeasure())
TRAINED = {mode: pairs.register(TrainedMeasure(mode)) for mode, _label in RECORDED_MODES}


# -- reading ----------------------------------------------------------------------------------


def _level(
    measure: pairs.Measure,
    scope: tuple[str, int | None],
    course,
    job_role: str | None,
    by: str = "",
) -> QuerySet:
    """The tally rows of one level: its own agency, course or job role where the scope or a
    filter names one or the figure is grouped `by` it."""
    kind, _ = scope
    own = (
        kind == "one" or by == "agency",
        course is not None or by == "course",
        bool(job_role) or by == "job_role",
    )
    return pairs.level_cells(measure.name, scope, course, job_role, own)


def _latest_in(period) -> Q:
    """Rows of the people whose latest record in the scope falls in the period."""
    return Q(month__gte=period.start, month__lte=period.end, next_month__gt=period.end, series=pairs.PEOPLE)


def _people_by(measure, scope, period, course, job_role, by: str) -> dict[Any, int]:
    rows = _level(measure, scope, course, job_role, by).filter(_latest_in(period))
    return {key: n for key, n in rows.values_list(by).annotate(n=Sum("people")).order_by() if n}


def training_counts(agencies: QuerySet, scope, period, course, job_role) -> dict[str, Any]:
    """The training numbers' counts from the tallies, in the shape `courses.reports` builds
    its figures from (as `reports.training_counts_from_records` gives them). Eleven queries."""
    in_period = Q(month__gte=period.start, month__lte=period.end)
    started = _level(STARTED, scope, course, job_role).filter(in_period)
    courses = started.aggregate(
        started=Sum("people", filter=Q(series=pairs.PEOPLE)),
        finished=Sum(
            "people",
            filter=Q(series="finished", x__gte=0, x__lte=period.end.replace(day=1).toordinal()),
        ),
    )
    completed = _level(COMPLETED, scope, course, job_role).filter(in_period)
    per_month = (
        completed.filter(series=pairs.PEOPLE)
        .values("month")
        .annotate(latest=Sum("people", filter=Q(next_month__gt=F("month"))), records=Sum("people"))
        .order_by("month")
    )
    zone = timezone.get_default_timezone()
    registered = _level(REGISTERED, scope, None, job_role, "agency").filter(
        month__lte=period.end, series=pairs.PEOPLE
    )
    return {
        "registered": dict(registered.values_list("agency").annotate(n=Sum("people")).order_by()),
        "enrolled": pairs.people(STARTED.name, scope, period, course, job_role),
        "courses_started": courses["started"] or 0,
        "courses_finished": courses["finished"] or 0,
        "completed": pairs.people(COMPLETED.name, scope, period, course, job_role),
        "median_days": _median(completed.filter(series="days")),
        "per_month": [
            {
                "month": timezone.make_aware(datetime.combine(row["month"], time.min), zone),
                "people": row["latest"],
                "completions": row["records"],
            }
            for row in per_month
            if row["records"]
        ],
        "by_course": _people_by(COMPLETED, scope, period, course, job_role, "course"),
        "by_job_role": _people_by(COMPLETED, scope, period, course, job_role, "job_role"),
        "completed_by_agency": _people_by(COMPLETED, scope, period, course, job_role, "agency"),
    }


def pairs_trained(scope, period, course, job_role) -> dict[str, dict[int, int]]:
    """Each (person, course) once, per agency (`by_agency`: in the agency recorded on the
    completion) and across the scope (`anywhere`), by delivery mode ("e_learning", "session")
    and over both ("people"): {"by_agency": {mode: {agency: n}}, "anywhere": {mode: n}}. The
    people of each course are added up over the courses. Two queries."""
    measures = {"people": COMPLETED.name, **{mode: measure.name for mode, measure in TRAINED.items()}}
    kind, _ = scope
    role = bool(job_role)
    counted = {}
    for grouped, own_agency in (("by_agency", True), ("anywhere", kind == "one")):
        cells = PairTally.objects.none()
        for name in measures.values():
            cells |= pairs.level_cells(name, scope, course, job_role, (own_agency, True, role))
        cells = cells.filter(_latest_in(period))
        counted[grouped] = cells.values_list("measure", "agency").annotate(n=Sum("people")).order_by()
    mode_of = {name: mode for mode, name in measures.items()}
    by_agency = {mode: {} for mode in measures}
    for name, agency, n in counted["by_agency"]:
        by_agency[mode_of[name]][agency] = n
    anywhere = dict.fromkeys(measures, 0)
    for name, _agency, n in counted["anywhere"]:
        anywhere[mode_of[name]] += n
    return {"by_agency": by_agency, "anywhere": anywhere}


def _median(days: QuerySet) -> float | None:
    """The median of the durations counted in `days` rows: the middle one or two found by
    walking the counts per tenth of a day in order."""
    counts = [(x, n) for x, n in days.values_list("x").annotate(n=Sum("people")).order_by("x") if n]
    total = sum(n for _, n in counts)
    if not total:
        return None
    wanted, middle, seen = [(total - 1) // 2, total // 2], [], 0
    for x, n in counts:
        while wanted and wanted[0] < seen + n:
            middle.append(x)
            wanted.pop(0)
        seen += n
    return median_of(middle)


def refreshers_due(agencies: QuerySet, job_role: str | None, windows: dict[str, date]) -> dict:
    """How many of each person's latest completion of each course (of the agencies and job
    role recorded on it) expire by each day in `windows`: {name: n}. The counts are kept by
    agency at the all-agencies level, so any set of agencies is read from the tallies. One query."""
    due = PairTally.objects.filter(
        measure=COMPLETED.name,
        level=REFRESHER_LEVEL,
        next_month=pairs.NEVER,
        series="due",
        agency__in=agencies.values("pk"),
        x__gte=0,
        x__lte=max(windows.values()).toordinal(),
    )
    if job_role:
        due = due.filter(key=job_role)
    counts = due.aggregate(
        **{name: Sum("people", filter=Q(x__lte=day.toordinal())) for name, day in windows.items()}
    )
    return {name: n or 0 for name, n in counts.items()}


def registered_now(scope: tuple[str, int | None], job_role: str | None = None) -> int:
    """How many staff of the scope are registered now (by their profile's agency and job role
    now): every profile's one record, whatever its month. One query."""
    cells = _level(REGISTERED, scope, None, job_role).filter(series=pairs.PEOPLE)
    return cells.aggregate(n=Sum("people"))["n"] or 0


def course_rows(people: dict[int, int]) -> list[dict[str, Any]]:
    """People per course, labelled with the course's title now, most first. One query."""
    titles = dict(Page.objects.filter(pk__in=list(people)).values_list("pk", "title"))
    rows = [{"course_title": titles.get(pk, ""), "people": n} for pk, n in people.items()]
    return sorted(rows, key=lambda row: (-row["people"], row["course_title"]))


def job_role_rows(people: dict[str, int]) -> list[dict[str, Any]]:
    """People per job role, labelled with the role's name ("Other" for every other role), most first."""
    labels = dict(JobRole.choices)
    rows = [{"job_role_label": labels.get(role, role), "people": n} for role, n in people.items()]
    return sorted(rows, key=lambda row: (-row["people"], row["job_role_label"]))


# -- signals (connected in `courses.apps`) ------------------------------------------------------


def enrolment_made(sender, instance, created=False, raw=False, **kwargs):
    """A new enrolment: its person's courses started (a deleted one is `pairs.record_deleted`'s)."""
    if created and not raw:
        pairs.recount([instance.learner_id])


def remember_agency(sender, instance, raw=False, **kwargs):
    """Before a profile is saved: the agency it has in the database, to see whether it changes."""
    instance._training_agency = pairs.stored(sender, instance, "agency", raw)


def profile_saved(sender, instance, created=False, raw=False, **kwargs):
    """A profile made or moved to another agency: the staff registered."""
    moved = getattr(instance, "_training_agency", None) not in (None, instance.agency_id)
    if not raw and (created or moved):
        pairs.recount([instance.user_id])


def profile_deleted(sender, instance, **kwargs):
    """A profile deleted (with its account): no longer registered."""
    pairs.recount([instance.user_id])
