"""A lead's workforce: upload her staff list (checked, previewed, then applied) or give a
headcount per job role. The reading, checking and applying are in `workforce.staff_lists`;
these views only scope them to the agencies she leads."""

import csv
import io

from django.contrib import messages
from django.db.models import OuterRef, Subquery, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from courses.decorators import report_view
from courses.models import JobRole
from courses.scoping import require_report_viewer
from workforce import staff_lists
from workforce.forms import HeadcountForm, StaffListUploadForm
from workforce.models import Headcount, StaffListUpload

RECENT_UPLOADS = 10
PEOPLE_SHOWN = 100  # per group on the preview

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _her_agency(request, code):
    """The agency `code`, if she leads it: 403 for anyone who is not a lead, 404 otherwise."""
    return get_object_or_404(require_report_viewer(request.user), code=code)


@report_view
def index(request):
    agencies = require_report_viewer(request.user)
    last_applied = (
        StaffListUpload.objects.filter(agency=OuterRef("pk"), status=StaffListUpload.Status.APPLIED)
        .order_by("-applied_at", "-pk")
        .values("pk")[:1]
    )
    agencies = list(agencies.annotate(last_upload_id=Subquery(last_applied)).order_by("sort_order", "name"))
    on_list = staff_lists.list_counts(agencies)
    not_registered = staff_lists.not_registered_counts(agencies)
    headcounts = {}
    for headcount in Headcount.objects.filter(agency__in=agencies).order_by("job_role"):
        headcounts.setdefault(headcount.agency_id, []).append(headcount)
    uploads = (
        StaffListUpload.objects.filter(agency__in=agencies, status=StaffListUpload.Status.APPLIED)
        .select_related("agency", "uploaded_by")
        .order_by("-applied_at", "-pk")
    )
    recent = list(uploads[:RECENT_UPLOADS])
    known = {upload.pk: upload for upload in recent}
    missing = [a.last_upload_id for a in agencies if a.last_upload_id and a.last_upload_id not in known]
    if missing:
        known |= {upload.pk: upload for upload in uploads.filter(pk__in=missing)}
    rows = []
    for agency in agencies:
        counts = headcounts.get(agency.pk, [])
        rows.append(
            {
                "agency": agency,
                "on_list": on_list.get(agency.pk, 0),
                "not_registered": not_registered.get(agency.pk, 0),
                "last_upload": known.get(agency.last_upload_id),
                "headcounts": counts,
                "headcount_total": sum(h.staff for h in counts),
            }
        )
    return render(
        request,
        "workforce/workforce_index.html",
        {"rows": rows, "recent": recent, "job_roles": JobRole.choices},
    )


@report_view
def template(request, kind):
    require_report_viewer(request.user)
    if kind == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(staff_lists.COLUMNS)
        writer.writerow(staff_lists.EXAMPLE)
        response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    elif kind == "xlsx":
        response = HttpResponse(_template_xlsx(), content_type=XLSX)
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="staff-list-template.{kind}"'
    return response


def _template_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Staff list"
    sheet.append(staff_lists.COLUMNS)
    sheet.append(staff_lists.EXAMPLE)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCD", (34, 26, 40, 24), strict=True):
        sheet.column_dimensions[column].width = width
    roles = book.create_sheet("Job roles")
    roles.append(["Job role", "Or its code"])
    roles["A1"].font = roles["B1"].font = Font(bold=True)
    for code, label in JobRole.choices:
        roles.append([label, code])
    roles.column_dimensions["A"].width = 44
    roles.column_dimensions["B"].width = 20
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@report_view
@require_http_methods(["GET", "POST"])
def upload(request, agency):
    agency = _her_agency(request, agency)
    posted = request.method == "POST"
    form = StaffListUploadForm(request.POST if posted else None, request.FILES if posted else None)
    problems = []
    if posted and form.is_valid():
        file = form.cleaned_data["file"]
        try:
            rows = staff_lists.check_file(file)
        except staff_lists.StaffListProblem as problem:
            shown = problem.problems[: staff_lists.PROBLEMS_SHOWN]
            problems = [(message, "id_file") for message in shown]
            more = len(problem.problems) - len(shown)
            if more:
                problems.append(
                    (f"And {more:,} more problem{pluralize(more)}: fix these and upload again.", "")
                )
            form.add_error("file", _field_message(len(problem.problems)))
        else:
            preview = staff_lists.make_preview(agency, request.user, file.name, rows)
            return redirect("workforce:preview", agency=agency.code, upload_id=preview.pk)
    return render(
        request,
        "workforce/staff_list_upload.html",
        {"agency": agency, "form": form, "problems": problems, "job_roles": JobRole.choices},
    )


def _field_message(count):
    them = "it" if count == 1 else "them"
    return (
        f"The file has {count:,} problem{pluralize(count)}: nothing was saved. Fix {them} and upload it again"
    )


@report_view
@require_http_methods(["GET", "POST"])
def preview(request, agency, upload_id):
    agency = _her_agency(request, agency)
    upload = get_object_or_404(StaffListUpload, pk=upload_id, agency=agency)
    if request.method == "POST":
        try:
            applied = staff_lists.apply_upload(upload.pk, agency)
        except staff_lists.NotWaiting:
            messages.info(request, f"{upload.file_name} was applied already: nothing more was changed.")
        else:
            messages.success(
                request,
                f"{agency.name}'s staff list is updated: {applied.joined} joined, {applied.left} left, "
                f"{applied.changed} changed and {applied.unchanged} unchanged.",
            )
        return redirect(reverse("workforce:index"))
    if upload.status != StaffListUpload.Status.PREVIEWED:
        messages.info(request, f"{upload.file_name} was applied already.")
        return redirect(reverse("workforce:index"))
    result = staff_lists.compare(agency, upload.rows)
    labels = dict(JobRole.choices)
    return render(
        request,
        "workforce/staff_list_preview.html",
        {
            "agency": agency,
            "upload": upload,
            "result": result,
            "joined": [
                {**row, "job_role_label": labels.get(row["job_role"], "")}
                for row in result.joined[:PEOPLE_SHOWN]
            ],
            "left": result.left[:PEOPLE_SHOWN],
            "changed": [
                {
                    "change": change,
                    "before": _details(change.before, labels),
                    "after": _details(change.after, labels),
                }
                for change in result.changed[:PEOPLE_SHOWN]
            ],
            "shown": PEOPLE_SHOWN,
        },
    )


def _details(row, labels) -> str:
    parts = [row["name"], labels.get(row["job_role"], row["job_role"])]
    if row["team"]:
        parts.append(row["team"])
    return ", ".join(parts)


@report_view
@require_http_methods(["GET", "POST"])
def headcount(request, agency):
    agency = _her_agency(request, agency)
    form = HeadcountForm(request.POST if request.method == "POST" else None, agency=agency)
    if request.method == "POST" and form.is_valid():
        total = form.save(request.user)
        messages.success(request, f"{agency.name}'s headcount is saved: {total:,} staff.")
        return redirect("workforce:index")
    total = Headcount.objects.filter(agency=agency).aggregate(total=Sum("staff"))["total"]
    return render(request, "workforce/headcount.html", {"agency": agency, "form": form, "total": total})
