"""What every report view shares: who may see what for which period and filters, the filters'
context, the page that says what to put right, and downloads that name what they are."""

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, NamedTuple

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from cms.models import Agency
from courses import reports
from courses.exports import Prepared, download, spreadsheet
from courses.models import CoursePage, JobRole
from courses.reporting.tables import Listing, Table
from courses.scoping import require_report_viewer


class Scope(NamedTuple):
    agencies: QuerySet
    period: reports.Period | None
    problem: str | None  # what to put right in the period asked for (`period` is then None)
    course: CoursePage | None
    job_role: str | None

    @property
    def figures_args(self) -> tuple:
        """(agencies, period, course, job_role): what every figures function takes."""
        return self.agencies, self.period, self.course, self.job_role


def report_scope(request: HttpRequest, whole_months: bool = False, default: str = "this_quarter") -> Scope:
    """Who may see what, for which period, course and job role."""
    agencies = require_report_viewer(request.user)
    period, problem = reports.period_from(request.GET, whole_months=whole_months, default=default)
    course = reports.course_from(request.GET.get("course"))
    job_role = reports.job_role_from(request.GET.get("job_role"))
    return Scope(agencies, period, problem, course, job_role)


def figures_scope(request: HttpRequest) -> Scope:
    """`report_scope` for confidence and quiz figures: whole months that have ended
    (`reports.months_ended`), by default the last 12 of them. A lead opening the report
    always sees figures, even in the first month of a quarter, when "This quarter" has none yet."""
    scope = report_scope(request, whole_months=True, default="last_12_months")
    if scope.period:
        period, problem = reports.months_ended(scope.period)
        scope = scope._replace(period=period, problem=problem)
    return scope


PERIOD_CHOICES = [
    ("this_quarter", "This quarter"),
    ("last_quarter", "Last quarter"),
    ("this_year", "This year"),
    ("last_12_months", "Rolling 12 months (the last 12 whole months)"),
    ("custom", "Custom dates"),
]


def filter_context(
    request: HttpRequest,
    period: reports.Period | None,
    problem: str | None,
    course: CoursePage | None,
    job_role: str | None,
    field: str | None = None,
) -> dict[str, Any]:
    """The filters' choices and values; a problem is linked to `field`, or to the period."""
    return {
        "period_choices": PERIOD_CHOICES,
        "period": period,
        "chosen_period": request.GET.get("period") or (period.choice if period else ""),
        # The error summary (base.html) links a wrong date to the first date box.
        "problems": [(problem, field or ("from" if request.GET.get("period") == "custom" else "period"))]
        if problem
        else [],
        "course": course,
        "job_role": job_role,
        "courses": CoursePage.objects.live().order_by("path"),
        "job_roles": JobRole.choices,
        "params": request.GET,
        "query": request.GET.urlencode(),
    }


def period_problem(
    request: HttpRequest,
    title: str,
    agencies: QuerySet,
    problem: str,
    course: CoursePage | None,
    job_role: str | None,
    field: str | None = None,
) -> HttpResponse:
    """The report's filters again with what to put right: 400, and no figures for a period
    (or filters) that cannot be reported (a page, an export and the board pack alike)."""
    context = filter_context(request, None, problem, course, job_role, field)
    return render(
        request,
        "courses/reports/period_problem.html",
        {"title": title, "agencies": agencies, **context},
        status=400,
    )


def export(
    kind: str,
    report: str,
    name: str,
    tables: Sequence[Table],
    agencies: QuerySet,
    period_label: str,
    period_slug: str,
    course: CoursePage | None = None,
    job_role: str | None = None,
    note: str = "",
    previous_label: str = "",
) -> HttpResponseBase:
    """A download of a report's tables, named as `described` says, sent at once."""
    about, filename = described(
        report, name, agencies, period_label, period_slug, course, job_role, note, previous_label
    )
    return download(tables, about, filename, kind)


def export_listing(
    kind: str,
    report: str,
    name: str,
    listing: Listing,
    rows: int,
    audit: Callable[[], None],
    agencies: QuerySet,
    period_label: str,
    period_slug: str,
    course: CoursePage | None = None,
    job_role: str | None = None,
) -> Prepared:
    """A download of a list of people (`rows` of them), named as `described` says, to be sent
    or made in the background (`courses.downloads.deliver`); `audit` logs whom it names."""
    about, filename = described(report, name, agencies, period_label, period_slug, course, job_role)
    return spreadsheet(f"{report}, {kind.upper()}", [listing], about, filename, kind, rows, audit)


def described(
    report: str,
    name: str,
    agencies: QuerySet,
    period_label: str,
    period_slug: str,
    course: CoursePage | None = None,
    job_role: str | None = None,
    note: str = "",
    previous_label: str = "",
) -> tuple[list[list[Any]], str]:
    """A download's first rows and file name, which name its report, agencies, period, filters
    and the day it was made (training-numbers_housing_2026-q4_made-2026-11-30), the period's
    note when its figures stop sooner than asked, and the previous period its figures are set
    beside, if any."""
    today = timezone.localdate()
    listed = list(agencies.order_by("sort_order", "name"))
    codes = [agency.code for agency in listed]
    if len(codes) > 1 and len(codes) == Agency.objects.count():
        codes = ["all-agencies"]
    about = [
        ["Report", report],
        ["Agencies", ", ".join(agency.name for agency in listed)],
        ["Period", period_label],
        *([["Note", note]] if note else []),
        *([["Previous period", previous_label]] if previous_label else []),
        ["Course", course.title if course else "All courses"],
        ["Job role", JobRole(job_role).label if job_role else "All job roles"],
        ["Made on", reports.british(today)],
    ]
    return about, f"{name}_{'-'.join(codes)}_{period_slug}_made-{today:%Y-%m-%d}"


def figures_page(
    request: HttpRequest,
    scope: Scope,
    title: str,
    name: str,
    template: str,
    people: Callable[..., int],
    figures: Callable[[Scope], tuple[Sequence[Table], dict[str, Any]]],
) -> HttpResponse:
    """A tab of figures about groups of people, its page and its downloads: what to put right
    in a period that cannot be reported, no figures where a filter leaves fewer than five
    people out (`people(agencies, period)` counts whom the figures are about), otherwise
    `figures(scope)`'s tables (and what else the page shows)."""
    agencies, period, problem, course, job_role = scope
    if problem:
        return period_problem(request, title, agencies, problem, course, job_role)
    if reports.few_left_out(partial(people, agencies, period), course, job_role):
        return period_problem(request, title, agencies, reports.FEW_LEFT_OUT, course, job_role, "course")
    tables, extra = figures(scope)
    kind = request.GET.get("export")
    if kind in ("csv", "xlsx"):
        scope_described = (agencies, period.label, period.slug, course, job_role)
        return export(kind, title, name, tables, *scope_described, note=period.note)
    context = {"agencies": agencies, "tables": tables, **extra}
    return render(request, template, {**context, **filter_context(request, period, None, course, job_role)})
