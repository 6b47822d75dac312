"""Reports for agency leads and the partnership manager: training numbers and confidence.

Every figure comes from `courses.reports`, scoped by `courses.scoping.lead_agencies`: a
lead sees her agencies only; anyone else gets 403."""

from functools import partial

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone

from cms.models import Agency
from courses import reports
from courses.charts import confidence_chart
from courses.decorators import report_view
from courses.exports import download
from courses.models import CoursePage, Enrolment, JobRole, LearnerProfile
from courses.progress import journeys
from courses.scoping import require_report_viewer


def report_scope(request, whole_months=False, default="this_quarter"):
    """Who may see what, for which period, course and job role. `problem` says what to put
    right in the period asked for (and `period` is then None)."""
    agencies = require_report_viewer(request.user)
    period, problem = reports.period_from(request.GET, whole_months=whole_months, default=default)
    course = reports.course_from(request.GET.get("course"))
    job_role = reports.job_role_from(request.GET.get("job_role"))
    return agencies, period, problem, course, job_role


def figures_scope(request):
    """`report_scope` for confidence and quiz figures: whole months that have ended
    (`reports.months_ended`), by default the last 12 of them. A lead opening the report
    always sees figures, even in the first month of a quarter, when "This quarter" has none yet."""
    agencies, period, problem, course, job_role = report_scope(
        request, whole_months=True, default="last_12_months"
    )
    if period:
        period, problem = reports.months_ended(period)
    return agencies, period, problem, course, job_role


STAFF_PER_PAGE = 50
DUE_SHOWN = 200  # on the page; the download has everyone
PERIOD_CHOICES = [
    ("this_quarter", "This quarter"),
    ("last_quarter", "Last quarter"),
    ("this_year", "This year"),
    ("last_12_months", "The last 12 whole months"),
    ("custom", "Custom dates"),
]


def filter_context(request, period, problem, course, job_role, field=None):
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


def period_problem(request, title, agencies, problem, course, job_role, field=None):
    """The report's filters again with what to put right: 400, and no figures for a period
    (or filters) that cannot be reported (a page, an export and the board summary alike)."""
    context = filter_context(request, None, problem, course, job_role, field)
    return render(
        request,
        "courses/reports/period_problem.html",
        {"title": title, "agencies": agencies, **context},
        status=400,
    )


def export(
    kind, report, name, tables, agencies, period_label, period_slug, course=None, job_role=None, note=""
):
    """A download that names its report, agencies, period, filters and the day it was made,
    in its first rows and in its file name (training-numbers_housing_2026-q4_made-2026-11-30),
    and the period's note when its figures stop sooner than asked."""
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
        ["Course", course.title if course else "All courses"],
        ["Job role", JobRole(job_role).label if job_role else "All job roles"],
        ["Made on", reports.british(today)],
    ]
    filename = f"{name}_{'-'.join(codes)}_{period_slug}_made-{today:%Y-%m-%d}"
    return download(tables, about, filename, kind)


@report_view
def training(request):
    agencies, period, problem, course, job_role = report_scope(request)
    if problem:
        return period_problem(request, "Training numbers", agencies, problem, course, job_role)
    within = int(request.GET["due"]) if request.GET.get("due") in ("30", "60", "90") else 90
    due = reports.due_refreshers(agencies, within=within, job_role=job_role)
    kind, table = request.GET.get("export"), request.GET.get("table", "summary")
    exporting = kind in ("csv", "xlsx")
    if exporting:  # the staff and refresher lists need none of the figures below
        scope = (agencies, period.label, period.slug, course, job_role)
        if table == "staff":
            staff = reports.attach_completions(
                list(reports.staff_list(agencies, job_role)), agencies, period, course
            )
            tables = [("Your staff", reports.STAFF_COLUMNS, reports.staff_rows(staff))]
            return export(kind, "Training numbers: your staff", "staff", tables, *scope)
        if table == "refreshers":  # due from today, whatever the period
            title = f"Overdue or due within {within} days"
            tables = [(title, reports.REFRESHER_COLUMNS, reports.refresher_rows(due))]
            due_by = (f"{title} of {reports.british(timezone.localdate())}", f"due-within-{within}-days")
            return export(
                kind, "Due a refresher", "refreshers-due", tables, agencies, *due_by, job_role=job_role
            )
    numbers = reports.training_numbers(agencies, period, course, job_role)
    refreshers = reports.refresher_counts(agencies, job_role=job_role)
    if exporting:
        tables = reports.summary_tables(numbers, refreshers)
        return export(kind, "Training numbers", "training-numbers", tables, *scope)
    staff_page = Paginator(reports.staff_list(agencies, job_role), STAFF_PER_PAGE).get_page(
        request.GET.get("page")
    )
    reports.attach_completions(staff_page.object_list, agencies, period, course)
    return render(
        request,
        "courses/reports/training.html",
        {
            "agencies": agencies,
            "numbers": numbers,
            "headlines": reports.headlines(numbers),
            "agency_columns": reports.AGENCY_COLUMNS,
            "agency_definition": reports.AGENCY_DEFINITION,
            "due": due[:DUE_SHOWN],
            "due_shown": DUE_SHOWN,
            "within": within,
            "refreshers": refreshers,
            "refresher_columns": reports.REFRESHER_COLUMNS,
            "staff": staff_page,
            "staff_columns": reports.STAFF_COLUMNS,
            **filter_context(request, period, problem, course, job_role),
        },
    )


