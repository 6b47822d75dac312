"""Coverage of the workforce on the period's last day, beside the previous period's, with
targets and who is not covered (figures: `workforce.coverage`, tables: `workforce.reports`)."""

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render

from courses import downloads
from courses.decorators import report_view
from courses.exports import Prepared
from courses.reporting.views import export, export_listing, filter_context, period_problem, report_scope
from privacy import audit
from workforce import reports, targets

PEOPLE_PER_PAGE = 50
TITLE = "Coverage of your workforce"


def not_covered_download(request) -> Prepared | HttpResponse:
    """Everyone not covered on the period's last day, read as the file is written."""
    kind = request.GET.get("export")
    if kind not in ("csv", "xlsx"):
        raise Http404("No such download")
    agencies, period, problem, course, job_role = report_scope(request)
    if problem:
        return period_problem(request, TITLE, agencies, problem, course, job_role)
    days = reports.days_for(period)
    people = reports.people_not_covered(agencies, days.day, job_role)
    title = "Coverage: who is not covered"

    def logged():
        # Staff lists name people by email, some of whom have no account to log against.
        audit.log_by_email(request.user, people.emails(), audit.EXPORTED, f"{title}, {kind.upper()}")

    scope = (agencies, days.label, period.slug, None, job_role)
    listing = reports.NOT_COVERED.listing(people)
    return export_listing(kind, title, "not-covered", listing, people.count(), logged, *scope)


NOT_COVERED_DOWNLOAD = downloads.Export("not-covered", not_covered_download)


@report_view
def coverage_report(request):
    agencies, period, problem, course, job_role = report_scope(request)
    if problem:
        return period_problem(request, TITLE, agencies, problem, course, job_role)
    days = reports.days_for(period)
    kind, table = request.GET.get("export"), request.GET.get("table", "summary")
    if kind in ("csv", "xlsx") and table == "not-covered":
        return downloads.deliver(request, NOT_COVERED_DOWNLOAD)
    report = reports.coverage_tables(agencies, days, job_role)
    if kind in ("csv", "xlsx"):
        scope = (agencies, days.label, period.slug, None, job_role)
        return export(kind, TITLE, "coverage", report.tables, *scope, note=targets.RULE)
    people = Paginator(reports.people_not_covered(agencies, days.day, job_role), PEOPLE_PER_PAGE)
    page = people.get_page(request.GET.get("page"))
    by_key = {table.key: table for table in report.tables}
    return render(
        request,
        "workforce/coverage.html",
        {
            "agencies": agencies,
            "report": report,
            "days": days,
            "tables": by_key,
            "rule": targets.RULE,
            "definitions": (reports.COVERAGE, reports.WORKFORCE),
            "no_workforce": reports.NO_WORKFORCE,
            "not_registered": reports.NOT_REGISTERED,
            "people": page,
            "people_table": reports.NOT_COVERED.fill(page.object_list),
            "people_caption": f"{people.count} {'person' if people.count == 1 else 'people'} not covered"
            + (f", page {page.number} of {people.num_pages}" if people.num_pages > 1 else ""),
            "course_ignored": course,
            **filter_context(request, period, problem, course, job_role),
        },
    )
