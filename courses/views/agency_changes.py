"""Changes of agency waiting for approval: a learner asks to move on her profile, and a lead
of the agency she asks to join (or an administrator) approves or declines the move here."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from courses import services
from courses.decorators import report_view
from courses.models import AgencyChangeRequest
from courses.scoping import approver_agencies

DECISIONS = {"approve": True, "decline": False}


@report_view
@require_http_methods(["GET", "POST"])
def agency_changes(request):
    agencies = approver_agencies(request.user)
    if not agencies.exists():
        raise PermissionDenied("Changes of agency are approved by a lead of the agency asked for.")
    waiting = (
        AgencyChangeRequest.objects.filter(agency__in=agencies, status=AgencyChangeRequest.Status.PENDING)
        .select_related("learner", "agency", "from_agency")
        .order_by("requested_at", "pk")
    )
    if request.method == "POST":
        number = request.POST.get("request", "")
        change = waiting.filter(pk=int(number)).first() if number.isdigit() and len(number) < 10 else None
        decision = request.POST.get("decision")
        if change is None or decision not in DECISIONS:
            messages.error(request, "That request is no longer waiting for you: nothing was changed.")
        else:
            try:
                services.decide_agency_change(change, DECISIONS[decision], request.user)
            except services.JourneyError as error:
                messages.error(request, str(error))
            else:
                name = change.learner.get_full_name()
                messages.success(
                    request,
                    f"{name} is now in {change.agency.name}."
                    if DECISIONS[decision]
                    else f"{name} stays in {change.from_agency.name}.",
                )
        return redirect("courses:agency_changes")
    return render(request, "courses/reports/agency_changes.html", {"waiting": waiting, "agencies": agencies})