@report_view
def staff_member(request, user_id):
    """One member of staff's training record for her lead: what they started and completed,
    when, with quiz scores and certificates. Never their survey answers."""
    agencies = require_report_viewer(request.user)
    # Her lead now, and the lead of an agency she took courses in before she moved: each sees
    # only the records made in her own agencies.
    profile = get_object_or_404(
        LearnerProfile.objects.select_related("user", "agency").filter(
            Q(agency__in=agencies)
            | Q(Exists(Enrolment.objects.filter(learner=OuterRef("user"), agency__in=agencies)))
        ),
        user_id=user_id,
    )
    courses = CoursePage.objects.live().select_related("agency").order_by("path")
    started = [
        j for j in journeys(profile.user, courses, agencies=agencies).values() if j.enrolment or j.completions
    ]
    return render(request, "courses/reports/staff_member.html", {"profile": profile, "journeys": started})


@report_view
def confidence(request):
    agencies, period, problem, course, job_role = figures_scope(request)
    if problem:
        return period_problem(request, "Confidence before and after", agencies, problem, course, job_role)
    if reports.few_left_out(partial(reports.surveyed_people, agencies, period), course, job_role):
        return period_problem(
            request, "Confidence before and after", agencies, reports.FEW_LEFT_OUT, course, job_role, "course"
        )
    result = reports.confidence(agencies, period, course, job_role)
    sections = reports.confidence_sections(result)
    kind = request.GET.get("export")
    if kind in ("csv", "xlsx"):
        tables = [
            (
                section["title"],
                [section["name_heading"], *section["columns"]],
                [[name, *comparison.published()] for name, comparison in section["rows"]],
            )
            for section in sections
        ]
        scope = (agencies, period.label, period.slug, course, job_role)
        return export(kind, "Confidence before and after", "confidence", tables, *scope, note=period.note)
    return render(
        request,
        "courses/reports/confidence.html",
        {
            "agencies": agencies,
            "result": result,
            "sections": sections,
            "chart": confidence_chart(result["items"]),
            **filter_context(request, period, problem, course, job_role),
        },
    )


@report_view
def board_summary(request):
    """The partnership board's quarterly summary as a PDF: every agency side by side."""
    from wagtail.models import Site

    from cms.models import PartnershipSettings
    from cms.pdf import render_pdf
    from courses.charts import as_data_uri
    from courses.models import PartnershipManager

    if not PartnershipManager.objects.filter(user=request.user).exists():
        raise PermissionDenied("The board summary is for the partnership manager.")
    agencies, period, problem, course, job_role = report_scope(request, whole_months=True)
    if problem:
        return period_problem(request, "Board summary", agencies, problem, course, job_role)
    numbers = reports.training_numbers(agencies, period)
    ended, not_yet = reports.months_ended(period)  # training numbers count every day; confidence does not
    overall = reports.confidence(agencies, ended) if ended else None
    site = Site.objects.filter(is_default_site=True).first()
    html = render_to_string(
        "courses/reports/board_summary.html",
        {
            "partnership": PartnershipSettings.for_site(site).name if site else "",
            "period": period,
            "numbers": numbers,
            "headlines": reports.headlines(numbers),
            "agency_columns": reports.AGENCY_COLUMNS,
            "agency_definition": reports.AGENCY_DEFINITION,
            "ended": ended,
            "not_yet": not_yet,
            "overall": overall,
            "chart": as_data_uri(confidence_chart(overall["items"])) if overall else None,
            "made_on": timezone.localdate(),
        },
    )
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    filename = f"board-summary_all-agencies_{period.slug}_made-{timezone.localdate():%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
