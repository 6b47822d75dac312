"""Reports for agency leads and the partnership manager: training numbers and confidence.

Every figure comes from `courses.reports` as its tables, scoped by
`courses.scoping.lead_agencies` (through `courses.reporting.views`): a lead sees her agencies
only; anyone else gets 403."""

from dataclasses import replace

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.defaultfilters import pluralize
from django.utils import timezone

from courses import downloads, reports
from courses.charts import confidence_chart
from courses.decorators import report_view
from courses.exports import BATCH, Prepared, in_batches
from courses.models import CoursePage, Enrolment, LearnerProfile, PartnershipManager
from courses.progress import journeys
from courses.reporting.views import (
    export,
    export_listing,
    figures_page,
    figures_scope,
    filter_context,
    period_problem,
    report_scope,
)
from courses.scoping import require_report_viewer
from privacy import audit

STAFF_PER_PAGE = 50
DUE_SHOWN = 200  # on the page; the download has everyone


@report_view
def training(request):
    agencies, period, problem, course, job_role = report_scope(request)
    if problem:
        return period_problem(request, "Training numbers", agencies, problem, course, job_role)
    within = _within(request)
    due = reports.due_refreshers(agencies, within=within, job_role=job_role)
    due_title = due_within(within)
    kind, table = request.GET.get("export"), request.GET.get("table", "summary")
    exporting = kind in ("csv", "xlsx")
    if exporting and table in LISTS:  # the staff and refresher lists need none of the figures below
        return downloads.deliver(request, LISTS[table])
    numbers = reports.training_numbers(agencies, period, course, job_role)
    before = reports.training_numbers(agencies, reports.previous(period), course, job_role)
    refreshers = reports.refresher_counts(agencies, job_role=job_role)
    added = reports.added_training_tables(agencies, period, course, job_role)
    tables = reports.summary_tables(numbers, refreshers, before, added)
    if exporting:
        scope = (agencies, period.label, period.slug, course, job_role)
        compared = reports.previous(period).label
        return export(kind, "Training numbers", "training-numbers", tables, *scope, previous_label=compared)
    staff = Paginator(reports.staff_list(agencies, job_role), STAFF_PER_PAGE)
    staff.count = reports.staff_count(agencies, job_role)  # from the tallies, not by counting rows
    staff_page = staff.get_page(request.GET.get("page"))
    reports.attach_completions(staff_page.object_list, agencies, period, course)
    due_shown = list(due[:DUE_SHOWN])
    by_key = {table.key: table for table in tables}
    return render(
        request,
        "courses/reports/training.html",
        {
            "agencies": agencies,
            "previous_period": reports.previous(period),
            "headline_items": reports.headlines(numbers, before),
            "period_so_far": period.end >= timezone.localdate(),
            "tables": by_key,
            "listed": [*added, by_key["per_month"], by_key["by_course"], by_key["by_job_role"]],
            "due": reports.REFRESHERS.fill(
                due_shown, title=due_title, empty=f"No one is due a refresher within {within} days."
            ),
            "due_caption": f"{due_title}, soonest first"
            + (f" (the first {DUE_SHOWN}: the download has everyone)" if len(due_shown) == DUE_SHOWN else ""),
            "within": within,
            "is_manager": PartnershipManager.objects.filter(user=request.user).exists(),
            "refreshers": refreshers,
            "staff": staff_page,
            "staff_table": reports.STAFF.fill(staff_page.object_list),
            "staff_caption": staff_caption(staff_page),
            **filter_context(request, period, problem, course, job_role),
        },
    )


def due_within(within: int) -> str:
    return f"Overdue or due within {within} days"


def _within(request) -> int:
    return int(request.GET["due"]) if request.GET.get("due") in ("30", "60", "90") else 90


def _listing_kind(request) -> str:
    """The file asked for; the page offers only these two, so anything else is not found."""
    kind = request.GET.get("export")
    if kind not in ("csv", "xlsx"):
        raise Http404("No such download")
    return kind


def staff_download(request) -> Prepared | HttpResponse:
    """Everyone on the staff list with the courses each completed in the period, read a batch
    of people at a time (one query for each batch's completions)."""
    kind = _listing_kind(request)
    agencies, period, problem, course, job_role = report_scope(request)
    if problem:
        return period_problem(request, "Training numbers", agencies, problem, course, job_role)
    staff = reports.staff_list(agencies, job_role)
    title = "Training numbers: your staff"

    def people():
        for batch in in_batches(staff):
            yield from reports.attach_completions(batch, agencies, period, course)

    def logged():
        ids = staff.values_list("user_id", flat=True)
        audit.log(request.user, ids, audit.EXPORTED, f"{title}, {kind.upper()}")

    listing = reports.STAFF.listing(people())
    scope = (agencies, period.label, period.slug, course, job_role)
    return export_listing(kind, title, "staff", listing, staff.count(), logged, *scope)


def refreshers_download(request) -> Prepared:
    """Everyone due a refresher within the days chosen, from today whatever the period."""
    kind = _listing_kind(request)
    agencies = require_report_viewer(request.user)
    job_role = reports.job_role_from(request.GET.get("job_role"))
    within = _within(request)
    due = reports.due_refreshers(agencies, within=within, job_role=job_role)

    def logged():
        ids = due.values_list("learner_id", flat=True)
        audit.log(request.user, ids, audit.EXPORTED, f"Due a refresher, {kind.upper()}")

    listing = replace(reports.REFRESHERS, title=due_within(within)).listing(due.iterator(chunk_size=BATCH))
    due_by = (f"{due_within(within)} of {reports.british(timezone.localdate())}", f"due-within-{within}-days")
    return export_listing(
        kind,
        "Due a refresher",
        "refreshers-due",
        listing,
        due.count(),
        logged,
        agencies,
        *due_by,
        job_role=job_role,
    )


STAFF_DOWNLOAD = downloads.Export("training-staff", staff_download)
REFRESHERS_DOWNLOAD = downloads.Export("refreshers-due", refreshers_download)
LISTS = {"staff": STAFF_DOWNLOAD, "refreshers": REFRESHERS_DOWNLOAD}


def staff_caption(page: Page) -> str:
    """12 members of staff, page 1 of 3."""
    count, pages = page.paginator.count, page.paginator.num_pages
    paging = f", page {page.number:,} of {pages:,}" if pages > 1 else ""
    return f"{count:,} member{pluralize(count)} of staff{paging}"


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
    audit.log(request.user, [profile.user_id], audit.VIEWED, "Training record")
    return render(request, "courses/reports/staff_member.html", {"profile": profile, "journeys": started})


@report_view
def confidence(request):
    def figures(scope):
        result = reports.confidence(*scope.figures_args)
        before = reports.previous_confidence(*scope.figures_args)
        extra = {"result": result, "before": before, "chart": confidence_chart(result["items"])}
        return reports.confidence_tables(result, before), extra

    return figures_page(
        request,
        figures_scope(request),
        "Confidence before and after",
        "confidence",
        "courses/reports/confidence.html",
        reports.surveyed_people,
        figures,
    )
