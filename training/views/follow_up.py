"""The impact follow-up: the survey a learner answers from her email link, and the "Impact on
practice" tab of the leads' Reports."""

from functools import partial

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from courses.decorators import report_view
from courses.models import PartnershipManager
from courses.reporting.views import export, figures_scope, filter_context, period_problem
from courses.reports import FEW_LEFT_OUT, few_left_out
from training import follow_up as service
from training.forms_follow_up import FollowUpForm
from training.models import FollowUp

TITLE = "Impact on practice"
NOTES_PER_PAGE = 20


def _own(request: HttpRequest, pk: int) -> FollowUp:
    """The signed-in learner's own follow-up; anyone else's is a 404."""
    return get_object_or_404(
        FollowUp.objects.select_related("completion"), pk=pk, completion__learner=request.user
    )


@login_required
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = _own(request, pk)
    if follow_up.answered_at:
        return render(request, "training/follow_up/answered.html", {"follow_up": follow_up})
    form = FollowUpForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        if not service.answer(follow_up, **form.cleaned_data):  # answered meanwhile, in another tab
            follow_up.refresh_from_db()
            return render(request, "training/follow_up/answered.html", {"follow_up": follow_up})
        return redirect("training:follow_up_thanks", pk=follow_up.pk)
    return render(request, "training/follow_up/survey.html", {"follow_up": follow_up, "form": form})


@login_required
def thanks(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "training/follow_up/thanks.html", {"follow_up": _own(request, pk)})


@report_view
def report(request: HttpRequest) -> HttpResponse:
    """The follow-up figures, and for the partnership manager alone the notes people wrote:
    a lead of a small agency could tell who wrote a note from its course and month."""
    agencies, period, problem, course, job_role = figures_scope(request)
    if problem:
        return period_problem(request, TITLE, agencies, problem, course, job_role)
    if few_left_out(partial(service.people, agencies, period), course, job_role):
        return period_problem(request, TITLE, agencies, FEW_LEFT_OUT, course, job_role, "course")
    tables = service.figures(agencies, period, course, job_role)
    kind = request.GET.get("export")
    if kind in ("csv", "xlsx"):
        scope = (agencies, period.label, period.slug, course, job_role)
        return export(kind, TITLE, "impact-on-practice", tables, *scope, note=period.note)
    notes = None
    if PartnershipManager.objects.filter(user=request.user).exists():
        pages = Paginator(service.notes(agencies, period, course), NOTES_PER_PAGE)
        notes = pages.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "training/follow_up/report.html",
        {
            "agencies": agencies,
            "tables": tables,
            "notes": notes,
            "page_query": params.urlencode(),
            **filter_context(request, period, problem, course, job_role),
        },
    )


urlpatterns = [
    path("follow-up/<int:pk>/", survey, name="follow_up"),
    path("follow-up/<int:pk>/thanks/", thanks, name="follow_up_thanks"),
    path("leads/reports/impact/", report, name="report_impact"),
]
