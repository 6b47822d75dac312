"""The impact follow-up: the survey a learner answers from her email link, and the "Impact on
practice" tab of the leads' Reports."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from courses.decorators import report_view
from courses.models import PartnershipManager
from courses.reporting.views import figures_page, figures_scope
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

    def figures(scope):
        notes = None
        if PartnershipManager.objects.filter(user=request.user).exists():
            pages = Paginator(service.notes(scope.agencies, scope.period, scope.course), NOTES_PER_PAGE)
            notes = pages.get_page(request.GET.get("page"))
        params = request.GET.copy()
        params.pop("page", None)
        return service.figures(*scope.figures_args), {"notes": notes, "page_query": params.urlencode()}

    return figures_page(
        request,
        figures_scope(request),
        TITLE,
        "impact-on-practice",
        "training/follow_up/report.html",
        service.people,
        figures,
    )


urlpatterns = [
    path("follow-up/<int:pk>/", survey, name="follow_up"),
    path("follow-up/<int:pk>/thanks/", thanks, name="follow_up_thanks"),
    path("leads/reports/impact/", report, name="report_impact"),
]
