"""The figures agency leads and the partnership manager report: one set of functions that
the pages and the exports share, so they cannot disagree. Every function takes the agencies
the viewer may see (from `courses.scoping`) and a period."""

import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.db.models.functions import TruncMonth
from django.utils import timezone

from courses.models import Completion, CoursePage, Enrolment, LearnerProfile, SurveyItem, SurveyResponse
from courses.statistics import compare


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    label: str

    @property
    def bounds(self):
        zone = timezone.get_current_timezone()
        return (
            timezone.make_aware(datetime.combine(self.start, time.min), zone),
            timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min), zone),
        )


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


def course_from(value):
    """The course a report is filtered to, or None for anything that is not a course id."""
    value = str(value or "")
    if not value.isdigit() or not 1 <= int(value) <= MAX_ID:
        return None
    return CoursePage.objects.filter(pk=int(value)).first()


def period_from(params, today=None):
    """The reporting period asked for: this quarter (default), last quarter, this year or
    custom dates. Returns the period and an error message (or None)."""
    today = today or timezone.localdate()
    choice = params.get("period", "this_quarter")
    if choice == "last_quarter":
        start, end = _quarter(_quarter(today)[0] - timedelta(days=1))
    elif choice == "this_year":
        start, end = date(today.year, 1, 1), date(today.year, 12, 31)
    elif choice == "custom":
        try:
            start, end = date.fromisoformat(params.get("from", "")), date.fromisoformat(params.get("to", ""))
        except ValueError:
            start, end = _quarter(today)
            return Period(
                start, end, _label(start, end)
            ), "Enter both dates as YYYY-MM-DD; showing this quarter."
        if end < start:
            start, end = end, start
        if (end - start).days > 366 * 10:
            start = end - timedelta(days=366 * 10)
    else:
        start, end = _quarter(today)
    return Period(start, end, _label(start, end)), None


def _label(start, end):
    return f"{start.day} {start:%B %Y} to {end.day} {end:%B %Y}"


def training_numbers(agencies, period, course=None, job_role=None):
    """Headline counts, completions per month, and the median days to complete."""
    start, end = period.bounds
    completions = Completion.objects.filter(
        agency__in=agencies, completed_at__gte=start, completed_at__lt=end
    )
    enrolments = Enrolment.objects.filter(
        learner__learner_profile__agency__in=agencies, started_at__gte=start, started_at__lt=end
    )
    staff = LearnerProfile.objects.filter(agency__in=agencies, created_at__lt=end)
    if course:
        completions = completions.filter(course=course)
        enrolments = enrolments.filter(course=course)
    if job_role:
        completions = completions.filter(job_role=job_role)
        enrolments = enrolments.filter(learner__learner_profile__job_role=job_role)
        staff = staff.filter(job_role=job_role)
    registered = staff.count()
    enrolled = enrolments.values("learner").distinct().count()
    completed = completions.values("learner").distinct().count()
    durations = [
        (done - started).total_seconds() / 86400
        for done, started in completions.values_list("completed_at", "enrolment__started_at")
    ]
    return {
        "registered": registered,
        "enrolled": enrolled,
        "completed": completed,
        "completion_rate": round(100 * completed / enrolled, 1) if enrolled else None,
        "median_days": round(statistics.median(durations), 1) if durations else None,
        "per_month": list(
            completions.annotate(month=TruncMonth("completed_at"))
            .values("month")
            .annotate(people=Count("learner", distinct=True), completions=Count("pk"))
            .order_by("month")
        ),
        "by_course": list(
            completions.values("course_title")
            .annotate(people=Count("learner", distinct=True))
            .order_by("-people", "course_title")
        ),
        "by_job_role": list(
            completions.values("job_role_label")
            .annotate(people=Count("learner", distinct=True))
            .order_by("-people", "job_role_label")
        ),
        "by_agency": by_agency(agencies, completions, staff),
    }


def by_agency(agencies, completions, staff):
    """One row per agency, side by side: staff registered and staff who completed."""
    registered = dict(staff.values_list("agency").annotate(n=Count("pk")))
    completed = dict(completions.values_list("agency").annotate(n=Count("learner", distinct=True)))
    return [
        {
            "agency": agency.name,
            "registered": registered.get(agency.pk, 0),
            "completed": completed.get(agency.pk, 0),
            "rate": round(100 * completed.get(agency.pk, 0) / registered[agency.pk], 1)
            if registered.get(agency.pk)
            else None,
        }
        for agency in agencies.order_by("sort_order", "name")
    ]


