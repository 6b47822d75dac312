"""Single-agency returns: a lead records the training her agency ran itself, changes or
deletes it until its quarter closes, and sees her agencies' returns; the partnership manager
sees every agency's, and downloads them. The rules are in `training.returns`; these views
scope them to the agencies the viewer leads (`courses.scoping`): 403 for anyone else, 404 for
another agency's return."""

import csv
import io

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods
from openpyxl import Workbook

from cms.models import Agency
from courses.decorators import report_view
from courses.exports import download
from courses.models import JobRole
from courses.reporting.tables import Column, Table
from courses.reports import british
from courses.scoping import require_report_viewer
from privacy import audit
from training import returns
from training.forms_returns import LIST, NUMBERS, ReturnForm, material_formset, new_token
from training.models import SingleAgencyReturn

PER_PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIST_SESSION_KEY = "training-return-list:{}"
JOB_ROLES = dict(JobRole.choices)


def _status(training_return) -> str:
    closes = british(returns.quarter_closes(training_return.delivered_on))
    return f"Open until {closes}" if returns.editable(training_return) else f"Closed on {closes}"


DATE = Column(
    "delivered_on",
    "Date delivered",
    value=lambda r: british(r.delivered_on),
    link=lambda r: reverse("training:return", args=[r.pk]),
)
AGENCY = Column("agency", "Agency", value=lambda r: r.agency.name)
TAUGHT = Column("taught", "Course or topic", value=returns.what_was_taught)
FORMAT = Column("format", "How it was delivered", value=lambda r: r.get_delivery_format_display())
TRAINER = Column("trainer", "Trainer", value=lambda r: r.trainer)
TRAINED = Column(
    "trained",
    "Number trained",
    definition="The staff the training reached, as the return gives them: the numbers by job role added up, "
    "or the people on its list.",
    type=int,
    value=lambda r: r.trained,
)
COUNTED = Column(
    "counted_as", "Counted as", value=lambda r: "List of people" if r.listed else "Numbers by job role"
)
MATERIALS = Column("materials", "Materials distributed", value=returns.materials_text)
IMPACT = Column("impact", "Impact on practice", value=lambda r: r.impact)
STATUS = Column("status", "Can be changed", value=_status)

# The page shows what a list needs; the download has every detail. Neither names anyone trained.
PAGE_TABLE = Table(
    "returns",
    "Single-agency returns",
    (DATE, AGENCY, TAUGHT, FORMAT, TRAINED, STATUS),
    empty="No returns match.",
)
DOWNLOAD_TABLE = Table(
    "returns",
    "Single-agency returns",
    (DATE, AGENCY, TAUGHT, FORMAT, TRAINER, TRAINED, COUNTED, MATERIALS, IMPACT, STATUS),
    definition=TRAINED.definition,
)


def _visible(request):
    """The returns of the agencies she leads (every agency's for the partnership manager)."""
    agencies = require_report_viewer(request.user)
    return agencies, SingleAgencyReturn.objects.filter(agency__in=agencies)


def _hers(request, pk) -> SingleAgencyReturn:
    _, visible = _visible(request)
    return get_object_or_404(visible.select_related("agency", "course", "created_by", "updated_by"), pk=pk)


