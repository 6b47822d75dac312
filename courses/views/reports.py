"""Reports for agency leads and the partnership manager: training numbers and confidence.

Every figure comes from `courses.reports`, scoped by `courses.scoping.lead_agencies`: a
lead sees her agencies only; anyone else gets 403."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone

from courses import reports
from courses.charts import confidence_chart
from courses.exports import download
from courses.models import CoursePage, JobRole, LearnerProfile
from courses.progress import journeys
from courses.scoping import require_report_viewer
from courses.statistics import published_columns


def report_scope(request):
    agencies = require_report_viewer(request.user)
    period, problem = reports.period_from(request.GET)
    course = reports.course_from(request.GET.get("course"))
    job_role = reports.job_role_from(request.GET.get("job_role"))
    return agencies, period, problem, course, job_role


STAFF_PER_PAGE = 50
DUE_SHOWN = 200  # on the page; the download has everyone
PERIOD_CHOICES = [
    ("this_quarter", "This quarter"),
    ("last_quarter", "Last quarter"),
    ("this_year", "This year"),
    ("custom", "Custom dates"),
]


def filter_context(request, period, problem, course, job_role):
    return {
        "period_choices": PERIOD_CHOICES,
        "period": period,
        "problem": problem,
        "course": course,
        "job_role": job_role,
        "courses": CoursePage.objects.live().order_by("path"),
        "job_roles": JobRole.choices,
        "params": request.GET,
        "query": request.GET.urlencode(),
    }


@login_required
def training(request):
    agencies, period, problem, course, job_role = report_scope(request)
    within = int(request.GET["due"]) if request.GET.get("due") in ("30", "60", "90") else 90
    due = reports.due_refreshers(agencies, within=within, job_role=job_role)
    kind, table = request.GET.get("export"), request.GET.get("table", "summary")
    exporting = kind in ("csv", "xlsx")
    if exporting:  # the staff and refresher lists need none of the figures below
        if table == "staff":
            staff = reports.attach_completions(list(reports.staff_list(agencies, job_role)))
            rows = [
                [
                    p.user.get_full_name(),
                    p.user.email,
                    p.agency.name,
                    p.job_role_label,
                    "; ".join(f"{c.course_title} ({c.completed_at:%Y-%m-%d})" for c in p.completions),
                ]
                for p in staff
            ]
            return download(rows, ["Name", "Email", "Agency", "Job role", "Completed (date)"], "staff", kind)
        if table == "refreshers":
            rows = [
                [
                    c.learner.get_full_name(),
                    c.learner.email,
                    c.agency_name,
                    c.job_role_label,
                    c.course_title,
                    f"{c.completed_at:%Y-%m-%d}",
                    f"{c.expires_on:%Y-%m-%d}",
                ]
                for c in due
            ]
            return download(
                rows,
                ["Name", "Email", "Agency at completion", "Job role", "Course", "Completed", "Expires"],
                "refreshers-due",
                kind,
            )
    numbers = reports.training_numbers(agencies, period, course, job_role)
    refreshers = reports.refresher_counts(agencies, job_role=job_role)
    if exporting:
        return download(
            reports.summary_rows(numbers, refreshers),
            ["Section", "Measure", "Value"],
            "training-numbers",
            kind,
        )
    staff_page = Paginator(reports.staff_list(agencies, job_role), STAFF_PER_PAGE).get_page(
        request.GET.get("page")
    )
    reports.attach_completions(staff_page.object_list)
    return render(
        request,
        "courses/reports/training.html",
        {
            "agencies": agencies,
            "numbers": numbers,
            "due": due[:DUE_SHOWN],
            "due_shown": DUE_SHOWN,
            "within": within,
            "refreshers": refreshers,
            "staff": staff_page,
            **filter_context(request, period, problem, course, job_role),
        },
    )


@login_required
def staff_member(request, user_id):
    """One member of staff's training record for her lead: what they started and completed,
    when, with quiz scores and certificates. Never their survey answers."""
    agencies = require_report_viewer(request.user)
    profile = get_object_or_404(
        LearnerProfile.objects.select_related("user", "agency"), user_id=user_id, agency__in=agencies
    )
    courses = CoursePage.objects.live().select_related("agency").order_by("path")
    started = [j for j in journeys(profile.user, courses).values() if j.enrolment or j.completions]
    in_scope = set(agencies.values_list("pk", flat=True))
    for journey in started:
        for completion in journey.completions:
            # A certificate earned in another agency stays with that agency's lead.
            completion.for_this_lead = completion.agency_id in in_scope
    return render(request, "courses/reports/staff_member.html", {"profile": profile, "journeys": started})


@login_required
def confidence(request):
    agencies, period, problem, course, job_role = report_scope(request)
    result = reports.confidence(agencies, period, course, job_role)
    sections = reports.confidence_sections(result)
    kind = request.GET.get("export")
    if kind in ("csv", "xlsx"):
        rows = [
            [section["title"], name, *comparison.published()]
            for section in sections
            for name, comparison in section["rows"]
        ]
        headings = ["Section", "Area or agency", *published_columns("Median before (or looking back)")]
        return download(rows, headings, "confidence", kind)
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


@login_required
def board_summary(request):
    """The partnership board's quarterly summary as a PDF: every agency side by side."""
    from wagtail.models import Site

    from cms.models import PartnershipSettings
    from cms.pdf import render_pdf
    from courses.charts import as_data_uri
    from courses.models import PartnershipManager

    if not PartnershipManager.objects.filter(user=request.user).exists():
        raise PermissionDenied("The board summary is for the partnership manager.")
    agencies, period, problem, course, job_role = report_scope(request)
    numbers = reports.training_numbers(agencies, period)
    overall = reports.confidence(agencies, period)
    site = Site.objects.filter(is_default_site=True).first()
    html = render_to_string(
        "courses/reports/board_summary.html",
        {
            "partnership": PartnershipSettings.for_site(site).name if site else "",
            "period": period,
            "numbers": numbers,
            "overall": overall,
            "chart": as_data_uri(confidence_chart(overall["items"])),
            "made_on": timezone.localdate(),
        },
    )
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="board-summary-{period.start:%Y-%m-%d}.pdf"'
    return response
