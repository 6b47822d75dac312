"""The "Add to calendar" download: the invitation of a session the signed-in person has a
place on, the same file her confirmation email carried (updated to the latest change).

Only a confirmed place gets one: a calendar entry for a waiting-list place or an offer not
yet taken would read as a place she does not have. Anyone else (signed in, but without a
place; another person's session; a session not published) gets a 404, so the address says
nothing about who is booked."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from training import calendar
from training.models import Booking


@require_GET
@login_required
@never_cache
def session_calendar(request, pk):
    booking = (
        Booking.objects.filter(
            session_id=pk, session__live=True, person=request.user, status=Booking.Status.BOOKED
        )
        .select_related("person", "session__course")
        .first()
    )
    if booking is None:
        raise Http404("No place on this session.")
    method = calendar.CANCEL if booking.session.cancelled else calendar.REQUEST
    response = HttpResponse(calendar.invitation(booking, method), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="training-session-{pk}.ics"'
    return response


urlpatterns = [
    path("sessions/<int:pk>/calendar.ics", session_calendar, name="session_calendar"),
]