@report_view
def index(request):
    agencies, visible = _visible(request)
    agencies = list(agencies.order_by("sort_order", "name"))
    agency = next((a for a in agencies if a.code == request.GET.get("agency")), None)
    quarter = returns.quarter_from(request.GET.get("quarter"))
    if agency:
        visible = visible.filter(agency=agency)
    if quarter:
        visible = visible.filter(delivered_on__range=(quarter.start, quarter.end))
    chosen = returns.with_numbers(visible.order_by("-delivered_on", "-pk"))
    kind = request.GET.get("download")
    if kind in ("csv", "xlsx"):
        about = [
            ["Report", "Single-agency returns"],
            ["Agencies", agency.name if agency else ", ".join(a.name for a in agencies)],
            ["Quarter", quarter.label if quarter else "All quarters"],
            ["Made on", british(returns.today())],
            ["Number trained", TRAINED.definition],
        ]
        codes = [agency.code] if agency else [a.code for a in agencies]
        if len(codes) > 1 and len(codes) == Agency.objects.count():
            codes = ["all-agencies"]
        name = f"single-agency-returns_{'-'.join(codes)}_{quarter.slug if quarter else 'all-quarters'}"
        return download([DOWNLOAD_TABLE.fill(chosen)], about, f"{name}_made-{returns.today():%Y-%m-%d}", kind)
    page = Paginator(chosen, PER_PAGE).get_page(request.GET.get("page"))
    filters = request.GET.copy()
    filters.pop("page", None)
    return render(
        request,
        "training/returns/index.html",
        {
            "table": PAGE_TABLE.fill(page.object_list),
            "page": page,
            "agencies": agencies,
            "agency": agency,
            "quarters": returns.recent_quarters(),
            "quarter": quarter,
            "query": filters.urlencode(),
            "trained_definition": TRAINED.definition,
        },
    )


@report_view
def detail(request, pk):
    training_return = _hers(request, pk)
    attendees = list(training_return.attendees.order_by("name", "pk"))
    if attendees:
        audit.log_by_email(
            request.user,
            [person.email for person in attendees],
            audit.VIEWED,
            f"Single-agency return {training_return.pk}: the people trained",
        )
    return render(
        request,
        "training/returns/detail.html",
        {
            "training_return": training_return,
            "attendees": [(person, JOB_ROLES[person.job_role]) for person in attendees],
            "headcounts": list(training_return.headcounts.order_by("job_role")),
            "materials": list(training_return.materials.order_by("pk")),
            "editable": returns.editable(training_return),
            "closed_message": returns.closed_message(training_return),
            "closes": returns.quarter_closes(training_return.delivered_on),
        },
    )


@report_view
@require_http_methods(["GET", "POST"])
def new(request):
    agencies, _ = _visible(request)
    return _form(request, agencies, None)


@report_view
@require_http_methods(["GET", "POST"])
def change(request, pk):
    agencies, _ = _visible(request)
    return _form(request, agencies, _hers(request, pk))


def _refused_as_closed(request, training_return):
    """A change or deletion that arrives after the quarter closed: nothing is written."""
    messages.error(request, f"{returns.closed_message(training_return)} Nothing was changed.")
    response = detail(request, training_return.pk)
    response.status_code = 403
    return response


def _form(request, agencies, training_return):
    if training_return is not None and not returns.editable(training_return):
        if request.method == "POST":
            return _refused_as_closed(request, training_return)
        messages.info(request, returns.closed_message(training_return))
        return redirect("training:return", pk=training_return.pk)
    if request.method != "POST":
        form = ReturnForm(agencies=agencies, instance=training_return)
        return _render_form(request, form, material_formset(instance=training_return))

    token = request.POST.get("token", "")
    list_key = LIST_SESSION_KEY.format(token)
    form = ReturnForm(
        request.POST,
        request.FILES,
        agencies=agencies,
        instance=training_return,
        previewed=request.session.get(list_key),
    )
    materials = material_formset(request.POST, instance=training_return)
    valid = form.is_valid()
    valid = materials.is_valid() and valid  # both checked, so every problem is listed at once
    if form.uploaded is not None:
        # A list is only saved after it has been seen: keep it under this form's token.
        request.session[list_key] = form.uploaded
        form.previewed = form.uploaded
        count = len(form.uploaded)
        messages.info(
            request,
            f"Check the {count:,} {'person' if count == 1 else 'people'} on the list below, "
            "then save the return. Nothing has been saved yet.",
        )
        return _render_form(request, form, materials)
    if not valid:
        return _render_form(request, form, materials)

    already = returns.claim_form(request.user, form.cleaned_data["token"])
    if already is not None:
        messages.info(request, "This return was saved already: it is below.")
        return redirect(already or reverse("training:returns"))
    counted_as = form.cleaned_data["counted_as"]
    agency = form.fixed_agency or form.cleaned_data["agency"]
    try:
        saved = returns.save_return(
            form.filled_return(agency),
            request.user,
            headcounts=form.cleaned_data["headcounts"] if counted_as == NUMBERS else None,
            attendees=form.attendees if counted_as == LIST else None,
            materials=materials.items(),
        )
    except returns.Closed:
        returns.release_form(request.user, token)
        return _refused_as_closed(request, training_return)
    except BaseException:
        returns.release_form(request.user, token)
        raise
    where = reverse("training:return", args=[saved.pk])
    returns.form_done(request.user, token, where)
    request.session.pop(list_key, None)
    messages.success(request, "The return is saved." if training_return else "The return is recorded.")
    return redirect(where)