def staff_list(agencies, job_role=None):
    """Staff of the agencies (by their profile now), by name; each with `completions`, the
    courses they completed and when, attached by `attach_completions` for a page of them."""
    staff = LearnerProfile.objects.filter(agency__in=agencies).select_related("user", "agency")
    if job_role:
        staff = staff.filter(job_role=job_role)
    return staff.order_by("user__last_name", "user__first_name", "pk")


def attach_completions(profiles):
    """One query for the completions of a page of staff."""
    by_user = {}
    for completion in Completion.objects.filter(learner__in=[p.user_id for p in profiles]).order_by(
        "completed_at"
    ):
        by_user.setdefault(completion.learner_id, []).append(completion)
    for profile in profiles:
        profile.completions = by_user.get(profile.user_id, [])
    return profiles


def summary_rows(numbers):
    """The headline figures and breakdowns as (section, measure, value) rows for a spreadsheet."""
    rows = [
        ("Headline", label, numbers[key])
        for key, label in [
            ("registered", "Staff registered"),
            ("enrolled", "Staff who started a course"),
            ("completed", "Staff who completed a course"),
            ("completion_rate", "Completion rate (%)"),
            ("median_days", "Median days from start to completion"),
        ]
    ]
    rows += [("Completions per month", f"{r['month']:%Y-%m}", r["people"]) for r in numbers["per_month"]]
    rows += [("By course", r["course_title"], r["people"]) for r in numbers["by_course"]]
    rows += [("By job role", r["job_role_label"], r["people"]) for r in numbers["by_job_role"]]
    rows += [("By agency: completed", r["agency"], r["completed"]) for r in numbers["by_agency"]]
    return [[section, measure, "" if value is None else value] for section, measure, value in rows]


def due_refreshers(agencies, today=None, within=90):
    """Each person's latest completion of each course that expires within `within` days
    and has no newer completion, soonest first."""
    today = today or timezone.localdate()
    latest = (
        Completion.objects.filter(learner=OuterRef("learner"), course=OuterRef("course"))
        .order_by("-completed_at")
        .values("pk")[:1]
    )
    return (
        Completion.objects.filter(
            agency__in=agencies, pk=Subquery(latest), expires_on__lte=today + timedelta(days=within)
        )
        .select_related("learner")
        .order_by("expires_on", "learner__last_name")
    )


def confidence(agencies, period, course=None):
    """Per survey item and overall: the before/after comparison and the retrospective
    ("looking back") comparison, for people who completed a course in the period. Each
    person is one pair: someone who finished two courses counts with the later one."""
    start, end = period.bounds
    rows = (
        SurveyResponse.objects.filter(
            enrolment__completion__agency__in=agencies,
            enrolment__completion__completed_at__gte=start,
            enrolment__completion__completed_at__lt=end,
        )
        .values("enrolment", "item", "enrolment__learner")
        .annotate(
            before=Max("rating", filter=Q(phase="before")),
            after=Max("rating", filter=Q(phase="after")),
            looking_back=Max("rating", filter=Q(phase="retrospective")),
        )
    )
    if course:
        rows = rows.filter(enrolment__course=course)
    # Each person counts once per item: their latest course in the period with both surveys.
    latest = {}
    for row in rows.order_by("enrolment"):
        if row["before"] is not None and row["after"] is not None:
            latest[(row["enrolment__learner"], row["item"])] = row
    by_item = {}
    for row in latest.values():
        by_item.setdefault(row["item"], []).append(row)
    items = list(SurveyItem.objects.filter(pk__in=by_item).order_by("sort_order"))
    result = []
    for item in items:
        answered = by_item[item.pk]
        result.append(
            {
                "item": item,
                "change": compare([(r["before"], r["after"]) for r in answered]),
                "looking_back": compare([(r["looking_back"], r["after"]) for r in answered]),
            }
        )
    return {"items": result, "overall": _overall(by_item)}


def _overall(by_item):
    """One pair per person: the median of their item ratings before and after."""
    per_person = {}
    for rows in by_item.values():
        for row in rows:
            before, after = per_person.setdefault(row["enrolment__learner"], ([], []))
            before.append(row["before"])
            after.append(row["after"])
    return compare([(statistics.median(b), statistics.median(a)) for b, a in per_person.values()])