def _render_form(request, form, materials):
    previewed = form.previewed if form["counted_as"].value() == LIST else None
    if previewed:
        audit.log_by_email(
            request.user,
            [row["email"] for row in previewed],
            audit.VIEWED,
            "Single-agency return: the list of people uploaded, for checking",
        )
    shown = form.list_problems[: returns.PROBLEMS_SHOWN]
    problems = [(message, "id_file") for message in shown]
    more = len(form.list_problems) - len(shown)
    if more:
        problems.append(
            (f"And {more:,} more problem{pluralize(more)}: fix these and upload the file again.", "")
        )
    problems += [
        (error, f"id_{material.prefix}-{name}")
        for material in materials.forms
        for name, errors in material.errors.items()
        for error in errors
    ]
    problems += [(error, "") for error in materials.non_form_errors()]
    return render(
        request,
        "training/returns/form.html",
        {
            "form": form,
            "materials": materials,
            "problems": problems,
            "training_return": form.instance if form.instance.pk else None,
            "previewed": [(row, JOB_ROLES[row["job_role"]]) for row in previewed or []],
        },
        status=400 if form.is_bound and (form.errors or problems) else 200,
    )


@report_view
@require_http_methods(["GET", "POST"])
def delete(request, pk):
    token = request.POST.get("token", "")
    if request.method == "POST" and token:
        already = returns.claim_form(request.user, token)
        if already is not None:
            messages.info(request, "The return was deleted already.")
            return redirect(already or reverse("training:returns"))
    try:
        training_return = _hers(request, pk)
    except Http404:
        if request.method == "POST" and token:
            returns.release_form(request.user, token)
        raise
    if not returns.editable(training_return):
        if request.method == "POST":
            returns.release_form(request.user, token)
            return _refused_as_closed(request, training_return)
        messages.info(request, returns.closed_message(training_return))
        return redirect("training:return", pk=training_return.pk)
    if request.method == "POST":
        if not token:
            messages.error(request, "The form could not be read: nothing was deleted. Try again.")
            return redirect("training:return_delete", pk=pk)
        try:
            returns.delete_return(training_return)
        except returns.Closed:
            returns.release_form(request.user, token)
            return _refused_as_closed(request, training_return)
        returns.form_done(request.user, token, reverse("training:returns"))
        messages.success(request, f"The return of {british(training_return.delivered_on)} is deleted.")
        return redirect("training:returns")
    return render(
        request,
        "training/returns/delete.html",
        {"training_return": training_return, "token": new_token()},
    )


@report_view
def template(request, kind):
    """The list's template, as CSV or XLSX: its headings and an example row."""
    require_report_viewer(request.user)
    if kind not in ("csv", "xlsx"):
        raise Http404
    rows = [returns.COLUMNS, ["Jo Bloggs", "jo.bloggs@example.org", JobRole.HOUSING.label]]
    if kind == "csv":
        text = io.StringIO()
        csv.writer(text).writerows(rows)
        response = HttpResponse("\ufeff" + text.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        book = Workbook()
        for row in rows:
            book.active.append(row)
        data = io.BytesIO()
        book.save(data)
        response = HttpResponse(data.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="people-trained-template.{kind}"'
    return response


urlpatterns = [
    path("returns/", index, name="returns"),
    path("returns/new/", new, name="return_new"),
    path("returns/template.<str:kind>", template, name="return_template"),
    path("returns/<int:pk>/", detail, name="return"),
    path("returns/<int:pk>/change/", change, name="return_change"),
    path("returns/<int:pk>/delete/", delete, name="return_delete"),
]
